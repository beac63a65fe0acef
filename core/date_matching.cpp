#include "date_matching.h"

#include <QTimeZone>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bunting {

namespace {

constexpr int maxRelativeAmount = 10000;

std::optional<std::pair<int, char16_t>> parseRelative(QStringView text)
{
    if (text.startsWith(u'-'))
        text = text.mid(1);
    if (text.size() < 2)
        return std::nullopt;
    const char16_t unit = text.back().unicode();
    if (unit < u'a' || unit > u'z')
        return std::nullopt;
    qint64 amount = 0;
    for (QChar c : text.chopped(1)) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        amount = amount * 10 + (c.unicode() - u'0');
        if (amount >= maxRelativeAmount)
            return std::nullopt;
    }
    if (unit != u'h' && unit != u'd' && unit != u'w' && unit != u'm' && unit != u'y')
        return std::nullopt;
    return std::pair{int(amount), unit};
}

std::optional<QDateTime> parseDateText(const QString &text)
{
    const QString trimmed = text.trimmed();
    for (Qt::DateFormat format : {Qt::ISODateWithMs, Qt::ISODate, Qt::RFC2822Date}) {
        QDateTime t = QDateTime::fromString(trimmed, format);
        if (t.isValid()) {
            if (t.timeSpec() == Qt::LocalTime)
                t.setTimeZone(QTimeZone::utc());
            return t.toUTC();
        }
    }
    for (const QString &format :
         {u"yyyy-MM-dd HH:mm:ss.zzz"_s, u"yyyy-MM-dd HH:mm:ss"_s, u"yyyy-MM-dd HH:mm"_s}) {
        QDateTime t = QDateTime::fromString(trimmed, format);
        if (t.isValid()) {
            t.setTimeZone(QTimeZone::utc());
            return t;
        }
    }
    return std::nullopt;
}

} // namespace

QDateTime subtractRelative(const QDateTime &now, int amount, char16_t unit)
{
    const QDateTime utc = now.toUTC();
    switch (unit) {
    case u'h':
        return utc.addSecs(-qint64(amount) * 3600);
    case u'd':
        return utc.addDays(-amount);
    case u'w':
        return utc.addDays(-qint64(amount) * 7);
    case u'm': {
        const QDate date = utc.date();
        int day = date.day();
        for (int step = 1; step <= amount && day > 28; ++step)
            day = std::min(day, date.addDays(1 - date.day()).addMonths(-step).daysInMonth());
        const QDate first = QDate(date.year(), date.month(), 1).addMonths(-amount);
        return QDateTime(QDate(first.year(), first.month(), day), utc.time(), QTimeZone::utc());
    }
    case u'y': {
        const QDate date = utc.date();
        const int day = amount > 0 && date.month() == 2 && date.day() == 29 ? 28 : date.day();
        return QDateTime(QDate(date.year() - amount, date.month(), day), utc.time(),
                         QTimeZone::utc());
    }
    default:
        return utc;
    }
}

std::optional<QDateTime> parseDateValue(const QJsonValue &value)
{
    // PostHog's flags service reads a number, or text that is one, as Unix seconds (posthog-node
    // reads a number as milliseconds; docs/evaluation.md lists the difference).
    const auto fromSeconds = [](double seconds) -> std::optional<QDateTime> {
        if (!qIsFinite(seconds) || std::abs(seconds) > 1e14)
            return std::nullopt;
        return QDateTime::fromMSecsSinceEpoch(qint64(std::llround(seconds * 1000)),
                                              QTimeZone::utc());
    };
    if (value.isDouble())
        return fromSeconds(value.toDouble());
    if (!value.isString())
        return std::nullopt;
    bool isNumber = false;
    const double seconds = value.toString().toDouble(&isNumber);
    if (isNumber)
        return fromSeconds(seconds);
    return parseDateText(value.toString());
}

std::optional<DateFilter> DateFilter::parse(const QJsonValue &value)
{
    DateFilter filter;
    if (value.isString()) {
        if (const auto relative = parseRelative(value.toString())) {
            filter.m_amount = relative->first;
            filter.m_unit = relative->second;
            return filter;
        }
    }
    // The filter side is text only, as the flags service takes it.
    const auto absolute = value.isString() ? parseDateText(value.toString()) : std::nullopt;
    if (!absolute)
        return std::nullopt;
    filter.m_absolute = *absolute;
    return filter;
}

QDateTime DateFilter::resolve(const QDateTime &now) const
{
    return m_unit ? subtractRelative(now, m_amount, m_unit) : m_absolute;
}

} // namespace bunting
