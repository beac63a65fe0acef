#include "property_filter.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <array>
#include <utility>

using namespace Qt::StringLiterals;

namespace bunting {

namespace {

constexpr std::array<std::pair<Operator, QLatin1StringView>, 31> operatorNames{{
    {Operator::Exact, "exact"_L1},
    {Operator::IsNot, "is_not"_L1},
    {Operator::IsSet, "is_set"_L1},
    {Operator::IsNotSet, "is_not_set"_L1},
    {Operator::Icontains, "icontains"_L1},
    {Operator::NotIcontains, "not_icontains"_L1},
    {Operator::Regex, "regex"_L1},
    {Operator::NotRegex, "not_regex"_L1},
    {Operator::Gt, "gt"_L1},
    {Operator::Gte, "gte"_L1},
    {Operator::Lt, "lt"_L1},
    {Operator::Lte, "lte"_L1},
    {Operator::StartsWith, "starts_with"_L1},
    {Operator::NotStartsWith, "not_starts_with"_L1},
    {Operator::EndsWith, "ends_with"_L1},
    {Operator::NotEndsWith, "not_ends_with"_L1},
    {Operator::IsDateBefore, "is_date_before"_L1},
    {Operator::IsDateAfter, "is_date_after"_L1},
    {Operator::IsDateExact, "is_date_exact"_L1},
    {Operator::SemverEq, "semver_eq"_L1},
    {Operator::SemverNeq, "semver_neq"_L1},
    {Operator::SemverGt, "semver_gt"_L1},
    {Operator::SemverGte, "semver_gte"_L1},
    {Operator::SemverLt, "semver_lt"_L1},
    {Operator::SemverLte, "semver_lte"_L1},
    {Operator::SemverTilde, "semver_tilde"_L1},
    {Operator::SemverCaret, "semver_caret"_L1},
    {Operator::SemverWildcard, "semver_wildcard"_L1},
    {Operator::In, "in"_L1},
    {Operator::NotIn, "not_in"_L1},
    {Operator::FlagEvaluatesTo, "flag_evaluates_to"_L1},
}};

} // namespace

QString operatorName(Operator op)
{
    for (const auto &[candidate, name] : operatorNames)
        if (candidate == op)
            return QString(name);
    return {};
}

QString operatorLabel(Operator op)
{
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("bunting::PropertyFilter", text);
    };
    switch (op) {
    case Operator::Exact:
        return tr("equals");
    case Operator::IsNot:
        return tr("doesn't equal");
    case Operator::IsSet:
        return tr("is set");
    case Operator::IsNotSet:
        return tr("is not set");
    case Operator::Icontains:
        return tr("contains");
    case Operator::NotIcontains:
        return tr("doesn't contain");
    case Operator::Regex:
        return tr("matches regex");
    case Operator::NotRegex:
        return tr("doesn't match regex");
    case Operator::Gt:
        return tr("greater than");
    case Operator::Gte:
        return tr("greater than or equal to");
    case Operator::Lt:
        return tr("less than");
    case Operator::Lte:
        return tr("less than or equal to");
    case Operator::StartsWith:
        return tr("starts with");
    case Operator::NotStartsWith:
        return tr("doesn't start with");
    case Operator::EndsWith:
        return tr("ends with");
    case Operator::NotEndsWith:
        return tr("doesn't end with");
    case Operator::IsDateBefore:
        return tr("before");
    case Operator::IsDateAfter:
        return tr("after");
    case Operator::IsDateExact:
        return tr("on");
    case Operator::SemverEq:
        return tr("semver =");
    case Operator::SemverNeq:
        return tr("semver ≠");
    case Operator::SemverGt:
        return tr("semver >");
    case Operator::SemverGte:
        return tr("semver ≥");
    case Operator::SemverLt:
        return tr("semver <");
    case Operator::SemverLte:
        return tr("semver ≤");
    case Operator::SemverTilde:
        return tr("semver ~ (same minor)");
    case Operator::SemverCaret:
        return tr("semver ^ (compatible)");
    case Operator::SemverWildcard:
        return tr("semver wildcard");
    case Operator::In:
        return tr("in");
    case Operator::NotIn:
        return tr("not in");
    case Operator::FlagEvaluatesTo:
        return tr("evaluates to");
    case Operator::Unknown:
        break;
    }
    return {};
}

