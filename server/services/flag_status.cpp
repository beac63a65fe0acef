#include "services/flag_status.h"

#include "python_repr.h"

#include <QJsonArray>
#include <cmath>
#include <optional>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

constexpr qint64 kThirtyDaysSecs = 30LL * 24 * 3600;

bool isHundred(const QJsonValue &v)
{
    return v.isDouble() && v.toDouble() == 100;
}

// A `properties` list that is absent counts as empty, as `group.get("properties", [])` reads it.
bool hasNoProperties(const QJsonObject &group)
{
    const QJsonValue properties = group.value("properties"_L1);
    if (properties.isArray())
        return properties.toArray().isEmpty();
    return properties.isUndefined() || properties.isNull();
}

bool groupFullyRolledOut(const QJsonObject &group)
{
    return isHundred(group.value("rollout_percentage"_L1)) && hasNoProperties(group);
}

QJsonArray groupsOf(const QJsonObject &filters)
{
    return filters.value("groups"_L1).toArray();
}

QJsonObject filtersOf(const QJsonObject &flag)
{
    return flag.value("filters"_L1).toObject(); // `flag.filters or {}`
}

// A flag with variants (an empty list counts as none, as PostHog's STALE filter reads it).
bool hasVariants(const QJsonObject &filters)
{
    const QJsonValue multivariate = filters.value("multivariate"_L1);
    return pythonTruthy(multivariate) && pythonTruthy(multivariate.toObject().value("variants"_L1));
}

// No conditions at all (missing filters, `{}` and `{"groups": []}`, all legacy data) is on for
// everyone; otherwise a condition without properties at 100 %.
bool booleanFullyRolledOut(const QJsonObject &filters)
{
    const QJsonArray groups = groupsOf(filters);
    if (groups.isEmpty())
        return true;
    return std::any_of(groups.begin(), groups.end(),
                       [](const QJsonValue &g) { return groupFullyRolledOut(g.toObject()); });
}

struct VariantRollout
{
    bool full = false;
    QString variant;
};

// Fully rolled out when a condition without properties is at 100 % and either a variant is at
// 100 % or such a condition overrides the variant. Python's None is kept apart from a falsy
// value: `override or group.get("variant")` ends on the last one when none is truthy.
VariantRollout multivariateFullyRolledOut(const QJsonObject &filters)
{
    std::optional<QJsonValue> fullVariantKey;
    const QJsonObject multivariate = filters.value("multivariate"_L1).toObject();
    for (const QJsonValue &v : multivariate.value("variants"_L1).toArray()) {
        const QJsonObject variant = v.toObject();
        if (isHundred(variant.value("rollout_percentage"_L1))) {
            const QJsonValue key = variant.value("key"_L1);
            if (!key.isUndefined() && !key.isNull())
                fullVariantKey = key;
            break;
        }
    }
    bool someGroupFull = false;
    std::optional<QJsonValue> override;
    for (const QJsonValue &g : groupsOf(filters)) {
        const QJsonObject group = g.toObject();
        if (!groupFullyRolledOut(group))
            continue;
        someGroupFull = true;
        if (!override || !pythonTruthy(*override)) {
            const QJsonValue variant = group.value("variant"_L1);
            override =
                variant.isUndefined() || variant.isNull() ? std::nullopt : std::optional(variant);
        }
    }
    VariantRollout result;
    result.full = someGroupFull && (override || fullVariantKey);
    if (override && pythonTruthy(*override))
        result.variant = pythonStr(*override);
    else if (fullVariantKey && pythonTruthy(*fullVariantKey))
        result.variant = pythonStr(*fullVariantKey);
    return result;
}

// PostHog's is_flag_fully_rolled_out: the explanation when it is, or an empty string.
QString fullyRolledOut(const QJsonObject &flag)
{
    const QJsonObject filters = filtersOf(flag);
    if (hasVariants(filters)) {
        const VariantRollout rollout = multivariateFullyRolledOut(filters);
        if (rollout.full)
            return u"This flag will always use the variant \"%1\""_s.arg(rollout.variant);
    } else if (booleanFullyRolledOut(filters)) {
        return u"This boolean flag will always evaluate to \"true\""_s;
    }
    return {};
}

// Python's timedelta.days: whole days, rounded down.
qint64 wholeDaysBetween(const QDateTime &from, const QDateTime &to)
{
    const qint64 secs = from.secsTo(to);
    constexpr qint64 day = 24 * 3600;
    return secs >= 0 ? secs / day : -((-secs + day - 1) / day);
}

} // namespace

