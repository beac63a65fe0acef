#pragma once

#include "database.h"

#include <QJsonArray>
#include <QJsonObject>

namespace bunting::server {

// The activity_log table: who changed what, with field-level before and after, in PostHog's
// activity-log shape. Written in the same transaction as the change it records.
class ActivityLog
{
public:
    explicit ActivityLog(const Database &db) : m_db(db) {}

    // `activity` is "created", "updated" or "deleted"; `changes` as flag_diff's
    // activityChanges() gives them.
    void record(qint64 projectId, const QString &scope, qint64 itemId, const QString &activity,
                qint64 userId, const QString &name, const QJsonArray &changes);

private:
    const Database &m_db;
};

} // namespace bunting::server
