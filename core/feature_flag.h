#pragma once

#include "flag_filters.h"
#include "json_record.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace bunting {

// `created_by` / `last_modified_by`: the user PostHog names as the author of a change.
struct UserBasic
{
    qint64 id = 0;
    QString uuid;
    QString distinctId;
    QString firstName;
    QString lastName;
    QString email;
    bool isEmailVerified = false;
    QJsonValue hedgehogConfig = QJsonValue::Undefined;
    QString roleAtOrganization;
    JsonRecord record;

    QString displayName() const;
    static UserBasic fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
    friend bool operator==(const UserBasic &, const UserBasic &) = default;
};

// A feature flag as PostHog's REST API serves it; every field of the reference's flag object.
// Timestamps stay the strings PostHog wrote, so a round trip keeps their precision.
struct FeatureFlag
{
    qint64 id = 0;
    QString name;
    QString key;
    FlagFilters filters;
    bool deleted = false;
    bool active = true;
    std::optional<UserBasic> createdBy;
    QString createdAt;
    QString updatedAt;
    int version = 0;
    std::optional<UserBasic> lastModifiedBy;
    bool ensureExperienceContinuity = false;
    QList<qint64> experimentSet;
    QJsonArray experimentSetMetadata;
    QJsonValue surveys = QJsonValue::Undefined;
    QJsonValue features = QJsonValue::Undefined;
    QJsonValue rollbackConditions = QJsonValue::Undefined;
    bool performedRollback = false;
    bool canEdit = false;
    QStringList tags;
    QStringList evaluationContexts;
    std::optional<qint64> usageDashboard;
    QList<qint64> analyticsDashboards;
    bool hasEnrichedAnalytics = false;
    QString userAccessLevel;
    QString creationContext;
    bool isRemoteConfiguration = false;
    bool hasEncryptedPayloads = false;
    QString status;
    QString evaluationRuntime;   // "server", "client" or "all"
    QString bucketingIdentifier; // "distinct_id" (default) or "device_id"
    QString lastCalledAt;
    QString createInFolder;
    bool shouldCreateUsageDashboard = false;
    bool isUsedInReplaySettings = false;
    JsonRecord record;

    bool bucketsByDeviceId() const { return bucketingIdentifier == QLatin1StringView("device_id"); }

    static FeatureFlag fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
    friend bool operator==(const FeatureFlag &, const FeatureFlag &) = default;
};

// PostHog writes `2024-01-02T03:04:05.123456Z`; an invalid QDateTime for anything else.
QDateTime parseTimestamp(const QString &text);
QString formatTimestamp(const QDateTime &time);

} // namespace bunting
