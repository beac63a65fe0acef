#include "services/cohort_service.h"

#include "python_repr.h"
#include "services/cohort_validation.h"
#include "storage/timestamps.h"

#include <QDateTime>
#include <QJsonArray>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// The fields of a cohort body, type-checked as DRF's fields check them.
void checkFieldTypes(const QJsonObject &body)
{
    const auto fail = [](const QString &detail, const QString &attr) {
        throw ApiError::validation(u"invalid_input"_s, detail, attr);
    };
    for (const auto key : {"name"_L1, "description"_L1}) {
        const QJsonValue v = body.value(key);
        if (!v.isUndefined() && !v.isNull() && !v.isString())
            fail(u"Not a valid string."_s, key);
    }
    if (body.value("description"_L1).isNull())
        fail(u"This field may not be null."_s, u"description"_s);
    for (const auto key : {"is_static"_L1, "deleted"_L1}) {
        const QJsonValue v = body.value(key);
        if (!v.isUndefined() && !v.isBool())
            fail(u"Must be a valid boolean."_s, key);
    }
    const QJsonValue groups = body.value("groups"_L1);
    if (!groups.isUndefined() && !groups.isNull()) {
        if (!groups.isArray())
            fail(u"Expected a list of items but got type \"%1\"."_s.arg(pythonTypeName(groups)),
                 u"groups"_s);
        if (!groups.toArray().isEmpty())
            fail(u"Legacy cohort groups are not supported: describe the cohort with filters."_s,
                 u"groups"_s);
    }
    const QJsonValue query = body.value("query"_L1);
    if (!query.isUndefined() && !query.isNull())
        fail(u"Query cohorts need HogQL, which this server does not run: describe the cohort "
             "with filters."_s,
             u"query"_s);
    const QJsonValue ids = body.value("_create_static_person_ids"_L1);
    if (!ids.isUndefined()) {
        if (!ids.isArray())
            fail(u"Expected a list of items but got type \"%1\"."_s.arg(pythonTypeName(ids)),
                 u"_create_static_person_ids"_s);
        for (const QJsonValue &id : ids.toArray())
            if (!id.isString())
                fail(u"Not a valid string."_s, u"_create_static_person_ids"_s);
    }
}

QJsonObject emptyFilters()
{
    return {{u"properties"_s, QJsonObject()}};
}

QString cohortType(bool isStatic)
{
    // Behavioral and analytical cohorts need events; Bunting's are about person properties.
    return isStatic ? u"static"_s : u"person_property"_s;
}

QJsonArray changesBetween(const QJsonObject &before, const QJsonObject &after)
{
    QJsonArray changes;
    for (const auto field :
         {"name"_L1, "description"_L1, "filters"_L1, "is_static"_L1, "deleted"_L1}) {
        const QJsonValue a = before.value(field);
        const QJsonValue b = after.value(field);
        if (a == b)
            continue;
        changes.append(QJsonObject{{u"type"_s, u"Cohort"_s},
                                   {u"action"_s, a.isUndefined() ? u"created"_s : u"changed"_s},
                                   {u"field"_s, field},
                                   {u"before"_s, a.isUndefined() ? QJsonValue() : a},
                                   {u"after"_s, b}});
    }
    return changes;
}

// The cohorts a flag's conditions name, and the cohorts those name in turn.
QSet<qint64> cohortsUsedBy(const FeatureFlag &flag, const QHash<qint64, Cohort> &cohorts)
{
    QList<qint64> pending;
    for (const QList<Condition> *conditions : {&flag.filters.groups, &flag.filters.superGroups})
        for (const Condition &condition : *conditions)
            for (const PropertyFilter &filter : condition.properties)
                if (filter.propertyType() == PropertyType::Cohort)
                    pending.append(filter.value.isString() ? filter.value.toString().toLongLong()
                                                           : filter.value.toInteger());
    QSet<qint64> used;
    while (!pending.isEmpty()) {
        const qint64 id = pending.takeLast();
        if (used.contains(id))
            continue;
        used.insert(id);
        if (const auto it = cohorts.constFind(id); it != cohorts.constEnd())
            for (qint64 next : referencedCohorts(it->properties))
                pending.append(next);
    }
    return used;
}

} // namespace

ProjectEvaluation CohortService::evaluation(qint64 projectId) const
{
    return ProjectEvaluation(projectId, m_flags, m_persons, m_cohorts, m_groups);
}

