#pragma once

#include <QDateTime>
#include <QString>

namespace bunting::server {

// PostHog's timestamp form: ISO 8601 UTC with microseconds ("2024-01-02T03:04:05.123000Z").
inline QString formatApiTimestamp(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'000Z'"));
}

inline QString nowTimestamp()
{
    return formatApiTimestamp(QDateTime::currentDateTimeUtc());
}

} // namespace bunting::server
