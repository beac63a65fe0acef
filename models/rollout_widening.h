#pragma once

#include "feature_flag.h"

#include <QStringList>

namespace bunting::models {

// The ways saving `after` over `before` lets more users get the flag, one sentence each, for a
// confirmation before the save goes: the flag switched on ("This turns new-checkout on for
// about everyone."), a rollout raised ("This raises condition 1 from 10% to 50%."), a condition
// added that reaches users, a condition left with no filters at more than 0 % ("Condition 2
// now has no filters: it reaches 30% of everyone."). Empty when the save widens nothing: it
// narrows, changes what users get rather than who, or the flag stays off.
//
// Conditions are paired with their old selves by their filters first, then by position, so
// that adding, duplicating or reordering conditions is not read as changing them.
QStringList rolloutWidening(const FeatureFlag &before, const FeatureFlag &after);

} // namespace bunting::models
