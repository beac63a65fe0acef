#pragma once

#include "json_record.h"

#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <optional>

namespace bunting {

// What a filter's `type` says the property belongs to.
enum class PropertyType { Person, Group, Cohort, Flag, Other };

// Every operator PostHog's flag conditions use; `Unknown` keeps a newer one round-trippable.
enum class Operator {
    Exact,
    IsNot,
    IsSet,
    IsNotSet,
    Icontains,
    NotIcontains,
    Regex,
    NotRegex,
    Gt,
    Gte,
    Lt,
    Lte,
    StartsWith,
    NotStartsWith,
    EndsWith,
    NotEndsWith,
    IsDateBefore,
    IsDateAfter,
    IsDateExact,
    SemverEq,
    SemverNeq,
    SemverGt,
    SemverGte,
    SemverLt,
    SemverLte,
    SemverTilde,
    SemverCaret,
    SemverWildcard,
    In,
    NotIn,
    FlagEvaluatesTo,
    Unknown,
};

QString operatorName(Operator op);
// Absent or empty means `exact`, as in PostHog.
Operator operatorFromName(const QString &name);
PropertyType propertyTypeFromName(const QString &name);
QString propertyTypeName(PropertyType type);

// One property filter of a condition or a cohort: `{key, type, value, operator, ...}`.
struct PropertyFilter
{
    QString key;
    QString type; // kept as written: "person", "group", "cohort", "flag", ...
    QJsonValue value = QJsonValue::Undefined;
    QString op; // empty when absent
    bool negation = false;
    std::optional<int> groupTypeIndex;
    QStringList dependencyChain; // flag dependencies served for local evaluation
    bool hasDependencyChain = false;
    QString label;
    JsonRecord record;

    PropertyType propertyType() const { return propertyTypeFromName(type); }
    Operator effectiveOperator() const { return operatorFromName(op); }

    static PropertyFilter fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
    friend bool operator==(const PropertyFilter &, const PropertyFilter &) = default;
};

QList<PropertyFilter> propertyFiltersFromJson(const QJsonValue &value);
QJsonArray propertyFiltersToJson(const QList<PropertyFilter> &filters);

} // namespace bunting
