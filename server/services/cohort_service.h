#pragma once

#include "http/api_error.h"
#include "http/request.h"
#include "services/activity_log.h"
#include "services/flag_service.h"
#include "services/project_evaluation.h"
#include "storage/cohort_repository.h"

#include <QJsonObject>

namespace bunting::server {

// PostHog's cohorts API over the cohorts tables: input read as CohortSerializer reads it, the
// tree validated, the change and its activity entry written in one transaction, and the cohort
// served with its count computed on the spot (static: members; dynamic: stored persons the
// engine places in it).
class CohortService
{
public:
    CohortService(const Database &db, CohortRepository &cohorts, PersonRepository &persons,
                  const GroupRepository &groups, const FlagRepository &flags,
                  const FlagService &users, ActivityLog &activity)
        : m_db(db), m_cohorts(cohorts), m_persons(persons), m_groups(groups), m_flags(flags),
          m_users(users), m_activity(activity)
    {
    }

    QJsonObject create(qint64 projectId, const Principal &by, const QJsonObject &body);
    // A PATCH; 404 when the project has no such cohort.
    QJsonObject update(qint64 projectId, qint64 id, const Principal &by, const QJsonObject &body);
    QJsonObject get(qint64 projectId, qint64 id) const;
    // Live cohorts, newest first, filtered by `type` (static | dynamic), `search` (name,
    // case-insensitive) and `created_by_id`.
    QList<StoredCohort> list(qint64 projectId, const QString &type, const QString &search,
                             std::optional<qint64> createdById) const;
    // The served form of several cohorts, counts computed in one pass.
    QJsonArray render(qint64 projectId, const QList<StoredCohort> &cohorts) const;

    // PostHog's create_static_cohort_for_flag: a static cohort of the stored persons for whom
    // the flag is on now. An inactive, deleted or group-aggregated flag gives an empty cohort.
    QJsonObject createForFlag(qint64 projectId, const FeatureFlag &flag, const Principal &by);
    // The persons `createForFlag` puts in the cohort, by person id.
    QList<qint64> personsWithFlagOn(qint64 projectId, const FeatureFlag &flag) const;

private:
    QJsonObject render(const StoredCohort &cohort, qint64 count) const;
    ProjectEvaluation evaluation(qint64 projectId) const;
    void refuseDeletionIfUsed(qint64 projectId, qint64 id) const;

    const Database &m_db;
    CohortRepository &m_cohorts;
    PersonRepository &m_persons;
    const GroupRepository &m_groups;
    const FlagRepository &m_flags;
    const FlagService &m_users;
    ActivityLog &m_activity;
};

} // namespace bunting::server
