#include "flag_usage.h"

#include "timestamps.h"

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

QHash<QString, QList<qint64>> spreadOverDays(QSqlQuery &q, const QDate &from, const QDate &to)
{
    QHash<QString, QList<qint64>> result;
    const qsizetype days = from.daysTo(to) + 1;
    while (q.next()) {
        const QDate day = QDate::fromString(q.value(0).toString(), Qt::ISODate);
        const qint64 index = from.daysTo(day);
        if (!day.isValid() || index < 0 || index >= days)
            continue;
        QList<qint64> &series = result[q.value(1).toString()];
        if (series.isEmpty())
            series.fill(0, days);
        series[index] += q.value(2).toLongLong();
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
    if (event == calledEvent)
        m_db.exec(u"INSERT INTO flag_calls (project_id, flag_key, day, variant, calls) VALUES "
                  "(?, ?, ?, ?, ?) ON CONFLICT (project_id, flag_key, day, variant) DO UPDATE "
                  "SET calls = flag_calls.calls + excluded.calls"_s,
                  {projectId, flagKey, day, stored, calls});
    if (distinctId.isEmpty())
        return;
    m_db.exec(u"INSERT INTO flag_event_users (project_id, flag_key, event, day, variant, "
              "distinct_id, calls) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, "
              "flag_key, event, day, variant, distinct_id) DO UPDATE SET calls = "
              "flag_event_users.calls + excluded.calls"_s,
              {projectId, flagKey, event, day, stored, distinctId, calls});
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

QSqlQuery FlagUsage::aggregate(qint64 projectId, const QString &flagKey, const QString &event,
                               Math math, const QDate &from, const QDate &to, bool byDay,
                               bool byVariant) const
{
    // flag_calls counts every call, with or without a distinct id; the users table only the
    // calls whose caller is known.
    const bool fromCalls = event == calledEvent && math == Math::Total;
    const QString measure = math == Math::UniqueUsers ? u"COUNT(DISTINCT distinct_id)"_s
                                                      : u"CAST(SUM(calls) AS BIGINT)"_s;
    QStringList groupBy;
    if (byDay)
        groupBy.append(u"day"_s);
    if (byVariant)
        groupBy.append(u"variant"_s);
    QString sql =
        u"SELECT %1, %2, %3 FROM %4 WHERE project_id = ? AND flag_key = ? AND day >= ? "
        "AND day <= ?"_s.arg(byDay ? u"day"_s : u"''"_s, byVariant ? u"variant"_s : u"''"_s,
                             measure, fromCalls ? u"flag_calls"_s : u"flag_event_users"_s);
    QVariantList values{projectId, flagKey, usageDay(from), usageDay(to)};
    if (!fromCalls) {
        sql += u" AND event = ?"_s;
        values.append(event);
    }
    if (!groupBy.isEmpty())
        sql += u" GROUP BY "_s + groupBy.join(u", "_s);
    return m_db.exec(sql, values);
}

QHash<QString, QList<qint64>> FlagUsage::perDay(qint64 projectId, const QString &flagKey,
                                                const QString &event, Math math, const QDate &from,
                                                const QDate &to, bool byVariant) const
{
    if (!from.isValid() || !to.isValid() || to < from)
        return {};
    QSqlQuery q = aggregate(projectId, flagKey, event, math, from, to, true, byVariant);
    return spreadOverDays(q, from, to);
}

QHash<QString, qint64> FlagUsage::overRange(qint64 projectId, const QString &flagKey,
                                            const QString &event, Math math, const QDate &from,
                                            const QDate &to, bool byVariant) const
{
    if (!from.isValid() || !to.isValid() || to < from)
        return {};
    QSqlQuery q = aggregate(projectId, flagKey, event, math, from, to, false, byVariant);
    QHash<QString, qint64> result;
    while (q.next()) {
        // Without a GROUP BY an empty range still gives one row, with a NULL sum.
        if (!q.value(2).isNull() && q.value(2).toLongLong() != 0)
            result.insert(q.value(1).toString(), q.value(2).toLongLong());
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
