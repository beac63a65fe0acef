#include "services/trends_results.h"

#include "services/usage_dashboard_template.h"

#include <QLocale>
#include <QRegularExpression>
#include <algorithm>
#include <optional>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// Ten years of daily buckets is more than any usage chart asks for; a wider range is cut there
// rather than building lists without end.
constexpr qint64 maxDays = 3660;

const QString breakdownByResponse = u"$feature_flag_response"_s;

// PostHog's relative dates ("-30d", "-2w", "-1m", "-12h", "mStart") and ISO dates.
std::optional<QDate> resolveDate(const QJsonValue &value, const QDateTime &now)
{
    if (!value.isString())
        return std::nullopt;
    const QString text = value.toString().trimmed();
    const QDate today = now.date();
    static const QRegularExpression relative(u"^-(\\d{1,6})([hdwmqy])$"_s);
    const QRegularExpressionMatch m = relative.match(text);
    if (m.hasMatch()) {
        const int n = m.captured(1).toInt();
        switch (m.captured(2).front().toLatin1()) {
        case 'h':
            return now.addSecs(-3600 * qint64(n)).date();
        case 'd':
            return today.addDays(-n);
        case 'w':
            return today.addDays(-7 * qint64(n));
        case 'm':
            return today.addMonths(-n);
        case 'q':
            return today.addMonths(-3 * n);
        default:
            return today.addYears(-n);
        }
    }
    if (text == "dStart"_L1)
        return today;
    if (text == "mStart"_L1)
        return QDate(today.year(), today.month(), 1);
    if (text == "yStart"_L1)
        return QDate(today.year(), 1, 1);
    const QDate date = QDate::fromString(text.left(10), Qt::ISODate);
    if (date.isValid())
        return date;
    return std::nullopt;
}

// The flag a usage insight is about: its exact `$feature_flag` (or `feature_flag`) property.
QString flagKeyOf(const QJsonValue &properties)
{
    if (properties.isArray()) {
        for (const QJsonValue &item : properties.toArray()) {
            const QString key = flagKeyOf(item);
            if (!key.isEmpty())
                return key;
        }
        return {};
    }
    const QJsonObject o = properties.toObject();
    const QString key = o.value("key"_L1).toString();
    const QString op = o.value("operator"_L1).toString(u"exact"_s);
    if ((key == "$feature_flag"_L1 || key == "feature_flag"_L1) && op == "exact"_L1) {
        const QJsonValue value = o.value("value"_L1);
        if (value.isString())
            return value.toString();
        if (value.isArray() && value.toArray().first().isString())
            return value.toArray().first().toString();
    }
    return flagKeyOf(o.value("values"_L1));
}

bool isTotalValueDisplay(const QString &display)
{
    static const QStringList totals{u"ActionsTable"_s, u"ActionsPie"_s, u"ActionsBarValue"_s,
                                    u"BoldNumber"_s, u"WorldMap"_s};
    return totals.contains(display);
}

struct Series
{
    QString event;
    QString customName;
    QString math; // "" for total
    int order = 0;
};

struct Window
{
    QDate from;
    QDate to;
    QList<QDate> days() const
    {
        QList<QDate> all;
        for (QDate d = from; d <= to; d = d.addDays(1))
            all.append(d);
        return all;
    }
};

QJsonObject actionOf(const Series &series, const QJsonArray &rangeDays)
{
    const auto orNull = [](const QString &s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); };
    return {{u"days"_s, rangeDays},           {u"id"_s, series.event},
            {u"type"_s, u"events"_s},         {u"order"_s, series.order},
            {u"name"_s, series.event},        {u"custom_name"_s, orNull(series.customName)},
            {u"math"_s, orNull(series.math)}, {u"math_property"_s, QJsonValue()},
            {u"math_hogql"_s, QJsonValue()},  {u"math_group_type_index"_s, QJsonValue()},
            {u"properties"_s, QJsonObject{}}};
}

// One series per breakdown value, ordered as PostHog orders breakdowns: the biggest first.
struct Row
{
    QString breakdown; // the response label; empty without a breakdown
    QList<qint64> data;
    qint64 total = 0;
};

void sortRows(QList<Row> &rows)
{
    std::stable_sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
        return a.total != b.total ? a.total > b.total : a.breakdown < b.breakdown;
    });
}

} // namespace

