#pragma once

#include "feature_flag.h"

#include <QJsonObject>

namespace bunting::server {

// Caps of ours where PostHog has none: its model's `name` is a TextField and `filters` a
// JSONField (posthog/models/feature_flag/feature_flag.py), so both take megabytes there. A name is
// a description, and every SDK downloads every flag's filters, so megabytes serve nobody; they
// only slow every write and every SDK call. The key's 400 characters are PostHog's own.
inline constexpr qsizetype kMaxFlagNameLength = 10000;
inline constexpr qsizetype kMaxFiltersBytes = 1024 * 1024; // as compact JSON

// Applies the body of a create or PATCH to `flag`, as PostHog's serializer reads it: writable
// fields are type-checked and copied; read-only fields (ids, timestamps, authors) and fields the
// serializer does not know are ignored, as Django REST framework ignores them, so a client may
// send a whole flag back. Throws ApiError (400) naming the field, also for a name or filters over
// their caps; `flag` is untouched then.
void applyFlagInput(FeatureFlag &flag, const QJsonObject &body);

// Whether a body's field is one applyFlagInput writes.
bool isWritableFlagField(const QString &name);

// A PATCH's `filters` as PostHog applies it (rest-api-behaviour.md §3.3): the top-level keys
// sent replace the stored ones and the rest stay, so `{"payloads": ...}` alone keeps the release
// conditions and `{}` changes nothing. Returns `body` with its `filters` merged so.
QJsonObject mergeFiltersPatch(const QJsonObject &stored, const QJsonObject &body);

// PostHog's tagify(): a tag is stored trimmed and in lower case.
QString tagify(const QString &tag);

// What a flag created from only a key looks like: every field PostHog serves, off for everyone.
FeatureFlag newFlagTemplate();

} // namespace bunting::server
