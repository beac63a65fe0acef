#pragma once

#include "feature_flag.h"

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace bunting::server {

// PostHog's FeatureFlagStatusChecker (posthog/models/feature_flag/flag_status.py), computed from
// the flag and from when the server last saw it called. Usage (never called, or not for 30 days)
// outranks configuration (fully rolled out and 30 days old), as in PostHog.
enum class FlagStatus { Active, Inactive, Stale, Deleted, Unknown };

struct FlagStatusResult
{
    FlagStatus status = FlagStatus::Unknown;
    QString reason;
};

// `flag` is the flag's API document; `lastCalledAt` an ISO timestamp, empty when never called.
FlagStatusResult flagStatus(const QJsonObject &flag, const QString &lastCalledAt,
                            const QDateTime &now);
// The status endpoint's spelling: "active", "inactive", "stale", "deleted", "unknown".
QString statusValue(FlagStatus status);
// The serializer's `status` field, PostHog's enum member name: "ACTIVE", "STALE", ...
QString statusName(FlagStatus status);

// The flag as list, retrieve, create and update serve it: its document with `last_called_at` as
// the server knows it and the computed `status`.
QJsonObject flagResponse(const FeatureFlag &flag, const QString &lastCalledAt,
                         const QDateTime &now = QDateTime::currentDateTimeUtc());

// What bulk delete reports of a flag it deletes (PostHog's _get_flag_rollout_info):
// `rollout_state` "fully_rolled_out", "not_rolled_out" or "partial", and `active_variant`.
struct RolloutInfo
{
    QString state;
    QJsonValue activeVariant; // null unless one variant is fully rolled out
};
RolloutInfo rolloutInfo(const QJsonObject &flag);

} // namespace bunting::server
