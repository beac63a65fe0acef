#include "match_reason.h"

using namespace Qt::StringLiterals;

namespace bunting {

int reasonScore(MatchReason reason)
{
    switch (reason) {
    case MatchReason::SuperConditionValue:
        return 6;
    case MatchReason::HoldoutConditionValue:
        return 5;
    case MatchReason::ConditionMatch:
        return 4;
    case MatchReason::OutOfRolloutBound:
        return 3;
    case MatchReason::NoConditionMatch:
    case MatchReason::NoConditionMatchGroupsNotEvaluated:
        return 2;
    case MatchReason::NoGroupType:
        return 1;
    case MatchReason::FlagDisabled:
        return 0;
    case MatchReason::MissingDependency:
        return -1;
    }
    return -1;
}

QString reasonCode(MatchReason reason)
{
    switch (reason) {
    case MatchReason::SuperConditionValue:
        return u"super_condition_value"_s;
    case MatchReason::HoldoutConditionValue:
        return u"holdout_condition_value"_s;
    case MatchReason::ConditionMatch:
        return u"condition_match"_s;
    case MatchReason::OutOfRolloutBound:
        return u"out_of_rollout_bound"_s;
    case MatchReason::NoConditionMatch:
    case MatchReason::NoConditionMatchGroupsNotEvaluated:
        return u"no_condition_match"_s;
    case MatchReason::NoGroupType:
        return u"no_group_type"_s;
    case MatchReason::FlagDisabled:
        return u"flag_disabled"_s;
    case MatchReason::MissingDependency:
        return u"missing_dependency"_s;
    }
    return {};
}

QString reasonDescription(MatchReason reason, std::optional<int> conditionIndex)
{
    switch (reason) {
    case MatchReason::ConditionMatch:
        return "Matched condition set "_L1 + QString::number(conditionIndex.value_or(0) + 1);
    case MatchReason::NoConditionMatch:
        return u"No matching condition set"_s;
    case MatchReason::NoConditionMatchGroupsNotEvaluated:
        return u"No matching condition set (group conditions were not evaluated because no "
               "group type was provided)"_s;
    case MatchReason::OutOfRolloutBound:
        return u"Out of rollout bound"_s;
    case MatchReason::NoGroupType:
        return u"No group type"_s;
    case MatchReason::SuperConditionValue:
        return u"Super condition value"_s;
    case MatchReason::HoldoutConditionValue:
        return u"Holdout condition value"_s;
    case MatchReason::FlagDisabled:
        return u"Feature flag is disabled"_s;
    case MatchReason::MissingDependency:
        return u"Flag cannot be evaluated due to missing dependency"_s;
    }
    return {};
}

std::optional<MatchReason> reasonFromCode(const QString &code)
{
    for (MatchReason r : {MatchReason::SuperConditionValue, MatchReason::HoldoutConditionValue,
                          MatchReason::ConditionMatch, MatchReason::OutOfRolloutBound,
                          MatchReason::NoConditionMatch, MatchReason::NoGroupType,
                          MatchReason::FlagDisabled, MatchReason::MissingDependency})
        if (reasonCode(r) == code)
            return r;
    return std::nullopt;
}

} // namespace bunting
