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
// An operator in words, as people read it wherever the app shows one (the filter editor, the
// activity log, the diff of two versions, validation problems): "equals", "contains",
// "doesn't contain", "semver ≥"; empty for an operator this app does not know.
QString operatorLabel(Operator op);
// The words for an operator as a filter stores it ("icontains", "" for exact); an operator this
// app does not know keeps its name.
QString operatorLabel(const QString &name);
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
