#include "storage/origin_repository.h"

#include "storage/json_column.h"

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

ProjectOrigin projectOrigin(const QSqlQuery &row)
{
    return {row.value(0).toLongLong(), row.value(1).toString(), row.value(2).toLongLong(),
            row.value(3).toString()};
}

} // namespace

std::optional<ProjectOrigin> OriginRepository::projectFor(const QString &host,
                                                          qint64 remoteProjectId) const
{
    QSqlQuery row = m_db.exec(u"SELECT project_id, host, remote_project_id, remote_name FROM "
                              "project_origins WHERE host = ? AND remote_project_id = ?"_s,
                              {host, remoteProjectId});
    if (!row.next())
        return std::nullopt;
    return projectOrigin(row);
}

std::optional<ProjectOrigin> OriginRepository::originOf(qint64 projectId) const
{
    QSqlQuery row = m_db.exec(u"SELECT project_id, host, remote_project_id, remote_name FROM "
                              "project_origins WHERE project_id = ?"_s,
                              {projectId});
    if (!row.next())
        return std::nullopt;
    return projectOrigin(row);
}

void OriginRepository::insertProject(const ProjectOrigin &origin, const QString &createdAt)
{
    m_db.exec(
        u"INSERT INTO project_origins (project_id, host, remote_project_id, remote_name, "
        "created_at) VALUES (?, ?, ?, ?, ?)"_s,
        {origin.projectId, origin.host, origin.remoteProjectId, origin.remoteName, createdAt});
}

QHash<qint64, ItemOrigin> OriginRepository::read(const QString &sql, const QVariant &argument) const
{
    QSqlQuery row = m_db.exec(sql, {argument});
    QHash<qint64, ItemOrigin> origins;
    while (row.next()) {
        ItemOrigin origin{row.value(0).toLongLong(),     row.value(1).toLongLong(),
                          row.value(2).toInt(),          objectFromColumn(row.value(3)),
                          row.value(4).toInt(),          row.value(5).toInt(),
                          objectFromColumn(row.value(6))};
        origins.insert(origin.remoteId, std::move(origin));
    }
    return origins;
}

QHash<qint64, ItemOrigin> OriginRepository::flags(qint64 projectId) const
{
    return read(u"SELECT flag_id, remote_id, remote_version, remote_object, local_version, "
                "base_version, base_object FROM flag_origins WHERE project_id = ?"_s,
                projectId);
}

std::optional<ItemOrigin> OriginRepository::flag(qint64 flagId) const
{
    const QHash<qint64, ItemOrigin> found =
        read(u"SELECT flag_id, remote_id, remote_version, remote_object, local_version, "
             "base_version, base_object FROM flag_origins WHERE flag_id = ?"_s,
             flagId);
    if (found.isEmpty())
        return std::nullopt;
    return *found.cbegin();
}

QHash<qint64, qint64> OriginRepository::ids(const QString &sql, qint64 projectId) const
{
    QSqlQuery row = m_db.exec(sql, {projectId});
    QHash<qint64, qint64> ids;
    while (row.next())
        ids.insert(row.value(0).toLongLong(), row.value(1).toLongLong());
    return ids;
}

QHash<qint64, qint64> OriginRepository::flagIds(qint64 projectId) const
{
    return ids(u"SELECT flag_id, remote_id FROM flag_origins WHERE project_id = ?"_s, projectId);
}

QHash<qint64, qint64> OriginRepository::flagLocalVersions(qint64 projectId) const
{
    return ids(u"SELECT flag_id, local_version FROM flag_origins WHERE project_id = ?"_s,
               projectId);
}

QHash<qint64, qint64> OriginRepository::cohortIds(qint64 projectId) const
{
    return ids(u"SELECT cohort_id, remote_id FROM cohort_origins WHERE project_id = ?"_s,
               projectId);
}

QHash<qint64, ItemOrigin> OriginRepository::cohorts(qint64 projectId) const
{
    return read(u"SELECT cohort_id, remote_id, 0, remote_object, 0, 0, NULL FROM cohort_origins "
                "WHERE project_id = ?"_s,
                projectId);
}

void OriginRepository::putFlag(qint64 projectId, const ItemOrigin &origin)
{
    m_db.exec(u"INSERT INTO flag_origins (flag_id, project_id, remote_id, remote_version, "
              "remote_object, local_version, base_version, base_object) VALUES (?, ?, ?, ?, ?, "
              "?, ?, ?) ON CONFLICT (flag_id) DO UPDATE SET remote_id = excluded.remote_id, "
              "remote_version = excluded.remote_version, remote_object = excluded.remote_object, "
              "local_version = excluded.local_version, base_version = excluded.base_version, "
              "base_object = excluded.base_object"_s,
              {origin.localId, projectId, origin.remoteId, origin.remoteVersion,
               jsonColumn(origin.remoteObject), origin.localVersion, origin.baseVersion,
               jsonColumn(origin.baseObject)});
}

void OriginRepository::putCohort(qint64 projectId, const ItemOrigin &origin)
{
    m_db.exec(u"INSERT INTO cohort_origins (cohort_id, project_id, remote_id, remote_object) "
              "VALUES (?, ?, ?, ?) ON CONFLICT (cohort_id) DO UPDATE SET remote_id = "
              "excluded.remote_id, remote_object = excluded.remote_object"_s,
              {origin.localId, projectId, origin.remoteId, jsonColumn(origin.remoteObject)});
}

void OriginRepository::removeFlag(qint64 flagId)
{
    m_db.exec(u"DELETE FROM flag_origins WHERE flag_id = ?"_s, {flagId});
}

} // namespace bunting::server
