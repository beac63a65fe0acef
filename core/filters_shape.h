#pragma once

#include "flag_validation.h"

#include <QJsonValue>

namespace bunting {

// The JSON types of a flag's `filters` as sent, checked before anything parses it: parsing reads
// a wrong type as a default (a rollout of "0" as no rollout, that is everyone), so the request
// must be refused first. One error per wrong value, each `invalid_input` on attr `filters`,
// worded as PostHog's filters guard words them ("groups[0].rollout_percentage must be a number
// or null, got str").
QList<ValidationError> filtersShapeErrors(const QJsonValue &filters);

} // namespace bunting
