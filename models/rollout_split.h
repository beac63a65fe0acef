#pragma once

#include "feature_flag.h"

#include <QList>
#include <QString>

// The split a flag is configured with, as the rollout charts draw it: who gets which variant
// and how far each condition set is rolled out. Pure functions of the flag.
namespace bunting::models {

struct VariantShare
{
    QString key;
    QString name; // as the flag names it; may be empty
    double percent = 0;

    // "control 50%", what the chart writes on the variant's bar.
    QString label() const;
    friend bool operator==(const VariantShare &, const VariantShare &) = default;
};

struct ConditionRollout
{
    QString label;   // "Condition set 2"
    QString summary; // "email ~ @acme.com and plan = pro", "Everyone" without properties
    double percent = 100;
    QString variantOverride; // the variant every match gets; empty without one
    QString description;     // the condition's own description, when it has one

    friend bool operator==(const ConditionRollout &, const ConditionRollout &) = default;
};

// One share per variant in the flag's order; empty for a boolean flag.
QList<VariantShare> variantShares(const FeatureFlag &flag);
// One entry per release condition set, in the order they are evaluated.
QList<ConditionRollout> conditionRollouts(const FeatureFlag &flag);

} // namespace bunting::models
