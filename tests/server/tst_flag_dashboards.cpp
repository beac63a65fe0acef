// A flag's usage dashboard over real HTTP: creating it (twice), enriching it, reading it back
// with its tiles' results computed from the recorded flag calls; scopes and projects.
#include "test_server.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLocale>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting::server;

namespace {

QJsonObject parse(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}

QJsonArray zeros(int n)
{
    QJsonArray a;
    for (int i = 0; i < n; ++i)
        a.append(0);
    return a;
}

const QJsonObject multivariate{
    {u"groups"_s,
     QJsonArray{QJsonObject{{u"properties"_s, QJsonArray{}}, {u"rollout_percentage"_s, 100}}}},
    {u"multivariate"_s,
     QJsonObject{{u"variants"_s,
                  QJsonArray{QJsonObject{{u"key"_s, u"control"_s}, {u"rollout_percentage"_s, 50}},
                             QJsonObject{{u"key"_s, u"test"_s}, {u"rollout_percentage"_s, 50}}}}}}};

} // namespace

class TestFlagDashboards : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void newFlagsGetTheirDashboard();

    void createUsageDashboard();
    void creatingAgainMakesANewDashboard();
    void createWhenEnrichedAnalyticsAlreadyReported();
    void enrichUsageDashboard();
    void enrichmentRefusals();
    void featureViewsEnrichTheDashboard();
    void callsPerDayPerVariant();
    void booleanFlagAndEmptyWindow();
    void recordedCallsFeedTilesAndLastCalledAt();
    void enrichedTilesCountViewsAndUsers();
    void usageQueries();
    void keyChangeRetargetsTheUsageInsights();
    void scopes();
    void otherProjects();

private:
    qint64 createFlag(const QString &key, const QJsonObject &filters = {});
    qint64 usageDashboardOf(qint64 flagId);
    QJsonObject dashboard(qint64 id);
    void setCalls(const QString &key, const QDate &day, const QString &variant, qint64 calls,
                  qint64 projectId = 0);
    void setEnrichedAnalytics(qint64 flagId);
    qint64 count(const QString &sql, const QVariantList &values = {});
    QString dashboardPath(qint64 id) const
    {
        return u"/api/projects/%1/dashboards/%2/"_s.arg(m_server->projectId()).arg(id);
    }

    std::unique_ptr<TestServer> m_server;
};

qint64 TestFlagDashboards::createFlag(const QString &key, const QJsonObject &filters)
{
    // These tests make the usage dashboard themselves, through its endpoint.
    QJsonObject body{{u"key"_s, key}, {u"_should_create_usage_dashboard"_s, false}};
    if (!filters.isEmpty())
        body.insert(u"filters"_s, filters);
    return m_server->createFlag(body).value("id"_L1).toInteger();
}

qint64 TestFlagDashboards::usageDashboardOf(qint64 flagId)
{
    const auto flag = m_server->get(m_server->flags(QString::number(flagId)));
    return flag.object().value("usage_dashboard"_L1).toInteger();
}

QJsonObject TestFlagDashboards::dashboard(qint64 id)
{
    const auto reply = m_server->get(dashboardPath(id));
    if (reply.status != 200)
        qWarning("dashboard %lld answered %d: %s", id, reply.status, reply.body.constData());
    return reply.object();
}

void TestFlagDashboards::setCalls(const QString &key, const QDate &day, const QString &variant,
                                  qint64 calls, qint64 projectId)
{
    m_server->server().database().exec(
        u"INSERT INTO flag_calls (project_id, flag_key, day, variant, calls) VALUES "
        "(?, ?, ?, ?, ?)"_s,
        {projectId ? projectId : m_server->projectId(), key, day.toString(Qt::ISODate), variant,
         calls});
}

// As PostHog's own tests do: the flag starts reporting enriched analytics, its dashboard is
// left as it was.
void TestFlagDashboards::setEnrichedAnalytics(qint64 flagId)
{
    const Database &db = m_server->server().database();
    QJsonObject document =
        QJsonDocument::fromJson(
            db.scalar(u"SELECT document FROM feature_flags WHERE id = ?"_s, {flagId})
                ->toString()
                .toUtf8())
            .object();
    document.insert(u"has_enriched_analytics"_s, true);
    db.exec(u"UPDATE feature_flags SET document = ? WHERE id = ?"_s,
            {QString::fromUtf8(QJsonDocument(document).toJson(QJsonDocument::Compact)), flagId});
}