FlagStatusResult flagStatus(const QJsonObject &flag, const QString &lastCalledAt,
                            const QDateTime &now)
{
    if (flag.value("deleted"_L1).toBool())
        return {FlagStatus::Deleted, u"Flag has been deleted"_s};
    if (!flag.value("active"_L1).toBool())
        return {FlagStatus::Active, u"Flag is disabled (not evaluated for staleness)"_s};

    const QDateTime threshold = now.addSecs(-kThirtyDaysSecs);
    const QDateTime lastCalled = parseTimestamp(lastCalledAt);
    if (lastCalled.isValid()) {
        const qint64 days = wholeDaysBetween(lastCalled, now);
        if (lastCalled < threshold)
            return {FlagStatus::Stale, u"Flag has not been called in %1 days"_s.arg(days)};
        if (days == 0)
            return {FlagStatus::Active, u"Flag was called today"_s};
        return {FlagStatus::Active, u"Flag was last called %1 day%2 ago"_s.arg(days).arg(
                                        days != 1 ? u"s"_s : QString())};
    }
    const QDateTime createdAt = parseTimestamp(flag.value("created_at"_L1).toString());
    if (createdAt.isValid() && createdAt < threshold) {
        const QString rolledOut = fullyRolledOut(flag);
        if (!rolledOut.isEmpty())
            return {FlagStatus::Stale, rolledOut, true};
    }
    return {FlagStatus::Active, u"Flag has no usage data yet"_s};
}

QJsonObject rolloutSummary(const QJsonObject &flag)
{
    const QJsonObject filters = filtersOf(flag);
    bool targeted = false;
    std::optional<double> highest;
    for (const QJsonValue &g : groupsOf(filters)) {
        const QJsonObject group = g.toObject();
        if (pythonTruthy(group.value("properties"_L1)))
            targeted = true;
        // A missing percentage is 100 % when evaluated, so it counts as 100 here.
        const QJsonValue percentage = group.value("rollout_percentage"_L1);
        const double value = percentage.isDouble() ? percentage.toDouble() : 100;
        highest = highest ? std::max(*highest, value) : value;
    }
    QJsonValue maxRollout;
    if (highest)
        maxRollout =
            *highest == std::floor(*highest) ? QJsonValue(qint64(*highest)) : QJsonValue(*highest);
    return QJsonObject{{u"effectively_full_rollout"_s, !fullyRolledOut(flag).isEmpty()},
                       {u"has_targeting_conditions"_s, targeted},
                       {u"max_rollout_percentage"_s, maxRollout},
                       {u"is_multivariate"_s, hasVariants(filters)}};
}

QString statusValue(FlagStatus status)
{
    return statusName(status).toLower();
}

QString statusName(FlagStatus status)
{
    switch (status) {
    case FlagStatus::Active:
        return u"ACTIVE"_s;
    case FlagStatus::Stale:
        return u"STALE"_s;
    case FlagStatus::Deleted:
        return u"DELETED"_s;
    case FlagStatus::Unknown:
        break;
    }
    return u"UNKNOWN"_s;
}

QJsonObject flagResponse(const FeatureFlag &flag, const QString &lastCalledAt, const QDateTime &now)
{
    QJsonObject json = flag.toJson();
    json.insert("last_called_at"_L1, lastCalledAt.isEmpty() ? QJsonValue() : lastCalledAt);
    json.insert("status"_L1, statusName(flagStatus(json, lastCalledAt, now).status));
    return json;
}

RolloutInfo rolloutInfo(const QJsonObject &flag)
{
    const QJsonObject filters = filtersOf(flag);
    if (hasVariants(filters)) {
        const VariantRollout rollout = multivariateFullyRolledOut(filters);
        if (rollout.full)
            return {u"fully_rolled_out"_s, rollout.variant};
    } else if (booleanFullyRolledOut(filters)) {
        return {u"fully_rolled_out"_s, QJsonValue()};
    }
    const QJsonArray groups = groupsOf(filters);
    const bool allAtZero =
        !groups.isEmpty() && std::all_of(groups.begin(), groups.end(), [](const QJsonValue &g) {
            const QJsonValue rollout = g.toObject().value("rollout_percentage"_L1);
            return rollout.isDouble() && rollout.toDouble() == 0;
        });
    if (allAtZero)
        return {u"not_rolled_out"_s, QJsonValue()};
    return {u"partial"_s, QJsonValue()};
}

} // namespace bunting::server
