#include "services/flag_usage.h"

#include "storage/timestamps.h"

#include <QMap>
#include <tuple>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// PostHog stamps an event without a usable timestamp with the time it arrived.
QDateTime callTime(const QDateTime &time)
{
    return time.isValid() ? time.toUTC() : QDateTime::currentDateTimeUtc();
}

QHash<QString, QList<qint64>> spreadOverDays(const QList<FlagUsageRepository::Row> &rows,
                                             const QDate &from, const QDate &to)
{
    QHash<QString, QList<qint64>> result;
    const qsizetype days = from.daysTo(to) + 1;
    for (const FlagUsageRepository::Row &row : rows) {
        const QDate day = QDate::fromString(row.day, Qt::ISODate);
        const qint64 index = from.daysTo(day);
        if (!day.isValid() || index < 0 || index >= days)
            continue;
        QList<qint64> &series = result[row.variant];
        if (series.isEmpty())
            series.fill(0, days);
        series[index] += row.value.toLongLong();
    }
    return result;
}

} // namespace

QString usageDay(const QDate &date)
{
    return date.toString(Qt::ISODate);
}

QString FlagUsage::flagCallVariant(const QJsonValue &response)
{
    if (response.isBool())
        return response.toBool() ? QString() : u"false"_s;
    if (response.isString()) {
        const QString text = response.toString();
        return text == "true"_L1 ? QString() : text;
    }
    // A missing response reads as the flag being off, as PostHog's SDKs send false for it.
    return u"false"_s;
}

QString FlagUsage::responseLabel(const QString &variant)
{
    return variant.isEmpty() ? u"true"_s : variant;
}

void FlagUsage::addCalls(qint64 projectId, const QString &flagKey, const QString &event,
                         const QString &variant, const QString &day, qint64 calls,
                         const QString &distinctId)
{
    // A null QString binds as SQL NULL; "" is a value here (the true response).
    const QString stored = variant.isNull() ? u""_s : variant;
    m_store.addCalls(projectId, flagKey, event, event == calledEvent, stored, day, calls,
                     distinctId);
}

void FlagUsage::recordCall(qint64 projectId, const QString &flagKey, const QString &variant,
                           const QDateTime &time, const QString &distinctId)
{
    recordCalls(projectId, {FlagCall{flagKey, variant, time, distinctId}});
}

void FlagUsage::recordCalls(qint64 projectId, const QList<FlagCall> &calls)
{
    using Slot = std::tuple<QString, QString, QString, QString>; // key, variant, day, distinct id
    QMap<Slot, qint64> counts;
    QHash<QString, QDateTime> latest;
    for (const FlagCall &call : calls) {
        if (call.flagKey.isEmpty())
            continue;
        const QDateTime time = callTime(call.time);
        counts[{call.flagKey, call.variant, usageDay(time.date()), call.distinctId}] += 1;
        QDateTime &last = latest[call.flagKey];
        if (!last.isValid() || last < time)
            last = time;
    }
    if (counts.isEmpty())
        return;
    m_db.transaction([&] {
        // Calls without a distinct id still count; the users table only sees the known ones.
        for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
            const auto &[key, variant, day, distinctId] = it.key();
            addCalls(projectId, key, calledEvent, variant, day, it.value(), distinctId);
        }
        for (auto it = latest.cbegin(); it != latest.cend(); ++it)
            m_flags.advanceLastCalledAt(projectId, it.key(), formatApiTimestamp(it.value()));
    });
}

void FlagUsage::recordFeatureEvent(qint64 projectId, const QString &flagKey, const QString &event,
                                   const QDateTime &time, const QString &distinctId)
{
    if (flagKey.isEmpty() || distinctId.isEmpty())
        return;
    addCalls(projectId, flagKey, event, {}, usageDay(callTime(time).date()), 1, distinctId);
}

QHash<QString, QList<qint64>> FlagUsage::callsPerDay(qint64 projectId, const QString &flagKey,
                                                     const QDate &from, const QDate &to) const
{
    return perDay(projectId, flagKey, calledEvent, Math::Total, from, to);
}

QList<FlagUsageRepository::Row> FlagUsage::aggregate(qint64 projectId, const QString &flagKey,
                                                     const QString &event, Math math,
                                                     const QDate &from, const QDate &to, bool byDay,
                                                     bool byVariant) const
{
    // flag_calls counts every call, with or without a distinct id; the users table only the
    // calls whose caller is known.
    const bool fromCalls = event == calledEvent && math == Math::Total;
    return m_store.aggregate(projectId, flagKey, fromCalls, event, math == Math::UniqueUsers,
                             usageDay(from), usageDay(to), byDay, byVariant);
}

QHash<QString, QList<qint64>> FlagUsage::perDay(qint64 projectId, const QString &flagKey,
                                                const QString &event, Math math, const QDate &from,
                                                const QDate &to, bool byVariant) const
{
    if (!from.isValid() || !to.isValid() || to < from)
        return {};
    return spreadOverDays(aggregate(projectId, flagKey, event, math, from, to, true, byVariant),
                          from, to);
}

QHash<QString, qint64> FlagUsage::overRange(qint64 projectId, const QString &flagKey,
                                            const QString &event, Math math, const QDate &from,
                                            const QDate &to, bool byVariant) const
{
    if (!from.isValid() || !to.isValid() || to < from)
        return {};
    QHash<QString, qint64> result;
    for (const FlagUsageRepository::Row &row :
         aggregate(projectId, flagKey, event, math, from, to, false, byVariant)) {
        // Without a GROUP BY an empty range still gives one row, with a NULL sum.
        if (!row.value.isNull() && row.value.toLongLong() != 0)
            result.insert(row.variant, row.value.toLongLong());
    }
    return result;
}

std::optional<QDateTime> FlagUsage::lastCalledAt(qint64 projectId, const QString &flagKey) const
{
    // One answer for the whole server: the repository's, which also covers calls only
    // flag_calls knows of.
    const auto id = m_flags.liveIdForKey(projectId, flagKey);
    if (!id)
        return std::nullopt;
    const QDateTime time = parseTimestamp(m_flags.lastCalledAt(projectId, *id));
    if (!time.isValid())
        return std::nullopt;
    return time;
}

} // namespace bunting::server
