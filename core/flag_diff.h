#pragma once

#include "feature_flag.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <optional>

namespace bunting {

enum class ChangeKind { Added, Removed, Changed, Moved };
enum class ChangeLevel { Field, Condition, Property, Variant, Payload };

// One difference between two versions of a flag.
//
// Positions are 0-based and name the place in the newer version, except for what was Removed,
// which keeps its place in the older one; summaries count from 1, as the UI does. A Moved change
// holds the old and the new position in `before` and `after`. Changes of a whole entity
// (condition, property, variant, payload) are Added, Removed or Moved; changes of one of its
// attributes are Changed. At Field level, Added and Removed mean unset (absent, null, "", [] or
// {}) became set or the reverse, which PostHog's activity log calls "created" and "deleted".
struct FlagChange
{
    ChangeLevel level = ChangeLevel::Field;
    ChangeKind kind = ChangeKind::Changed;
    QString path;  // "filters.groups[1].rollout_percentage", "filters.payloads[b]", "tags"
    QString field; // the top-level field: "filters", "active", "name", "tags", ...
    std::optional<int> conditionIndex;
    std::optional<int> propertyIndex;
    QString variantKey; // variant and payload changes
    QString subject;    // property changes: the property as people read it, "email icontains"
    QJsonValue before = QJsonValue::Undefined; // Undefined when absent
    QJsonValue after = QJsonValue::Undefined;

    // A sentence for people: "Rollout of condition set 2: 20% → 50%".
    QString summary() const;
    friend bool operator==(const FlagChange &, const FlagChange &) = default;
};

// The differences from `before` to `after`: top-level fields in name order, `filters` broken
// down into conditions, properties, variants and payloads. Equal flags give an empty list.
QList<FlagChange> diffFlags(const FeatureFlag &before, const FeatureFlag &after);

// PostHog's activity-log `detail.changes` for the same edit: one
// {"type": "FeatureFlag", "action": "created"|"deleted"|"changed", "field", "before", "after"}
// per top-level field that diffFlags() finds changed, with the whole field as before and after.
QJsonArray activityChanges(const FeatureFlag &before, const FeatureFlag &after);

} // namespace bunting