TrendsResult computeTrends(const FlagUsage &usage, qint64 projectId, const QJsonObject &query,
                           const QJsonObject &dashboardFilters, const QDateTime &now)
{
    TrendsResult out;
    out.result = QJsonValue();
    const QJsonObject source =
        query.value("kind"_L1) == "InsightVizNode"_L1 ? query.value("source"_L1).toObject() : query;
    if (source.value("kind"_L1) != "TrendsQuery"_L1)
        return out;
    const QString interval = source.value("interval"_L1).toString(u"day"_s);
    const QJsonObject breakdownFilter = source.value("breakdownFilter"_L1).toObject();
    const QJsonValue breakdown = breakdownFilter.value("breakdown"_L1);
    const bool byResponse = breakdown == QJsonValue(breakdownByResponse);
    // Only what usage dashboards ask for is answered; anything else would be a wrong answer.
    if (interval != "day"_L1 || (!breakdown.isUndefined() && !breakdown.isNull() && !byResponse))
        return out;

    QList<Series> series;
    const QJsonArray nodes = source.value("series"_L1).toArray();
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        const QJsonObject node = nodes[i].toObject();
        Series s{node.value("event"_L1).toString(), node.value("custom_name"_L1).toString(),
                 node.value("math"_L1).toString(), int(i)};
        if (s.math == "total"_L1)
            s.math.clear();
        if (node.value("kind"_L1) != "EventsNode"_L1 || s.event.isEmpty() ||
            (!s.math.isEmpty() && s.math != "dau"_L1))
            return out;
        series.append(s);
    }

    const QDateTime utcNow = now.toUTC();
    const QJsonObject dateRange = source.value("dateRange"_L1).toObject();
    const QJsonValue dashboardFrom = dashboardFilters.value("date_from"_L1);
    Window window;
    window.to = resolveDate(dateRange.value("date_to"_L1), utcNow).value_or(utcNow.date());
    window.from =
        resolveDate(dashboardFrom.isString() ? dashboardFrom : dateRange.value("date_from"_L1),
                    utcNow)
            .value_or(utcNow.date().addDays(-7));
    if (window.from > window.to)
        window.from = window.to;
    if (window.from.daysTo(window.to) >= maxDays)
        window.from = window.to.addDays(-(maxDays - 1));
    out.resolvedDateRange = {
        {u"date_from"_s, window.from.startOfDay(Qt::UTC).toString(Qt::ISODate)},
        {u"date_to"_s, window.to.toString(Qt::ISODate) + u"T23:59:59.999999Z"_s}};

    const QList<QDate> days = window.days();
    QJsonArray dayTexts, labels, rangeDays;
    for (const QDate &day : days) {
        dayTexts.append(day.toString(Qt::ISODate));
        labels.append(QLocale::c().toString(day, u"d-MMM-yyyy"_s));
        rangeDays.append(day.startOfDay(Qt::UTC).toString(Qt::ISODate));
    }
    const bool totalValue =
        isTotalValueDisplay(source.value("trendsFilter"_L1)["display"_L1].toString());
    QJsonObject filter = legacyTrendsFilters(query);
    filter.insert(u"date_from"_s, out.resolvedDateRange.value("date_from"_L1));
    filter.insert(u"date_to"_s, out.resolvedDateRange.value("date_to"_L1));
    const QString flagKey = flagKeyOf(source.value("properties"_L1));

    QJsonArray results;
    for (const Series &s : series) {
        const FlagUsage::Math math =
            s.math.isEmpty() ? FlagUsage::Math::Total : FlagUsage::Math::UniqueUsers;
        QList<Row> rows;
        if (totalValue) {
            const QHash<QString, qint64> totals = usage.overRange(
                projectId, flagKey, s.event, math, window.from, window.to, byResponse);
            for (auto it = totals.cbegin(); it != totals.cend(); ++it)
                rows.append(Row{FlagUsage::responseLabel(it.key()), {}, it.value()});
            if (!byResponse && rows.isEmpty())
                rows.append(Row{});
        } else {
            const QHash<QString, QList<qint64>> perDay =
                usage.perDay(projectId, flagKey, s.event, math, window.from, window.to, byResponse);
            for (auto it = perDay.cbegin(); it != perDay.cend(); ++it) {
                Row row{FlagUsage::responseLabel(it.key()), it.value(), 0};
                for (qint64 v : row.data)
                    row.total += v;
                rows.append(row);
            }
            // Without a breakdown a series is always there, at zero when nothing happened.
            if (!byResponse && rows.isEmpty())
                rows.append(Row{{}, QList<qint64>(days.size(), 0), 0});
        }
        if (!byResponse)
            rows.first().breakdown.clear();
        sortRows(rows);

        for (const Row &row : rows) {
            QJsonObject item{{u"label"_s, s.event},
                             {u"filter"_s, filter},
                             {u"action"_s, actionOf(s, rangeDays)}};
            if (totalValue) {
                item.insert(u"data"_s, QJsonArray{});
                item.insert(u"days"_s, QJsonArray{});
                item.insert(u"count"_s, 0);
                item.insert(u"aggregated_value"_s, row.total);
            } else {
                QJsonArray data;
                for (qint64 v : row.data)
                    data.append(v);
                item.insert(u"data"_s, data);
                item.insert(u"labels"_s, labels);
                item.insert(u"days"_s, dayTexts);
                item.insert(u"count"_s, double(row.total));
            }
            if (byResponse) {
                item.insert(u"label"_s,
                            series.size() > 1 ? s.event + u" - "_s + row.breakdown : row.breakdown);
                item.insert(u"breakdown_value"_s, row.breakdown);
            }
            results.append(item);
        }
    }
    out.result = results;
    return out;
}

} // namespace bunting::server
