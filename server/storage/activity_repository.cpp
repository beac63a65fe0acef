#include "storage/activity_repository.h"

#include "storage/json_column.h"

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

QString whereOf(const std::optional<QString> &itemId)
{
    return itemId ? u" WHERE a.project_id = ? AND a.scope = ? AND a.item_id = ?"_s
                  : u" WHERE a.project_id = ? AND a.scope = ?"_s;
}

QVariantList valuesOf(qint64 projectId, const QString &scope, const std::optional<QString> &itemId)
{
    QVariantList values{projectId, scope};
    if (itemId)
        values.append(*itemId);
    return values;
}

} // namespace

void ActivityRepository::insert(const QString &uuid, qint64 projectId, const QString &scope,
                                const QString &itemId, const QString &activity, qint64 userId,
                                const QJsonObject &detail, const QString &createdAt)
{
    m_db.exec(u"INSERT INTO activity_log (uuid, project_id, scope, item_id, activity, user_id, "
              "detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_s,
              {uuid, projectId, scope, itemId, activity,
               userId > 0 ? QVariant(userId) : QVariant(QMetaType(QMetaType::LongLong)),
               jsonColumn(detail), createdAt});
}

qint64 ActivityRepository::count(qint64 projectId, const QString &scope,
                                 const std::optional<QString> &itemId) const
{
    return m_db
        .scalar(u"SELECT COUNT(*) FROM activity_log a"_s + whereOf(itemId),
                valuesOf(projectId, scope, itemId))
        ->toLongLong();
}

QList<StoredActivity> ActivityRepository::entries(qint64 projectId, const QString &scope,
                                                  const std::optional<QString> &itemId,
                                                  qint64 limit, qint64 offset) const
{
    QSqlQuery q = m_db.exec(
        u"SELECT a.uuid, a.activity, a.scope, a.item_id, a.detail, a.created_at, a.user_id, "
        "u.first_name, u.email FROM activity_log a LEFT JOIN users u ON u.id = a.user_id"_s +
            whereOf(itemId) + u" ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?"_s,
        valuesOf(projectId, scope, itemId) + QVariantList{limit, offset});
    QList<StoredActivity> entries;
    while (q.next())
        entries.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                        q.value(3).toString(), q.value(4).toByteArray(), q.value(5).toString(),
                        q.value(6).isNull(), q.value(7).toString(), q.value(8).toString()});
    return entries;
}

} // namespace bunting::server
