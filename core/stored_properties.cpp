#include "stored_properties.h"

namespace bunting {

namespace {

bool conditionNeedsStored(const Condition &condition, const QJsonObject &sent)
{
    if (condition.aggregationGroupTypeIndex)
        return true;
    if (condition.rolloutPercentage.value_or(100) <= 0)
        return false;
    for (const PropertyFilter &filter : condition.properties) {
        const PropertyType type = filter.propertyType();
        if (type == PropertyType::Cohort)
            return true;
        if (type != PropertyType::Flag && !sent.contains(filter.key))
            return true;
    }
    return false;
}

} // namespace

bool needsStoredProperties(const FeatureFlag &flag, const QJsonObject &requestPersonProperties)
{
    const FlagFilters &filters = flag.filters;
    if (filters.aggregationGroupTypeIndex)
        return true;
    if (filters.featureEnrollment &&
        !requestPersonProperties.contains(QStringLiteral("$feature_enrollment/") + flag.key))
        return true;
    for (const QList<Condition> *conditions : {&filters.groups, &filters.superGroups})
        for (const Condition &condition : *conditions)
            if (conditionNeedsStored(condition, requestPersonProperties))
                return true;
    return false;
}

} // namespace bunting