qint64 TestFlagDashboards::count(const QString &sql, const QVariantList &values)
{
    return m_server->server().database().scalar(sql, values).value_or(-1).toLongLong();
}

void TestFlagDashboards::createUsageDashboard()
{
    const qint64 flagId = createFlag(u"alpha-feature"_s);
    const qint64 activityBefore = count(u"SELECT COUNT(*) FROM activity_log"_s);

    const auto reply = m_server->post(m_server->flags(u"%1/dashboard"_s.arg(flagId)), {});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), QJsonObject({{u"success"_s, true}}));

    // A server-set field: no new version and no activity entry, as in PostHog.
    const QJsonObject flag = m_server->get(m_server->flags(QString::number(flagId))).object();
    const qint64 dashboardId = flag.value("usage_dashboard"_L1).toInteger();
    QVERIFY(dashboardId > 0);
    QCOMPARE(flag.value("version"_L1), QJsonValue(1));
    QCOMPARE(count(u"SELECT COUNT(*) FROM activity_log"_s), activityBefore);
    QCOMPARE(count(u"SELECT COUNT(*) FROM feature_flag_versions WHERE flag_id = ?"_s, {flagId}),
             qint64(1));

    const QJsonObject d = dashboard(dashboardId);
    QCOMPARE(d.value("id"_L1), QJsonValue(dashboardId));
    QCOMPARE(d.value("name"_L1), QJsonValue(u"Generated Dashboard: alpha-feature Usage"_s));
    QCOMPARE(d.value("description"_L1),
             QJsonValue(u"This dashboard was generated by the feature flag with key "
                        "(alpha-feature)"_s));
    QCOMPARE(d.value("filters"_L1), QJsonValue(parse(R"({"date_from": "-30d"})")));
    QCOMPARE(d.value("creation_mode"_L1), QJsonValue(u"template"_s));
    QCOMPARE(d.value("deleted"_L1), QJsonValue(false));
    QCOMPARE(d.value("team_id"_L1), QJsonValue(m_server->projectId()));
    QCOMPARE(d.value("created_by"_L1)["email"_L1], QJsonValue(u"owner@bunting.local"_s));

    const QJsonArray tiles = d.value("tiles"_L1).toArray();
    QCOMPARE(tiles.size(), 2);
    const QJsonObject calls = tiles[0]["insight"_L1].toObject();
    const QJsonObject users = tiles[1]["insight"_L1].toObject();
    QCOMPARE(calls.value("name"_L1), QJsonValue(u"Feature Flag Called Total Volume"_s));
    QCOMPARE(calls.value("description"_L1),
             QJsonValue(u"Shows the number of total calls made on feature flag with key: "
                        "alpha-feature"_s));
    QCOMPARE(users.value("name"_L1),
             QJsonValue(u"Feature Flag calls made by unique users per variant"_s));
    QCOMPARE(tiles[0]["color"_L1], QJsonValue(u"blue"_s));
    QCOMPARE(tiles[1]["color"_L1], QJsonValue(u"green"_s));
    QCOMPARE(tiles[0]["layouts"_L1]["sm"_L1]["w"_L1], QJsonValue(6));
    QVERIFY(tiles[0]["id"_L1].toInteger() != tiles[1]["id"_L1].toInteger());
    QCOMPARE(calls.value("dashboards"_L1), QJsonValue(QJsonArray{dashboardId}));
    QCOMPARE(calls.value("short_id"_L1).toString().size(), qsizetype(8));

    QCOMPARE(calls.value("query"_L1), QJsonValue(parse(R"({
        "kind": "InsightVizNode",
        "source": {
            "breakdownFilter": {"breakdown": "$feature_flag_response", "breakdown_type": "event"},
            "dateRange": {"date_from": "-30d", "explicitDate": false},
            "filterTestAccounts": false,
            "interval": "day",
            "kind": "TrendsQuery",
            "properties": {"type": "AND", "values": [{"type": "AND", "values": [
                {"key": "$feature_flag", "operator": "exact", "type": "event",
                 "value": "alpha-feature"}]}]},
            "series": [{"event": "$feature_flag_called", "kind": "EventsNode",
                        "name": "$feature_flag_called"}],
            "trendsFilter": {"aggregationAxisFormat": "numeric", "display": "ActionsLineGraph",
                             "showAlertThresholdLines": false, "showLegend": false,
                             "showPercentStackView": false, "showValuesOnSeries": false,
                             "smoothingIntervals": 1, "yAxisScaleType": "linear"}
        }})")));
    QCOMPARE(users.value("filters"_L1), QJsonValue(parse(R"({
        "events": [{"id": "$feature_flag_called", "math": "dau",
                    "name": "$feature_flag_called", "type": "events"}],
        "display": "ActionsTable",
        "insight": "TRENDS",
        "interval": "day",
        "breakdown": "$feature_flag_response",
        "date_from": "-30d",
        "properties": {"type": "AND", "values": [{"type": "AND", "values": [
            {"key": "$feature_flag", "operator": "exact", "type": "event",
             "value": "alpha-feature"}]}]},
        "breakdown_type": "event",
        "filter_test_accounts": false})")));
    // Nothing called yet: a breakdown has no series at all.
    QCOMPARE(calls.value("result"_L1), QJsonValue(QJsonArray{}));
    QCOMPARE(users.value("result"_L1), QJsonValue(QJsonArray{}));
}

void TestFlagDashboards::creatingAgainMakesANewDashboard()
{
    const qint64 flagId = createFlag(u"twice"_s);
    const QString path = m_server->flags(u"%1/dashboard/"_s.arg(flagId));
    QCOMPARE(m_server->post(path, {}).status, 200);
    const qint64 first = usageDashboardOf(flagId);
    QCOMPARE(m_server->post(path, {}).status, 200);
    const qint64 second = usageDashboardOf(flagId);

    // PostHog creates a new one each time and leaves the earlier one where it was.
    QVERIFY(first > 0);
    QVERIFY(second > first);
    QCOMPARE(
        count(u"SELECT COUNT(*) FROM dashboards WHERE project_id = ?"_s, {m_server->projectId()}),
        qint64(2));
    QCOMPARE(dashboard(first).value("tiles"_L1).toArray().size(), 2);
    QCOMPARE(dashboard(second).value("tiles"_L1).toArray().size(), 2);
    QCOMPARE(m_server->get(m_server->flags(QString::number(flagId))).object()["version"_L1],
             QJsonValue(1));
}

void TestFlagDashboards::createWhenEnrichedAnalyticsAlreadyReported()
{
    const qint64 flagId = createFlag(u"viewed"_s);
    m_server->server().dashboards().markEnrichedAnalytics(m_server->projectId(), u"viewed"_s);
    QCOMPARE(m_server->post(m_server->flags(u"%1/dashboard"_s.arg(flagId)), {}).status, 200);
    const QJsonArray tiles = dashboard(usageDashboardOf(flagId)).value("tiles"_L1).toArray();
    QCOMPARE(tiles.size(), 4);
    QCOMPARE(tiles[2]["insight"_L1]["name"_L1], QJsonValue(u"Feature Viewed Total Volume"_s));
    QCOMPARE(tiles[3]["insight"_L1]["name"_L1], QJsonValue(u"Feature Interaction Total Volume"_s));
}

void TestFlagDashboards::enrichUsageDashboard()
{
    const qint64 flagId = createFlag(u"alpha-feature"_s);
    QCOMPARE(m_server->post(m_server->flags(u"%1/dashboard"_s.arg(flagId)), {}).status, 200);
    setEnrichedAnalytics(flagId);

    const QString enrich = m_server->flags(u"%1/enrich_usage_dashboard"_s.arg(flagId));
    const auto reply = m_server->post(enrich, {});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), QJsonObject({{u"success"_s, true}}));

    const QJsonObject d = dashboard(usageDashboardOf(flagId));
    const QJsonArray tiles = d.value("tiles"_L1).toArray();
    QCOMPARE(tiles.size(), 4);
    const QJsonObject viewed = tiles[2]["insight"_L1].toObject();
    QCOMPARE(viewed.value("name"_L1), QJsonValue(u"Feature Viewed Total Volume"_s));
    QCOMPARE(viewed.value("created_by"_L1), QJsonValue());
    QCOMPARE(viewed.value("filters"_L1), QJsonValue(parse(R"({
        "events": [{"id": "$feature_view", "name": "Feature View - Total", "type": "events"},
                   {"id": "$feature_view", "math": "dau", "name": "Feature View - Unique users",
                    "type": "events"}],
        "display": "ActionsLineGraph",
        "insight": "TRENDS",
        "interval": "day",
        "date_from": "-30d",
        "properties": {"type": "AND", "values": [{"type": "AND", "values": [
            {"key": "feature_flag", "operator": "exact", "type": "event",
             "value": "alpha-feature"}]}]},
        "filter_test_accounts": false})")));
    QCOMPARE(tiles[3]["insight"_L1]["name"_L1], QJsonValue(u"Feature Interaction Total Volume"_s));
    QCOMPARE(tiles[2]["layouts"_L1], QJsonValue(QJsonObject{}));
    QCOMPARE(tiles[2]["color"_L1], QJsonValue());

    const auto again = m_server->post(enrich, {});
    QCOMPARE(again.status, 400);
    QCOMPARE(again.object(),
             QJsonObject({{u"success"_s, false},
                          {u"error"_s, u"Usage dashboard already has enriched data"_s}}));
    QCOMPARE(dashboard(usageDashboardOf(flagId)).value("tiles"_L1).toArray().size(), 4);
}

