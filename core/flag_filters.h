#pragma once

#include "json_record.h"
#include "property_filter.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace bunting {

// One variant of a multivariate flag.
struct Variant
{
    QString key;
    QString name;
    double rolloutPercentage = 0;
    JsonRecord record;

    static Variant fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
    friend bool operator==(const Variant &, const Variant &) = default;
};

// One release condition ("condition set"): properties ANDed, then the rollout.
struct Condition
{
    QList<PropertyFilter> properties;
    bool hasProperties = false;              // `properties` present in the input (even if empty)
    std::optional<double> rolloutPercentage; // absent or null: 100 %
    std::optional<QString> variant;          // override; null when absent
    QString description;
    std::optional<int> aggregationGroupTypeIndex;
    JsonRecord record;

    static Condition fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
    friend bool operator==(const Condition &, const Condition &) = default;
};

struct Holdout
{
    qint64 id = 0;
    double exclusionPercentage = 0;
    JsonRecord record;

    static Holdout fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
    friend bool operator==(const Holdout &, const Holdout &) = default;
};

// A flag's `filters`: release conditions, variants, payloads and the rest.
struct FlagFilters
{
    QList<Condition> groups;
    std::optional<QList<Variant>> variants; // `multivariate.variants`; nullopt: not multivariate
    JsonRecord multivariateRecord;          // other keys of `multivariate`
    QJsonObject payloads; // variant key (or "true") -> JSON value, often a JSON string
    std::optional<int> aggregationGroupTypeIndex;
    QList<Condition> superGroups;
    bool hasSuperGroups = false;
    std::optional<Holdout> holdout;
    bool featureEnrollment = false;
    JsonRecord record;

    bool isMultivariate() const { return variants && !variants->isEmpty(); }
    // Whether toJson() writes `multivariate` as a non-empty object, which is what makes PostHog
    // treat the flag as multivariate (its payload keys must then be variant keys). Validation
    // asks this rather than how the filters were read, so a flag made multivariate in the editor
    // is judged as the server will judge it.
    bool writesMultivariate() const;
    const Variant *findVariant(const QString &key) const;

    static FlagFilters fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
    friend bool operator==(const FlagFilters &, const FlagFilters &) = default;
};

} // namespace bunting
