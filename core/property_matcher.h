#pragma once

#include "bounded_regex.h"
#include "date_matching.h"
#include "property_filter.h"
#include "property_map.h"
#include "semver.h"

#include <QDateTime>
#include <QStringList>
#include <optional>

namespace bunting {

// A person or group property filter prepared once per definition: its value parsed, its regex
// compiled, its strings folded, so that matching a person does no parsing of the filter.
class PropertyMatcher
{
public:
    explicit PropertyMatcher(const PropertyFilter &filter);

    // `actual` is null when the person does not have the property. As in PostHog's flags
    // service, a missing property matches `is_not_set` and the negative operators only.
    bool matches(const PropertyValue *actual, const QDateTime &now) const;

    const QString &key() const { return m_key; }
    Operator op() const { return m_op; }

private:
    bool matchesValue(const PropertyValue &actual, const QDateTime &now) const;
    bool exactMatch(const PropertyValue &actual) const;
    bool compareOrdered(const PropertyValue &actual) const;
    bool matchesSemver(const PropertyValue &actual) const;

    QString m_key;
    Operator m_op = Operator::Exact;
    bool m_hasValue = false;
    // exact / is_not
    bool m_booleanTarget = false; // the value is true/false (or a list of them): compare as bools
    bool m_targetTruthy = false;
    QStringList m_lowerTargets;
    // string operators
    QString m_needle; // ASCII-folded
    // regex
    BoundedRegex m_regex;
    // gt, gte, lt, lte
    std::optional<double> m_number;
    // dates
    std::optional<DateFilter> m_date;
    // semver
    std::optional<Semver> m_version;
    std::optional<SemverRange> m_range;
};

// PostHog's reading of booleans in property values: true, "true" (any case), or a list of them.
bool isTruthyValue(const QJsonValue &value);
bool isBooleanLike(const QJsonValue &value);

} // namespace bunting
