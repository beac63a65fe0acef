#include "flag_status.h"

#include "python_repr.h"

#include <QJsonArray>

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

QString pythonStr(const QJsonValue &v)
{
    return v.isString() ? v.toString() : pythonRepr(v);
}

// An active flag without any filters is legacy data that PostHog treats as on for everyone.
bool booleanFullyRolledOut(const QJsonValue &filtersValue)
{
    if (!filtersValue.isObject() || filtersValue.toObject().isEmpty())
        return true;
    const QJsonArray groups = groupsOf(filtersValue.toObject());
    return std::any_of(groups.begin(), groups.end(),
                       [](const QJsonValue &g) { return groupFullyRolledOut(g.toObject()); });
}

struct VariantRollout
{
    bool full = false;
    QString variant;
};

// Fully rolled out when a condition without properties is at 100 % and either one variant is
// at 100 % or such a condition overrides the variant.
VariantRollout multivariateFullyRolledOut(const QJsonObject &filters)
{
    QJsonValue fullVariantKey = QJsonValue::Undefined;
    const QJsonObject multivariate = filters.value("multivariate"_L1).toObject();
    for (const QJsonValue &v : multivariate.value("variants"_L1).toArray()) {
        const QJsonObject variant = v.toObject();
        if (isHundred(variant.value("rollout_percentage"_L1))) {
            fullVariantKey = variant.value("key"_L1);
            if (fullVariantKey.isNull())
                fullVariantKey = QJsonValue::Undefined;
            break;
        }
    }
    bool someGroupFull = false;
    QJsonValue override = QJsonValue::Undefined; // Python's `a or b` keeps the first truthy one
    for (const QJsonValue &g : groupsOf(filters)) {
        const QJsonObject group = g.toObject();
        if (!groupFullyRolledOut(group))
            continue;
        someGroupFull = true;
        if (!pythonTruthy(override)) {
            const QJsonValue variant = group.value("variant"_L1);
            override = variant.isNull() ? QJsonValue(QJsonValue::Undefined) : variant;
        }
    }
    VariantRollout result;
    result.full = someGroupFull && (!override.isUndefined() || !fullVariantKey.isUndefined());
    if (pythonTruthy(override))
        result.variant = pythonStr(override);
    else if (pythonTruthy(fullVariantKey))
        result.variant = pythonStr(fullVariantKey);
    return result;
}

// The explanation when the flag is fully rolled out, or an empty string.
QString fullyRolledOut(const QJsonObject &flag)
{
    if (!flag.value("active"_L1).toBool())
        return {};
    const QJsonValue filters = flag.value("filters"_L1);
    const bool multivariate = pythonTruthy(filters.toObject().value("multivariate"_L1));
    if (multivariate) {
        const VariantRollout rollout = multivariateFullyRolledOut(filters.toObject());
        if (rollout.full)
            return u"This flag will always use the variant \"%1\""_s.arg(rollout.variant);
    } else if (booleanFullyRolledOut(filters)) {
        return u"This boolean flag will always evaluate to \"true\""_s;
    }
    return {};
}

} // namespace

FlagStatusResult flagStatus(const QJsonObject &flag, const QString &lastCalledAt,
                            const QDateTime &now)
{
    if (flag.value("deleted"_L1).toBool())
        return {FlagStatus::Deleted, u"Flag has been deleted"_s};

    const QDateTime threshold = now.addSecs(-kThirtyDaysSecs);
    const QDateTime createdAt = parseTimestamp(flag.value("created_at"_L1).toString());
    const bool oldEnough = createdAt.isValid() && createdAt < threshold;

    QString inactiveReason;
    const QDateTime lastCalled = parseTimestamp(lastCalledAt);
    if (lastCalledAt.isEmpty() || !lastCalled.isValid()) {
        if (oldEnough)
            inactiveReason = u"Flag has never been called and is over 30 days old"_s;
    } else if (lastCalled < threshold) {
        const qint64 days = lastCalled.secsTo(now) / (24 * 3600);
        inactiveReason = u"Flag has not been called in %1 days"_s.arg(days);
    }

    const QString rolledOut = fullyRolledOut(flag);
    const bool stale = !rolledOut.isEmpty() && oldEnough;
    if (!inactiveReason.isEmpty()) {
        if (stale)
            return {FlagStatus::Inactive, inactiveReason + u". Additionally, "_s +
                                              rolledOut.left(1).toLower() + rolledOut.mid(1)};
        return {FlagStatus::Inactive, inactiveReason};
    }
    if (stale)
        return {FlagStatus::Stale, rolledOut};
    return {FlagStatus::Active, u"Flag is active and being evaluated"_s};
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
    case FlagStatus::Inactive:
        return u"INACTIVE"_s;
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
    const QJsonValue filters = flag.value("filters"_L1);
    if (pythonTruthy(filters.toObject().value("multivariate"_L1))) {
        const VariantRollout rollout = multivariateFullyRolledOut(filters.toObject());
        if (rollout.full)
            return {u"fully_rolled_out"_s, rollout.variant};
    } else if (booleanFullyRolledOut(filters)) {
        return {u"fully_rolled_out"_s, QJsonValue()};
    }
    const QJsonArray groups = groupsOf(filters.toObject());
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
