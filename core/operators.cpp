#include "operators.h"

namespace bunting {

OperatorFamily operatorFamily(Operator op)
{
    switch (op) {
    case Operator::Exact:
    case Operator::IsNot:
        return OperatorFamily::Equality;
    case Operator::IsSet:
    case Operator::IsNotSet:
        return OperatorFamily::Presence;
    case Operator::Icontains:
    case Operator::NotIcontains:
    case Operator::StartsWith:
    case Operator::NotStartsWith:
    case Operator::EndsWith:
    case Operator::NotEndsWith:
        return OperatorFamily::Text;
    case Operator::Regex:
    case Operator::NotRegex:
        return OperatorFamily::Regex;
    case Operator::Gt:
    case Operator::Gte:
    case Operator::Lt:
    case Operator::Lte:
        return OperatorFamily::Ordering;
    case Operator::IsDateBefore:
    case Operator::IsDateAfter:
    case Operator::IsDateExact:
        return OperatorFamily::Date;
    case Operator::SemverEq:
    case Operator::SemverNeq:
    case Operator::SemverGt:
    case Operator::SemverGte:
    case Operator::SemverLt:
    case Operator::SemverLte:
    case Operator::SemverTilde:
    case Operator::SemverCaret:
    case Operator::SemverWildcard:
        return OperatorFamily::Semver;
    case Operator::In:
    case Operator::NotIn:
        return OperatorFamily::Cohort;
    case Operator::FlagEvaluatesTo:
        return OperatorFamily::Flag;
    case Operator::Unknown:
        break;
    }
    return OperatorFamily::Unknown;
}

bool isNegation(Operator op)
{
    switch (op) {
    case Operator::IsNot:
    case Operator::IsNotSet:
    case Operator::NotIcontains:
    case Operator::NotStartsWith:
    case Operator::NotEndsWith:
    case Operator::NotRegex:
    case Operator::SemverNeq:
    case Operator::NotIn:
        return true;
    case Operator::Exact:
    case Operator::IsSet:
    case Operator::Icontains:
    case Operator::StartsWith:
    case Operator::EndsWith:
    case Operator::Regex:
    case Operator::Gt:
    case Operator::Gte:
    case Operator::Lt:
    case Operator::Lte:
    case Operator::IsDateBefore:
    case Operator::IsDateAfter:
    case Operator::IsDateExact:
    case Operator::SemverEq:
    case Operator::SemverGt:
    case Operator::SemverGte:
    case Operator::SemverLt:
    case Operator::SemverLte:
    case Operator::SemverTilde:
    case Operator::SemverCaret:
    case Operator::SemverWildcard:
    case Operator::In:
    case Operator::FlagEvaluatesTo:
    case Operator::Unknown:
        break;
    }
    return false;
}

Comparison operatorComparison(Operator op)
{
    switch (op) {
    case Operator::SemverEq:
        return Comparison::Equal;
    case Operator::SemverNeq:
        return Comparison::NotEqual;
    case Operator::Gt:
    case Operator::SemverGt:
        return Comparison::Greater;
    case Operator::Gte:
    case Operator::SemverGte:
        return Comparison::GreaterOrEqual;
    case Operator::Lt:
    case Operator::SemverLt:
        return Comparison::Less;
    case Operator::Lte:
    case Operator::SemverLte:
        return Comparison::LessOrEqual;
    case Operator::Exact:
    case Operator::IsNot:
    case Operator::IsSet:
    case Operator::IsNotSet:
    case Operator::Icontains:
    case Operator::NotIcontains:
    case Operator::Regex:
    case Operator::NotRegex:
    case Operator::StartsWith:
    case Operator::NotStartsWith:
    case Operator::EndsWith:
    case Operator::NotEndsWith:
    case Operator::IsDateBefore:
    case Operator::IsDateAfter:
    case Operator::IsDateExact:
    case Operator::SemverTilde:
    case Operator::SemverCaret:
    case Operator::SemverWildcard:
    case Operator::In:
    case Operator::NotIn:
    case Operator::FlagEvaluatesTo:
    case Operator::Unknown:
        break;
    }
    return Comparison::None;
}

bool requiresStringValue(Operator op)
{
    switch (op) {
    case Operator::Regex:
    case Operator::NotRegex:
    case Operator::Icontains:
    case Operator::NotIcontains:
    case Operator::Gt:
    case Operator::Gte:
    case Operator::Lt:
    case Operator::Lte:
        return true;
    case Operator::Exact:
    case Operator::IsNot:
    case Operator::IsSet:
    case Operator::IsNotSet:
    case Operator::StartsWith:
    case Operator::NotStartsWith:
    case Operator::EndsWith:
    case Operator::NotEndsWith:
    case Operator::IsDateBefore:
    case Operator::IsDateAfter:
    case Operator::IsDateExact:
    case Operator::SemverEq:
    case Operator::SemverNeq:
    case Operator::SemverGt:
    case Operator::SemverGte:
    case Operator::SemverLt:
    case Operator::SemverLte:
    case Operator::SemverTilde:
    case Operator::SemverCaret:
    case Operator::SemverWildcard:
    case Operator::In:
    case Operator::NotIn:
    case Operator::FlagEvaluatesTo:
    case Operator::Unknown:
        break;
    }
    return false;
}

ValueKind valueKindFor(PropertyType type, Operator op)
{
    if (type == PropertyType::Cohort && op != Operator::Unknown)
        return ValueKind::Cohort;
    if (type == PropertyType::Flag && op != Operator::Unknown)
        return ValueKind::FlagValue;
    switch (operatorFamily(op)) {
    case OperatorFamily::Equality:
        return ValueKind::List;
    case OperatorFamily::Presence:
        return ValueKind::None;
    case OperatorFamily::Text:
        return ValueKind::Text;
    case OperatorFamily::Regex:
        return ValueKind::Regex;
    case OperatorFamily::Ordering:
        return ValueKind::Number;
    case OperatorFamily::Date:
        return ValueKind::Date;
    case OperatorFamily::Semver:
        return ValueKind::Semver;
    case OperatorFamily::Cohort:
    case OperatorFamily::Flag:
    case OperatorFamily::Unknown:
        break;
    }
    return ValueKind::Json;
}

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

} // namespace bunting
