#include "feature_flag.h"

using namespace Qt::StringLiterals;

namespace bunting {

namespace {

QStringList stringList(const QJsonValue &v)
{
    QStringList list;
    for (const QJsonValue &item : v.toArray())
        list.append(item.toString());
    return list;
}

QList<qint64> idList(const QJsonValue &v)
{
    QList<qint64> list;
    for (const QJsonValue &item : v.toArray())
        list.append(item.toInteger());
    return list;
}

QJsonArray idArray(const QList<qint64> &ids)
{
    QJsonArray array;
    for (qint64 id : ids)
        array.append(id);
    return array;
}

std::optional<UserBasic> optionalUser(const QJsonValue &v)
{
    if (v.isObject())
        return UserBasic::fromJson(v.toObject());
    return std::nullopt;
}

} // namespace

QString UserBasic::displayName() const
{
    const QString full = (firstName + u' ' + lastName).trimmed();
    return full.isEmpty() ? email : full;
}

UserBasic UserBasic::fromJson(const QJsonObject &o)
{
    UserBasic u;
    u.record.read(o, {"id"_L1, "uuid"_L1, "distinct_id"_L1, "first_name"_L1, "last_name"_L1,
                      "email"_L1, "is_email_verified"_L1, "hedgehog_config"_L1,
                      "role_at_organization"_L1});
    u.id = o.value("id"_L1).toInteger();
    u.uuid = o.value("uuid"_L1).toString();
    u.distinctId = o.value("distinct_id"_L1).toString();
    u.firstName = o.value("first_name"_L1).toString();
    u.lastName = o.value("last_name"_L1).toString();
    u.email = o.value("email"_L1).toString();
    u.isEmailVerified = o.value("is_email_verified"_L1).toBool();
    u.hedgehogConfig = o.value("hedgehog_config"_L1);
    u.roleAtOrganization = o.value("role_at_organization"_L1).toString();
    return u;
}

QJsonObject UserBasic::toJson() const
{
    QJsonObject o = record.extraFields();
    record.put(o, "id"_L1, id, false);
    record.put(o, "uuid"_L1, uuid, uuid.isEmpty());
    record.put(o, "distinct_id"_L1, distinctId, distinctId.isEmpty());
    record.put(o, "first_name"_L1, firstName, firstName.isEmpty());
    record.put(o, "last_name"_L1, lastName, lastName.isEmpty());
    record.put(o, "email"_L1, email, email.isEmpty());
    record.put(o, "is_email_verified"_L1, isEmailVerified, !isEmailVerified);
    record.put(o, "hedgehog_config"_L1, hedgehogConfig, hedgehogConfig.isUndefined());
    record.put(o, "role_at_organization"_L1, roleAtOrganization, roleAtOrganization.isEmpty());
    return o;
}

FeatureFlag FeatureFlag::fromJson(const QJsonObject &o)
{
    FeatureFlag f;
    f.record.read(o, {"id"_L1,
                      "name"_L1,
                      "key"_L1,
                      "filters"_L1,
                      "deleted"_L1,
                      "active"_L1,
                      "created_by"_L1,
                      "created_at"_L1,
                      "updated_at"_L1,
                      "version"_L1,
                      "last_modified_by"_L1,
                      "ensure_experience_continuity"_L1,
                      "experiment_set"_L1,
                      "experiment_set_metadata"_L1,
                      "surveys"_L1,
                      "features"_L1,
                      "rollback_conditions"_L1,
                      "performed_rollback"_L1,
                      "can_edit"_L1,
                      "tags"_L1,
                      "evaluation_contexts"_L1,
                      "usage_dashboard"_L1,
                      "analytics_dashboards"_L1,
                      "has_enriched_analytics"_L1,
                      "user_access_level"_L1,
                      "creation_context"_L1,
                      "is_remote_configuration"_L1,
                      "has_encrypted_payloads"_L1,
                      "status"_L1,
                      "evaluation_runtime"_L1,
                      "bucketing_identifier"_L1,
                      "last_called_at"_L1,
                      "_create_in_folder"_L1,
                      "_should_create_usage_dashboard"_L1,
                      "is_used_in_replay_settings"_L1});
    f.id = o.value("id"_L1).toInteger();
    f.name = o.value("name"_L1).toString();
    f.key = o.value("key"_L1).toString();
    f.filters = FlagFilters::fromJson(o.value("filters"_L1).toObject());
    f.deleted = o.value("deleted"_L1).toBool();
    f.active = o.value("active"_L1).toBool(true);
    f.createdBy = optionalUser(o.value("created_by"_L1));
    f.createdAt = o.value("created_at"_L1).toString();
    f.updatedAt = o.value("updated_at"_L1).toString();
    f.version = o.value("version"_L1).toInt();
    f.lastModifiedBy = optionalUser(o.value("last_modified_by"_L1));
    f.ensureExperienceContinuity = o.value("ensure_experience_continuity"_L1).toBool();
    f.experimentSet = idList(o.value("experiment_set"_L1));
    f.experimentSetMetadata = o.value("experiment_set_metadata"_L1).toArray();
    f.surveys = o.value("surveys"_L1);
    f.features = o.value("features"_L1);
    f.rollbackConditions = o.value("rollback_conditions"_L1);
    f.performedRollback = o.value("performed_rollback"_L1).toBool();
    f.canEdit = o.value("can_edit"_L1).toBool();
    f.tags = stringList(o.value("tags"_L1));
    f.evaluationContexts = stringList(o.value("evaluation_contexts"_L1));
    if (o.value("usage_dashboard"_L1).isDouble())
        f.usageDashboard = o.value("usage_dashboard"_L1).toInteger();
    f.analyticsDashboards = idList(o.value("analytics_dashboards"_L1));
    f.hasEnrichedAnalytics = o.value("has_enriched_analytics"_L1).toBool();
    f.userAccessLevel = o.value("user_access_level"_L1).toString();
    f.creationContext = o.value("creation_context"_L1).toString();
    f.isRemoteConfiguration = o.value("is_remote_configuration"_L1).toBool();
    f.hasEncryptedPayloads = o.value("has_encrypted_payloads"_L1).toBool();
    f.status = o.value("status"_L1).toString();
    f.evaluationRuntime = o.value("evaluation_runtime"_L1).toString();
    f.bucketingIdentifier = o.value("bucketing_identifier"_L1).toString();
    f.lastCalledAt = o.value("last_called_at"_L1).toString();
    f.createInFolder = o.value("_create_in_folder"_L1).toString();
    f.shouldCreateUsageDashboard = o.value("_should_create_usage_dashboard"_L1).toBool();
    f.isUsedInReplaySettings = o.value("is_used_in_replay_settings"_L1).toBool();
    return f;
}

QJsonObject FeatureFlag::toJson() const
{
    QJsonObject o = record.extraFields();
    const auto put = [&](QLatin1StringView key, const QJsonValue &v, bool isDefault) {
        record.put(o, key, v, isDefault);
    };
    const auto putString = [&](QLatin1StringView key, const QString &s) {
        put(key, s, s.isEmpty());
    };
    const auto putBool = [&](QLatin1StringView key, bool b, bool defaultValue = false) {
        put(key, b, b == defaultValue);
    };
    const auto putUser = [&](QLatin1StringView key, const std::optional<UserBasic> &u) {
        put(key, u ? QJsonValue(u->toJson()) : QJsonValue(), !u);
    };
    put("id"_L1, id, id == 0);
    putString("name"_L1, name);
    put("key"_L1, key, false);
    const QJsonObject filterJson = filters.toJson();
    put("filters"_L1, filterJson, filterJson.isEmpty());
    putBool("deleted"_L1, deleted);
    putBool("active"_L1, active, true);
    putUser("created_by"_L1, createdBy);
    putString("created_at"_L1, createdAt);
    putString("updated_at"_L1, updatedAt);
    put("version"_L1, version, version == 0);
    putUser("last_modified_by"_L1, lastModifiedBy);
    putBool("ensure_experience_continuity"_L1, ensureExperienceContinuity);
    put("experiment_set"_L1, idArray(experimentSet), experimentSet.isEmpty());
    put("experiment_set_metadata"_L1, experimentSetMetadata, experimentSetMetadata.isEmpty());
    put("surveys"_L1, surveys, surveys.isUndefined());
    put("features"_L1, features, features.isUndefined());
    put("rollback_conditions"_L1, rollbackConditions, rollbackConditions.isUndefined());
    putBool("performed_rollback"_L1, performedRollback);
    putBool("can_edit"_L1, canEdit);
    put("tags"_L1, QJsonArray::fromStringList(tags), tags.isEmpty());
    put("evaluation_contexts"_L1, QJsonArray::fromStringList(evaluationContexts),
        evaluationContexts.isEmpty());
    put("usage_dashboard"_L1, usageDashboard ? QJsonValue(*usageDashboard) : QJsonValue(),
        !usageDashboard);
    put("analytics_dashboards"_L1, idArray(analyticsDashboards), analyticsDashboards.isEmpty());
    putBool("has_enriched_analytics"_L1, hasEnrichedAnalytics);
    putString("user_access_level"_L1, userAccessLevel);
    putString("creation_context"_L1, creationContext);
    putBool("is_remote_configuration"_L1, isRemoteConfiguration);
    putBool("has_encrypted_payloads"_L1, hasEncryptedPayloads);
    putString("status"_L1, status);
    putString("evaluation_runtime"_L1, evaluationRuntime);
    putString("bucketing_identifier"_L1, bucketingIdentifier);
    putString("last_called_at"_L1, lastCalledAt);
    putString("_create_in_folder"_L1, createInFolder);
    putBool("_should_create_usage_dashboard"_L1, shouldCreateUsageDashboard);
    putBool("is_used_in_replay_settings"_L1, isUsedInReplaySettings);
    return o;
}

QDateTime parseTimestamp(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    return t.isValid() ? t.toUTC() : QDateTime();
}

QString formatTimestamp(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

} // namespace bunting