void TestFlagDashboards::enrichmentRefusals()
{
    // The flag was made without its dashboard.
    const qint64 flagId = createFlag(u"plain"_s);
    const QString enrich = m_server->flags(u"%1/enrich_usage_dashboard"_s.arg(flagId));
    auto reply = m_server->post(enrich, {});
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object(),
             QJsonObject({{u"success"_s, false}, {u"error"_s, u"Usage dashboard not found"_s}}));

    QCOMPARE(m_server->post(m_server->flags(u"%1/dashboard"_s.arg(flagId)), {}).status, 200);
    reply = m_server->post(enrich, {});
    QCOMPARE(reply.status, 400);
    QCOMPARE(
        reply.object(),
        QJsonObject({{u"success"_s, false},
                     {u"error"_s, u"No enriched analytics available for this feature flag"_s}}));
    QCOMPARE(dashboard(usageDashboardOf(flagId)).value("tiles"_L1).toArray().size(), 2);
    QCOMPARE(m_server->get(m_server->flags(QString::number(flagId)))
                 .object()
                 .value("has_enriched_analytics"_L1),
             QJsonValue(false));

    QCOMPARE(m_server->post(m_server->flags(u"999999/enrich_usage_dashboard"_s), {}).status, 404);
    QCOMPARE(m_server->post(m_server->flags(u"999999/dashboard"_s), {}).status, 404);
    QCOMPARE(m_server->post(m_server->flags(u"abc/dashboard"_s), {}).status, 404);
}

