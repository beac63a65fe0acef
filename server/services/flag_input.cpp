#include "services/flag_input.h"

#include "http/api_error.h"
#include "http/request.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <functional>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

using Check = std::function<bool(const QJsonValue &)>;

bool isStringList(const QJsonValue &v)
{
    if (!v.isArray())
        return false;
    const QJsonArray a = v.toArray();
    return std::all_of(a.begin(), a.end(), [](const QJsonValue &i) { return i.isString(); });
}

bool isIntegerList(const QJsonValue &v)
{
    if (!v.isArray())
        return false;
    const QJsonArray a = v.toArray();
    return std::all_of(a.begin(), a.end(), [](const QJsonValue &i) {
        return i.isDouble() && i.toDouble() == double(i.toInteger());
    });
}

struct Field
{
    QLatin1StringView name;
    Check check;
    QLatin1StringView expected; // for the error message
};

const QList<Field> &writableFields()
{
    const auto string = [](const QJsonValue &v) { return v.isString(); };
    const auto nullableString = [](const QJsonValue &v) { return v.isString() || v.isNull(); };
    const auto boolean = [](const QJsonValue &v) { return v.isBool(); };
    const auto object = [](const QJsonValue &v) { return v.isObject(); };
    static const QList<Field> fields{
        {"key"_L1, string, "a string"_L1},
        {"name"_L1, nullableString, "a string"_L1},
        {"filters"_L1, object, "an object"_L1},
        {"active"_L1, boolean, "a boolean"_L1},
        {"deleted"_L1, boolean, "a boolean"_L1},
        {"tags"_L1, isStringList, "a list of strings"_L1},
        {"evaluation_contexts"_L1, isStringList, "a list of strings"_L1},
        {"ensure_experience_continuity"_L1, boolean, "a boolean"_L1},
        {"rollback_conditions"_L1, [](const QJsonValue &v) { return v.isArray() || v.isNull(); },
         "a list"_L1},
        {"performed_rollback"_L1, boolean, "a boolean"_L1},
        {"evaluation_runtime"_L1, string, "a string"_L1},
        {"bucketing_identifier"_L1, nullableString, "a string"_L1},
        {"creation_context"_L1, string, "a string"_L1},
        {"is_remote_configuration"_L1, boolean, "a boolean"_L1},
        {"has_encrypted_payloads"_L1, boolean, "a boolean"_L1},
        {"analytics_dashboards"_L1, isIntegerList, "a list of ids"_L1},
        {"_create_in_folder"_L1, nullableString, "a string"_L1},
        {"_should_create_usage_dashboard"_L1, boolean, "a boolean"_L1},
        {"version"_L1, [](const QJsonValue &v) { return v.isDouble() || v.isNull(); },
         "an integer"_L1},
    };
    return fields;
}

// Served by PostHog but set by the server: accepted in a body and ignored.
const QList<QLatin1StringView> &readOnlyFields()
{
    static const QList<QLatin1StringView> fields{
        "id"_L1,
        "created_by"_L1,
        "created_at"_L1,
        "updated_at"_L1,
        "last_modified_by"_L1,
        "experiment_set"_L1,
        "experiment_set_metadata"_L1,
        "surveys"_L1,
        "features"_L1,
        "can_edit"_L1,
        "usage_dashboard"_L1,
        "has_enriched_analytics"_L1,
        "user_access_level"_L1,
        "status"_L1,
        "last_called_at"_L1,
        "is_used_in_replay_settings"_L1,
    };
    return fields;
}

// Trimmed, lower-case, each once and sorted, as PostHog stores a flag's tags.
QStringList normalizedTags(const QJsonValue &tags)
{
    QStringList out;
    for (const QJsonValue &tag : tags.toArray()) {
        const QString t = tagify(tag.toString());
        if (!t.isEmpty() && !out.contains(t))
            out.append(t);
    }
    out.sort();
    return out;
}

} // namespace

bool isWritableFlagField(const QString &name)
{
    return std::any_of(writableFields().begin(), writableFields().end(),
                       [&](const Field &f) { return f.name == name; });
}

