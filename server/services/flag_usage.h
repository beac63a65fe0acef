#pragma once

#include "storage/database.h"
#include "storage/flag_repository.h"
#include "storage/flag_usage_repository.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <optional>

namespace bunting::server {

// One `$feature_flag_called` an SDK reported.
struct FlagCall
{
    QString flagKey;
    QString variant; // as flagCallVariant() gives it
    QDateTime time;
    QString distinctId; // empty when unknown: counted as a call, not as a user
};

// What SDKs report about flags, by UTC day: `$feature_flag_called` (the flag_calls table, one
// row per day and response, and flag_event_users for who called) and the enriched events
// `$feature_view` and `$feature_interaction`. Usage dashboards, the flag status and the SDK
// endpoints read and write it here; feature_flags.last_called_at follows the latest call.
class FlagUsage
{
public:
    FlagUsage(const Database &db, FlagUsageRepository &store, FlagRepository &flags)
        : m_db(db), m_store(store), m_flags(flags)
    {
    }

    static inline const QString calledEvent = QStringLiteral("$feature_flag_called");
    static inline const QString viewEvent = QStringLiteral("$feature_view");
    static inline const QString interactionEvent = QStringLiteral("$feature_interaction");

    // `$feature_flag_response` as stored: "" for true, "false" for false, else the variant key.
    static QString flagCallVariant(const QJsonValue &response);
    // The stored variant as `$feature_flag_response` reads in a breakdown: "" is "true".
    static QString responseLabel(const QString &variant);

    void recordCall(qint64 projectId, const QString &flagKey, const QString &variant,
                    const QDateTime &time, const QString &distinctId = {});
    // A batch in one transaction, each flag's last_called_at written once.
    void recordCalls(qint64 projectId, const QList<FlagCall> &calls);
    // `$feature_view` or `$feature_interaction` carrying the flag's key in `feature_flag`. Kept
    // by caller, so an event without a distinct id is not kept at all.
    void recordFeatureEvent(qint64 projectId, const QString &flagKey, const QString &event,
                            const QDateTime &time, const QString &distinctId);

    // Calls per day from `from` to `to` (inclusive, UTC days) for each stored variant with any
    // call in the range; every list has one entry per day, zero where nothing was called.
    QHash<QString, QList<qint64>> callsPerDay(qint64 projectId, const QString &flagKey,
                                              const QDate &from, const QDate &to) const;

    enum class Math { Total, UniqueUsers };
    // Like callsPerDay() for any recorded event: the total, or the distinct callers each day;
    // without `byVariant`, one entry under "" for all variants together.
    QHash<QString, QList<qint64>> perDay(qint64 projectId, const QString &flagKey,
                                         const QString &event, Math math, const QDate &from,
                                         const QDate &to, bool byVariant = true) const;
    // The same over the whole range: a caller seen on several days counts once.
    QHash<QString, qint64> overRange(qint64 projectId, const QString &flagKey, const QString &event,
                                     Math math, const QDate &from, const QDate &to,
                                     bool byVariant = true) const;

    // The latest call of the project's live flag with this key, as FlagRepository::lastCalledAt
    // tells it.
    std::optional<QDateTime> lastCalledAt(qint64 projectId, const QString &flagKey) const;

private:
    QList<FlagUsageRepository::Row> aggregate(qint64 projectId, const QString &flagKey,
                                              const QString &event, Math math, const QDate &from,
                                              const QDate &to, bool byDay, bool byVariant) const;
    void addCalls(qint64 projectId, const QString &flagKey, const QString &event,
                  const QString &variant, const QString &day, qint64 calls,
                  const QString &distinctId);

    const Database &m_db;
    FlagUsageRepository &m_store;
    FlagRepository &m_flags;
};

QString usageDay(const QDate &date);

} // namespace bunting::server