void TestFlagDashboards::featureViewsEnrichTheDashboard()
{
    const qint64 flagId = createFlag(u"viewed"_s);
    QCOMPARE(m_server->post(m_server->flags(u"%1/dashboard"_s.arg(flagId)), {}).status, 200);
    DashboardService &dashboards = m_server->server().dashboards();
    dashboards.markEnrichedAnalytics(m_server->projectId(), u"viewed"_s);
    dashboards.markEnrichedAnalytics(m_server->projectId(), u"viewed"_s);
    dashboards.markEnrichedAnalytics(m_server->projectId(), u"no-such-flag"_s);

    const QJsonObject flag = m_server->get(m_server->flags(QString::number(flagId))).object();
    QCOMPARE(flag.value("has_enriched_analytics"_L1), QJsonValue(true));
    QCOMPARE(flag.value("version"_L1), QJsonValue(1));
    // Unlike usage_dashboard, PostHog's activity log keeps this field: one entry, by the system.
    QSqlQuery entries = m_server->server().database().exec(
        u"SELECT detail FROM activity_log WHERE item_id = ? AND activity = 'updated'"_s,
        {QString::number(flagId)});
    QVERIFY(entries.next());
    const QJsonArray changes =
        QJsonDocument::fromJson(entries.value(0).toString().toUtf8())["changes"_L1].toArray();
    QVERIFY(!entries.next());
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes[0]["field"_L1], QJsonValue(u"has_enriched_analytics"_s));
    QCOMPARE(changes[0]["before"_L1], QJsonValue(false));
    QCOMPARE(changes[0]["after"_L1], QJsonValue(true));
    QCOMPARE(dashboard(usageDashboardOf(flagId)).value("tiles"_L1).toArray().size(), 4);
    QCOMPARE(m_server->post(m_server->flags(u"%1/enrich_usage_dashboard"_s.arg(flagId)), {})
                 .object()
                 .value("error"_L1),
             QJsonValue(u"Usage dashboard already has enriched data"_s));
}

