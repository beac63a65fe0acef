#pragma once

#include "property_filter.h"

#include <QList>
#include <QString>

namespace bunting::views {

// Which editor a filter's value needs, decided by its type and operator.
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
    Json,      // an operator the form does not know: the value as JSON text
};

// The operators a row offers for `type`, in the order of the combo box. PostHog's flag conditions
// use `in` / `not_in` for cohorts and `flag_evaluates_to` for flags only.
QList<Operator> operatorsForType(PropertyType type);
// The operator an absent `operator` means for `type`: cohort membership, a flag's value, or an
// exact match.
Operator defaultOperator(PropertyType type);
ValueKind valueKindFor(PropertyType type, Operator op);

} // namespace bunting::views
