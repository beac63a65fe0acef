#pragma once

#include "flag_validation.h"

#include <QList>
#include <QString>

namespace bunting::models {

// Where in a flag something is, down to the part a form shows as one field: "key",
// "filters.groups[1].rollout_percentage", "filters.groups[0].properties[2].value",
// "filters.multivariate.variants[3].key", "filters.payloads[control]". Indices name positions in
// the draft. The string form follows the paths of core's diffFlags(), except that variants are
// named by position, since a duplicated or empty key cannot name one.
struct FieldPath
{
    QString field;   // top-level JSON field; empty: the flag as a whole
    QString section; // inside `filters`: groups, multivariate, payloads, holdout, ...
    int condition = -1;
    int property = -1;
    int variant = -1;
    QString payloadKey;
    QString attribute; // the last step: rollout_percentage, key, value, operator, ...

    static FieldPath atFlag() { return {}; }
    static FieldPath atField(const QString &field);
    static FieldPath atFilters(const QString &section, const QString &attribute = {});
    static FieldPath atCondition(int index, const QString &attribute = {});
    static FieldPath atProperty(int condition, int property, const QString &attribute = {});
    static FieldPath atVariants(); // the variants together: their sum, the list itself
    static FieldPath atVariant(int index, const QString &attribute = {});
    static FieldPath atPayload(const QString &key);

    QString toString() const;
    // Whether `other` is this place or lies inside it ("filters" holds every condition).
    bool contains(const FieldPath &other) const;
    friend bool operator==(const FieldPath &, const FieldPath &) = default;
};

// One validation error at the place it is about; an error about several places is listed once
// for each. The error is kept as core (or the server) gave it, `attr` and `detail` included.
struct FieldError
{
    FieldPath path;
    ValidationError error;
    friend bool operator==(const FieldError &, const FieldError &) = default;
};

} // namespace bunting::models
