// A flag's usage over time, read from its usage dashboard on a real local server through the
// real client: `$feature_flag_called` events sent to /batch/ (today and on earlier days, by their
// timestamps), the dashboard created through the loader, and every series compared with the
// calls sent and with the server's own per-day counts. Also the loader's states, creating and
// enriching and their failures, and the parser on PostHog's variations of the JSON.
#include "client.h"
#include "storage/database.h"
#include "test_builders.h"
#include "test_server.h"
#include "usage_series.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::models::UsageLoader;
using bunting::models::UsageSeries;
using test_builders::daysAgo;
using test_builders::flagCalled;

namespace {

constexpr int kTimeout = 15000;

// Released to everyone, split evenly between control and test.
QJsonObject controlAndTest()
{
    return test_builders::flagFilters(
        {test_builders::condition(100)},
        test_builders::multivariate({{u"control"_s, 50}, {u"test"_s, 50}}));
}

qint64 countOn(const models::ResponseSeries *series, const QDate &day)
{
    if (!series)
        return -1;
    for (const models::UsagePoint &p : series->points)
        if (p.day == day)
            return p.count;
    return -1;
}

// The `$feature_view` event an SDK sends when someone sees the feature behind flag `key`.
QJsonObject featureViewed(const QString &key)
{
    return {{u"event"_s, u"$feature_view"_s},
            {u"distinct_id"_s, u"v1"_s},
            {u"properties"_s, QJsonObject{{u"feature_flag"_s, key}}}};
}

} // namespace

class TestUsageSeries : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void idleWithoutClientOrFlag();
    void noDashboard();
    void createsAndLoadsPerDayAndVariant();
    void booleanResponses();
    void noCallsInRange();
    void createFailureKeepsNoDashboard();
    void loadFailure();
    void enrichRefusalsAreReadable();
    void enrichSucceeds();
    void parsesPostHogVariations();

private:
    FeatureFlag createFlag(const QString &key, const QJsonObject &filters);
    void waitForState(UsageLoader &loader, UsageLoader::State state);
    // The flag's usage dashboard created through the loader, and loaded.
    void createDashboard(UsageLoader &loader, const FeatureFlag &flag);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
};

void TestUsageSeries::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(m_server->endpoint());
}

void TestUsageSeries::cleanup()
{
    m_client.reset();
    m_server.reset();
}

FeatureFlag TestUsageSeries::createFlag(const QString &key, const QJsonObject &filters)
{
    // Created as a person does in the app: the usage dashboard comes later, when asked for.
    return FeatureFlag::fromJson(m_server->createFlag(
        {{u"key"_s, key}, {u"filters"_s, filters}, {u"_should_create_usage_dashboard"_s, false}}));
}

void TestUsageSeries::waitForState(UsageLoader &loader, UsageLoader::State state)
{
    QTRY_COMPARE_WITH_TIMEOUT(loader.state(), state, kTimeout);
}

void TestUsageSeries::createDashboard(UsageLoader &loader, const FeatureFlag &flag)
{
    loader.setClient(m_client.get());
    loader.setFlag(flag);
    loader.createDashboard();
    waitForState(loader, UsageLoader::State::Loaded);
}

void TestUsageSeries::idleWithoutClientOrFlag()
{
    UsageLoader loader;
    QCOMPARE(loader.state(), UsageLoader::State::Idle);
    loader.setClient(m_client.get());
    QCOMPARE(loader.state(), UsageLoader::State::Idle);
    loader.createDashboard(); // nothing to create it for
    QCOMPARE(loader.state(), UsageLoader::State::Idle);
}

void TestUsageSeries::noDashboard()
{
    const FeatureFlag flag = createFlag(u"plain"_s, controlAndTest());
    QVERIFY(!flag.usageDashboard);
    UsageLoader loader;
    QSignalSpy states(&loader, &UsageLoader::stateChanged);
    loader.setClient(m_client.get());
    loader.setFlag(flag);
    QCOMPARE(loader.state(), UsageLoader::State::NoDashboard);
    QCOMPARE(states.size(), 1);
    QVERIFY(loader.series().calls.isEmpty());
}

