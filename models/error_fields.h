#pragma once

#include "feature_flag.h"
#include "field_path.h"
#include "flag_validation.h"

#include <QList>

namespace bunting::models {

// The places of `flag` a validation error is about. PostHog names only the top-level field in
// `attr` (every rule on conditions, variants and payloads says "filters"), so the place inside
// `filters` is found from the rule the error comes from: the position its detail names where it
// names one ("groups[1].rollout_percentage must be ..."), otherwise the parts of the flag that
// break the rule (the duplicated variant keys, the payloads that are not JSON). An error no part
// can be found for stays on its `attr`; one without `attr` is about the flag as a whole.
QList<FieldPath> fieldsOfError(const FeatureFlag &flag, const ValidationError &error,
                               const ValidationContext &context);

// Whether a payload value is one PostHog accepts: core's rule, the one validation applies.
using bunting::isValidPayload;

} // namespace bunting::models
