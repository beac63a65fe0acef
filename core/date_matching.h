#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QStringView>
#include <optional>

namespace bunting {

// A date operator's filter value: an absolute instant, or a relative one ("-7d", "-2h", "-1w",
// "-3m", "-1y") that counts back from the evaluation's `now`.
class DateFilter
{
public:
    static std::optional<DateFilter> parse(const QJsonValue &value);
    QDateTime resolve(const QDateTime &now) const;

private:
    QDateTime m_absolute;
    int m_amount = 0;
    char16_t m_unit = 0; // 0 for an absolute date
};

// The instant `amount` units before `now`; months clamp the day one month at a time, as
// PostHog's SDKs do (31 March minus two months is 28 January).
QDateTime subtractRelative(const QDateTime &now, int amount, char16_t unit);
// A date property's value: ISO 8601 (with or without time, offset or fraction), RFC 2822,
// "YYYY-MM-DD HH:MM[:SS]", or a number (or numeric text) of seconds since the epoch, as PostHog's
// flags service reads it; times without an offset are UTC.
std::optional<QDateTime> parseDateValue(const QJsonValue &value);

} // namespace bunting
