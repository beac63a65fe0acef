#pragma once

#include "http/api_error.h"
#include "http/request.h"

#include <QJsonObject>

namespace bunting::server {

// The JSON object an SDK posted, however it packed it: plain JSON, gzip (`Content-Encoding:
// gzip`, or `?compression=gzip-js` as posthog-js sends it), or base64 in a `data=` form field
// (`?compression=base64`, posthog-js's fallback). An ApiError (400) for anything unreadable.
QJsonObject sdkRequestObject(const ApiRequest &request);

// gzip (or zlib) data inflated; nullopt when it is not valid.
std::optional<QByteArray> gunzip(const QByteArray &data);

} // namespace bunting::server