void TestFlagDashboards::callsPerDayPerVariant()
{
    const qint64 flagId = createFlag(u"checkout"_s, multivariate);
    QCOMPARE(m_server->post(m_server->flags(u"%1/dashboard"_s.arg(flagId)), {}).status, 200);
    const QDate today = QDateTime::currentDateTimeUtc().date();
    setCalls(u"checkout"_s, today, u"control"_s, 5);
    setCalls(u"checkout"_s, today.addDays(-3), u"control"_s, 1);
    setCalls(u"checkout"_s, today, u"test"_s, 3);
    setCalls(u"checkout"_s, today.addDays(-30), u"test"_s, 4); // the window's first day
    setCalls(u"checkout"_s, today, u"false"_s, 2);
    setCalls(u"checkout"_s, today.addDays(-31), u"control"_s, 100); // before the window
    setCalls(u"other-flag"_s, today, u"control"_s, 50);
    const qint64 second = m_server->createProject(u"Second"_s);
    setCalls(u"checkout"_s, today, u"control"_s, 70, second);

    const QJsonObject d = dashboard(usageDashboardOf(flagId));
    const QJsonObject insight = d["tiles"_L1][0]["insight"_L1].toObject();
    const QJsonArray result = insight.value("result"_L1).toArray();
    QCOMPARE(result.size(), 3);

    QJsonArray days, labels, actionDays;
    for (int i = 30; i >= 0; --i) {
        const QDate day = today.addDays(-i);
        days.append(day.toString(Qt::ISODate));
        labels.append(QLocale::c().toString(day, u"d-MMM-yyyy"_s));
        actionDays.append(day.toString(Qt::ISODate) + u"T00:00:00Z"_s);
    }
    QJsonArray test = zeros(31), control = zeros(31), off = zeros(31);
    test[0] = 4;
    test[30] = 3;
    control[27] = 1;
    control[30] = 5;
    off[30] = 2;
    // Biggest first, as PostHog orders breakdown values.
    const struct
    {
        QString value;
        QJsonArray data;
        double count;
    } expected[] = {{u"test"_s, test, 7}, {u"control"_s, control, 6}, {u"false"_s, off, 2}};
    for (int i = 0; i < 3; ++i) {
        const QJsonObject series = result[i].toObject();
        QCOMPARE(series.value("breakdown_value"_L1), QJsonValue(expected[i].value));
        QCOMPARE(series.value("label"_L1), QJsonValue(expected[i].value));
        QCOMPARE(series.value("data"_L1), QJsonValue(expected[i].data));
        QCOMPARE(series.value("count"_L1).toDouble(), expected[i].count);
        QCOMPARE(series.value("days"_L1), QJsonValue(days));
        QCOMPARE(series.value("labels"_L1), QJsonValue(labels));
        QCOMPARE(series["action"_L1]["id"_L1], QJsonValue(u"$feature_flag_called"_s));
        QCOMPARE(series["action"_L1]["math"_L1], QJsonValue());
        QCOMPARE(series["action"_L1]["days"_L1], QJsonValue(actionDays));
        QCOMPARE(series["filter"_L1]["breakdown"_L1], QJsonValue(u"$feature_flag_response"_s));
    }
    QCOMPARE(insight.value("resolved_date_range"_L1),
             QJsonValue(QJsonObject{
                 {u"date_from"_s, today.addDays(-30).toString(Qt::ISODate) + u"T00:00:00Z"_s},
                 {u"date_to"_s, today.toString(Qt::ISODate) + u"T23:59:59.999999Z"_s}}));
    // flag_calls has no callers, so the unique-users tile has nothing to count.
    QCOMPARE(d["tiles"_L1][1]["insight"_L1]["result"_L1], QJsonValue(QJsonArray{}));
}

void TestFlagDashboards::booleanFlagAndEmptyWindow()
{
    const qint64 flagId = createFlag(u"bool-flag"_s);
    QCOMPARE(m_server->post(m_server->flags(u"%1/dashboard"_s.arg(flagId)), {}).status, 200);
    const QDate today = QDateTime::currentDateTimeUtc().date();
    // Stored "" is a true response.
    setCalls(u"bool-flag"_s, today.addDays(-1), u""_s, 9);
    const QJsonArray result =
        dashboard(usageDashboardOf(flagId))["tiles"_L1][0]["insight"_L1]["result"_L1].toArray();
    QCOMPARE(result.size(), 1);
    QCOMPARE(result[0]["breakdown_value"_L1], QJsonValue(u"true"_s));
    QJsonArray data = zeros(31);
    data[29] = 9;
    QCOMPARE(result[0]["data"_L1], QJsonValue(data));
}

