#pragma once

#include "storage/activity_repository.h"

#include <QJsonArray>
#include <QJsonObject>
#include <optional>

namespace bunting::server {

// One page of activity entries, as PostHog's activity_page_response serves them.
struct ActivityPage
{
    QJsonArray results; // entries in PostHog's ActivityLogEntry shape, newest first
    qint64 totalCount = 0;
    bool hasNext = false;
    bool hasPrevious = false;
};

// Who changed what, with field-level before and after, in PostHog's activity-log shape (kept by
// ActivityRepository). Written in the same transaction as the change it records.
class ActivityLog
{
public:
    explicit ActivityLog(ActivityRepository &store) : m_store(store) {}

    // `activity` is "created", "updated" or "deleted"; `changes` as flag_diff's
    // activityChanges() gives them. A user id of 0 records the change as the system's.
    void record(qint64 projectId, const QString &scope, qint64 itemId, const QString &activity,
                qint64 userId, const QString &name, const QJsonArray &changes);

    // The scope's entries in the project (only those of `itemId` when given), newest first, cut
    // into pages of `limit` as Django's Paginator cuts them: page 1 always exists, even empty;
    // nullopt for a page past the last. `limit` and `page` are at least 1.
    std::optional<ActivityPage> page(qint64 projectId, const QString &scope,
                                     const std::optional<QString> &itemId, qint64 limit,
                                     qint64 page) const;

private:
    ActivityRepository &m_store;
};

} // namespace bunting::server
