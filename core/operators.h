#pragma once

#include "property_filter.h"

#include <QList>

namespace bunting {

// The facts about each operator that the engine, the validators and the editor all go by. Every
// switch over Operator lists each one without `default:`, so adding an operator makes the
// compiler name each place that must learn it.

// What an operator compares.
enum class OperatorFamily {
    Equality, // exact / is_not: any of several values
    Presence, // is_set / is_not_set
    Text,     // contains, starts with, ends with, folded to ASCII lower case
    Regex,    // regex / not_regex
    Ordering, // gt / gte / lt / lte on numbers
    Date,     // is_date_before / after / exact
    Semver,   // semver_*
    Cohort,   // in / not_in a cohort
    Flag,     // flag_evaluates_to
    Unknown,  // an operator this app does not know
};
OperatorFamily operatorFamily(Operator op);

// The operator is the negation of another in its family (is_not of exact, not_icontains of
// icontains, semver_neq of semver_eq, not_in of in, is_not_set of is_set).
bool isNegation(Operator op);

// How gt/gte/lt/lte and the semver comparisons order the person's value against the filter's.
enum class Comparison { None, Equal, NotEqual, Greater, GreaterOrEqual, Less, LessOrEqual };
Comparison operatorComparison(Operator op);

template<typename T> bool compareBy(Comparison comparison, const T &lhs, const T &rhs)
{
    switch (comparison) {
    case Comparison::Equal:
        return lhs == rhs;
    case Comparison::NotEqual:
        return lhs != rhs;
    case Comparison::Greater:
        return lhs > rhs;
    case Comparison::GreaterOrEqual:
        return lhs >= rhs;
    case Comparison::Less:
        return lhs < rhs;
    case Comparison::LessOrEqual:
        return lhs <= rhs;
    case Comparison::None:
        break;
    }
    return false;
}

// PostHog's serializer refuses any value but a string for these: regex, icontains, gt, gte, lt,
// lte and their negations.
bool requiresStringValue(Operator op);

// Which value a filter takes, decided by its type and operator.
enum class ValueKind {
    None,      // is_set / is_not_set
    List,      // exact / is_not: any of several values
    Text,      // contains, starts with, ends with
    Regex,     // regex / not_regex
    Number,    // gt / gte / lt / lte
    Date,      // is_date_before / after / exact: a date or "-7d"
    Semver,    // semver_*
    Cohort,    // a cohort's id
    FlagValue, // true / false / a variant key
    Json,      // an operator the app does not know: the value as JSON text
};
ValueKind valueKindFor(PropertyType type, Operator op);

// The operators a filter of `type` may use, in the order the editor offers them. PostHog's flag
// conditions use `in` / `not_in` for cohorts and `flag_evaluates_to` for flags only.
QList<Operator> operatorsForType(PropertyType type);
// The operator an absent `operator` means for `type`: cohort membership, a flag's value, or an
// exact match.
Operator defaultOperator(PropertyType type);

} // namespace bunting