void TestFlagDashboards::recordedCallsFeedTilesAndLastCalledAt()
{
    const qint64 flagId = createFlag(u"checkout"_s, multivariate);
    QCOMPARE(m_server->post(m_server->flags(u"%1/dashboard"_s.arg(flagId)), {}).status, 200);
    FlagUsage &usage = m_server->server().flagUsage();
    const qint64 project = m_server->projectId();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime yesterday = now.addDays(-1);
    usage.recordCalls(project, {{u"checkout"_s, u"control"_s, now, u"alice"_s},
                                {u"checkout"_s, u"control"_s, now, u"alice"_s},
                                {u"checkout"_s, u"control"_s, yesterday, u"alice"_s},
                                {u"checkout"_s, u"control"_s, now, u"bob"_s},
                                {u"checkout"_s, u"test"_s, now, u"carol"_s},
                                {u"checkout"_s, u"control"_s, now, {}}});
    usage.recordCall(project, u"checkout"_s, FlagUsage::flagCallVariant(QJsonValue(false)),
                     now.addSecs(-60), u"dave"_s);

    const QJsonObject d = dashboard(usageDashboardOf(flagId));
    const QJsonArray calls = d["tiles"_L1][0]["insight"_L1]["result"_L1].toArray();
    QCOMPARE(calls.size(), 3);
    QCOMPARE(calls[0]["breakdown_value"_L1], QJsonValue(u"control"_s));
    QCOMPARE(calls[0]["data"_L1][30], QJsonValue(4));
    QCOMPARE(calls[0]["data"_L1][29], QJsonValue(1));
    QCOMPARE(calls[0]["count"_L1].toDouble(), 5.0);

    // Unique callers over the whole window, per response: alice counts once.
    const QJsonArray users = d["tiles"_L1][1]["insight"_L1]["result"_L1].toArray();
    QCOMPARE(users.size(), 3);
    QCOMPARE(users[0]["breakdown_value"_L1], QJsonValue(u"control"_s));
    QCOMPARE(users[0]["aggregated_value"_L1], QJsonValue(2));
    QCOMPARE(users[0]["data"_L1], QJsonValue(QJsonArray{}));
    QCOMPARE(users[0]["action"_L1]["math"_L1], QJsonValue(u"dau"_s));
    QCOMPARE(users[1]["breakdown_value"_L1], QJsonValue(u"false"_s));
    QCOMPARE(users[1]["aggregated_value"_L1], QJsonValue(1));
    QCOMPARE(users[2]["breakdown_value"_L1], QJsonValue(u"test"_s));
    QCOMPARE(users[2]["aggregated_value"_L1], QJsonValue(1));

    // last_called_at follows the latest call, never going back.
    const QString latest = now.toString(u"yyyy-MM-dd'T'HH:mm:ss.zzz'000Z'"_s);
    const auto column = [&] {
        return count(u"SELECT COUNT(*) FROM feature_flags WHERE id = ? AND last_called_at = ?"_s,
                     {flagId, latest});
    };
    QCOMPARE(column(), qint64(1));
    QVERIFY(usage.lastCalledAt(project, u"checkout"_s) >= now.addMSecs(-1));
    usage.recordCall(project, u"checkout"_s, u"test"_s, now.addDays(-2), u"erin"_s);
    QCOMPARE(column(), qint64(1));
    QCOMPARE(m_server->get(m_server->flags(QString::number(flagId))).object()["version"_L1],
             QJsonValue(1));
    QVERIFY(!usage.lastCalledAt(project, u"never-called"_s));
}

