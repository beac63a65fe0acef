#include "usage_series.h"

#include "client.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

// The names PostHog's usage dashboard template gives its insights.
const QString callsInsightName = u"Feature Flag Called Total Volume"_s;
const QString uniqueUsersInsightName = u"Feature Flag calls made by unique users per variant"_s;
const QString enrichedIdentifier = u"Feature Viewed"_s; // ENRICHED_DASHBOARD_INSIGHT_IDENTIFIER
const QString responseProperty = u"$feature_flag_response"_s;

QString tr(const char *text)
{
    return QCoreApplication::translate("bunting::models::UsageSeries", text);
}

QJsonObject trendsSource(const QJsonObject &insight)
{
    const QJsonObject query = insight.value("query"_L1).toObject();
    const QJsonObject source =
        query.value("kind"_L1) == "InsightVizNode"_L1 ? query.value("source"_L1).toObject() : query;
    return source.value("kind"_L1) == "TrendsQuery"_L1 ? source : QJsonObject();
}

bool byResponse(const QJsonObject &source)
{
    const QJsonValue breakdown = source.value("breakdownFilter"_L1)["breakdown"_L1];
    if (breakdown.isArray()) // PostHog's newer multi-breakdown form
        return breakdown.toArray().size() == 1 &&
               breakdown.toArray().first()["property"_L1] == responseProperty;
    return breakdown == responseProperty;
}

bool countsUsers(const QJsonObject &source)
{
    const QString math = source.value("series"_L1).toArray().first()["math"_L1].toString();
    return math == "dau"_L1 || math == "unique_users"_L1;
}

qint64 sumOf(const QJsonArray &data)
{
    qint64 total = 0;
    for (const QJsonValue &v : data)
        total += qint64(v.toDouble());
    return total;
}

QList<QDate> daysOf(const QJsonArray &days)
{
    QList<QDate> out;
    for (const QJsonValue &day : days)
        out.append(QDate::fromString(day.toString().left(10), Qt::ISODate));
    return out;
}

QList<QDate> daysBetween(const QJsonObject &resolvedRange)
{
    const QDate from =
        QDate::fromString(resolvedRange.value("date_from"_L1).toString().left(10), Qt::ISODate);
    const QDate to =
        QDate::fromString(resolvedRange.value("date_to"_L1).toString().left(10), Qt::ISODate);
    QList<QDate> out;
    if (!from.isValid() || !to.isValid() || from.daysTo(to) > 3660)
        return out;
    for (QDate d = from; d <= to; d = d.addDays(1))
        out.append(d);
    return out;
}

void readCalls(const QJsonObject &insight, UsageSeries &usage)
{
    usage.hasCallsInsight = true;
    usage.callsInsightName = insight.value("name"_L1).toString();
    for (const QJsonValue &item : insight.value("result"_L1).toArray()) {
        const QJsonObject r = item.toObject();
        const QJsonArray data = r.value("data"_L1).toArray();
        const QList<QDate> days = daysOf(r.value("days"_L1).toArray());
        ResponseSeries series;
        series.response = responseText(r.value("breakdown_value"_L1));
        for (qsizetype i = 0; i < std::min(data.size(), days.size()); ++i)
            series.points.append({days.at(i), qint64(data.at(i).toDouble())});
        series.total = sumOf(data);
        if (usage.days.isEmpty())
            usage.days = days;
        usage.calls.append(series);
    }
    if (usage.days.isEmpty())
        usage.days = daysBetween(insight.value("resolved_date_range"_L1).toObject());
    if (usage.dateFrom.isEmpty())
        usage.dateFrom = trendsSource(insight)["dateRange"_L1]["date_from"_L1].toString();
}

void readUniqueUsers(const QJsonObject &insight, UsageSeries &usage)
{
    usage.hasUniqueUsers = true;
    for (const QJsonValue &item : insight.value("result"_L1).toArray()) {
        const QJsonObject r = item.toObject();
        // A table insight gives one aggregated value; a graph gives its days.
        const qint64 users = r.contains("aggregated_value"_L1)
                                 ? qint64(r.value("aggregated_value"_L1).toDouble())
                                 : sumOf(r.value("data"_L1).toArray());
        usage.uniqueUsers.append({responseText(r.value("breakdown_value"_L1)), users});
    }
}

} // namespace

