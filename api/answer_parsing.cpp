#include "answer_parsing.h"

#include <cmath>
#include <optional>

using namespace Qt::StringLiterals;

namespace bunting::api::answers {

namespace {

QString kindOf(const QJsonValue &json)
{
    switch (json.type()) {
    case QJsonValue::Object:
        return u"an object"_s;
    case QJsonValue::Array:
        return u"a list"_s;
    case QJsonValue::String:
        return u"text"_s;
    case QJsonValue::Double:
        return u"a number"_s;
    case QJsonValue::Bool:
        return u"true or false"_s;
    case QJsonValue::Null:
        return u"null"_s;
    case QJsonValue::Undefined:
        break;
    }
    return u"nothing"_s;
}

[[noreturn]] void invalid(const QString &reason)
{
    throw InvalidAnswer{reason};
}

QJsonArray array(const QJsonValue &json, const QString &what)
{
    if (!json.isArray())
        invalid(u"expected %1, got %2"_s.arg(what, kindOf(json)));
    return json.toArray();
}

// Ids are JSON numbers in PostHog's answers, but some keys of objects (bulk_keys) and some
// echoes of the request (bulk_delete's errors) carry them as text.
std::optional<qint64> integer(const QJsonValue &value)
{
    if (value.isDouble()) {
        const double d = value.toDouble();
        if (d == std::trunc(d) && std::fabs(d) < 9.0e15)
            return qint64(d);
        return std::nullopt;
    }
    if (value.isString()) {
        bool ok = false;
        const qint64 n = value.toString().toLongLong(&ok);
        if (ok)
            return n;
    }
    return std::nullopt;
}

qint64 requiredId(const QJsonObject &object, const QString &what)
{
    const auto id = integer(object.value("id"_L1));
    if (!id)
        invalid(u"%1 without an id"_s.arg(what));
    return *id;
}

// Activity ids are UUIDs and item ids text in PostHog; some servers write numbers.
QString text(const QJsonValue &value)
{
    if (value.isDouble())
        return QString::number(value.toInteger());
    return value.toString();
}

// A secondary list of an answer (refusals, skips): absent means none.
QJsonArray optionalArray(const QJsonValue &json, const QString &what)
{
    return json.isUndefined() || json.isNull() ? QJsonArray() : array(json, what);
}

QUrl link(const QJsonValue &value)
{
    return value.isString() ? QUrl(value.toString()) : QUrl();
}

} // namespace

QJsonObject object(const QJsonValue &json, const QString &what)
{
    if (!json.isObject())
        invalid(u"expected %1, got %2"_s.arg(what, kindOf(json)));
    return json.toObject();
}

QJsonObject anyObject(const QJsonValue &json)
{
    return object(json, u"an object"_s);
}

FeatureFlag flag(const QJsonValue &json)
{
    const QJsonObject o = object(json, u"a feature flag"_s);
    requiredId(o, u"a feature flag"_s);
    if (!o.value("key"_L1).isString())
        invalid(u"a feature flag without a key"_s);
    return FeatureFlag::fromJson(o);
}

FeatureFlag flagVersion(const QJsonValue &json)
{
    FeatureFlag version = flag(json);
    const QJsonObject o = json.toObject();
    // A version names its authors by id only; an id is better than no author.
    if (const auto id = integer(o.value("created_by"_L1))) {
        version.createdBy = UserBasic();
        version.createdBy->id = *id;
    }
    if (const auto id = integer(o.value("modified_by"_L1))) {
        version.lastModifiedBy = UserBasic();
        version.lastModifiedBy->id = *id;
    }
    if (const QJsonValue at = o.value("version_timestamp"_L1); at.isString())
        version.updatedAt = at.toString();
    return version;
}

ActivityEntry activityEntry(const QJsonValue &json)
{
    const QJsonObject o = object(json, u"an activity entry"_s);
    if (!o.value("activity"_L1).isString())
        invalid(u"an activity entry without its activity"_s);
    ActivityEntry entry;
    entry.id = text(o.value("id"_L1));
    entry.activity = o.value("activity"_L1).toString();
    entry.scope = o.value("scope"_L1).toString();
    entry.itemId = text(o.value("item_id"_L1));
    entry.createdAt = o.value("created_at"_L1).toString();
    // PostHog writes {} or null for changes made by the system rather than a person.
    if (const QJsonObject user = o.value("user"_L1).toObject(); !user.isEmpty())
        entry.user = UserBasic::fromJson(user);
    entry.detail = o.value("detail"_L1).toObject();
    return entry;
}

FlagRef flagRef(const QJsonValue &json)
{
    const QJsonObject o = object(json, u"a flag reference"_s);
    return {requiredId(o, u"a flag reference"_s), o.value("key"_L1).toString(),
            o.value("name"_L1).toString()};
}

QList<FlagRef> flagRefs(const QJsonValue &json)
{
    QList<FlagRef> refs;
    for (const QJsonValue &item : array(json, u"a list of flags"_s))
        refs.append(flagRef(item));
    return refs;
}

QList<GroupType> groupTypes(const QJsonValue &json)
{
    QList<GroupType> types;
    for (const QJsonValue &item : array(json, u"a list of group types"_s)) {
        const QJsonObject o = object(item, u"a group type"_s);
        if (!o.value("group_type_index"_L1).isDouble() || !o.value("group_type"_L1).isString())
            invalid(u"a group type without its index or name"_s);
        types.append({o.value("group_type_index"_L1).toInt(), o.value("group_type"_L1).toString(),
                      o.value("name_singular"_L1).toString(),
                      o.value("name_plural"_L1).toString()});
    }
    return types;
}

FlagStatus flagStatus(const QJsonValue &json)
{
    const QJsonObject o = object(json, u"a flag status"_s);
    if (!o.value("status"_L1).isString())
        invalid(u"a flag status without its status"_s);
    return {o.value("status"_L1).toString(), o.value("reason"_L1).toString()};
}

BulkDeleteResult bulkDelete(const QJsonValue &json)
{
    const QJsonObject o = object(json, u"the outcome of a bulk delete"_s);
    BulkDeleteResult result;
    for (const QJsonValue &item : array(o.value("deleted"_L1), u"a list of deleted flags"_s))
        result.deleted.append(flagRef(item));
    // The server echoes ids it could not read as they came, so an error may name no flag.
    for (const QJsonValue &item :
         optionalArray(o.value("errors"_L1), u"a list of refused flags"_s)) {
        const QJsonObject refused = object(item, u"a refused flag"_s);
        result.refused.append({integer(refused.value("id"_L1)).value_or(0),
                               refused.value("key"_L1).toString(),
                               refused.value("reason"_L1).toString()});
    }
    return result;
}

BulkTagsResult bulkTags(const QJsonValue &json)
{
    const QJsonObject o = object(json, u"the outcome of a tag update"_s);
    BulkTagsResult result;
    for (const QJsonValue &item : array(o.value("updated"_L1), u"a list of updated flags"_s))
        result.updated.append(requiredId(object(item, u"an updated flag"_s), u"an updated flag"_s));
    for (const QJsonValue &item :
         optionalArray(o.value("skipped"_L1), u"a list of skipped flags"_s)) {
        const QJsonObject skipped = object(item, u"a skipped flag"_s);
        result.skipped.append(
            {requiredId(skipped, u"a skipped flag"_s), skipped.value("reason"_L1).toString()});
    }
    return result;
}

QHash<qint64, QString> bulkKeys(const QJsonValue &json)
{
    const QJsonObject keys =
        object(object(json, u"flag keys"_s).value("keys"_L1), u"a map of flag ids to keys"_s);
    QHash<qint64, QString> result;
    for (auto it = keys.begin(); it != keys.end(); ++it) {
        const auto id = integer(it.key());
        if (!id || !it.value().isString())
            invalid(u"a flag key that is not an id and its key"_s);
        result.insert(*id, it.value().toString());
    }
    return result;
}

Project project(const QJsonValue &json)
{
    const QJsonObject o = object(json, u"a project"_s);
    return {requiredId(o, u"a project"_s), o.value("name"_L1).toString(),
            o.value("api_token"_L1).toString()};
}

SdkFlags sdkFlags(const QJsonValue &json)
{
    const QJsonObject o = object(json, u"the flags' values"_s);
    for (const QJsonValue &limited : o.value("quotaLimited"_L1).toArray())
        if (limited.toString() == "feature_flags"_L1)
            invalid(u"the project is over its feature flag quota, so PostHog evaluated no flag"_s);
    const QJsonValue flags = o.value("flags"_L1);
    if (!flags.isObject())
        invalid(u"expected the flags as an object, got %1"_s.arg(kindOf(flags)));
    SdkFlags answer;
    answer.errorsWhileComputingFlags = o.value("errorsWhileComputingFlags"_L1).toBool();
    const QJsonObject byKey = flags.toObject();
    for (auto it = byKey.begin(); it != byKey.end(); ++it) {
        const QJsonObject entry = object(it.value(), u"a flag's value"_s);
        if (!entry.value("enabled"_L1).isBool())
            invalid(u"flag %1 without its enabled"_s.arg(it.key()));
        const QJsonObject reason = entry.value("reason"_L1).toObject();
        SdkFlag flag;
        flag.key = it.key();
        flag.enabled = entry.value("enabled"_L1).toBool();
        flag.variant = entry.value("variant"_L1).toString();
        flag.reasonCode = reason.value("code"_L1).toString();
        if (const QJsonValue index = reason.value("condition_index"_L1); index.isDouble())
            flag.conditionIndex = index.toInt();
        flag.reasonDescription = reason.value("description"_L1).toString();
        flag.payload = entry.value("metadata"_L1).toObject().value("payload"_L1);
        if (flag.payload.isUndefined())
            flag.payload = QJsonValue::Null;
        flag.failed = entry.value("failed"_L1).toBool();
        answer.flags.append(flag);
    }
    return answer;
}

PageFrame pageFrame(const QJsonValue &json, int offset)
{
    const QJsonObject o = object(json, u"a page of results"_s);
    PageFrame frame;
    frame.results = array(o.value("results"_L1), u"a list of results"_s);
    frame.next = link(o.value("next"_L1));
    frame.previous = link(o.value("previous"_L1));
    if (const QJsonValue count = o.value("count"_L1); count.isDouble())
        frame.count = count.toInt();
    else if (const QJsonValue total = o.value("total_count"_L1); total.isDouble())
        frame.count = total.toInt();
    else
        frame.count = offset + int(frame.results.size()) + (frame.next.isEmpty() ? 0 : 1);
    return frame;
}

} // namespace bunting::api::answers
