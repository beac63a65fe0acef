#include "evaluation_reason_text.h"

using namespace Qt::StringLiterals;

namespace bunting::models {

QString reasonSentence(const QString &code, std::optional<int> conditionIndex)
{
    if (code == "condition_match"_L1)
        return conditionIndex ? u"Matched condition set %1"_s.arg(*conditionIndex + 1)
                              : u"A condition set matched"_s;
    if (code == "out_of_rollout_bound"_L1)
        return u"Matched a condition set, but outside its rollout percentage"_s;
    if (code == "no_condition_match"_L1)
        return u"No condition set matches this user"_s;
    if (code == "no_group_type"_L1)
        return u"The flag is for groups, and no group was given"_s;
    // PostHog's evaluation_reasons says "disabled" where the engine says "flag_disabled".
    if (code == "flag_disabled"_L1 || code == "disabled"_L1)
        return u"The flag is disabled"_s;
    if (code == "super_condition_value"_L1)
        return u"Decided by the user's early access opt-in"_s;
    if (code == "holdout_condition_value"_L1)
        return u"The user is in the holdout group"_s;
    if (code == "missing_dependency"_L1)
        return u"The flag depends on a flag that does not exist"_s;
    if (code.isEmpty())
        return u"No reason given"_s;
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
