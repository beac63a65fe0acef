#include "problem_text.h"

#include "property_filter.h"

#include <QCoreApplication>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bunting::models::ProblemText", text);
}

// PostHog starts the details of its structural and cross-field rules with the position they
// are about ("groups[0].properties[1].value: ..."): the form shows the place its own way.
QString withoutPosition(const QString &detail)
{
    static const QRegularExpression position(
        u"^(?:groups|super_groups|multivariate|payloads|holdout)[\\w\\[\\].]*: "_s);
    QString text = detail;
    text.remove(position);
    return text;
}

// The operator a detail names ("Invalid value for operator icontains: ..."), in words.
QString operatorIn(const QString &detail, const QString &pattern)
{
    const QRegularExpression expression(pattern);
    const QString name = expression.match(detail).captured(1);
    return operatorLabel(name);
}

QString sentence(QString text)
{
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

} // namespace

QString problemPlace(const FieldPath &path)
{
    if (path.field.isEmpty())
        return {};
    if (path.field != "filters"_L1) {
        static const QList<std::pair<QLatin1StringView, const char *>> fields = {
            {"key"_L1, QT_TRANSLATE_NOOP("bunting::models::ProblemText", "Key")},
            {"name"_L1, QT_TRANSLATE_NOOP("bunting::models::ProblemText", "Description")},
            {"tags"_L1, QT_TRANSLATE_NOOP("bunting::models::ProblemText", "Tags")},
            {"active"_L1, QT_TRANSLATE_NOOP("bunting::models::ProblemText", "Status")},
            {"evaluation_runtime"_L1,
             QT_TRANSLATE_NOOP("bunting::models::ProblemText", "Evaluation runtime")},
            {"evaluation_contexts"_L1,
             QT_TRANSLATE_NOOP("bunting::models::ProblemText", "Evaluation contexts")},
            {"ensure_experience_continuity"_L1,
             QT_TRANSLATE_NOOP("bunting::models::ProblemText", "Continuity")},
            {"is_remote_configuration"_L1,
             QT_TRANSLATE_NOOP("bunting::models::ProblemText", "Kind")},
        };
        for (const auto &[field, text] : fields)
            if (path.field == field)
                return tr(text);
        QString text = path.field;
        text.replace(u'_', u' ');
        return sentence(text);
    }
    if (path.section == "groups"_L1) {
        if (path.condition < 0)
            return tr("Release conditions");
        const QString condition = tr("Condition %1").arg(path.condition + 1);
        if (path.property >= 0)
            return tr("%1, filter %2").arg(condition).arg(path.property + 1);
        if (path.attribute == "rollout_percentage"_L1)
            return tr("%1, rollout").arg(condition);
        if (path.attribute == "variant"_L1)
            return tr("%1, variant override").arg(condition);
        if (path.attribute == "description"_L1)
            return tr("%1, description").arg(condition);
        if (path.attribute == "aggregation_group_type_index"_L1)
            return tr("%1, match by").arg(condition);
        return condition;
    }
    if (path.section == "multivariate"_L1) {
        if (path.variant < 0)
            return tr("Variants");
        const QString variant = tr("Variant %1").arg(path.variant + 1);
        if (path.attribute == "key"_L1)
            return tr("%1, key").arg(variant);
        if (path.attribute == "rollout_percentage"_L1)
            return tr("%1, share").arg(variant);
        if (path.attribute == "name"_L1)
            return tr("%1, name").arg(variant);
        return variant;
    }
    if (path.section == "payloads"_L1) {
        if (path.payloadKey.isNull())
            return tr("Payloads");
        return path.payloadKey == "true"_L1 ? tr("Payload")
                                            : tr("Payload of “%1”").arg(path.payloadKey);
    }
    if (path.section == "holdout"_L1)
        return tr("Holdout");
    if (path.section == "aggregation_group_type_index"_L1 ||
        path.attribute == "aggregation_group_type_index"_L1)
        return tr("Match by");
    return tr("Release conditions");
}

QString problemMessage(const ValidationError &error)
{
    const QString &code = error.code;
    const QString &detail = error.detail;
    if (error.attr == "key"_L1 &&
        (code == "blank"_L1 || code == "required"_L1 || code == "null"_L1))
        return tr("Enter a key.");
    if (code.startsWith("structural.groups[].properties[].key."_L1))
        return tr("Choose a property.");
    if (detail.contains(".operator: unsupported operator"_L1))
        return tr("Choose an operator: this one is not evaluated in feature flags.");
    if (detail.contains(".type: invalid property type"_L1))
        return tr("Choose what to match: a person, group, cohort or flag property.");
    if (detail.contains("invalid regex pattern"_L1))
        return tr("The regular expression is not valid.");
    if (detail.startsWith("groups["_L1) && detail.contains("].rollout_percentage must be"_L1))
        return tr("The rollout must be between 0% and 100%.");
    if (detail.startsWith("multivariate.variants["_L1) &&
        detail.contains("].rollout_percentage must be"_L1))
        return tr("The share must be between 0% and 100%.");
    if (code == "structural.multivariate.variants[].key.blank"_L1)
        return tr("Give the variant a key.");
    if (detail.contains("rollout percentages must sum to 100"_L1))
        return tr("The variants' shares must add up to 100%.");
    if (detail.contains("variant override does not exist"_L1))
        return tr("The variant override names a variant the flag does not have.");
    if (detail.startsWith("Payload value is not valid JSON"_L1) ||
        (detail.startsWith("Payload for key"_L1) && detail.contains("not valid"_L1)))
        return tr("The payload is not valid JSON.");
    if (detail.startsWith("Payload keys must match a variant key"_L1))
        return tr("This payload belongs to no variant of the flag.");
    if (detail.startsWith("Payload keys must be 'true'"_L1))
        return tr("A flag without variants has one payload, served while it is on.");
    if (code == "invalid_value"_L1 || code == "cross_field.operator_requires_string_value"_L1)
        return tr("“%1” needs one text value, not a list or a number.")
            .arg(operatorIn(detail, u"[Oo]perator (\\w+)"_s));
    if (code == "cross_field.operator_requires_list_value"_L1)
        return tr("“%1” needs a list of values.").arg(operatorIn(detail, u"Operator (\\w+)"_s));
    if (code == "cross_field.semver_value_invalid"_L1)
        return tr("Enter a version such as 1.2.3 for “%1”.")
            .arg(operatorIn(detail, u"operator (\\w+)"_s));
    if (code == "invalid_date"_L1)
        return tr("Enter a date such as 2024-01-31, or a relative one such as -7d.");
    if (code == "invalid_operator"_L1)
        return tr("“%1” is for cohorts only.").arg(operatorIn(detail, u"The '(\\w+)'"_s));
    return sentence(withoutPosition(detail));
}

QString problemText(const FieldError &problem)
{
    const QString place = problemPlace(problem.path);
    const QString message = problemMessage(problem.error);
    if (place.isEmpty())
        return message;
    // "Condition 2, filter 1: choose a property."
    QString rest = message;
    if (rest.size() > 1 && rest[0].isUpper() && !rest[1].isUpper())
        rest[0] = rest[0].toLower();
    return tr("%1: %2").arg(place, rest);
}

} // namespace bunting::models
