#pragma once

#include "feature_flag.h"

#include <QJsonObject>
#include <QStringList>

namespace bunting::server {

// PostHog's optimistic-concurrency rule for a flag PATCH (rest-api-behaviour.md §3.4; PostHog's
// FeatureFlagSerializer.update and _get_conflicting_changes):
// - no `version` in the body, or the stored one: no check;
// - otherwise the fields in conflict are those the request changes (its value differs from
//   `original_flag`'s), that someone else changed too (the stored value differs from
//   `original_flag`'s), and on which the two still disagree (the requested value differs from
//   the stored one). Without `original_flag` (or with `{}`) nothing conflicts: a bare stale
//   `version` goes through.
// - `last_modified_by` is among the fields PostHog's serializer writes on every update, and
//   compares a user object with `original_flag`'s JSON: whenever the body's `original_flag`
//   names a last modifier, a stale save by anyone but the flag's current last modifier conflicts.
//
// `current` is the stored flag, `requested` the flag the body would make of it, `caller` the
// user saving.
bool isStaleVersion(const QJsonObject &body, int storedVersion);
QStringList conflictingFields(const FeatureFlag &current, const FeatureFlag &requested,
                              const QJsonObject &body, qint64 caller);

// PostHog's 409 for it: type server_error (its Conflict exception has no type of its own),
// code conflict, naming who saved meanwhile.
QString conflictDetail(const FeatureFlag &current);

} // namespace bunting::server
