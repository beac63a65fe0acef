#pragma once

#include <QJsonObject>

namespace bunting::server {

// The definitions document (SnapshotStore::buildDefinitions) as PostHog serves it to SDKs that
// load it without `send_cohorts`: its transform_cohort_filters_for_easy_evaluation writes a
// flag's only cohort out as conditions when that cohort is made of person properties alone;
// every other flag is served unchanged, and `cohorts` is empty.
QJsonObject withoutCohorts(const QJsonObject &definitions);

} // namespace bunting::server
