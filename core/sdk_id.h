#pragma once

#include <QJsonValue>
#include <QString>

namespace bunting {

// An id an SDK sent (distinct_id, $device_id, $anon_distinct_id, a group key, an alias) as
// PostHog's Rust services read it: a string as it is, a number as serde_json writes it (`7` is
// "7", `1.5` is "1.5", `1e20` is "1e20"), anything else empty, which callers treat as no id. The
// flags service (rust/feature-flags/src/flags/flag_request.rs, deserialize_distinct_id) takes a
// string or a number and calls serde_json's Number::to_string; capture
// (RawEvent::extract_distinct_id in rust/common/types) writes a number the same way. The one
// conversion for /flags, /decide, /e/, /batch and the evaluation endpoint, so the same id is the
// same person everywhere.
QString sdkIdText(const QJsonValue &value);

} // namespace bunting
