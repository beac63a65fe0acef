#include "property_matcher.h"

#include "operators.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace bunting {

bool isBooleanLike(const QJsonValue &value)
{
    if (value.isBool())
        return true;
    if (value.isString()) {
        const QString lower = value.toString().toLower();
        return lower == "true"_L1 || lower == "false"_L1;
    }
    if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            if (!isBooleanLike(item))
                return false;
        return true;
    }
    return false;
}

bool isTruthyValue(const QJsonValue &value)
{
    if (value.isBool())
        return value.toBool();
    if (value.isString())
        return value.toString().toLower() == "true"_L1;
    if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            if (!isTruthyValue(item))
                return false;
        return true;
    }
    return false;
}

PropertyMatcher::PropertyMatcher(const PropertyFilter &filter)
    : m_key(filter.key), m_op(filter.effectiveOperator()),
      m_hasValue(!filter.value.isUndefined() && !filter.value.isNull())
{
    const QJsonValue &value = filter.value;
    switch (m_op) {
    case Operator::Exact:
    case Operator::IsNot:
        m_booleanTarget = isBooleanLike(value);
        m_targetTruthy = isTruthyValue(value);
        if (value.isArray()) {
            for (const QJsonValue &item : value.toArray())
                m_lowerTargets.append(unicodeLower(propertyText(item)));
        } else {
            m_lowerTargets.append(unicodeLower(propertyText(value)));
        }
        break;
    case Operator::Icontains:
    case Operator::NotIcontains:
    case Operator::StartsWith:
    case Operator::NotStartsWith:
    case Operator::EndsWith:
    case Operator::NotEndsWith:
        m_needle = asciiLower(propertyText(value));
        break;
    case Operator::Regex:
    case Operator::NotRegex:
        m_regex = BoundedRegex(propertyText(value));
        break;
    case Operator::Gt:
    case Operator::Gte:
    case Operator::Lt:
    case Operator::Lte: {
        bool ok = false;
        const double d = value.isDouble() ? value.toDouble() : propertyText(value).toDouble(&ok);
        if (value.isDouble() || ok)
            m_number = d;
        break;
    }
    case Operator::IsDateBefore:
    case Operator::IsDateAfter:
    case Operator::IsDateExact:
        m_date = DateFilter::parse(value);
        break;
    case Operator::SemverEq:
    case Operator::SemverNeq:
    case Operator::SemverGt:
    case Operator::SemverGte:
    case Operator::SemverLt:
    case Operator::SemverLte:
        m_version = parseSemver(propertyText(value));
        break;
    case Operator::SemverTilde:
        m_range = tildeRange(propertyText(value));
        break;
    case Operator::SemverCaret:
        m_range = caretRange(propertyText(value));
        break;
    case Operator::SemverWildcard:
        m_range = wildcardRange(propertyText(value));
        break;
    case Operator::IsSet:
    case Operator::IsNotSet:
    case Operator::In:
    case Operator::NotIn:
    case Operator::FlagEvaluatesTo:
    case Operator::Unknown:
        break;
    }
}

bool PropertyMatcher::matches(const PropertyValue *actual, const QDateTime &now) const
{
    if (m_op == Operator::IsSet)
        return actual != nullptr;
    if (m_op == Operator::IsNotSet)
        return actual == nullptr;
    if (!m_hasValue)
        return false;
    if (!actual) {
        const OperatorFamily family = operatorFamily(m_op);
        return isNegation(m_op) &&
               (family == OperatorFamily::Equality || family == OperatorFamily::Text ||
                family == OperatorFamily::Regex);
    }
    return matchesValue(*actual, now);
}

bool PropertyMatcher::exactMatch(const PropertyValue &actual) const
{
    if (m_booleanTarget)
        return m_targetTruthy == isTruthyValue(actual.json);
    return m_lowerTargets.contains(actual.lowerText);
}

bool PropertyMatcher::compareOrdered(const PropertyValue &actual) const
{
    // PostHog's flags service compares numbers only: both sides must read as one (a JSON number,
    // or text that parses as one), else no match. posthog-node falls back to comparing the texts;
    // docs/evaluation.md lists the difference.
    if (actual.json.isNull() || !m_number || !actual.number)
        return false;
    return compareBy(operatorComparison(m_op), *actual.number, *m_number);
}

bool PropertyMatcher::matchesSemver(const PropertyValue &actual) const
{
    if (actual.json.isNull())
        return false;
    const auto version = parseSemver(actual.text);
    if (!version)
        return false;
    if (m_range)
        return m_range->contains(*version);
    if (!m_version)
        return false;
    return compareBy(operatorComparison(m_op), *version, *m_version);
}

bool PropertyMatcher::matchesValue(const PropertyValue &actual, const QDateTime &now) const
{
    switch (m_op) {
    case Operator::Exact:
        return exactMatch(actual);
    case Operator::IsNot:
        return !exactMatch(actual);
    case Operator::Icontains:
        return actual.foldedText.contains(m_needle);
    case Operator::NotIcontains:
        return !actual.foldedText.contains(m_needle);
    case Operator::StartsWith:
        return actual.foldedText.startsWith(m_needle);
    case Operator::NotStartsWith:
        return !actual.foldedText.startsWith(m_needle);
    case Operator::EndsWith:
        return actual.foldedText.endsWith(m_needle);
    case Operator::NotEndsWith:
        return !actual.foldedText.endsWith(m_needle);
    case Operator::Regex:
    case Operator::NotRegex: {
        // An invalid pattern, or a search past the step limit, matches nothing either way round.
        const std::optional<bool> found = m_regex.search(actual.text);
        return found && *found == (m_op == Operator::Regex);
    }
    case Operator::Gt:
    case Operator::Gte:
    case Operator::Lt:
    case Operator::Lte:
        return compareOrdered(actual);
    case Operator::IsDateBefore:
    case Operator::IsDateAfter:
    case Operator::IsDateExact: {
        if (!m_date)
            return false;
        const auto when = parseDateValue(actual.json);
        if (!when)
            return false;
        const QDateTime bound = m_date->resolve(now);
        if (m_op == Operator::IsDateBefore)
            return *when < bound;
        if (m_op == Operator::IsDateAfter)
            return *when > bound;
        return *when == bound;
    }
    case Operator::SemverEq:
    case Operator::SemverNeq:
    case Operator::SemverGt:
    case Operator::SemverGte:
    case Operator::SemverLt:
    case Operator::SemverLte:
    case Operator::SemverTilde:
    case Operator::SemverCaret:
    case Operator::SemverWildcard:
        return matchesSemver(actual);
    case Operator::IsSet:
    case Operator::IsNotSet:
    case Operator::In:
    case Operator::NotIn:
    case Operator::FlagEvaluatesTo:
    case Operator::Unknown:
        break;
    }
    return false;
}

} // namespace bunting
