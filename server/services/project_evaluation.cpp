#include "services/project_evaluation.h"

#include <QJsonArray>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

FeatureFlag membershipFlag(qint64 cohortId)
{
    const QJsonObject condition{{u"properties"_s, QJsonArray{QJsonObject{{u"key"_s, u"id"_s},
                                                                         {u"type"_s, u"cohort"_s},
                                                                         {u"value"_s, cohortId}}}},
                                {u"rollout_percentage"_s, 100}};
    // Negative ids keep these apart from any real flag a cohort could name.
    return FeatureFlag::fromJson(
        {{u"id"_s, -cohortId},
         {u"key"_s, u"$cohort/%1"_s.arg(cohortId)},
         {u"active"_s, true},
         {u"deleted"_s, false},
         {u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{condition}}}}});
}

} // namespace

CohortMembership::CohortMembership(const QHash<qint64, Cohort> &cohorts,
                                   const QHash<int, QString> &groupTypes)
{
    ProjectDefinitions definitions;
    definitions.cohorts = cohorts;
    definitions.groupTypeMapping = groupTypes;
    for (auto it = cohorts.cbegin(); it != cohorts.cend(); ++it) {
        m_flagIndex.insert(it.key(), definitions.flags.size());
        definitions.flags.append(membershipFlag(it.key()));
    }
    m_project = CompiledProject::compile(std::move(definitions));
}

bool CohortMembership::contains(qint64 cohortId, const EvaluationContext &context) const
{
    const qsizetype index = m_flagIndex.value(cohortId, -1);
    if (index < 0)
        return false;
    return m_project->evaluate(index, context).value.enabled;
}

ProjectDefinitions ProjectEvaluation::definitions() const
{
    ProjectDefinitions definitions;
    definitions.flags = m_flags.all(m_projectId);
    definitions.cohorts = m_cohorts.definitions(m_projectId);
    definitions.groupTypeMapping = m_groups.mapping(m_projectId);
    return definitions;
}

EvaluationContext ProjectEvaluation::context(const EvaluationSubject &subject) const
{
    EvaluationContext context;
    context.distinctId = subject.distinctId;
    context.personProperties =
        PropertyMap(subject.person ? subject.person->properties : QJsonObject());
    context.personProperties.overlay(subject.personProperties);
    if (subject.person)
        context.staticCohorts = m_persons.staticCohortIds(subject.person->id);
    context.groups = subject.groups;
    for (auto it = subject.groups.cbegin(); it != subject.groups.cend(); ++it) {
        QJsonObject stored;
        if (const auto index = m_groups.indexOf(m_projectId, it.key()))
            stored = m_groups.groupProperties(m_projectId, *index, it.value()).value_or(stored);
        PropertyMap properties(stored);
        properties.overlay(subject.groupProperties.value(it.key()));
        context.groupProperties.insert(it.key(), std::move(properties));
    }
    return context;
}

EvaluationContext ProjectEvaluation::personContext(const Person &person,
                                                   const QSet<qint64> &staticCohorts)
{
    EvaluationContext context;
    context.distinctId = person.evaluationDistinctId();
    context.personProperties = PropertyMap(person.properties);
    context.staticCohorts = staticCohorts;
    return context;
}

QList<Person> ProjectEvaluation::cohortMembers(const StoredCohort &cohort) const
{
    QList<Person> members;
    if (cohort.isStatic()) {
        for (qint64 personId : m_cohorts.members(cohort.id))
            if (auto person = m_persons.find(m_projectId, personId))
                members.append(std::move(*person));
        return members;
    }
    QHash<qint64, Cohort> cohorts = m_cohorts.definitions(m_projectId);
    cohorts.insert(cohort.id, cohort.cohort()); // a deleted cohort still answers for itself
    const CohortMembership membership(cohorts, m_groups.mapping(m_projectId));
    const QHash<qint64, QSet<qint64>> staticCohorts = m_persons.staticCohortsByPerson(m_projectId);
    for (Person &person : m_persons.all(m_projectId))
        if (membership.contains(cohort.id, personContext(person, staticCohorts.value(person.id))))
            members.append(std::move(person));
    std::sort(members.begin(), members.end(),
              [](const Person &a, const Person &b) { return a.id < b.id; });
    return members;
}

qint64 ProjectEvaluation::cohortCount(const StoredCohort &cohort) const
{
    if (cohort.isStatic())
        return m_cohorts.memberCount(cohort.id);
    return cohortCounts({cohort}).value(cohort.id);
}

QHash<qint64, qint64> ProjectEvaluation::cohortCounts(const QList<StoredCohort> &cohorts) const
{
    QHash<qint64, qint64> counts;
    QList<qint64> dynamic;
    QHash<qint64, Cohort> definitions = m_cohorts.definitions(m_projectId);
    for (const StoredCohort &cohort : cohorts) {
        if (cohort.isStatic()) {
            counts.insert(cohort.id, m_cohorts.memberCount(cohort.id));
        } else {
            counts.insert(cohort.id, 0);
            dynamic.append(cohort.id);
            definitions.insert(cohort.id, cohort.cohort());
        }
    }
    if (dynamic.isEmpty())
        return counts;
    const CohortMembership membership(definitions, m_groups.mapping(m_projectId));
    const QHash<qint64, QSet<qint64>> staticCohorts = m_persons.staticCohortsByPerson(m_projectId);
    for (const Person &person : m_persons.all(m_projectId)) {
        const EvaluationContext context = personContext(person, staticCohorts.value(person.id));
        for (qint64 id : dynamic)
            if (membership.contains(id, context))
                ++counts[id];
    }
    return counts;
}

} // namespace bunting::server
