#pragma once

#include "api.h"

#include <QJsonObject>

namespace bunting::server {

// The JSON object an SDK posted, however it packed it: plain JSON, gzip (`Content-Encoding:
// gzip`, or `?compression=gzip-js` as posthog-js sends it), or base64 in a `data=` form field
// (`?compression=base64`, posthog-js's fallback). An ApiError (400) for anything unreadable.
QJsonObject sdkRequestObject(const ApiRequest &request);

// An id an SDK sent (distinct_id, $device_id, a group key...) as PostHog's services read it:
// a string as it is, a number as its JSON text (`1.5` is "1.5", `7` is "7"), anything else empty.
// The one conversion for /flags, /decide and event ingestion, so the same id is the same person.
QString sdkIdText(const QJsonValue &value);

// gzip (or zlib) data inflated; nullopt when it is not valid.
std::optional<QByteArray> gunzip(const QByteArray &data);

} // namespace bunting::server
