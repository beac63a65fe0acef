#include "flag_repository.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace bunting::server {

QString flagDocument(const FeatureFlag &flag)
{
    return QString::fromUtf8(QJsonDocument(flag.toJson()).toJson(QJsonDocument::Compact));
}

FeatureFlag flagFromDocument(const QString &document)
{
    return FeatureFlag::fromJson(QJsonDocument::fromJson(document.toUtf8()).object());
}

std::optional<FeatureFlag> FlagRepository::find(qint64 projectId, qint64 id) const
{
    const auto document = m_db.scalar(
        u"SELECT document FROM feature_flags WHERE project_id = ? AND id = ?"_s, {projectId, id});
    if (!document)
        return std::nullopt;
    return flagFromDocument(document->toString());
}

QList<FeatureFlag> FlagRepository::all(qint64 projectId, bool includeDeleted) const
{
    QSqlQuery q =
        m_db.exec(includeDeleted ? u"SELECT document FROM feature_flags WHERE project_id = ? "
                                   "ORDER BY id"_s
                                 : u"SELECT document FROM feature_flags WHERE project_id = ? AND "
                                   "deleted = 0 ORDER BY id"_s,
                  {projectId});
    QList<FeatureFlag> flags;
    while (q.next())
        flags.append(flagFromDocument(q.value(0).toString()));
    return flags;
}

std::optional<qint64> FlagRepository::liveIdForKey(qint64 projectId, const QString &key) const
{
    const auto id = m_db.scalar(
        u"SELECT id FROM feature_flags WHERE project_id = ? AND key = ? AND deleted = 0"_s,
        {projectId, key});
    if (!id)
        return std::nullopt;
    return id->toLongLong();
}

qint64 FlagRepository::insert(qint64 projectId, const FeatureFlag &flag, qint64 userId)
{
    const qint64 id =
        m_db.scalar(u"INSERT INTO feature_flags (project_id, key, name, active, deleted, version, "
                    "created_by_id, created_at, updated_at, document) VALUES (?, ?, ?, ?, ?, ?, "
                    "?, ?, ?, ?) RETURNING id"_s,
                    {projectId, flag.key, flag.name, int(flag.active), int(flag.deleted),
                     flag.version, userId, flag.createdAt, flag.updatedAt, u"{}"_s})
            ->toLongLong();
    FeatureFlag stored = flag;
    stored.id = id;
    m_db.exec(u"UPDATE feature_flags SET document = ? WHERE id = ?"_s, {flagDocument(stored), id});
    insertVersion(stored, userId);
    return id;
}

void FlagRepository::update(qint64 projectId, const FeatureFlag &flag, qint64 userId)
{
    m_db.exec(u"UPDATE feature_flags SET key = ?, name = ?, active = ?, deleted = ?, version = ?, "
              "updated_at = ?, document = ? WHERE project_id = ? AND id = ?"_s,
              {flag.key, flag.name, int(flag.active), int(flag.deleted), flag.version,
               flag.updatedAt, flagDocument(flag), projectId, flag.id});
    insertVersion(flag, userId);
}

void FlagRepository::insertVersion(const FeatureFlag &flag, qint64 userId)
{
    m_db.exec(u"INSERT INTO feature_flag_versions (flag_id, version, document, created_by_id, "
              "created_at) VALUES (?, ?, ?, ?, ?)"_s,
              {flag.id, flag.version, flagDocument(flag), userId, flag.updatedAt});
}

std::optional<FeatureFlag> FlagRepository::version(qint64 flagId, int version) const
{
    const auto document = m_db.scalar(
        u"SELECT document FROM feature_flag_versions WHERE flag_id = ? AND version = ?"_s,
        {flagId, version});
    if (!document)
        return std::nullopt;
    return flagFromDocument(document->toString());
}

} // namespace bunting::server
