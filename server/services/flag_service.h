#pragma once

#include "flag_validation.h"
#include "http/api_error.h"
#include "http/request.h"
#include "services/activity_log.h"
#include "storage/change_notices.h"
#include "storage/cohort_repository.h"
#include "storage/database.h"
#include "storage/flag_repository.h"
#include "storage/group_repository.h"
#include "storage/user_repository.h"

#include <QJsonObject>
#include <functional>

namespace bunting::server {

// The rules around a flag change: parse and validate with core's rules (a 400 and nothing
// written on bad input), then one transaction writes the flag, its version snapshot and its
// activity entry; listeners hear of each committed change.
class FlagService
{
public:
    FlagService(const Database &db, FlagRepository &flags, const UserRepository &users,
                const CohortRepository &cohorts, const GroupRepository &groups,
                ActivityLog &activity)
        : notices(db), m_db(db), m_flags(flags), m_users(users), m_cohorts(cohorts),
          m_groups(groups), m_activity(activity)
    {
    }

    FeatureFlag create(qint64 projectId, const Principal &by, const QJsonObject &body);
    // A PATCH, with PostHog's conflict rule (flag_conflict.h) and its merge of `filters`.
    FeatureFlag update(qint64 projectId, qint64 id, const Principal &by, const QJsonObject &body);
    // PostHog's bulk actions write the flag directly, outside its serializer's update: no new
    // version, and only the activity entry each logs (rest-api-behaviour.md §3.7, §3.8, §5).
    // bulk_update_tags: the tags (sorted), one `updated` entry with only the `tags` change;
    // last_modified_by and updated_at stay.
    FeatureFlag setTagsInPlace(qint64 projectId, qint64 id, const Principal &by,
                               const QStringList &tags);
    // bulk_delete: deleted, last_modified_by and updated_at; a `deleted` entry with no changes.
    // The caller has checked the flag's dependents.
    FeatureFlag deleteInPlace(qint64 projectId, qint64 id, const Principal &by);
    // 404 when the project has no flag with that id.
    FeatureFlag get(qint64 projectId, qint64 id) const;

    // What validating `flag` needs of the project, read by query and nothing more: whether its
    // key is taken, the flags it depends on and theirs in turn (for cycles), the cohorts it
    // names and theirs, and the group types. `previous` is the stored flag of an update.
    ValidationContext validationContext(qint64 projectId, const FeatureFlag &flag,
                                        const FeatureFlag *previous) const;
    UserBasic user(qint64 userId) const;

    // Runs several changes as one: every change `work` makes is written, or, when it throws,
    // none is. Listeners hear of the changes once all of them are committed.
    void allOrNothing(const std::function<void()> &work) const { m_db.transaction(work); }

    // Every change, once it commits, for what follows from it outside the flag's own
    // transaction (the usage dashboard, the SDK snapshot).
    struct Change
    {
        qint64 projectId = 0;
        qint64 userId = 0;
        std::optional<FeatureFlag> before; // nullopt for a new flag
        FeatureFlag after;
        QJsonObject body; // the request that asked for it
    };
    ChangeNotices<const Change &> notices;

private:
    void throwFirst(const QList<ValidationError> &errors) const;
    FeatureFlag writeInPlace(qint64 projectId, const Principal &by, const FeatureFlag &before,
                             const FeatureFlag &after, const QString &activity,
                             const QJsonArray &changes, const QJsonObject &body);

    const Database &m_db;
    FlagRepository &m_flags;
    const UserRepository &m_users;
    const CohortRepository &m_cohorts;
    const GroupRepository &m_groups;
    ActivityLog &m_activity;
};

// A validation error from core as the API's 400.
ApiError toApiError(const ValidationError &error);

} // namespace bunting::server
