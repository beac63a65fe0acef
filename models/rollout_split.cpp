#include "rollout_split.h"

#include "flag_summary.h"

#include <QCoreApplication>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bunting::models::RolloutSplit", text);
}

QString propertiesSummary(const Condition &condition, bool groups)
{
    if (condition.properties.isEmpty())
        return groups ? tr("All groups") : tr("Everyone");
    QStringList texts;
    for (const PropertyFilter &filter : condition.properties)
        texts.append(propertyText(filter));
    return texts.join(tr(" and "));
}

} // namespace

QString VariantShare::label() const
{
    return key + u' ' + percentText(percent);
}

QList<VariantShare> variantShares(const FeatureFlag &flag)
{
    QList<VariantShare> shares;
    if (!flag.filters.isMultivariate())
        return shares;
    for (const Variant &variant : *flag.filters.variants)
        shares.append({variant.key, variant.name, variant.rolloutPercentage});
    return shares;
}

QList<ConditionRollout> conditionRollouts(const FeatureFlag &flag)
{
    const bool groups = flag.filters.aggregationGroupTypeIndex.has_value();
    QList<ConditionRollout> rollouts;
    for (qsizetype i = 0; i < flag.filters.groups.size(); ++i) {
        const Condition &condition = flag.filters.groups.at(i);
        const bool conditionGroups = groups || condition.aggregationGroupTypeIndex.has_value();
        rollouts.append({tr("Condition set %1").arg(i + 1),
                         propertiesSummary(condition, conditionGroups),
                         condition.rolloutPercentage.value_or(100),
                         condition.variant.value_or(QString()), condition.description});
    }
    return rollouts;
}

} // namespace bunting::models
