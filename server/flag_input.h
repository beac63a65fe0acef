#pragma once

#include "feature_flag.h"

#include <QJsonObject>

namespace bunting::server {

// Applies the body of a create or PATCH to `flag`, as PostHog's serializer reads it: writable
// fields are type-checked and copied, read-only fields (ids, timestamps, authors) are ignored so
// a client may send a whole flag back, and unknown fields are refused. Throws ApiError (400)
// naming the field; `flag` is untouched then.
void applyFlagInput(FeatureFlag &flag, const QJsonObject &body);

// PostHog's tagify(): a tag is stored trimmed and in lower case.
QString tagify(const QString &tag);

// What a flag created from only a key looks like: every field PostHog serves, off for everyone.
FeatureFlag newFlagTemplate();

} // namespace bunting::server