QString operatorLabel(const QString &name)
{
    const QString label = operatorLabel(operatorFromName(name));
    return label.isEmpty() ? name : label;
}

Operator operatorFromName(const QString &name)
{
    if (name.isEmpty())
        return Operator::Exact;
    for (const auto &[op, candidate] : operatorNames)
        if (name == candidate)
            return op;
    return Operator::Unknown;
}

PropertyType propertyTypeFromName(const QString &name)
{
    if (name == "person"_L1 || name.isEmpty())
        return PropertyType::Person;
    if (name == "group"_L1)
        return PropertyType::Group;
    if (name == "cohort"_L1)
        return PropertyType::Cohort;
    if (name == "flag"_L1)
        return PropertyType::Flag;
    return PropertyType::Other;
}

QString propertyTypeName(PropertyType type)
{
    switch (type) {
    case PropertyType::Person:
        return u"person"_s;
    case PropertyType::Group:
        return u"group"_s;
    case PropertyType::Cohort:
        return u"cohort"_s;
    case PropertyType::Flag:
        return u"flag"_s;
    case PropertyType::Other:
        break;
    }
    return {};
}

PropertyFilter PropertyFilter::fromJson(const QJsonObject &o)
{
    PropertyFilter f;
    f.record.read(o, {"key"_L1, "type"_L1, "value"_L1, "operator"_L1, "negation"_L1,
                      "group_type_index"_L1, "dependency_chain"_L1, "label"_L1});
    f.key = o.value("key"_L1).isString() ? o.value("key"_L1).toString()
                                         : o.value("key"_L1).toVariant().toString();
    f.type = o.value("type"_L1).toString();
    f.value = o.value("value"_L1);
    f.op = o.value("operator"_L1).toString();
    f.negation = o.value("negation"_L1).toBool();
    if (o.value("group_type_index"_L1).isDouble())
        f.groupTypeIndex = o.value("group_type_index"_L1).toInt();
    const QJsonValue chain = o.value("dependency_chain"_L1);
    f.hasDependencyChain = chain.isArray();
    for (const QJsonValue &k : chain.toArray())
        f.dependencyChain.append(k.toString());
    f.label = o.value("label"_L1).toString();
    return f;
}

QJsonObject PropertyFilter::toJson() const
{
    QJsonObject o = record.extraFields();
    record.put(o, "key"_L1, key, false);
    record.put(o, "type"_L1, type, type.isEmpty());
    record.put(o, "value"_L1, value, value.isUndefined());
    record.put(o, "operator"_L1, op, op.isEmpty());
    record.put(o, "negation"_L1, negation, !negation);
    record.put(o, "group_type_index"_L1,
               groupTypeIndex ? QJsonValue(*groupTypeIndex) : QJsonValue(), !groupTypeIndex);
    record.put(o, "dependency_chain"_L1, QJsonArray::fromStringList(dependencyChain),
               !hasDependencyChain && dependencyChain.isEmpty());
    record.put(o, "label"_L1, label, label.isEmpty());
    return o;
}

QList<PropertyFilter> propertyFiltersFromJson(const QJsonValue &value)
{
    QList<PropertyFilter> filters;
    for (const QJsonValue &item : value.toArray())
        filters.append(PropertyFilter::fromJson(item.toObject()));
    return filters;
}

QJsonArray propertyFiltersToJson(const QList<PropertyFilter> &filters)
{
    QJsonArray array;
    for (const PropertyFilter &f : filters)
        array.append(f.toJson());
    return array;
}

} // namespace bunting