void TestUsageSeries::createsAndLoadsPerDayAndVariant()
{
    const FeatureFlag flag = createFlag(u"checkout"_s, controlAndTest());
    const QDate today = QDateTime::currentDateTimeUtc().date();
    QJsonArray events;
    for (const QString &id : {u"u1"_s, u"u2"_s, u"u3"_s})
        events.append(flagCalled(u"checkout"_s, u"control"_s, id, daysAgo(0)));
    events.append(flagCalled(u"checkout"_s, u"control"_s, u"u1"_s, daysAgo(1)));
    events.append(flagCalled(u"checkout"_s, u"test"_s, u"u4"_s, daysAgo(0)));
    events.append(flagCalled(u"checkout"_s, u"test"_s, u"u5"_s, daysAgo(0)));
    for (int i = 0; i < 4; ++i)
        events.append(flagCalled(u"checkout"_s, u"test"_s, u"u6"_s, daysAgo(5)));
    // Outside the dashboard's 30 days, and another flag's: neither is counted.
    for (int i = 0; i < 7; ++i)
        events.append(flagCalled(u"checkout"_s, u"control"_s, u"old"_s, daysAgo(45)));
    events.append(flagCalled(u"other"_s, u"control"_s, u"u1"_s, daysAgo(0)));
    QVERIFY(m_server->sendEvents(events));

    UsageLoader loader;
    QSignalSpy changed(&loader, &UsageLoader::flagChanged);
    QSignalSpy loaded(&loader, &UsageLoader::loaded);
    loader.setClient(m_client.get());
    loader.setFlag(flag);
    QCOMPARE(loader.state(), UsageLoader::State::NoDashboard);
    loader.createDashboard();
    QCOMPARE(loader.state(), UsageLoader::State::Loading);
    QCOMPARE(loader.action(), UsageLoader::Action::Creating);
    waitForState(loader, UsageLoader::State::Loaded);
    QCOMPARE(changed.size(), 1);
    const FeatureFlag updated = changed.first().first().value<FeatureFlag>();
    QVERIFY(updated.usageDashboard);
    QCOMPARE(loader.flag().usageDashboard, updated.usageDashboard);
    QCOMPARE(loaded.size(), 1);

    const UsageSeries &usage = loader.series();
    QVERIFY(usage.hasCallsInsight);
    QCOMPARE(usage.callsInsightName, u"Feature Flag Called Total Volume"_s);
    QCOMPARE(usage.dateFrom, u"-30d"_s);
    QCOMPARE(usage.rangeText(), u"last 30 days"_s);
    QCOMPARE(usage.days.size(), 31);
    QCOMPARE(usage.days.first(), today.addDays(-30));
    QCOMPARE(usage.days.last(), today);
    QCOMPARE(usage.calls.size(), 2);
    // Biggest first, as PostHog orders breakdowns.
    QCOMPARE(usage.calls.at(0).response, u"test"_s);
    QCOMPARE(usage.calls.at(1).response, u"control"_s);

    const models::ResponseSeries *control = usage.find(u"control"_s);
    const models::ResponseSeries *test = usage.find(u"test"_s);
    QVERIFY(control && test);
    QCOMPARE(control->points.size(), 31);
    QCOMPARE(control->total, 4);
    QCOMPARE(countOn(control, today), 3);
    QCOMPARE(countOn(control, today.addDays(-1)), 1);
    QCOMPARE(test->total, 6);
    QCOMPARE(countOn(test, today), 2);
    QCOMPARE(countOn(test, today.addDays(-5)), 4);
    QCOMPARE(countOn(test, today.addDays(-1)), 0);
    QCOMPARE(usage.totalCalls(), 10);

    // Every day agrees with the server's own per-day counts.
    const auto perDay = m_server->server().flagUsage().callsPerDay(
        m_server->projectId(), u"checkout"_s, usage.days.first(), usage.days.last());
    for (const models::ResponseSeries &series : usage.calls) {
        QList<qint64> counts;
        for (const models::UsagePoint &p : series.points)
            counts.append(p.count);
        QCOMPARE(counts, perDay.value(series.response));
    }

    // Distinct callers over the range: u1..u3 for control, u4..u6 for test.
    QVERIFY(usage.hasUniqueUsers);
    QCOMPARE(usage.uniqueUsers.size(), 2);
    for (const auto &[response, users] : usage.uniqueUsers)
        QCOMPARE(users, 3);

    // The app handing the updated flag back reads nothing again.
    QSignalSpy states(&loader, &UsageLoader::stateChanged);
    loader.setFlag(updated);
    QCOMPARE(loader.state(), UsageLoader::State::Loaded);
    QCOMPARE(states.size(), 0);

    // A reload reads the same again.
    loader.reload();
    QCOMPARE(loader.action(), UsageLoader::Action::Reading);
    waitForState(loader, UsageLoader::State::Loaded);
    QCOMPARE(loader.series().totalCalls(), 10);
}

