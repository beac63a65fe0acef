#include "sdk/cohort_inlining.h"

#include <QJsonArray>
#include <QList>
#include <QSet>
#include <optional>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

bool isLeafProperty(const QJsonObject &property)
{
    return !property.value("values"_L1).isArray();
}

void collectLeaves(const QJsonObject &group, QList<QJsonObject> &leaves)
{
    if (isLeafProperty(group)) {
        leaves.append(group);
        return;
    }
    for (const QJsonValue &value : group.value("values"_L1).toArray())
        collectLeaves(value.toObject(), leaves);
}

// PostHog's clear_excess_levels: a group of one collapses into what it holds.
QJsonObject clearExcessLevels(const QJsonObject &group)
{
    if (isLeafProperty(group))
        return group;
    const QJsonArray values = group.value("values"_L1).toArray();
    if (values.size() == 1)
        return clearExcessLevels(values.first().toObject());
    QJsonArray cleared;
    for (const QJsonValue &value : values)
        cleared.append(clearExcessLevels(value.toObject()));
    QJsonObject result = group;
    result.insert("values"_L1, cleared);
    return result;
}

void collectCohortReferences(const QJsonValue &value, QSet<QString> &ids)
{
    if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            collectCohortReferences(item, ids);
        return;
    }
    const QJsonObject object = value.toObject();
    if (object.value("type"_L1).toString() == "cohort"_L1)
        ids.insert(object.value("value"_L1).toVariant().toString());
    for (const auto name : {"properties"_L1, "values"_L1})
        if (object.value(name).isArray())
            collectCohortReferences(object.value(name), ids);
}

// A cohort the flag names, with every cohort it names in turn, as get_cohort_ids counts them.
QSet<QString> flagCohortIds(const QJsonArray &conditions, const QJsonObject &cohorts)
{
    QSet<QString> pending;
    for (const QJsonValue &condition : conditions)
        collectCohortReferences(condition.toObject().value("properties"_L1), pending);
    QSet<QString> all;
    while (!pending.isEmpty()) {
        const QString id = *pending.cbegin();
        pending.erase(pending.cbegin());
        if (all.contains(id))
            continue;
        all.insert(id);
        collectCohortReferences(cohorts.value(id), pending);
    }
    return all;
}

// PostHog's transform_cohort_filters_for_easy_evaluation, for SDKs that load definitions
// without send_cohorts: a flag whose only cohort is made of person properties alone gets that
// cohort written out as conditions; any other flag is served unchanged.
QJsonArray inlineCohort(const QJsonArray &conditions, const QJsonObject &cohorts)
{
    if (flagCohortIds(conditions, cohorts).size() != 1)
        return conditions;

    QJsonValue rollout;
    std::optional<QJsonObject> cohort;
    QJsonArray parsed;
    for (const QJsonValue &value : conditions) {
        const QJsonObject condition = value.toObject();
        if (!condition.value("variant"_L1).toString().isEmpty())
            return conditions;
        const QJsonArray properties = condition.value("properties"_L1).toArray();
        // As PostHog does, the rollout kept is the last condition's.
        rollout = condition.value("rollout_percentage"_L1);
        bool cohortCondition = false;
        for (const QJsonValue &property : properties) {
            const QJsonObject object = property.toObject();
            if (object.value("type"_L1).toString() != "cohort"_L1)
                continue;
            cohortCondition = true;
            if (properties.size() > 1)
                return conditions;
            const QString id = object.value("value"_L1).toVariant().toString();
            if (!cohorts.value(id).isObject())
                return conditions;
            cohort = cohorts.value(id).toObject();
        }
        if (!cohortCondition)
            parsed.append(condition);
    }
    if (!cohort)
        return conditions;
    QList<QJsonObject> leaves;
    collectLeaves(*cohort, leaves);
    if (leaves.isEmpty())
        return conditions;
    for (const QJsonObject &leaf : std::as_const(leaves))
        if (leaf.value("type"_L1).toString() != "person"_L1 || leaf.value("negation"_L1).toBool())
            return conditions;

    const auto condition = [&rollout](const QJsonArray &properties) {
        return QJsonObject{
            {u"properties"_s, properties},
            {u"rollout_percentage"_s, rollout.isUndefined() ? QJsonValue() : rollout}};
    };
    const QJsonObject target = clearExcessLevels(*cohort);
    if (isLeafProperty(target)) {
        parsed.append(condition(QJsonArray{target}));
        return parsed;
    }
    const QJsonArray values = target.value("values"_L1).toArray();
    const bool isAnd = target.value("type"_L1).toString() == "AND"_L1;
    if (isLeafProperty(values.first().toObject())) {
        if (isAnd) {
            parsed.append(condition(values));
        } else {
            for (const QJsonValue &value : values)
                parsed.append(condition(QJsonArray{value}));
        }
        return parsed;
    }
    // Nested groups read as an OR of ANDs; anything else stays a cohort reference.
    if (isAnd)
        return conditions;
    for (const QJsonValue &value : values) {
        const QJsonObject group = value.toObject();
        const QJsonArray inner = group.value("values"_L1).toArray();
        if (inner.isEmpty() || !isLeafProperty(inner.first().toObject()) ||
            (group.value("type"_L1).toString() == "OR"_L1 && inner.size() > 1))
            return conditions;
        parsed.append(condition(inner));
    }
    return parsed;
}

} // namespace

QJsonObject withoutCohorts(const QJsonObject &definitions)
{
    const QJsonObject cohorts = definitions.value("cohorts"_L1).toObject();
    QJsonArray flags;
    for (const QJsonValue &value : definitions.value("flags"_L1).toArray()) {
        QJsonObject flag = value.toObject();
        QJsonObject filters = flag.value("filters"_L1).toObject();
        const QJsonArray groups = filters.value("groups"_L1).toArray();
        const QJsonArray inlined = inlineCohort(groups, cohorts);
        if (inlined != groups) {
            filters.insert("groups"_L1, inlined);
            flag.insert("filters"_L1, filters);
        }
        flags.append(flag);
    }
    QJsonObject result = definitions;
    result.insert("flags"_L1, flags);
    result.insert("cohorts"_L1, QJsonObject());
    return result;
}

} // namespace bunting::server
