#include "evaluation_reason_text.h"

#include "match_reason.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bunting::models::EvaluationReasonText", text);
}

} // namespace

QString reasonSentence(const QString &code, std::optional<int> conditionIndex)
{
    // PostHog's evaluation_reasons says "disabled" where its flags service says "flag_disabled".
    const auto reason = reasonFromCode(code == "disabled"_L1 ? u"flag_disabled"_s : code);
    if (reason) {
        switch (*reason) {
        case MatchReason::ConditionMatch:
            return conditionIndex ? tr("Matched condition set %1").arg(*conditionIndex + 1)
                                  : tr("A condition set matched");
        case MatchReason::OutOfRolloutBound:
            return tr("Matched a condition set, but outside its rollout percentage");
        case MatchReason::NoConditionMatch:
        case MatchReason::NoConditionMatchGroupsNotEvaluated:
            return tr("No condition set matches this user");
        case MatchReason::NoGroupType:
            return tr("The flag is for groups, and no group was given");
        case MatchReason::FlagDisabled:
            return tr("The flag is disabled");
        case MatchReason::SuperConditionValue:
            return tr("Decided by the user's early access opt-in");
        case MatchReason::HoldoutConditionValue:
            return tr("The user is in the holdout group");
        case MatchReason::MissingDependency:
            return tr("The flag depends on a flag that does not exist");
        }
    }
    if (code.isEmpty())
        return tr("No reason given");
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
