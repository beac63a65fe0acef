#include "property_operators.h"

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
