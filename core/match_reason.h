#pragma once

#include <QString>
#include <optional>

namespace bunting {

// Why a flag has its value, as PostHog's flags service names it (`reason.code`).
enum class MatchReason {
    SuperConditionValue,
    HoldoutConditionValue,
    ConditionMatch,
    OutOfRolloutBound,
    NoConditionMatch,
    // Person conditions did not match and group conditions were skipped for want of a group;
    // reported as `no_condition_match` with a longer description.
    NoConditionMatchGroupsNotEvaluated,
    NoGroupType,
    FlagDisabled,
    MissingDependency,
};

// When no condition matches, the reason with the highest score over all conditions is reported.
int reasonScore(MatchReason reason);
QString reasonCode(MatchReason reason);
// "Matched condition set 2", "Out of rollout bound", ...
QString reasonDescription(MatchReason reason, std::optional<int> conditionIndex);
std::optional<MatchReason> reasonFromCode(const QString &code);

} // namespace bunting