void TestUsageSeries::booleanResponses()
{
    const FeatureFlag flag = createFlag(
        u"beta"_s, {{u"groups"_s, QJsonArray{QJsonObject{{u"rollout_percentage"_s, 50}}}}});
    QVERIFY(m_server->sendEvents({flagCalled(u"beta"_s, true, u"a"_s, daysAgo(0)),
                                  flagCalled(u"beta"_s, true, u"b"_s, daysAgo(2)),
                                  flagCalled(u"beta"_s, false, u"c"_s, daysAgo(0))}));
    UsageLoader loader;
    createDashboard(loader, flag);
    const UsageSeries &usage = loader.series();
    QCOMPARE(usage.calls.size(), 2);
    QVERIFY(usage.find(u"true"_s));
    QVERIFY(usage.find(u"false"_s));
    QCOMPARE(usage.find(u"true"_s)->total, 2);
    QCOMPARE(usage.find(u"false"_s)->total, 1);
    QCOMPARE(countOn(usage.find(u"true"_s), usage.days.last().addDays(-2)), 1);
}

void TestUsageSeries::noCallsInRange()
{
    const FeatureFlag flag = createFlag(u"quiet"_s, controlAndTest());
    QVERIFY(m_server->sendEvents({flagCalled(u"quiet"_s, u"control"_s, u"a"_s, daysAgo(60))}));
    UsageLoader loader;
    createDashboard(loader, flag);
    QVERIFY(loader.series().hasCallsInsight);
    QVERIFY(loader.series().noCalls());
    QCOMPARE(loader.series().totalCalls(), 0);
    // Without any series the range still comes from the insight.
    QCOMPARE(loader.series().days.size(), 31);
}

void TestUsageSeries::createFailureKeepsNoDashboard()
{
    FeatureFlag missing = createFlag(u"gone"_s, controlAndTest());
    missing.id += 1000;
    UsageLoader loader;
    QSignalSpy failed(&loader, &UsageLoader::failed);
    QSignalSpy changed(&loader, &UsageLoader::flagChanged);
    loader.setClient(m_client.get());
    loader.setFlag(missing);
    loader.createDashboard();
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kTimeout);
    QCOMPARE(loader.state(), UsageLoader::State::NoDashboard);
    QCOMPARE(loader.action(), UsageLoader::Action::None);
    QVERIFY(loader.error().isNotFound());
    QVERIFY2(loader.errorText().startsWith("The usage dashboard could not be created: "_L1),
             qPrintable(loader.errorText()));
    QCOMPARE(changed.size(), 0);
}