QJsonObject CohortService::render(const StoredCohort &cohort, qint64 count) const
{
    QJsonObject o = cohort.document;
    o.insert("id"_L1, cohort.id);
    if (!o.value("filters"_L1).isObject())
        o.insert("filters"_L1, emptyFilters());
    if (!o.contains("groups"_L1))
        o.insert("groups"_L1, QJsonArray());
    if (!o.contains("query"_L1))
        o.insert("query"_L1, QJsonValue());
    o.insert("cohort_type"_L1, cohortType(cohort.isStatic()));
    o.insert("created_by"_L1, cohort.createdById > 0
                                  ? QJsonValue(m_users.user(cohort.createdById).toJson())
                                  : QJsonValue());
    // Bunting counts when it serves a cohort rather than in a background job, so a cohort is
    // never "calculating" and its last calculation is now.
    o.insert("is_calculating"_L1, false);
    o.insert("last_calculation"_L1, nowTimestamp());
    o.insert("errors_calculating"_L1, 0);
    o.insert("count"_L1, count);
    o.insert("experiment_set"_L1, QJsonArray());
    return o;
}

QJsonArray CohortService::render(qint64 projectId, const QList<StoredCohort> &cohorts) const
{
    const QHash<qint64, qint64> counts = evaluation(projectId).cohortCounts(cohorts);
    QJsonArray results;
    for (const StoredCohort &cohort : cohorts)
        results.append(render(cohort, counts.value(cohort.id)));
    return results;
}

QJsonObject CohortService::get(qint64 projectId, qint64 id) const
{
    const auto cohort = m_cohorts.find(projectId, id);
    if (!cohort)
        throw ApiError::notFound();
    return render(*cohort, evaluation(projectId).cohortCount(*cohort));
}

QList<StoredCohort> CohortService::list(qint64 projectId, const QString &type,
                                        const QString &search,
                                        std::optional<qint64> createdById) const
{
    QList<StoredCohort> result;
    for (StoredCohort &cohort : m_cohorts.all(projectId)) {
        if (type == "static"_L1 && !cohort.isStatic())
            continue;
        if (type == "dynamic"_L1 && cohort.isStatic())
            continue;
        if (!search.isEmpty() &&
            !cohort.document.value("name"_L1).toString().contains(search, Qt::CaseInsensitive))
            continue;
        if (createdById && cohort.createdById != *createdById)
            continue;
        result.append(std::move(cohort));
    }
    return result;
}

QJsonObject CohortService::create(qint64 projectId, const Principal &by, const QJsonObject &body)
{
    checkFieldTypes(body);
    const bool isStatic = body.value("is_static"_L1).toBool();
    QJsonValue filters = body.value("filters"_L1);
    if (!isStatic && !filters.isUndefined() && !filters.isNull())
        validateCohortFilters(filters, m_cohorts.definitions(projectId), 0);
    if (!filters.isObject())
        filters = emptyFilters();

    QJsonObject document{
        {u"name"_s, body.value("name"_L1).isString() ? body.value("name"_L1) : QJsonValue()},
        {u"description"_s, body.value("description"_L1).toString()},
        {u"groups"_s, QJsonArray()},
        {u"deleted"_s, body.value("deleted"_L1).toBool()},
        {u"filters"_s, filters},
        {u"query"_s, QJsonValue()},
        {u"is_static"_s, isStatic},
        {u"cohort_type"_s, cohortType(isStatic)},
        {u"created_at"_s, nowTimestamp()},
    };

    QList<qint64> members;
    if (isStatic) {
        for (const QJsonValue &uuid : body.value("_create_static_person_ids"_L1).toArray())
            if (const auto person = m_persons.findByUuid(projectId, uuid.toString()))
                members.append(person->id);
    }

    qint64 id = 0;
    m_db.transaction([&] {
        id = m_cohorts.insert(projectId, document, by.userId);
        m_cohorts.addMembers(id, members);
        m_activity.record(projectId, u"Cohort"_s, id, u"created"_s, by.userId,
                          document.value("name"_L1).toString(), {});
    });
    return get(projectId, id);
}

void CohortService::refuseDeletionIfUsed(qint64 projectId, qint64 id) const
{
    const QHash<qint64, Cohort> cohorts = m_cohorts.definitions(projectId);
    QStringList names;
    for (const FeatureFlag &flag : m_flags.all(projectId))
        if (flag.active && cohortsUsedBy(flag, cohorts).contains(id))
            names.append(flag.name.isEmpty() ? flag.key : flag.name);
    if (!names.isEmpty())
        throw ApiError::validation(
            u"invalid_input"_s,
            u"This cohort is used in %1 active feature flag(s): %2. Please remove the cohort from "
            "these feature flags before deleting it."_s.arg(names.size())
                .arg(names.join(u", "_s)));
}

