#include "storage/flag_usage_repository.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace bunting::server {

void FlagUsageRepository::addCalls(qint64 projectId, const QString &flagKey, const QString &event,
                                   bool countCall, const QString &variant, const QString &day,
                                   qint64 calls, const QString &distinctId)
{
    if (countCall)
        m_db.exec(u"INSERT INTO flag_calls (project_id, flag_key, day, variant, calls) VALUES "
                  "(?, ?, ?, ?, ?) ON CONFLICT (project_id, flag_key, day, variant) DO UPDATE "
                  "SET calls = flag_calls.calls + excluded.calls"_s,
                  {projectId, flagKey, day, variant, calls});
    if (distinctId.isEmpty())
        return;
    m_db.exec(u"INSERT INTO flag_event_users (project_id, flag_key, event, day, variant, "
              "distinct_id, calls) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, "
              "flag_key, event, day, variant, distinct_id) DO UPDATE SET calls = "
              "flag_event_users.calls + excluded.calls"_s,
              {projectId, flagKey, event, day, variant, distinctId, calls});
}

QList<FlagUsageRepository::Row>
FlagUsageRepository::aggregate(qint64 projectId, const QString &flagKey, bool fromCalls,
                               const QString &event, bool distinctCallers, const QString &from,
                               const QString &to, bool byDay, bool byVariant) const
{
    const QString measure =
        distinctCallers ? u"COUNT(DISTINCT distinct_id)"_s : u"CAST(SUM(calls) AS BIGINT)"_s;
    QStringList groupBy;
    if (byDay)
        groupBy.append(u"day"_s);
    if (byVariant)
        groupBy.append(u"variant"_s);
    QString sql =
        u"SELECT %1, %2, %3 FROM %4 WHERE project_id = ? AND flag_key = ? AND day >= ? "
        "AND day <= ?"_s.arg(byDay ? u"day"_s : u"''"_s, byVariant ? u"variant"_s : u"''"_s,
                             measure, fromCalls ? u"flag_calls"_s : u"flag_event_users"_s);
    QVariantList values{projectId, flagKey, from, to};
    if (!fromCalls) {
        sql += u" AND event = ?"_s;
        values.append(event);
    }
    if (!groupBy.isEmpty())
        sql += u" GROUP BY "_s + groupBy.join(u", "_s);
    QSqlQuery q = m_db.exec(sql, values);
    QList<Row> rows;
    while (q.next())
        rows.append({q.value(0).toString(), q.value(1).toString(), q.value(2)});
    return rows;
}

} // namespace bunting::server
