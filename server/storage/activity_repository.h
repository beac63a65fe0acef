#pragma once

#include "storage/database.h"

#include <QJsonObject>
#include <QList>
#include <optional>

namespace bunting::server {

struct StoredActivity
{
    QString uuid;
    QString activity;
    QString scope;
    QString itemId;
    QByteArray detail; // JSON text
    QString createdAt;
    bool bySystem = false; // written without a user
    QString userFirstName; // empty when the user has since been removed
    QString userEmail;
};

// The activity_log table.
class ActivityRepository
{
public:
    explicit ActivityRepository(const Database &db) : m_db(db) {}

    // A user id of 0 stores the entry as the system's.
    void insert(const QString &uuid, qint64 projectId, const QString &scope, const QString &itemId,
                const QString &activity, qint64 userId, const QJsonObject &detail,
                const QString &createdAt);
    // The scope's entries in the project, only those of `itemId` when given.
    qint64 count(qint64 projectId, const QString &scope,
                 const std::optional<QString> &itemId) const;
    // Newest first; entries written within the same millisecond in the order they were written.
    QList<StoredActivity> entries(qint64 projectId, const QString &scope,
                                  const std::optional<QString> &itemId, qint64 limit,
                                  qint64 offset) const;

private:
    const Database &m_db;
};

} // namespace bunting::server