QJsonObject mergeFiltersPatch(const QJsonObject &stored, const QJsonObject &body)
{
    const QJsonValue sent = body.value("filters"_L1);
    if (!sent.isObject())
        return body; // absent, or refused as the wrong type by applyFlagInput
    QJsonObject filters = stored;
    const QJsonObject patch = sent.toObject();
    for (auto it = patch.begin(); it != patch.end(); ++it)
        filters.insert(it.key(), it.value());
    QJsonObject merged = body;
    merged.insert("filters"_L1, filters);
    return merged;
}

QString tagify(const QString &tag)
{
    return tag.trimmed().toLower();
}

void applyFlagInput(FeatureFlag &flag, const QJsonObject &body)
{
    QJsonObject json = flag.toJson();
    for (auto it = body.begin(); it != body.end(); ++it) {
        const QString name = it.key();
        if (readOnlyFields().contains(name))
            continue;
        const auto field = std::find_if(writableFields().begin(), writableFields().end(),
                                        [&](const Field &f) { return f.name == name; });
        // Django REST framework ignores what its serializer does not declare, `original_flag`
        // (read by the conflict check) among them.
        if (field == writableFields().end())
            continue;
        if (!field->check(it.value()))
            throw ApiError::validation(u"invalid_input"_s, u"Expected %1."_s.arg(field->expected),
                                       name);
        if (name == "name"_L1 && it.value().toString().size() > kMaxFlagNameLength)
            throw ApiError::validation(
                u"max_length"_s,
                u"Ensure this field has no more than %1 characters."_s.arg(kMaxFlagNameLength),
                name);
        if (name == "filters"_L1 &&
            QJsonDocument(it.value().toObject()).toJson(QJsonDocument::Compact).size() >
                kMaxFiltersBytes)
            throw ApiError::validation(
                u"max_length"_s,
                u"Ensure this field is no larger than %1 bytes of JSON."_s.arg(kMaxFiltersBytes),
                name);
        if (name == "version"_L1)
            continue; // the version a client started from is a precondition, not a value
        if (name == "tags"_L1) {
            json.insert(name, QJsonArray::fromStringList(normalizedTags(it.value())));
            continue;
        }
        json.insert(name,
                    name == "name"_L1 && it.value().isNull() ? QJsonValue(u""_s) : it.value());
    }
    flag = FeatureFlag::fromJson(json);
}

FeatureFlag newFlagTemplate()
{
    return FeatureFlag::fromJson(QJsonObject{
        {u"name"_s, u""_s},
        {u"filters"_s,
         QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray{}},
                                                          {u"rollout_percentage"_s, 0}}}},
                     {u"multivariate"_s, QJsonValue()},
                     {u"payloads"_s, QJsonObject{}}}},
        {u"deleted"_s, false},
        {u"active"_s, true},
        {u"ensure_experience_continuity"_s, false},
        {u"experiment_set"_s, QJsonArray{}},
        {u"experiment_set_metadata"_s, QJsonArray{}},
        {u"surveys"_s, QJsonArray{}},
        {u"features"_s, QJsonArray{}},
        {u"rollback_conditions"_s, QJsonValue()},
        {u"performed_rollback"_s, false},
        {u"can_edit"_s, true},
        {u"tags"_s, QJsonArray{}},
        {u"evaluation_contexts"_s, QJsonArray{}},
        {u"usage_dashboard"_s, QJsonValue()},
        {u"analytics_dashboards"_s, QJsonArray{}},
        {u"has_enriched_analytics"_s, false},
        {u"user_access_level"_s, u"editor"_s},
        {u"creation_context"_s, u"feature_flags"_s},
        {u"is_remote_configuration"_s, false},
        {u"has_encrypted_payloads"_s, false},
        {u"evaluation_runtime"_s, u"all"_s},
        {u"bucketing_identifier"_s, u"distinct_id"_s},
        {u"last_called_at"_s, QJsonValue()},
        {u"is_used_in_replay_settings"_s, false},
    });
}

} // namespace bunting::server
