#include "services/cohort_validation.h"

#include "http/api_error.h"
#include "http/request.h"
#include "operators.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

constexpr int maxDepth = 64;

[[noreturn]] void refuse(const QString &detail)
{
    throw ApiError::validation(u"invalid_input"_s, detail, u"filters"_s);
}

void refuseUnknownKeys(const QJsonObject &object, const QStringList &allowed, const QString &what)
{
    for (auto it = object.begin(); it != object.end(); ++it)
        if (!allowed.contains(it.key()))
            refuse(u"Unknown key '%1' in %2."_s.arg(it.key(), what));
}

void checkNegation(const QJsonObject &filter, const QString &kind)
{
    if (filter.contains("negation"_L1) && !filter.value("negation"_L1).isBool())
        refuse(u"The negation of a %1 filter must be true or false."_s.arg(kind));
}

std::optional<qint64> cohortIdOf(const QJsonValue &value)
{
    if (value.isDouble()) {
        const double number = value.toDouble();
        if (number == double(value.toInteger()))
            return value.toInteger();
        return std::nullopt;
    }
    if (value.isString()) {
        bool ok = false;
        const qint64 id = value.toString().trimmed().toLongLong(&ok);
        if (ok)
            return id;
    }
    return std::nullopt;
}

void checkPersonFilter(const QJsonObject &filter)
{
    refuseUnknownKeys(filter, {u"type"_s, u"key"_s, u"operator"_s, u"value"_s, u"negation"_s},
                      u"a person filter"_s);
    if (!filter.value("key"_L1).isString() || filter.value("key"_L1).toString().isEmpty())
        refuse(u"Missing required keys for person filter: key"_s);
    const QJsonValue op = filter.value("operator"_L1);
    const QJsonValue value = filter.value("value"_L1);
    const bool presence = op.isString() && operatorFamily(operatorFromName(op.toString())) ==
                                               OperatorFamily::Presence;
    QStringList missing;
    if ((value.isNull() || value.isUndefined()) && !presence)
        missing.append(u"value"_s);
    if (op.isNull() || op.isUndefined())
        missing.append(u"operator"_s);
    if (!missing.isEmpty())
        refuse(u"Missing required keys for person filter: %1"_s.arg(missing.join(u", "_s)));
    if (!op.isString())
        refuse(u"The operator of a person filter must be a string."_s);
    const Operator parsed = operatorFromName(op.toString());
    if (!operatorsForType(PropertyType::Person).contains(parsed))
        refuse(u"'%1' is not an operator for person properties."_s.arg(op.toString()));
    checkNegation(filter, u"person"_s);
}

qint64 checkCohortFilter(const QJsonObject &filter)
{
    refuseUnknownKeys(filter, {u"type"_s, u"key"_s, u"value"_s, u"negation"_s},
                      u"a cohort filter"_s);
    if (!filter.contains("key"_L1))
        refuse(u"Missing required keys for cohort filter: key"_s);
    if (filter.value("key"_L1) != QJsonValue(u"id"_s))
        refuse(u"The key of a cohort filter must be \"id\"."_s);
    if (!filter.contains("value"_L1) || filter.value("value"_L1).isNull())
        refuse(u"Missing required keys for cohort filter: value"_s);
    const auto id = cohortIdOf(filter.value("value"_L1));
    if (!id)
        refuse(u"The value of a cohort filter must be a cohort id."_s);
    checkNegation(filter, u"cohort"_s);
    return *id;
}

void checkGroup(const QJsonValue &value, int depth, QSet<qint64> &references)
{
    if (depth > maxDepth)
        refuse(u"Property groups are nested more than %1 deep."_s.arg(maxDepth));
    if (!value.isObject())
        refuse(
            u"A property group must be an object {\"type\": \"AND\" | \"OR\", \"values\": [...]}."_s);
    const QJsonObject group = value.toObject();
    refuseUnknownKeys(group, {u"type"_s, u"values"_s}, u"a property group"_s);
    const QJsonValue type = group.value("type"_L1);
    if (type != QJsonValue(u"AND"_s) && type != QJsonValue(u"OR"_s))
        refuse(u"The type of a property group must be \"AND\" or \"OR\"."_s);
    if (!group.value("values"_L1).isArray())
        refuse(u"A property group needs a list of values."_s);

    bool hasGroups = false;
    bool hasFilters = false;
    for (const QJsonValue &item : group.value("values"_L1).toArray()) {
        if (!item.isObject())
            refuse(u"Each value of a property group must be an object."_s);
        const QJsonObject object = item.toObject();
        const QString itemType = object.value("type"_L1).toString();
        if (itemType == "AND"_L1 || itemType == "OR"_L1) {
            hasGroups = true;
            checkGroup(object, depth + 1, references);
            continue;
        }
        hasFilters = true;
        if (itemType == "person"_L1)
            checkPersonFilter(object);
        else if (itemType == "cohort"_L1)
            references.insert(checkCohortFilter(object));
        else if (itemType == "behavioral"_L1)
            refuse(u"Behavioral filters need events, which this server does not store; use "
                   "person properties or other cohorts."_s);
        else if (!object.contains("type"_L1))
            refuse(u"Every filter needs a type: \"person\", \"cohort\", or \"AND\" / \"OR\" for a "
                   "nested group."_s);
        else
            refuse(u"Unsupported filter type '%1'."_s.arg(
                object.value("type"_L1).isString() ? itemType : u"?"_s));
    }
    if (hasGroups && hasFilters)
        refuse(u"The values of a property group must be all groups or all filters."_s);
}

void collect(const PropertyGroup &group, QSet<qint64> &ids)
{
    for (const PropertyGroup &child : group.groups)
        collect(child, ids);
    for (const PropertyFilter &filter : group.filters) {
        if (filter.propertyType() != PropertyType::Cohort)
            continue;
        if (const auto id = cohortIdOf(filter.value))
            ids.insert(*id);
    }
}

// Whether `from` reaches `target` through the cohorts it names, directly or not.
bool reaches(qint64 from, qint64 target, const QHash<qint64, Cohort> &cohorts,
             QSet<qint64> &visited)
{
    if (from == target)
        return true;
    if (visited.contains(from))
        return false;
    visited.insert(from);
    const auto it = cohorts.constFind(from);
    if (it == cohorts.constEnd())
        return false;
    for (qint64 next : referencedCohorts(it->properties))
        if (reaches(next, target, cohorts, visited))
            return true;
    return false;
}

} // namespace

QSet<qint64> referencedCohorts(const PropertyGroup &group)
{
    QSet<qint64> ids;
    collect(group, ids);
    return ids;
}

void validateCohortFilters(const QJsonValue &filters, const QHash<qint64, Cohort> &cohorts,
                           qint64 selfId)
{
    if (!filters.isObject() || !filters.toObject().contains("properties"_L1))
        refuse(u"Must contain a 'properties' key with type and values"_s);
    const QJsonObject object = filters.toObject();
    refuseUnknownKeys(object, {u"properties"_s}, u"filters"_s);
    QSet<qint64> references;
    checkGroup(object.value("properties"_L1), 0, references);
    for (qint64 id : references) {
        if (id == selfId)
            refuse(u"Cohorts cannot reference other cohorts in a loop."_s);
        if (!cohorts.contains(id))
            refuse(u"Cohort with id %1 does not exist."_s.arg(id));
    }
    if (selfId == 0)
        return;
    QSet<qint64> visited;
    for (qint64 id : references)
        if (reaches(id, selfId, cohorts, visited))
            refuse(u"Cohorts cannot reference other cohorts in a loop."_s);
}

} // namespace bunting::server
