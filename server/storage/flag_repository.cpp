#include "storage/flag_repository.h"

#include "storage/flag_list_filter.h"
#include "storage/json_column.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// Whether a compact flag document has a {"type": "flag"} property: the names_flags column.
bool namesFlags(const QString &document)
{
    return document.contains(u"\"type\":\"flag\""_s);
}

} // namespace

QString flagDocument(const FeatureFlag &flag)
{
    return jsonColumn(flag.toJson());
}

FeatureFlag flagFromDocument(const QString &document)
{
    return FeatureFlag::fromJson(objectFromColumn(document));
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

void FlagRepository::forEachLive(qint64 projectId,
                                 const std::function<void(FeatureFlag &&)> &visit) const
{
    QSqlQuery q = m_db.exec(
        u"SELECT document FROM feature_flags WHERE project_id = ? AND deleted = 0 ORDER BY id"_s,
        {projectId});
    while (q.next())
        visit(flagFromDocument(q.value(0).toString()));
}

qsizetype FlagRepository::liveCount(qint64 projectId) const
{
    const auto count = m_db.scalar(
        u"SELECT COUNT(*) FROM feature_flags WHERE project_id = ? AND deleted = 0"_s, {projectId});
    return count ? qsizetype(count->toLongLong()) : 0;
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

QHash<qint64, FlagRepository::VersionState> FlagRepository::versions(qint64 projectId) const
{
    QSqlQuery row = m_db.exec(
        u"SELECT id, version, deleted FROM feature_flags WHERE project_id = ?"_s, {projectId});
    QHash<qint64, VersionState> versions;
    while (row.next())
        versions.insert(row.value(0).toLongLong(),
                        {row.value(1).toInt(), row.value(2).toInt() != 0});
    return versions;
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
    const QString document = flagDocument(stored);
    m_db.exec(u"UPDATE feature_flags SET document = ?, names_flags = ? WHERE id = ?"_s,
              {document, int(namesFlags(document)), id});
    insertVersion(stored, userId, document);
    return id;
}

void FlagRepository::update(qint64 projectId, const FeatureFlag &flag, qint64 userId)
{
    const QString document = flagDocument(flag);
    m_db.exec(u"UPDATE feature_flags SET key = ?, name = ?, active = ?, deleted = ?, version = ?, "
              "updated_at = ?, document = ?, names_flags = ? WHERE project_id = ? AND id = ?"_s,
              {flag.key, flag.name, int(flag.active), int(flag.deleted), flag.version,
               flag.updatedAt, document, int(namesFlags(document)), projectId, flag.id});
    insertVersion(flag, userId, document);
}

void FlagRepository::insertVersion(const FeatureFlag &flag, qint64 userId, const QString &document)
{
    m_db.exec(u"INSERT INTO feature_flag_versions (flag_id, version, document, created_by_id, "
              "created_at) VALUES (?, ?, ?, ?, ?)"_s,
              {flag.id, flag.version, document, userId, flag.updatedAt});
}

void FlagRepository::rewriteCurrentVersion(qint64 projectId, const FeatureFlag &flag)
{
    const QString document = flagDocument(flag);
    m_db.exec(u"UPDATE feature_flags SET key = ?, name = ?, active = ?, deleted = ?, "
              "updated_at = ?, document = ?, names_flags = ? WHERE project_id = ? AND id = ?"_s,
              {flag.key, flag.name, int(flag.active), int(flag.deleted), flag.updatedAt, document,
               int(namesFlags(document)), projectId, flag.id});
    m_db.exec(u"UPDATE feature_flag_versions SET document = ? WHERE flag_id = ? AND version = ?"_s,
              {document, flag.id, flag.version});
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

std::optional<int> FlagRepository::lastVersionAt(qint64 flagId, const QString &createdAt) const
{
    const auto version = m_db.scalar(u"SELECT MAX(version) FROM feature_flag_versions WHERE "
                                     "flag_id = ? AND created_at <= ?"_s,
                                     {flagId, createdAt});
    if (!version || version->isNull())
        return std::nullopt;
    return version->toInt();
}

void FlagRepository::saveServerFields(qint64 projectId, const FeatureFlag &flag)
{
    m_db.exec(u"UPDATE feature_flags SET updated_at = ?, document = ? WHERE project_id = ? AND "
              "id = ?"_s,
              {flag.updatedAt, flagDocument(flag), projectId, flag.id});
}

void FlagRepository::advanceLastCalledAt(qint64 projectId, const QString &key,
                                         const QString &timestamp)
{
    // ISO 8601 UTC text of one fixed width sorts as the times do.
    QSqlQuery q = m_db.exec(u"SELECT id, document FROM feature_flags WHERE project_id = ? AND "
                            "key = ? AND deleted = 0 AND (last_called_at IS NULL OR "
                            "last_called_at < ?)"_s,
                            {projectId, key, timestamp});
    if (!q.next())
        return;
    const qint64 id = q.value(0).toLongLong();
    FeatureFlag flag = flagFromDocument(q.value(1).toString());
    q.finish();
    flag.lastCalledAt = timestamp;
    m_db.exec(u"UPDATE feature_flags SET last_called_at = ?, document = ? WHERE id = ?"_s,
              {timestamp, flagDocument(flag), id});
}

namespace {

// Ids per IN (...) list, well under SQLite's and PostgreSQL's limits on bound values.
constexpr qsizetype kIdsPerQuery = 500;

// SQL for a flag's last call (see FlagRecord) over a feature_flags row. flag_calls counts calls
// by key and UTC day: the start of the latest such day since the flag was created stands for it
// when no exact time was recorded that day (the start, so it never lies in the future).
const QString &lastCalledSql()
{
    static const QString latestDay =
        u"COALESCE((SELECT MAX(fc.day) FROM flag_calls fc WHERE fc.project_id = "
        "feature_flags.project_id AND fc.flag_key = feature_flags.key AND fc.calls > 0 AND "
        "fc.day >= SUBSTR(feature_flags.created_at, 1, 10)) || 'T00:00:00.000000Z', '')"_s;
    static const QString sql = u"(CASE WHEN %1 > COALESCE(feature_flags.last_called_at, '') THEN "
                               "%1 ELSE feature_flags.last_called_at END)"_s.arg(latestDay);
    return sql;
}

QString placeholders(qsizetype count)
{
    QStringList marks(count, u"?"_s);
    return marks.join(u", "_s);
}

bool namesFlag(const QJsonValue &key, const QSet<qint64> &ids, QList<qint64> &named)
{
    QString text;
    if (key.isString())
        text = key.toString();
    else if (key.isDouble() && key.toDouble() == double(key.toInteger()))
        text = QString::number(key.toInteger());
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    // PostHog compares the key as text with the id, so "05" names no flag.
    if (!ok || text != QString::number(id) || !ids.contains(id))
        return false;
    if (!named.contains(id))
        named.append(id);
    return true;
}

} // namespace

QHash<qint64, FlagRecord> FlagRepository::records(qint64 projectId, const QList<qint64> &ids,
                                                  bool includeDeleted) const
{
    QHash<qint64, FlagRecord> found;
    for (qsizetype start = 0; start < ids.size(); start += kIdsPerQuery) {
        const QList<qint64> chunk = ids.mid(start, kIdsPerQuery);
        QVariantList binds{projectId};
        for (qint64 id : chunk)
            binds.append(id);
        QSqlQuery q =
            m_db.exec(u"SELECT id, document, %1 FROM feature_flags WHERE project_id = ? "
                      "AND id IN (%2)%3"_s.arg(lastCalledSql(), placeholders(chunk.size()),
                                               includeDeleted ? QString() : u" AND deleted = 0"_s),
                      binds);
        while (q.next())
            found.insert(q.value(0).toLongLong(),
                         {flagFromDocument(q.value(1).toString()), q.value(2).toString()});
    }
    return found;
}

FlagListPage FlagRepository::list(qint64 projectId, const FlagListFilter &query, qint64 offset,
                                  qint64 limit) const
{
    const FlagListFilter::Sql sql =
        query.sql(lastCalledSql(), QDateTime::currentDateTimeUtc(), m_db.isPostgres());
    const QString from = u" FROM feature_flags WHERE project_id = ? AND deleted = 0"_s + sql.where;
    QVariantList binds{projectId};
    binds += sql.binds;
    FlagListPage page;

    if (!query.checksRows()) {
        QSqlQuery q = m_db.exec(u"SELECT document, %1%2 ORDER BY %3 LIMIT ? OFFSET ?"_s.arg(
                                    lastCalledSql(), from, sql.orderBy),
                                binds + QVariantList{limit, offset});
        while (q.next())
            page.flags.append({flagFromDocument(q.value(0).toString()), q.value(1).toString()});
        // A short page is the last one, and tells the count itself: a search that matches few
        // of many flags then scans them once, not twice.
        const qint64 rows = page.flags.size();
        if (rows < limit && (rows > 0 || offset == 0))
            page.count = offset + rows;
        else
            page.count = m_db.scalar(u"SELECT COUNT(*)"_s + from, binds)->toLongLong();
        return page;
    }

    // Only the rows SQL kept are read, and a document is parsed only when a condition needs it.
    QString columns = u"SELECT id, key, name"_s;
    columns += query.needsLastCalled() ? u", "_s + lastCalledSql() : u", ''"_s;
    columns +=
        query.needsDocument()
            ? u", CASE WHEN %1 THEN document END"_s.arg(query.documentNeededSql(lastCalledSql()))
            : u", NULL"_s;
    QSqlQuery q = m_db.exec(columns + from + u" ORDER BY "_s + sql.orderBy, binds);
    QList<qint64> pageIds;
    while (q.next()) {
        std::optional<QJsonObject> document;
        const auto parse = [&]() -> const QJsonObject * {
            if (q.isNull(4))
                return nullptr;
            if (!document)
                document = objectFromColumn(q.value(4));
            return &*document;
        };
        if (!query.matches(q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                           parse))
            continue;
        if (page.count >= offset && page.count - offset < limit)
            pageIds.append(q.value(0).toLongLong());
        ++page.count;
    }
    const QHash<qint64, FlagRecord> found = records(projectId, pageIds, false);
    for (qint64 id : pageIds)
        if (found.contains(id))
            page.flags.append(found.value(id));
    return page;
}

QList<FlagRecord> FlagRepository::findMany(qint64 projectId, const QList<qint64> &ids,
                                           bool includeDeleted) const
{
    QList<FlagRecord> found = records(projectId, ids, includeDeleted).values();
    std::sort(found.begin(), found.end(), [](const FlagRecord &a, const FlagRecord &b) {
        if (a.flag.createdAt != b.flag.createdAt)
            return a.flag.createdAt > b.flag.createdAt;
        return a.flag.id > b.flag.id;
    });
    return found;
}

QString FlagRepository::lastCalledAt(qint64 projectId, qint64 id) const
{
    return m_db
        .scalar(
            u"SELECT %1 FROM feature_flags WHERE project_id = ? AND id = ?"_s.arg(lastCalledSql()),
            {projectId, id})
        .value_or(QVariant())
        .toString();
}

QList<std::pair<FeatureFlag, QList<qint64>>>
FlagRepository::dependents(qint64 projectId, const QSet<qint64> &ids) const
{
    QList<std::pair<FeatureFlag, QList<qint64>>> result;
    if (ids.isEmpty())
        return result;
    // Only the flags that name some flag (names_flags, from the index) are read and parsed.
    QSqlQuery q = m_db.exec(u"SELECT id, document FROM feature_flags WHERE project_id = ? AND "
                            "names_flags = 1 AND deleted = 0 AND active = 1 ORDER BY key"_s,
                            {projectId});
    while (q.next()) {
        if (ids.contains(q.value(0).toLongLong()))
            continue;
        const QJsonObject document = objectFromColumn(q.value(1));
        QList<qint64> named;
        const QJsonArray groups =
            document.value("filters"_L1).toObject().value("groups"_L1).toArray();
        for (const QJsonValue &group : groups)
            for (const QJsonValue &p : group.toObject().value("properties"_L1).toArray()) {
                const QJsonObject property = p.toObject();
                if (property.value("type"_L1).toString() == "flag"_L1)
                    namesFlag(property.value("key"_L1), ids, named);
            }
        if (!named.isEmpty())
            result.append({FeatureFlag::fromJson(document), named});
    }
    return result;
}

QList<std::pair<qint64, QString>> FlagRepository::liveKeys(qint64 projectId,
                                                           const QList<qint64> &ids) const
{
    QList<std::pair<qint64, QString>> keys;
    for (qsizetype start = 0; start < ids.size(); start += kIdsPerQuery) {
        const QList<qint64> chunk = ids.mid(start, kIdsPerQuery);
        QVariantList binds{projectId};
        for (qint64 id : chunk)
            binds.append(id);
        QSqlQuery q = m_db.exec(u"SELECT id, key FROM feature_flags WHERE project_id = ? AND "
                                "deleted = 0 AND id IN (%1)"_s.arg(placeholders(chunk.size())),
                                binds);
        while (q.next())
            keys.append({q.value(0).toLongLong(), q.value(1).toString()});
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
}

} // namespace bunting::server
