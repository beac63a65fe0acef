#include "rollout_widening.h"

#include "flag_summary.h"

#include <QCoreApplication>
#include <algorithm>
#include <optional>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bunting::models::RolloutWidening", text);
}

double rolloutOf(const Condition &condition)
{
    // No rollout is PostHog's 100 %.
    return condition.rolloutPercentage.value_or(100.0);
}

bool hasFilters(const Condition &condition)
{
    return !condition.properties.isEmpty();
}

QString filtersText(const Condition &condition)
{
    QStringList parts;
    for (const PropertyFilter &filter : condition.properties)
        parts.append(propertyText(filter));
    return parts.join(tr(" and "));
}

// Whether `after` keeps only some of `before`'s filters: the condition matches more users.
bool dropsFilters(const Condition &before, const Condition &after)
{
    if (after.properties.size() >= before.properties.size())
        return false;
    return std::all_of(after.properties.begin(), after.properties.end(),
                       [&](const PropertyFilter &p) { return before.properties.contains(p); });
}

// Who the flag reaches once on: "about everyone", "30% of everyone", "the users its 2
// conditions match"; nullopt when its conditions reach no one.
std::optional<QString> reach(const FeatureFlag &flag)
{
    double everyone = 0;
    int matching = 0;
    for (const Condition &condition : flag.filters.groups) {
        if (rolloutOf(condition) <= 0)
            continue;
        if (hasFilters(condition))
            ++matching;
        else
            everyone = std::max(everyone, rolloutOf(condition));
    }
    if (everyone >= 100)
        return tr("about everyone");
    if (everyone > 0)
        return tr("%1 of everyone").arg(percentText(everyone));
    if (matching == 1)
        for (const Condition &condition : flag.filters.groups)
            if (rolloutOf(condition) > 0)
                return tr("%1 of users matching %2")
                    .arg(percentText(rolloutOf(condition)), filtersText(condition));
    if (matching > 1)
        return tr("the users its %1 conditions match").arg(matching);
    return std::nullopt;
}

// For each condition of `after`, the position of its old self in `before`, or -1 for a new one:
// same filters first, then the rest in order.
QList<int> pairConditions(const QList<Condition> &before, const QList<Condition> &after)
{
    QList<int> paired(after.size(), -1);
    QList<bool> used(before.size(), false);
    for (qsizetype j = 0; j < after.size(); ++j) {
        for (qsizetype i = 0; i < before.size(); ++i) {
            if (!used[i] && before[i].properties == after[j].properties) {
                paired[j] = int(i);
                used[i] = true;
                break;
            }
        }
    }
    qsizetype next = 0;
    for (qsizetype j = 0; j < after.size(); ++j) {
        if (paired[j] >= 0)
            continue;
        while (next < before.size() && used[next])
            ++next;
        if (next == before.size())
            break;
        paired[j] = int(next);
        used[next] = true;
    }
    return paired;
}

} // namespace

QStringList rolloutWidening(const FeatureFlag &before, const FeatureFlag &after)
{
    if (!after.active || after.deleted)
        return {};
    if (!before.active || before.deleted) {
        const std::optional<QString> who = reach(after);
        if (!who)
            return {};
        return {tr("This turns %1 on for %2.").arg(after.key, *who)};
    }
    QStringList sentences;
    const QList<Condition> &old = before.filters.groups;
    const QList<Condition> &now = after.filters.groups;
    const QList<int> paired = pairConditions(old, now);
    for (qsizetype j = 0; j < now.size(); ++j) {
        const Condition &condition = now[j];
        const double rollout = rolloutOf(condition);
        const int number = int(j) + 1;
        if (rollout <= 0)
            continue;
        if (paired[j] < 0) {
            sentences.append(hasFilters(condition)
                                 ? tr("New condition %1 reaches %2 of users matching %3.")
                                       .arg(number)
                                       .arg(percentText(rollout), filtersText(condition))
                                 : tr("New condition %1 reaches %2 of everyone.")
                                       .arg(number)
                                       .arg(percentText(rollout)));
            continue;
        }
        const Condition &previous = old[paired[j]];
        if (!hasFilters(condition) && hasFilters(previous))
            sentences.append(tr("Condition %1 now has no filters: it reaches %2 of everyone.")
                                 .arg(number)
                                 .arg(percentText(rollout)));
        else if (dropsFilters(previous, condition))
            sentences.append(
                tr("Condition %1 loses a filter, so it matches more users.").arg(number));
        if (rollout > rolloutOf(previous))
            sentences.append(tr("This raises condition %1 from %2 to %3.")
                                 .arg(number)
                                 .arg(percentText(rolloutOf(previous)), percentText(rollout)));
    }
    return sentences;
}

} // namespace bunting::models