qint64 UsageSeries::totalCalls() const
{
    qint64 total = 0;
    for (const ResponseSeries &s : calls)
        total += s.total;
    return total;
}

const ResponseSeries *UsageSeries::find(const QString &response) const
{
    for (const ResponseSeries &s : calls)
        if (s.response == response)
            return &s;
    return nullptr;
}

QString UsageSeries::rangeText() const
{
    static const QRegularExpression lastDays(u"^-(\\d+)d$"_s);
    const QRegularExpressionMatch m = lastDays.match(dateFrom);
    if (m.hasMatch())
        return m.captured(1) == "1"_L1 ? tr("last day") : tr("last %1 days").arg(m.captured(1));
    if (days.isEmpty())
        return {};
    const QLocale locale;
    return tr("%1 – %2").arg(locale.toString(days.first(), QLocale::ShortFormat),
                             locale.toString(days.last(), QLocale::ShortFormat));
}

QString responseText(const QJsonValue &breakdownValue)
{
    switch (breakdownValue.type()) {
    case QJsonValue::Bool:
        return breakdownValue.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double:
        return QString::number(breakdownValue.toDouble());
    case QJsonValue::Array: // a multi-breakdown's value list
        return responseText(breakdownValue.toArray().first());
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return tr("(none)");
    default:
        break;
    }
    const QString text = breakdownValue.toString();
    // PostHog's placeholder for events without the property.
    return text == "$$_posthog_breakdown_null_$$"_L1 ? tr("(none)") : text;
}

UsageSeries parseUsageDashboard(const QJsonObject &dashboard)
{
    UsageSeries usage;
    usage.dateFrom = dashboard.value("filters"_L1)["date_from"_L1].toString();
    QJsonObject calls, fallbackCalls, users, fallbackUsers;
    for (const QJsonValue &tile : dashboard.value("tiles"_L1).toArray()) {
        const QJsonObject insight = tile["insight"_L1].toObject();
        if (insight.isEmpty() || insight.value("deleted"_L1).toBool())
            continue;
        const QString name = insight.value("name"_L1).toString();
        if (name.contains(enrichedIdentifier))
            usage.hasEnrichedInsights = true;
        const QJsonObject source = trendsSource(insight);
        if (name == callsInsightName && calls.isEmpty())
            calls = insight;
        else if (name == uniqueUsersInsightName && users.isEmpty())
            users = insight;
        else if (!source.isEmpty() && byResponse(source)) {
            if (countsUsers(source)) {
                if (fallbackUsers.isEmpty())
                    fallbackUsers = insight;
            } else if (fallbackCalls.isEmpty()) {
                fallbackCalls = insight;
            }
        }
    }
    if (calls.isEmpty())
        calls = fallbackCalls;
    if (users.isEmpty())
        users = fallbackUsers;
    if (!calls.isEmpty())
        readCalls(calls, usage);
    if (!users.isEmpty())
        readUniqueUsers(users, usage);
    return usage;
}

QString enrichErrorText(const api::ApiError &error)
{
    const QString message = error.message();
    if (message.contains("already has enriched"_L1, Qt::CaseInsensitive))
        return tr("The usage dashboard already has the enriched insights.");
    if (message.contains("no enriched analytics"_L1, Qt::CaseInsensitive))
        return tr("There is nothing to enrich yet: the enriched insights need $feature_view or "
                  "$feature_interaction events for this flag, which SDKs send when the app "
                  "reports views of and interactions with the feature.");
    if (message.contains("dashboard not found"_L1, Qt::CaseInsensitive))
        return tr("The flag's usage dashboard no longer exists; create it again.");
    return tr("The usage dashboard could not be enriched: %1").arg(message);
}

UsageLoader::UsageLoader(QObject *parent) : QObject(parent), m_context(std::make_unique<QObject>())
{
}

