#include "storage/project_repository.h"

using namespace Qt::StringLiterals;

namespace bunting::server {

std::optional<StoredProject> ProjectRepository::find(qint64 projectId) const
{
    QSqlQuery row = m_db.exec(
        u"SELECT id, name, organization_id, api_token, created_at FROM projects WHERE id = ?"_s,
        {projectId});
    if (!row.next())
        return std::nullopt;
    return StoredProject{row.value(0).toLongLong(), row.value(1).toString(),
                         row.value(2).toLongLong(), row.value(3).toString(),
                         row.value(4).toString()};
}

bool ProjectRepository::exists(qint64 projectId) const
{
    return m_db.scalar(u"SELECT id FROM projects WHERE id = ?"_s, {projectId}).has_value();
}

bool ProjectRepository::any() const
{
    return m_db.scalar(u"SELECT id FROM projects"_s).has_value();
}

qint64 ProjectRepository::firstId() const
{
    return m_db.scalar(u"SELECT MIN(id) FROM projects"_s).value_or(0).toLongLong();
}

QList<qint64> ProjectRepository::ids() const
{
    QSqlQuery q = m_db.exec(u"SELECT id FROM projects ORDER BY id"_s);
    QList<qint64> ids;
    while (q.next())
        ids.append(q.value(0).toLongLong());
    return ids;
}

QList<StoredProject> ProjectRepository::all() const
{
    QSqlQuery row = m_db.exec(
        u"SELECT id, name, organization_id, api_token, created_at FROM projects ORDER BY id"_s);
    QList<StoredProject> projects;
    while (row.next())
        projects.append({row.value(0).toLongLong(), row.value(1).toString(),
                         row.value(2).toLongLong(), row.value(3).toString(),
                         row.value(4).toString()});
    return projects;
}

std::optional<qint64> ProjectRepository::idForToken(const QString &apiToken) const
{
    const auto id =
        m_db.scalar(u"SELECT id FROM projects WHERE api_token = ?"_s, {QVariant(apiToken)});
    if (!id)
        return std::nullopt;
    return id->toLongLong();
}

std::optional<QString> ProjectRepository::tokenOf(qint64 projectId) const
{
    const auto token =
        m_db.scalar(u"SELECT api_token FROM projects WHERE id = ?"_s, {QVariant(projectId)});
    if (!token)
        return std::nullopt;
    return token->toString();
}

qint64 ProjectRepository::firstOrganizationId() const
{
    return m_db.scalar(u"SELECT MIN(id) FROM organizations"_s).value_or(0).toLongLong();
}

qint64 ProjectRepository::insertOrganization(const QString &name, const QString &createdAt)
{
    return m_db
        .scalar(u"INSERT INTO organizations (name, created_at) VALUES (?, ?) RETURNING id"_s,
                {name, createdAt})
        ->toLongLong();
}

qint64 ProjectRepository::insert(qint64 organizationId, const QString &name,
                                 const QString &apiToken, const QString &createdAt)
{
    return m_db
        .scalar(u"INSERT INTO projects (organization_id, name, api_token, created_at) VALUES "
                "(?, ?, ?, ?) RETURNING id"_s,
                {organizationId, name, apiToken, createdAt})
        ->toLongLong();
}

} // namespace bunting::server
