#include "storage/group_repository.h"

#include "storage/json_column.h"
#include "storage/timestamps.h"

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

QJsonValue nullable(const QString &text)
{
    return text.isNull() ? QJsonValue() : QJsonValue(text);
}

QString nullableText(const QVariant &value)
{
    return value.isNull() ? QString() : value.toString();
}

// A typed NULL: PostgreSQL wants to know the type of every parameter.
QVariant nullableText(const QString &text)
{
    return text.isNull() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(text);
}

} // namespace

QJsonObject GroupTypeMapping::toJson() const
{
    // Bunting keeps no group dashboards, column settings or creation times for group types.
    return {{u"group_type"_s, groupType},
            {u"group_type_index"_s, index},
            {u"name_singular"_s, nullable(nameSingular)},
            {u"name_plural"_s, nullable(namePlural)},
            {u"detail_dashboard"_s, QJsonValue()},
            {u"default_columns"_s, QJsonValue()},
            {u"created_at"_s, QJsonValue()}};
}

QList<GroupTypeMapping> GroupRepository::mappings(qint64 projectId) const
{
    QList<GroupTypeMapping> result;
    QSqlQuery q = m_db.exec(u"SELECT group_type_index, group_type, name_singular, name_plural FROM "
                            "group_type_mappings WHERE project_id = ? ORDER BY group_type_index"_s,
                            {projectId});
    while (q.next())
        result.append({q.value(0).toInt(), q.value(1).toString(), nullableText(q.value(2)),
                       nullableText(q.value(3))});
    return result;
}

QHash<int, QString> GroupRepository::mapping(qint64 projectId) const
{
    QHash<int, QString> result;
    for (const GroupTypeMapping &m : mappings(projectId))
        result.insert(m.index, m.groupType);
    return result;
}

std::optional<int> GroupRepository::indexOf(qint64 projectId, const QString &groupType) const
{
    const auto index = m_db.scalar(u"SELECT group_type_index FROM group_type_mappings WHERE "
                                   "project_id = ? AND group_type = ?"_s,
                                   {projectId, groupType});
    if (!index)
        return std::nullopt;
    return index->toInt();
}

std::optional<int> GroupRepository::ensureMapping(qint64 projectId, const QString &groupType)
{
    if (const auto existing = indexOf(projectId, groupType))
        return existing;
    const QList<GroupTypeMapping> taken = mappings(projectId);
    for (int index = 0; index < maxGroupTypes; ++index) {
        const bool used =
            std::any_of(taken.begin(), taken.end(),
                        [index](const GroupTypeMapping &m) { return m.index == index; });
        if (used)
            continue;
        m_db.exec(u"INSERT INTO group_type_mappings (project_id, group_type_index, group_type) "
                  "VALUES (?, ?, ?)"_s,
                  {projectId, index, groupType});
        typeAdded.send(projectId);
        return index;
    }
    return std::nullopt;
}

bool GroupRepository::updateNames(qint64 projectId, int index, const QString &nameSingular,
                                  const QString &namePlural)
{
    if (!m_db.scalar(u"SELECT group_type_index FROM group_type_mappings WHERE project_id = ? AND "
                     "group_type_index = ?"_s,
                     {projectId, index}))
        return false;
    m_db.exec(u"UPDATE group_type_mappings SET name_singular = ?, name_plural = ? WHERE "
              "project_id = ? AND group_type_index = ?"_s,
              {nullableText(nameSingular), nullableText(namePlural), projectId, index});
    return true;
}

void GroupRepository::updateNames(qint64 projectId, const QList<GroupTypeMapping> &mappings)
{
    m_db.transaction([&] {
        for (const GroupTypeMapping &m : mappings)
            updateNames(projectId, m.index, m.nameSingular, m.namePlural);
    });
}

std::optional<QJsonObject> GroupRepository::groupProperties(qint64 projectId, int index,
                                                            const QString &groupKey) const
{
    const auto text = m_db.scalar(u"SELECT properties FROM group_entities WHERE project_id = ? AND "
                                  "group_type_index = ? AND group_key = ?"_s,
                                  {projectId, index, groupKey});
    if (!text)
        return std::nullopt;
    return objectFromColumn(*text);
}

QJsonObject GroupRepository::updateGroup(qint64 projectId, int index, const QString &groupKey,
                                         const QJsonObject &set)
{
    const auto existing = groupProperties(projectId, index, groupKey);
    QJsonObject properties = existing.value_or(QJsonObject());
    for (auto it = set.begin(); it != set.end(); ++it)
        properties.insert(it.key(), it.value());
    const QString text = jsonColumn(properties);
    if (existing)
        m_db.exec(u"UPDATE group_entities SET properties = ? WHERE project_id = ? AND "
                  "group_type_index = ? AND group_key = ?"_s,
                  {text, projectId, index, groupKey});
    else
        m_db.exec(u"INSERT INTO group_entities (project_id, group_type_index, group_key, "
                  "properties, created_at) VALUES (?, ?, ?, ?, ?)"_s,
                  {projectId, index, groupKey, text, nowTimestamp()});
    return properties;
}

} // namespace bunting::server
