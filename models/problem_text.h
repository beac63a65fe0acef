#pragma once

#include "field_path.h"

#include <QString>

namespace bunting::models {

// A validation problem in the words of the rollout editor rather than of the API. PostHog
// addresses a problem to a program ("groups[1].properties[0].key: This field may not be
// blank.", attr "filters"); a person editing the flag reads where it is as the form names it
// ("Condition 2, filter 1") and what to do about it ("choose a property"). The rules are the
// same ones core applies, on the client and in the server; only their wording differs here.

// Where the problem is, as the form names the place: "Key", "Condition 2, filter 1",
// "Condition 2, rollout", "Variant 3, key", "Variants", "Payload of “control”"; empty for the
// flag as a whole.
QString problemPlace(const FieldPath &path);

// What is wrong, as a sentence for the field it is shown beside: "Choose a property." The
// rules whose API wording names positions or JSON are reworded; the others keep PostHog's
// sentence, without the position it may start with.
QString problemMessage(const ValidationError &error);

// Both, for a list of problems: "Condition 2, filter 1: choose a property."
QString problemText(const FieldError &problem);

} // namespace bunting::models
