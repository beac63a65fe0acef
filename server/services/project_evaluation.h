#pragma once

#include "engine.h"
#include "storage/cohort_repository.h"
#include "storage/flag_repository.h"
#include "storage/group_repository.h"
#include "storage/person_repository.h"

#include <QHash>
#include <QJsonObject>
#include <memory>
#include <optional>

namespace bunting::server {

// Who a flag is evaluated for: a distinct id, the stored person behind it (if any), the
// groups named, and properties the request adds over the stored ones.
struct EvaluationSubject
{
    QString distinctId;
    std::optional<Person> person;
    QHash<QString, QString> groups;              // group type -> group key
    QJsonObject personProperties;                // over the stored person's
    QHash<QString, QJsonObject> groupProperties; // group type -> over the stored group's
};

// Cohort membership decided by core's engine: each cohort becomes a one-condition flag ("is in
// cohort N", rolled out to 100%), so nested cohorts, negations and static members are read
// exactly as flag conditions read them.
class CohortMembership
{
public:
    CohortMembership(const QHash<qint64, Cohort> &cohorts, const QHash<int, QString> &groupTypes);

    bool contains(qint64 cohortId, const EvaluationContext &context) const;

private:
    std::shared_ptr<const CompiledProject> m_project;
    QHash<qint64, qsizetype> m_flagIndex;
};

// A project's flags, cohorts and group types read from the database, and evaluation contexts
// built from its stored persons and groups. Built per request: it caches nothing.
class ProjectEvaluation
{
public:
    ProjectEvaluation(qint64 projectId, const FlagRepository &flags,
                      const PersonRepository &persons, const CohortRepository &cohorts,
                      const GroupRepository &groups)
        : m_projectId(projectId), m_flags(flags), m_persons(persons), m_cohorts(cohorts),
          m_groups(groups)
    {
    }

    // The live flags, live cohorts and group type mapping.
    ProjectDefinitions definitions() const;

    // The stored person's properties overlaid with the subject's, its static cohorts, and the
    // stored properties of each group named overlaid with the subject's.
    EvaluationContext context(const EvaluationSubject &subject) const;
    // A stored person as it stands, evaluated with its evaluation distinct id.
    static EvaluationContext personContext(const Person &person, const QSet<qint64> &staticCohorts);

    // The persons of a cohort: a static cohort's members, or every stored person the engine
    // places in a dynamic one. Sorted by person id.
    QList<Person> cohortMembers(const StoredCohort &cohort) const;
    qint64 cohortCount(const StoredCohort &cohort) const;
    // Counts for several cohorts with one pass over the persons.
    QHash<qint64, qint64> cohortCounts(const QList<StoredCohort> &cohorts) const;

private:
    qint64 m_projectId;
    const FlagRepository &m_flags;
    const PersonRepository &m_persons;
    const CohortRepository &m_cohorts;
    const GroupRepository &m_groups;
};

} // namespace bunting::server