void TestFlagDashboards::enrichedTilesCountViewsAndUsers()
{
    const qint64 flagId = createFlag(u"viewed"_s);
    m_server->server().dashboards().markEnrichedAnalytics(m_server->projectId(), u"viewed"_s);
    QCOMPARE(m_server->post(m_server->flags(u"%1/dashboard"_s.arg(flagId)), {}).status, 200);
    FlagUsage &usage = m_server->server().flagUsage();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const QString &who : {u"alice"_s, u"alice"_s, u"bob"_s})
        usage.recordFeatureEvent(m_server->projectId(), u"viewed"_s, FlagUsage::viewEvent, now,
                                 who);

    const QJsonArray tiles = dashboard(usageDashboardOf(flagId)).value("tiles"_L1).toArray();
    const QJsonArray views = tiles[2]["insight"_L1]["result"_L1].toArray();
    QCOMPARE(views.size(), 2);
    QCOMPARE(views[0]["label"_L1], QJsonValue(u"$feature_view"_s));
    QCOMPARE(views[0]["action"_L1]["custom_name"_L1], QJsonValue());
    QCOMPARE(views[0]["data"_L1][30], QJsonValue(3));
    QCOMPARE(views[0]["count"_L1].toDouble(), 3.0);
    QCOMPARE(views[1]["data"_L1][30], QJsonValue(2));
    QCOMPARE(views[1]["action"_L1]["math"_L1], QJsonValue(u"dau"_s));
    QVERIFY(!views[0].toObject().contains("breakdown_value"_L1));
    // Nothing interacted with: both series are there, at zero every day.
    const QJsonArray interactions = tiles[3]["insight"_L1]["result"_L1].toArray();
    QCOMPARE(interactions.size(), 2);
    QCOMPARE(interactions[0]["data"_L1], QJsonValue(zeros(31)));
    QCOMPARE(interactions[1]["data"_L1], QJsonValue(zeros(31)));
}

void TestFlagDashboards::usageQueries()
{
    FlagUsage &usage = m_server->server().flagUsage();
    const qint64 project = m_server->projectId();
    const QDate day = QDate(2024, 3, 10);
    setCalls(u"k"_s, day, u"a"_s, 2);
    setCalls(u"k"_s, day.addDays(2), u"a"_s, 3);
    setCalls(u"k"_s, day.addDays(1), u"b"_s, 7);
    const auto perDay = usage.callsPerDay(project, u"k"_s, day.addDays(-1), day.addDays(2));
    QCOMPARE(perDay.size(), 2);
    QCOMPARE(perDay.value(u"a"_s), (QList<qint64>{0, 2, 0, 3}));
    QCOMPARE(perDay.value(u"b"_s), (QList<qint64>{0, 0, 7, 0}));
    const auto together = usage.perDay(project, u"k"_s, FlagUsage::calledEvent,
                                       FlagUsage::Math::Total, day, day.addDays(2), false);
    QCOMPARE(together.value(u""_s), (QList<qint64>{2, 7, 3}));
    QVERIFY(usage.callsPerDay(project, u"k"_s, day, day.addDays(-1)).isEmpty());
    QCOMPARE(FlagUsage::flagCallVariant(QJsonValue(true)), u""_s);
    QCOMPARE(FlagUsage::flagCallVariant(QJsonValue(u"true"_s)), u""_s);
    QCOMPARE(FlagUsage::flagCallVariant(QJsonValue(false)), u"false"_s);
    QCOMPARE(FlagUsage::flagCallVariant(QJsonValue(u"test"_s)), u"test"_s);
}

void TestFlagDashboards::keyChangeRetargetsTheUsageInsights()
{
    const qint64 flagId = createFlag(u"old-key"_s);
    QCOMPARE(m_server->post(m_server->flags(u"%1/dashboard"_s.arg(flagId)), {}).status, 200);
    const auto patched = m_server->patch(m_server->flags(QString::number(flagId)),
                                         QJsonObject{{u"key"_s, u"new-key"_s}});
    QCOMPARE(patched.status, 200);
    const bunting::FeatureFlag after =
        m_server->server().flagService().get(m_server->projectId(), flagId);
    m_server->server().dashboards().followKeyChange(m_server->projectId(), after, u"old-key"_s);

    setCalls(u"new-key"_s, QDateTime::currentDateTimeUtc().date(), u""_s, 4);
    const QJsonObject insight =
        dashboard(usageDashboardOf(flagId))["tiles"_L1][0]["insight"_L1].toObject();
    QCOMPARE(insight["query"_L1]["source"_L1]["properties"_L1]["values"_L1][0]["values"_L1][0]
                    ["value"_L1],
             QJsonValue(u"new-key"_s));
    QCOMPARE(
        insight["description"_L1],
        QJsonValue(u"Shows the number of total calls made on feature flag with key: new-key"_s));
    QCOMPARE(insight["result"_L1][0]["count"_L1].toDouble(), 4.0);
}

