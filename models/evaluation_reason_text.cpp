#include "evaluation_reason_text.h"

#include "match_reason.h"

using namespace Qt::StringLiterals;

namespace bunting::models {

QString reasonSentence(const QString &code, std::optional<int> conditionIndex)
{
    // PostHog's evaluation_reasons says "disabled" where its flags service says "flag_disabled".
    const auto reason = reasonFromCode(code == "disabled"_L1 ? u"flag_disabled"_s : code);
    if (reason) {
        switch (*reason) {
        case MatchReason::ConditionMatch:
            return conditionIndex ? u"Matched condition set %1"_s.arg(*conditionIndex + 1)
                                  : u"A condition set matched"_s;
        case MatchReason::OutOfRolloutBound:
            return u"Matched a condition set, but outside its rollout percentage"_s;
        case MatchReason::NoConditionMatch:
        case MatchReason::NoConditionMatchGroupsNotEvaluated:
            return u"No condition set matches this user"_s;
        case MatchReason::NoGroupType:
            return u"The flag is for groups, and no group was given"_s;
        case MatchReason::FlagDisabled:
            return u"The flag is disabled"_s;
        case MatchReason::SuperConditionValue:
            return u"Decided by the user's early access opt-in"_s;
        case MatchReason::HoldoutConditionValue:
            return u"The user is in the holdout group"_s;
        case MatchReason::MissingDependency:
            return u"The flag depends on a flag that does not exist"_s;
        }
    }
    if (code.isEmpty())
        return u"No reason given"_s;
    // A code newer than this app: its words, readable.
    QString text = code;
    text.replace(u'_', u' ');
    text[0] = text[0].toUpper();
    return text;
}

QString flagValueText(const QJsonValue &value)
{
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (value.isString())
        return value.toString();
    if (value.isNull() || value.isUndefined())
        return u"false"_s;
    if (value.isDouble())
        return QString::number(value.toDouble());
    return {};
}

bool flagValueIsOn(const QJsonValue &value)
{
    return (value.isBool() && value.toBool()) || (value.isString() && !value.toString().isEmpty());
}

} // namespace bunting::models
