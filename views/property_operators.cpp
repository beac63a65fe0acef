#include "property_operators.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace bunting::views {

QList<Operator> operatorsForType(PropertyType type)
{
    switch (type) {
    case PropertyType::Cohort:
        return {Operator::In, Operator::NotIn};
    case PropertyType::Flag:
        return {Operator::FlagEvaluatesTo};
    case PropertyType::Person:
    case PropertyType::Group:
    case PropertyType::Other:
        break;
    }
    return {Operator::Exact,        Operator::IsNot,
            Operator::Icontains,    Operator::NotIcontains,
            Operator::StartsWith,   Operator::NotStartsWith,
            Operator::EndsWith,     Operator::NotEndsWith,
            Operator::Regex,        Operator::NotRegex,
            Operator::Gt,           Operator::Gte,
            Operator::Lt,           Operator::Lte,
            Operator::IsSet,        Operator::IsNotSet,
            Operator::IsDateBefore, Operator::IsDateAfter,
            Operator::IsDateExact,  Operator::SemverEq,
            Operator::SemverNeq,    Operator::SemverGt,
            Operator::SemverGte,    Operator::SemverLt,
            Operator::SemverLte,    Operator::SemverTilde,
            Operator::SemverCaret,  Operator::SemverWildcard};
}

Operator defaultOperator(PropertyType type)
{
    switch (type) {
    case PropertyType::Cohort:
        return Operator::In;
    case PropertyType::Flag:
        return Operator::FlagEvaluatesTo;
    case PropertyType::Person:
    case PropertyType::Group:
    case PropertyType::Other:
        break;
    }
    return Operator::Exact;
}

QString operatorLabel(Operator op)
{
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("bunting::views::PropertyFilterEditor", text);
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

ValueKind valueKindFor(PropertyType type, Operator op)
{
    if (type == PropertyType::Cohort && op != Operator::Unknown)
        return ValueKind::Cohort;
    if (type == PropertyType::Flag && op != Operator::Unknown)
        return ValueKind::FlagValue;
    switch (op) {
    case Operator::Exact:
    case Operator::IsNot:
        return ValueKind::List;
    case Operator::IsSet:
    case Operator::IsNotSet:
        return ValueKind::None;
    case Operator::Icontains:
    case Operator::NotIcontains:
    case Operator::StartsWith:
    case Operator::NotStartsWith:
    case Operator::EndsWith:
    case Operator::NotEndsWith:
        return ValueKind::Text;
    case Operator::Regex:
    case Operator::NotRegex:
        return ValueKind::Regex;
    case Operator::Gt:
    case Operator::Gte:
    case Operator::Lt:
    case Operator::Lte:
        return ValueKind::Number;
    case Operator::IsDateBefore:
    case Operator::IsDateAfter:
    case Operator::IsDateExact:
        return ValueKind::Date;
    case Operator::SemverEq:
    case Operator::SemverNeq:
    case Operator::SemverGt:
    case Operator::SemverGte:
    case Operator::SemverLt:
    case Operator::SemverLte:
    case Operator::SemverTilde:
    case Operator::SemverCaret:
    case Operator::SemverWildcard:
        return ValueKind::Semver;
    case Operator::In:
    case Operator::NotIn:
    case Operator::FlagEvaluatesTo:
    case Operator::Unknown:
        break;
    }
    return ValueKind::Json;
}

} // namespace bunting::views