void TestUsageSeries::loadFailure()
{
    FeatureFlag flag = createFlag(u"lost"_s, controlAndTest());
    flag.usageDashboard = 4242;
    UsageLoader loader;
    QSignalSpy failed(&loader, &UsageLoader::failed);
    loader.setClient(m_client.get());
    loader.setFlag(flag);
    waitForState(loader, UsageLoader::State::Failed);
    QCOMPARE(failed.size(), 1);
    QVERIFY(loader.error().isNotFound());
    QVERIFY2(loader.errorText().startsWith("The usage dashboard could not be loaded: "_L1),
             qPrintable(loader.errorText()));
}

void TestUsageSeries::enrichRefusalsAreReadable()
{
    const FeatureFlag flag = createFlag(u"enrich-me"_s, controlAndTest());
    UsageLoader loader;
    QSignalSpy failed(&loader, &UsageLoader::failed);
    createDashboard(loader, flag);
    QVERIFY(!loader.series().hasEnrichedInsights);

    // No $feature_view was ever sent: PostHog refuses with 400 {"success": false, "error"}.
    loader.enrichDashboard();
    QCOMPARE(loader.action(), UsageLoader::Action::Enriching);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kTimeout);
    QCOMPARE(loader.error().status, 400);
    QCOMPARE(loader.error().detail, u"No enriched analytics available for this feature flag"_s);
    QVERIFY2(loader.errorText().startsWith("There is nothing to enrich yet"_L1),
             qPrintable(loader.errorText()));
    // What was shown stays.
    QCOMPARE(loader.state(), UsageLoader::State::Loaded);
    QVERIFY(loader.series().hasCallsInsight);

    // The first $feature_view enriches the dashboard on its own; asking again is refused.
    QVERIFY(m_server->sendEvents({featureViewed(u"enrich-me"_s)}));
    loader.reload();
    waitForState(loader, UsageLoader::State::Loaded);
    QVERIFY(loader.series().hasEnrichedInsights);
    loader.enrichDashboard();
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 2, kTimeout);
    QCOMPARE(loader.errorText(), u"The usage dashboard already has the enriched insights."_s);
    QCOMPARE(loader.state(), UsageLoader::State::Loaded);
}

void TestUsageSeries::enrichSucceeds()
{
    const FeatureFlag flag = createFlag(u"later"_s, controlAndTest());
    UsageLoader loader;
    QSignalSpy enriched(&loader, &UsageLoader::enriched);
    createDashboard(loader, flag);
    QVERIFY(m_server->sendEvents({featureViewed(u"later"_s)}));
    // As on PostHog, where a dashboard made before the flag reported views lacks the enriched
    // tiles until someone asks: the server added them itself, so they are taken away here.
    m_server->server().database().exec(
        u"UPDATE dashboard_tiles SET deleted = 1 WHERE insight_id IN (SELECT id FROM insights "
        "WHERE name LIKE '%Feature Viewed%')"_s);
    loader.reload();
    waitForState(loader, UsageLoader::State::Loaded);
    QVERIFY(!loader.series().hasEnrichedInsights);

    loader.enrichDashboard();
    QTRY_COMPARE_WITH_TIMEOUT(enriched.size(), 1, kTimeout);
    waitForState(loader, UsageLoader::State::Loaded);
    QTRY_VERIFY_WITH_TIMEOUT(loader.series().hasEnrichedInsights, kTimeout);
    QVERIFY(loader.errorText().isEmpty());
}

