#include "activity_log.h"

#include "timestamps.h"

#include <QJsonDocument>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

bool truthy(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return v.toBool();
    case QJsonValue::Double:
        return v.toDouble() != 0;
    case QJsonValue::String:
        return !v.toString().isEmpty();
    case QJsonValue::Array:
        return !v.toArray().isEmpty();
    case QJsonValue::Object:
        return !v.toObject().isEmpty();
    default:
        return false;
    }
}

// PostHog names a flag edit by its `deleted` change, whatever else the edit changed.
QString resolveFlagActivity(const QString &activity, const QJsonArray &changes)
{
    for (const QJsonValue &change : changes) {
        const QJsonObject c = change.toObject();
        if (c.value("field"_L1) != "deleted"_L1)
            continue;
        if (truthy(c.value("after"_L1)))
            return u"deleted"_s;
        if (truthy(c.value("before"_L1)))
            return u"restored"_s;
    }
    return activity;
}

// DRF's serializers copy the keys a stored object has and skip those it lacks, so a stored
// detail is served with exactly the keys PostHog would serve for it.
QJsonValue pick(const QJsonValue &stored, std::initializer_list<QLatin1StringView> keys)
{
    if (!stored.isObject())
        return QJsonValue();
    const QJsonObject in = stored.toObject();
    QJsonObject out;
    for (QLatin1StringView key : keys)
        if (in.contains(key))
            out.insert(key, in.value(key));
    return out;
}

// A CharField serves str() of what it holds.
QJsonValue charField(const QJsonValue &v)
{
    if (v.isDouble())
        return v.toDouble() == double(v.toInteger()) ? QString::number(v.toInteger())
                                                     : QString::number(v.toDouble());
    if (v.isBool())
        return v.toBool() ? u"True"_s : u"False"_s;
    return v;
}

QJsonValue serializeDetail(const QJsonValue &stored)
{
    if (!stored.isObject())
        return QJsonValue();
    const QJsonObject in = stored.toObject();
    QJsonObject out;
    for (QLatin1StringView key : {"id"_L1, "name"_L1, "short_id"_L1, "type"_L1})
        if (in.contains(key))
            out.insert(key, charField(in.value(key)));
    if (in.contains("changes"_L1)) {
        const QJsonValue changes = in.value("changes"_L1);
        if (changes.isArray()) {
            QJsonArray served;
            for (const QJsonValue &change : changes.toArray()) {
                QJsonObject c =
                    pick(change, {"type"_L1, "action"_L1, "field"_L1, "before"_L1, "after"_L1})
                        .toObject();
                for (QLatin1StringView key : {"type"_L1, "action"_L1, "field"_L1})
                    if (c.contains(key))
                        c.insert(key, charField(c.value(key)));
                served.append(c);
            }
            out.insert("changes"_L1, served);
        } else {
            out.insert("changes"_L1, QJsonValue());
        }
    }
    if (in.contains("merge"_L1))
        out.insert("merge"_L1, pick(in.value("merge"_L1), {"type"_L1, "source"_L1, "target"_L1}));
    if (in.contains("trigger"_L1))
        out.insert("trigger"_L1,
                   pick(in.value("trigger"_L1), {"job_type"_L1, "job_id"_L1, "payload"_L1}));
    return out;
}

QJsonObject serializeUser(const QSqlQuery &row)
{
    if (row.value(u"user_id"_s).isNull())
        return {{u"first_name"_s, u"System"_s}, {u"email"_s, QJsonValue()}, {u"is_system"_s, true}};
    // A user since removed: DRF serves the empty form of the user then.
    return {{u"first_name"_s, row.value(u"first_name"_s).toString()},
            {u"email"_s, row.value(u"email"_s).toString()}};
}

} // namespace

void ActivityLog::record(qint64 projectId, const QString &scope, qint64 itemId,
                         const QString &activity, qint64 userId, const QString &name,
                         const QJsonArray &changes)
{
    // PostHog's Detail: the fields it stores for every entry, in the order it writes them.
    const QJsonObject detail{
        {u"name"_s, name},       {u"short_id"_s, QJsonValue()}, {u"type"_s, QJsonValue()},
        {u"changes"_s, changes}, {u"trigger"_s, QJsonValue()},  {u"context"_s, QJsonValue()}};
    const QString resolved =
        scope == "FeatureFlag"_L1 ? resolveFlagActivity(activity, changes) : activity;
    m_db.exec(u"INSERT INTO activity_log (uuid, project_id, scope, item_id, activity, user_id, "
              "detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_s,
              {QUuid::createUuid().toString(QUuid::WithoutBraces), projectId, scope,
               QString::number(itemId), resolved,
               userId > 0 ? QVariant(userId) : QVariant(QMetaType(QMetaType::LongLong)),
               QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Compact)),
               nowTimestamp()});
}

std::optional<ActivityPage> ActivityLog::page(qint64 projectId, const QString &scope,
                                              const std::optional<QString> &itemId, qint64 limit,
                                              qint64 page) const
{
    Q_ASSERT(limit >= 1 && page >= 1);
    const QString where = itemId ? u" WHERE a.project_id = ? AND a.scope = ? AND a.item_id = ?"_s
                                 : u" WHERE a.project_id = ? AND a.scope = ?"_s;
    QVariantList values{projectId, scope};
    if (itemId)
        values.append(*itemId);

    ActivityPage result;
    result.totalCount =
        m_db.scalar(u"SELECT COUNT(*) FROM activity_log a"_s + where, values)->toLongLong();
    const qint64 pages =
        std::max<qint64>(1, result.totalCount / limit + (result.totalCount % limit != 0 ? 1 : 0));
    if (page > pages)
        return std::nullopt;
    result.hasNext = page < pages;
    result.hasPrevious = page > 1;

    // Entries written within the same millisecond keep the order they were written in.
    QSqlQuery q = m_db.exec(
        u"SELECT a.uuid, a.activity, a.scope, a.item_id, a.detail, a.created_at, a.user_id, "
        "u.first_name, u.email FROM activity_log a LEFT JOIN users u ON u.id = a.user_id"_s +
            where + u" ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?"_s,
        values + QVariantList{limit, (page - 1) * limit});
    while (q.next()) {
        const QJsonDocument detail = QJsonDocument::fromJson(q.value(u"detail"_s).toByteArray());
        result.results.append(QJsonObject{
            {u"id"_s, q.value(u"uuid"_s).toString()},
            {u"user"_s, serializeUser(q)},
            {u"activity"_s, q.value(u"activity"_s).toString()},
            {u"scope"_s, q.value(u"scope"_s).toString()},
            {u"item_id"_s, q.value(u"item_id"_s).toString()},
            {u"detail"_s,
             serializeDetail(detail.isObject() ? QJsonValue(detail.object()) : QJsonValue())},
            {u"created_at"_s, q.value(u"created_at"_s).toString()},
        });
    }
    return result;
}

} // namespace bunting::server