QJsonObject CohortService::update(qint64 projectId, qint64 id, const Principal &by,
                                  const QJsonObject &body)
{
    const auto stored = m_cohorts.find(projectId, id);
    if (!stored)
        throw ApiError::notFound();
    checkFieldTypes(body);

    const QJsonObject before = stored->document;
    QJsonObject after = before;
    if (body.contains("name"_L1))
        after.insert("name"_L1, body.value("name"_L1));
    if (body.contains("description"_L1))
        after.insert("description"_L1, body.value("description"_L1));
    if (body.contains("is_static"_L1))
        after.insert("is_static"_L1, body.value("is_static"_L1));
    if (body.contains("deleted"_L1))
        after.insert("deleted"_L1, body.value("deleted"_L1));
    const bool isStatic = after.value("is_static"_L1).toBool();
    after.insert("cohort_type"_L1, cohortType(isStatic));

    const QJsonValue filters = body.value("filters"_L1);
    const bool filtersGiven = !filters.isUndefined() && !filters.isNull();
    if (!isStatic && filtersGiven) {
        validateCohortFilters(filters, m_cohorts.definitions(projectId), id);
    } else if (!isStatic && before.value("is_static"_L1).toBool()) {
        // A static cohort kept its filters unchecked; they count from now on.
        const QJsonValue kept = after.value("filters"_L1);
        if (kept.isObject() && kept.toObject() != emptyFilters())
            validateCohortFilters(kept, m_cohorts.definitions(projectId), id);
    }
    if (filtersGiven && filters.isObject())
        after.insert("filters"_L1, filters);

    const bool deleting =
        !before.value("deleted"_L1).toBool() && after.value("deleted"_L1).toBool();
    if (deleting)
        refuseDeletionIfUsed(projectId, id);

    const QJsonArray changes = changesBetween(before, after);
    if (!changes.isEmpty()) {
        m_db.transaction([&] {
            m_cohorts.update(projectId, id, after);
            m_activity.record(projectId, u"Cohort"_s, id, deleting ? u"deleted"_s : u"updated"_s,
                              by.userId, after.value("name"_L1).toString(), changes);
        });
    }
    return get(projectId, id);
}

QList<qint64> CohortService::personsWithFlagOn(qint64 projectId, const FeatureFlag &flag) const
{
    QList<qint64> ids;
    if (!flag.active || flag.deleted || flag.filters.aggregationGroupTypeIndex)
        return ids;
    const ProjectEvaluation project = evaluation(projectId);
    ProjectDefinitions definitions = project.definitions();
    qsizetype index = -1;
    for (qsizetype i = 0; i < definitions.flags.size(); ++i)
        if (definitions.flags[i].id == flag.id)
            index = i;
    if (index < 0) {
        index = definitions.flags.size();
        definitions.flags.append(flag);
    }
    const auto compiled = CompiledProject::compile(std::move(definitions));
    const QHash<qint64, QSet<qint64>> staticCohorts = m_persons.staticCohortsByPerson(projectId);
    for (const Person &person : m_persons.all(projectId)) {
        if (person.distinctIds.isEmpty())
            continue;
        const EvaluationContext context =
            ProjectEvaluation::personContext(person, staticCohorts.value(person.id));
        if (compiled->evaluate(index, context).value.enabled)
            ids.append(person.id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

QJsonObject CohortService::createForFlag(qint64 projectId, const FeatureFlag &flag,
                                         const Principal &by)
{
    const QList<qint64> members = personsWithFlagOn(projectId, flag);
    const QString name = u"Users with feature flag %1 enabled at %2"_s.arg(
        flag.key, QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd HH:mm:ss"_s));
    const QJsonObject document{
        {u"name"_s, name},
        {u"description"_s, u""_s},
        {u"groups"_s, QJsonArray()},
        {u"deleted"_s, false},
        {u"filters"_s, emptyFilters()},
        {u"query"_s, QJsonValue()},
        {u"is_static"_s, true},
        {u"cohort_type"_s, cohortType(true)},
        {u"created_at"_s, nowTimestamp()},
    };
    qint64 id = 0;
    m_db.transaction([&] {
        id = m_cohorts.insert(projectId, document, by.userId);
        m_cohorts.addMembers(id, members);
        m_activity.record(projectId, u"Cohort"_s, id, u"created"_s, by.userId, name, {});
    });
    return get(projectId, id);
}

} // namespace bunting::server
