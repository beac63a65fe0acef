#include "services/activity_log.h"

#include "storage/timestamps.h"

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

QJsonObject serializeUser(const StoredActivity &entry)
{
    if (entry.bySystem)
        return {{u"first_name"_s, u"System"_s}, {u"email"_s, QJsonValue()}, {u"is_system"_s, true}};
    // A user since removed: DRF serves the empty form of the user then.
    return {{u"first_name"_s, entry.userFirstName}, {u"email"_s, entry.userEmail}};
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
    m_store.insert(QUuid::createUuid().toString(QUuid::WithoutBraces), projectId, scope,
                   QString::number(itemId), resolved, userId, detail, nowTimestamp());
}

std::optional<ActivityPage> ActivityLog::page(qint64 projectId, const QString &scope,
                                              const std::optional<QString> &itemId, qint64 limit,
                                              qint64 page) const
{
    Q_ASSERT(limit >= 1 && page >= 1);
    ActivityPage result;
    result.totalCount = m_store.count(projectId, scope, itemId);
    const qint64 pages =
        std::max<qint64>(1, result.totalCount / limit + (result.totalCount % limit != 0 ? 1 : 0));
    if (page > pages)
        return std::nullopt;
    result.hasNext = page < pages;
    result.hasPrevious = page > 1;

    for (const StoredActivity &entry :
         m_store.entries(projectId, scope, itemId, limit, (page - 1) * limit)) {
        const QJsonDocument detail = QJsonDocument::fromJson(entry.detail);
        result.results.append(QJsonObject{
            {u"id"_s, entry.uuid},
            {u"user"_s, serializeUser(entry)},
            {u"activity"_s, entry.activity},
            {u"scope"_s, entry.scope},
            {u"item_id"_s, entry.itemId},
            {u"detail"_s,
             serializeDetail(detail.isObject() ? QJsonValue(detail.object()) : QJsonValue())},
            {u"created_at"_s, entry.createdAt},
        });
    }
    return result;
}

} // namespace bunting::server