UsageLoader::~UsageLoader() = default;

void UsageLoader::setClient(api::Client *client)
{
    m_client = client;
    reload();
}

void UsageLoader::setFlag(const FeatureFlag &flag)
{
    // The app hands back the flag flagChanged() gave it, or the same flag edited elsewhere: the
    // same dashboard, loaded or loading, is not read again (reload() does that).
    const bool sameDashboard = m_hasFlag && flag.id == m_flag.id &&
                               flag.usageDashboard == m_flag.usageDashboard &&
                               (m_state == State::Loaded || m_state == State::Loading);
    m_flag = flag;
    if (sameDashboard)
        return;
    m_hasFlag = true;
    reload();
}

void UsageLoader::setState(State state, Action action)
{
    if (state == m_state && action == m_action)
        return;
    m_state = state;
    m_action = action;
    Q_EMIT stateChanged();
}

void UsageLoader::fail(const api::ApiError &error, const QString &text, State state)
{
    m_error = error;
    m_errorText = text;
    setState(state, Action::None);
    Q_EMIT failed(error);
}

void UsageLoader::reload()
{
    m_context = std::make_unique<QObject>();
    m_series = {};
    m_errorText.clear();
    if (!m_client || !m_hasFlag)
        return setState(State::Idle, Action::None);
    if (!m_flag.usageDashboard)
        return setState(State::NoDashboard, Action::None);
    load();
}

void UsageLoader::load()
{
    setState(State::Loading, Action::Reading);
    const qint64 dashboardId = *m_flag.usageDashboard;
    m_client->getDashboard(
        dashboardId, m_context.get(), [this](const api::Result<QJsonObject> &result) {
            if (!result) {
                fail(
                    result.error(),
                    tr("The usage dashboard could not be loaded: %1").arg(result.error().message()),
                    State::Failed);
                return;
            }
            m_series = parseUsageDashboard(*result);
            m_errorText.clear();
            setState(State::Loaded, Action::None);
            Q_EMIT loaded();
        });
}

void UsageLoader::createDashboard()
{
    if (!m_client || !m_hasFlag || m_action != Action::None)
        return;
    m_context = std::make_unique<QObject>();
    m_errorText.clear();
    setState(State::Loading, Action::Creating);
    m_client->createUsageDashboard(
        m_flag.id, m_context.get(), [this](const api::Result<FeatureFlag> &result) {
            if (!result) {
                fail(result.error(),
                     tr("The usage dashboard could not be created: %1")
                         .arg(result.error().message()),
                     m_flag.usageDashboard ? State::Failed : State::NoDashboard);
                return;
            }
            m_flag = *result;
            Q_EMIT flagChanged(m_flag);
            if (!m_flag.usageDashboard) {
                fail(api::ApiError::invalidResponse(200, u"no usage_dashboard"_s),
                     tr("The server created no usage dashboard for this flag."),
                     State::NoDashboard);
                return;
            }
            load();
        });
}

void UsageLoader::enrichDashboard()
{
    if (!m_client || !m_hasFlag || m_action != Action::None || !m_flag.usageDashboard)
        return;
    m_context = std::make_unique<QObject>();
    m_errorText.clear();
    const State before = m_state;
    setState(State::Loading, Action::Enriching);
    m_client->enrichUsageDashboard(
        m_flag.id, m_context.get(), [this, before](const api::Result<QJsonObject> &result) {
            api::ApiError error;
            if (!result) {
                error = result.error();
            } else if (result->value("success"_L1) == QJsonValue(false)) {
                // PostHog's refusals come as 400, but a proxy or an older server may say 200.
                error = api::ApiError::fromHttp(
                    200, QJsonDocument(*result).toJson(QJsonDocument::Compact));
            } else {
                Q_EMIT enriched();
                load();
                return;
            }
            // The dashboard itself is unchanged: what was shown stays.
            fail(error, enrichErrorText(error), before == State::Loaded ? State::Loaded : before);
        });
}

} // namespace bunting::models