void TestUsageSeries::parsesPostHogVariations()
{
    // PostHog renamed insights keep their query; breakdown values may come as booleans and
    // events without the property as its null placeholder; a user-count table gives
    // aggregated_value.
    const QJsonObject callsQuery{
        {u"kind"_s, u"InsightVizNode"_s},
        {u"source"_s,
         QJsonObject{
             {u"kind"_s, u"TrendsQuery"_s},
             {u"breakdownFilter"_s, QJsonObject{{u"breakdown"_s, u"$feature_flag_response"_s}}},
             {u"dateRange"_s, QJsonObject{{u"date_from"_s, u"-7d"_s}}},
             {u"series"_s, QJsonArray{QJsonObject{{u"event"_s, u"$feature_flag_called"_s},
                                                  {u"kind"_s, u"EventsNode"_s}}}}}}};
    QJsonObject usersQuery = callsQuery;
    QJsonObject usersSource = usersQuery.value("source"_L1).toObject();
    usersSource.insert(u"series"_s, QJsonArray{QJsonObject{{u"event"_s, u"$feature_flag_called"_s},
                                                           {u"kind"_s, u"EventsNode"_s},
                                                           {u"math"_s, u"dau"_s}}});
    usersQuery.insert(u"source"_s, usersSource);
    const QJsonArray days{u"2024-03-04"_s, u"2024-03-05"_s};
    const QJsonObject dashboard{
        {u"filters"_s, QJsonObject{}},
        {u"tiles"_s,
         QJsonArray{QJsonObject{{u"text"_s, QJsonObject{{u"body"_s, u"notes"_s}}},
                                {u"insight"_s, QJsonValue()}},
                    QJsonObject{{u"insight"_s,
                                 QJsonObject{{u"name"_s, u"Who has it"_s},
                                             {u"query"_s, usersQuery},
                                             {u"result"_s, QJsonArray{QJsonObject{
                                                               {u"breakdown_value"_s, true},
                                                               {u"aggregated_value"_s, 12}}}}}}},
                    QJsonObject{
                        {u"insight"_s,
                         QJsonObject{{u"name"_s, u"My calls"_s},
                                     {u"query"_s, callsQuery},
                                     {u"result"_s,
                                      QJsonArray{QJsonObject{{u"breakdown_value"_s, true},
                                                             {u"days"_s, days},
                                                             {u"data"_s, QJsonArray{5, 7}},
                                                             {u"count"_s, 12}},
                                                 QJsonObject{{u"breakdown_value"_s,
                                                              u"$$_posthog_breakdown_null_$$"_s},
                                                             {u"days"_s, days},
                                                             {u"data"_s, QJsonArray{0, 1}}}}}}}}}}};
    const UsageSeries usage = models::parseUsageDashboard(dashboard);
    QVERIFY(usage.hasCallsInsight);
    QCOMPARE(usage.callsInsightName, u"My calls"_s);
    QCOMPARE(usage.dateFrom, u"-7d"_s);
    QCOMPARE(usage.rangeText(), u"last 7 days"_s);
    QCOMPARE(usage.days, (QList<QDate>{QDate(2024, 3, 4), QDate(2024, 3, 5)}));
    QCOMPARE(usage.calls.size(), 2);
    QCOMPARE(usage.calls.at(0).response, u"true"_s);
    QCOMPARE(usage.calls.at(0).total, 12);
    QCOMPARE(usage.calls.at(0).points,
             (QList<models::UsagePoint>{{QDate(2024, 3, 4), 5}, {QDate(2024, 3, 5), 7}}));
    QCOMPARE(usage.calls.at(1).response, u"(none)"_s);
    QCOMPARE(usage.calls.at(1).total, 1);
    QVERIFY(usage.hasUniqueUsers);
    QCOMPARE(usage.uniqueUsers, (QList<std::pair<QString, qint64>>{{u"true"_s, 12}}));
    QVERIFY(!usage.hasEnrichedInsights);

    // A dashboard without any usage insight.
    const UsageSeries empty = models::parseUsageDashboard(QJsonObject{{u"tiles"_s, QJsonArray{}}});
    QVERIFY(!empty.hasCallsInsight);
    QVERIFY(!empty.hasUniqueUsers);
    QVERIFY(empty.noCalls());
}

QTEST_GUILESS_MAIN(TestUsageSeries)
#include "tst_usage_series.moc"
