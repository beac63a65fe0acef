#pragma once

#include "feature_flag.h"

#include <QJsonObject>

namespace bunting {

// Whether evaluating `flag` for a person needs what the server stores (person or group
// properties, cohort membership), given the person properties the request sent. It is PostHog's
// rule for which flags fail, with `"failed": true` and reason `database_error`, when its flags
// service cannot read the database (rust/feature-flags, FeatureFlag::requires_db_preparation):
//   - a group flag, or a condition aggregated by a group, always does;
//   - feature enrollment does unless the request sent `$feature_enrollment/<key>`;
//   - a condition rolled out to more than 0 % does when it has a cohort filter, or a filter
//     other than cohort and flag whose key the request did not send (its type is not looked
//     at, as PostHog does not);
//   - flag filters never do.
bool needsStoredProperties(const FeatureFlag &flag, const QJsonObject &requestPersonProperties);

} // namespace bunting
