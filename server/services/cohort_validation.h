#pragma once

#include "cohort.h"

#include <QHash>
#include <QJsonValue>
#include <QSet>

namespace bunting::server {

// Checks a dynamic cohort's `filters` as PostHog's CohortSerializer does: `{properties: {type:
// AND|OR, values: [...]}}` where values are all nested groups or all filters, person filters
// carry a key, a known operator and a value (none for is_set / is_not_set), cohort filters
// `{key: "id", value: <id>}` name a live cohort of the project, and no cohort reaches itself
// through others. Behavioral filters need events, which Bunting does not store, so they are
// refused. Throws ApiError (400, attr "filters"). `selfId` is the cohort being updated, 0 on
// create.
void validateCohortFilters(const QJsonValue &filters, const QHash<qint64, Cohort> &cohorts,
                           qint64 selfId);

// The cohorts a property tree names directly.
QSet<qint64> referencedCohorts(const PropertyGroup &group);

} // namespace bunting::server
