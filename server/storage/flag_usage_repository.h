#pragma once

#include "storage/database.h"

#include <QList>
#include <QString>

namespace bunting::server {

// The flag_calls table (every call of a flag, per day and response) and flag_event_users (who
// sent which flag event, per day and response).
class FlagUsageRepository
{
public:
    explicit FlagUsageRepository(const Database &db) : m_db(db) {}

    // Adds `calls` to the flag's count in flag_calls; with a distinct id, to that caller's
    // count of `event` too.
    void addCalls(qint64 projectId, const QString &flagKey, const QString &event, bool countCall,
                  const QString &variant, const QString &day, qint64 calls,
                  const QString &distinctId);

    struct Row
    {
        QString day;     // "" unless by day
        QString variant; // "" unless by variant
        QVariant value;  // null for an empty range without grouping
    };
    // From flag_calls (every call) or flag_event_users (`event` by known callers), between two
    // days inclusive: the sum of calls, or the number of distinct callers.
    QList<Row> aggregate(qint64 projectId, const QString &flagKey, bool fromCalls,
                         const QString &event, bool distinctCallers, const QString &from,
                         const QString &to, bool byDay, bool byVariant) const;

private:
    const Database &m_db;
};

} // namespace bunting::server
