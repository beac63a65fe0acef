#pragma once

#include <QJsonValue>
#include <QString>
#include <optional>

namespace bunting::models {

// Why a flag has its value, in a sentence a product manager reads without knowing PostHog's
// reason codes ("condition_match" -> "Matched condition set 2"). Unknown codes still read.
QString reasonSentence(const QString &code, std::optional<int> conditionIndex = std::nullopt);

// A flag value as people say it: "true", "false" or the variant's key.
QString flagValueText(const QJsonValue &value);
// Whether the value turns the flag on: `true` or any variant.
bool flagValueIsOn(const QJsonValue &value);

} // namespace bunting::models