void TestFlagDashboards::scopes()
{
    const qint64 flagId = createFlag(u"scoped"_s);
    const QString create = m_server->flags(u"%1/dashboard"_s.arg(flagId));
    const QString reader = m_server->keyWithScopes({u"feature_flag:read"_s});
    const auto refused = m_server->post(create, {}, reader);
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.object().value("detail"_L1),
             QJsonValue(u"API key missing required scope 'feature_flag:write'"_s));
    QCOMPARE(m_server->post(create, {}, QString()).status, 401);
    QCOMPARE(usageDashboardOf(flagId), qint64(0));
    QCOMPARE(m_server->post(create, {}, m_server->keyWithScopes({u"feature_flag:write"_s})).status,
             200);
    QCOMPARE(m_server->post(m_server->flags(u"%1/enrich_usage_dashboard"_s.arg(flagId)), {}, reader)
                 .status,
             403);

    const QString path = dashboardPath(usageDashboardOf(flagId));
    const auto noDashboardScope = m_server->get(path, reader);
    QCOMPARE(noDashboardScope.status, 403);
    QCOMPARE(noDashboardScope.object().value("detail"_L1),
             QJsonValue(u"API key missing required scope 'dashboard:read'"_s));
    QCOMPARE(m_server->get(path, m_server->keyWithScopes({u"dashboard:read"_s})).status, 200);
    QCOMPARE(m_server->get(path, m_server->keyWithScopes({u"dashboard:write"_s})).status, 200);
    QCOMPARE(m_server->get(path, QString()).status, 401);
}

void TestFlagDashboards::otherProjects()
{
    const qint64 flagId = createFlag(u"mine"_s);
    QCOMPARE(m_server->post(m_server->flags(u"%1/dashboard"_s.arg(flagId)), {}).status, 200);
    const qint64 dashboardId = usageDashboardOf(flagId);
    const qint64 second = m_server->createProject(u"Second"_s);

    const auto elsewhere = m_server->post(
        u"/api/projects/%1/feature_flags/%2/dashboard"_s.arg(second).arg(flagId), {});
    QCOMPARE(elsewhere.status, 404);
    QCOMPARE(elsewhere.object().value("code"_L1), QJsonValue(u"not_found"_s));
    QCOMPARE(
        m_server
            ->post(u"/api/projects/%1/feature_flags/%2/enrich_usage_dashboard"_s.arg(second).arg(
                       flagId),
                   {})
            .status,
        404);
    QCOMPARE(m_server->get(u"/api/projects/%1/dashboards/%2"_s.arg(second).arg(dashboardId)).status,
             404);
    QCOMPARE(m_server->get(dashboardPath(dashboardId + 1000)).status, 404);
    QCOMPARE(m_server->get(u"/api/projects/%1/dashboards/abc/"_s.arg(m_server->projectId())).status,
             404);
    // A key limited to the second project does not reach the first one's dashboard.
    const QString limited = m_server->keyWithScopes({u"*"_s}, {second});
    QCOMPARE(m_server->get(dashboardPath(dashboardId), limited).status, 404);
    QCOMPARE(m_server->get(u"/api/projects/@current/dashboards/%1"_s.arg(dashboardId)).status, 200);
    QCOMPARE(count(u"SELECT COUNT(*) FROM dashboards"_s), qint64(1));
}

void TestFlagDashboards::newFlagsGetTheirDashboard()
{
    // As in PostHog, creating a flag makes its usage dashboard unless the request opts out.
    const QJsonObject flag = m_server->createFlag({{u"key"_s, u"automatic"_s}});
    const qint64 dashboard = flag.value("usage_dashboard"_L1).toInteger();
    QVERIFY(dashboard > 0);
    QCOMPARE(usageDashboardOf(flag.value("id"_L1).toInteger()), dashboard);
    const auto reply = m_server->get(
        u"/api/projects/%1/dashboards/%2/"_s.arg(m_server->projectId()).arg(dashboard));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value("name"_L1),
             QJsonValue(u"Generated Dashboard: automatic Usage"_s));
    QCOMPARE(flag.value("version"_L1), QJsonValue(1));
    QCOMPARE(m_server->get(m_server->flags(QString::number(flag.value("id"_L1).toInteger())))
                 .object()
                 .value("usage_dashboard"_L1),
             QJsonValue(dashboard));

    const QJsonObject without = m_server->createFlag(
        {{u"key"_s, u"manual"_s}, {u"_should_create_usage_dashboard"_s, false}});
    QCOMPARE(without.value("usage_dashboard"_L1), QJsonValue());
}

QTEST_GUILESS_MAIN(TestFlagDashboards)
#include "tst_flag_dashboards.moc"
