#pragma once

#include "feature_flag.h"

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace bunting::server {

// PostHog's FeatureFlagStatusChecker (products/feature_flags/backend/flag_status.py), computed
// from the flag and from when the server last saw it called: a disabled flag is active and not
// judged; a called one is stale after 30 days without a call; one never called is stale only
// when it is 30 days old and fully rolled out. Reasons word for word as PostHog's.
enum class FlagStatus { Active, Stale, Deleted, Unknown };

struct FlagStatusResult
{
    FlagStatus status = FlagStatus::Unknown;
    QString reason;
    bool reasonStatesRollout = false; // the reason is the rollout's, not the usage's
};

// `flag` is the flag's API document; `lastCalledAt` an ISO timestamp, empty when never called.
FlagStatusResult flagStatus(const QJsonObject &flag, const QString &lastCalledAt,
                            const QDateTime &now);
// PostHog's get_rollout_summary, the status endpoint's `rollout`: effectively_full_rollout,
// has_targeting_conditions, max_rollout_percentage (a missing one counts as 100; null without
// conditions) and is_multivariate.
QJsonObject rolloutSummary(const QJsonObject &flag);
// The status endpoint's spelling: "active", "stale", "deleted", "unknown".
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
