// The usage panel on a real local server through the real client: calls sent to /batch/ on
// several days, the dashboard created with the panel's button, and the chart's lines compared
// point by point with the calls sent. Also the empty, no-calls and failed states, enriching,
// and F5. BUNTING_SCREENSHOTS=<dir> saves how it looks (BUNTING_SCREENSHOTS_DARK=1: dark).
#include "canned_http_server.h"
#include "client.h"
#include "message_bar.h"
#include "test_builders.h"
#include "test_server.h"
#include "usage_chart_panel.h"
#include "usage_chart_points.h"
#include "widget_test_support.h"

#include <QAction>
#include <QApplication>
#include <QChart>
#include <QDateTimeAxis>
#include <QJsonArray>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QValueAxis>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::models::UsageLoader;
using bunting::views::UsageChartPanel;
using test_builders::daysAgo;
using test_builders::flagCalled;
using widget_test::usageLinePoints;

namespace {

constexpr int kTimeout = 15000;

} // namespace

class TestUsageChartPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { widget_test::useDarkPaletteWhenAsked(); }
    void init();
    void cleanup();

    void createButtonCreatesAndChartsCalls();
    void noCallsSaysSo();
    void enrichRefusalShowsInMessageBar();
    void postHogsWebAppOnlyRefusalOffersItsPage();
    void refreshWithF5();
    void missingDashboardFails();

private:
    FeatureFlag createFlag(const QString &key, bool multivariate = true);
    void showPanel();
    // A flag called once today, its dashboard created with the panel's button and charted.
    void chartOneCall(const QString &key);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<UsageChartPanel> m_panel;
};

void TestUsageChartPanel::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(m_server->endpoint());
    m_panel = std::make_unique<UsageChartPanel>();
    m_panel->resize(640, 400);
    m_panel->setClient(m_client.get());
}

void TestUsageChartPanel::cleanup()
{
    m_panel.reset();
    m_client.reset();
    m_server.reset();
}

FeatureFlag TestUsageChartPanel::createFlag(const QString &key, bool multivariate)
{
    const QJsonObject filters = test_builders::flagFilters(
        {QJsonObject{{u"rollout_percentage"_s, 100}}},
        multivariate ? test_builders::multivariate({{u"control"_s, 50}, {u"test"_s, 50}})
                     : QJsonObject());
    return FeatureFlag::fromJson(m_server->createFlag(
        {{u"key"_s, key}, {u"filters"_s, filters}, {u"_should_create_usage_dashboard"_s, false}}));
}

void TestUsageChartPanel::showPanel()
{
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void TestUsageChartPanel::chartOneCall(const QString &key)
{
    const FeatureFlag flag = createFlag(key);
    QVERIFY(m_server->sendEvents({flagCalled(key, u"control"_s, u"a"_s, daysAgo(0))}));
    m_panel->setFlag(flag);
    showPanel();
    QTest::mouseClick(m_panel->createButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->page(), UsageChartPanel::Page::Chart, kTimeout);
}

void TestUsageChartPanel::createButtonCreatesAndChartsCalls()
{
    const FeatureFlag flag = createFlag(u"checkout"_s);
    QJsonArray events;
    // control: 3 today, 2 three days ago; test: 1 today, 5 ten days ago.
    for (int i = 0; i < 3; ++i)
        events.append(flagCalled(u"checkout"_s, u"control"_s, u"c%1"_s.arg(i), daysAgo(0)));
    for (int i = 0; i < 2; ++i)
        events.append(flagCalled(u"checkout"_s, u"control"_s, u"c%1"_s.arg(i), daysAgo(3)));
    events.append(flagCalled(u"checkout"_s, u"test"_s, u"t0"_s, daysAgo(0)));
    for (int i = 0; i < 5; ++i)
        events.append(flagCalled(u"checkout"_s, u"test"_s, u"t%1"_s.arg(i), daysAgo(10)));
    QVERIFY(m_server->sendEvents(events));

    QSignalSpy changed(m_panel.get(), &UsageChartPanel::flagChanged);
    m_panel->setFlag(flag);
    showPanel();
    QCOMPARE(m_panel->page(), UsageChartPanel::Page::Empty);
    QVERIFY(!m_panel->refreshButton()->isVisible());
    QPushButton *create = m_panel->createButton();
    QVERIFY(create && create->isVisible());
    QCOMPARE(create->text(), u"Create usage dashboard"_s);
    widget_test::saveScreenshot(m_panel.get(), u"usage_chart_empty"_s);

    QTest::mouseClick(create, Qt::LeftButton);
    QCOMPARE(m_panel->page(), UsageChartPanel::Page::Busy);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->page(), UsageChartPanel::Page::Chart, kTimeout);
    QCOMPARE(changed.size(), 1);
    const FeatureFlag updated = changed.first().first().value<FeatureFlag>();
    QVERIFY(updated.usageDashboard);
    // The server now names that dashboard as the flag's.
    QCOMPARE(m_server->get(m_server->flags(QString::number(flag.id) + u'/'))
                 .object()
                 .value("usage_dashboard"_L1)
                 .toInteger(),
             *updated.usageDashboard);

    QChart *chart = m_panel->chart();
    QCOMPARE(chart->series().size(), 2);
    QStringList names;
    for (QAbstractSeries *s : chart->series())
        names.append(s->name());
    names.sort();
    QCOMPARE(names, (QStringList{u"control · 5 calls"_s, u"test · 6 calls"_s}));

    const QDate today = QDateTime::currentDateTimeUtc().date();
    const QMap<QDate, qint64> control = usageLinePoints(chart, u"control"_s);
    const QMap<QDate, qint64> test = usageLinePoints(chart, u"test"_s);
    QCOMPARE(control.size(), 31);
    QCOMPARE(test.size(), 31);
    QCOMPARE(control.firstKey(), today.addDays(-30));
    QCOMPARE(control.lastKey(), today);
    for (auto it = control.cbegin(); it != control.cend(); ++it) {
        const qint64 expected = it.key() == today ? 3 : it.key() == today.addDays(-3) ? 2 : 0;
        QCOMPARE(it.value(), expected);
    }
    for (auto it = test.cbegin(); it != test.cend(); ++it) {
        const qint64 expected = it.key() == today ? 1 : it.key() == today.addDays(-10) ? 5 : 0;
        QCOMPARE(it.value(), expected);
    }
    // Every line agrees with the loader's model.
    for (const models::ResponseSeries &series : m_panel->loader()->series().calls)
        for (const models::UsagePoint &point : series.points)
            QCOMPARE(usageLinePoints(chart, series.response).value(point.day), point.count);

    auto *counts = qobject_cast<QValueAxis *>(chart->axes(Qt::Vertical).first());
    QVERIFY(counts);
    QCOMPARE(counts->min(), 0.0);
    QVERIFY(counts->max() >= 5);
    QVERIFY(qobject_cast<QDateTimeAxis *>(chart->axes(Qt::Horizontal).first()));
    QCOMPARE(m_panel->rangeText(), u"· last 30 days"_s);
    // Unique callers: c0..c2 for control, t0..t4 for test.
    QVERIFY2(m_panel->uniqueUsersText().contains("control 3"_L1),
             qPrintable(m_panel->uniqueUsersText()));
    QVERIFY2(m_panel->uniqueUsersText().contains("test 5"_L1),
             qPrintable(m_panel->uniqueUsersText()));
    QVERIFY(m_panel->enrichButton()->isVisible());
    QVERIFY(m_panel->refreshButton()->isVisible());
    widget_test::saveScreenshot(m_panel.get(), u"usage_chart_chart"_s);
}

void TestUsageChartPanel::noCallsSaysSo()
{
    const FeatureFlag flag = createFlag(u"quiet"_s, false);
    m_panel->setFlag(flag);
    showPanel();
    QTest::mouseClick(m_panel->createButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->page(), UsageChartPanel::Page::NoCalls, kTimeout);
    QCOMPARE(m_panel->noCallsText(), u"No calls recorded in the last 30 days."_s);
    QVERIFY(m_panel->chart()->series().isEmpty());
    widget_test::saveScreenshot(m_panel.get(), u"usage_chart_no_calls"_s);
}

void TestUsageChartPanel::enrichRefusalShowsInMessageBar()
{
    chartOneCall(u"plain"_s);
    QTest::mouseClick(m_panel->enrichButton(), Qt::LeftButton);
    QCOMPARE(m_panel->enrichButton()->text(), u"Adding insights…"_s);
    QVERIFY(!m_panel->enrichButton()->isEnabled());
    QCOMPARE(m_panel->page(), UsageChartPanel::Page::Chart); // the chart stays meanwhile
    QTRY_VERIFY_WITH_TIMEOUT(!m_panel->messageText().isEmpty(), kTimeout);
    QVERIFY2(m_panel->messageText().startsWith("There is nothing to enrich yet"_L1),
             qPrintable(m_panel->messageText()));
    QCOMPARE(m_panel->page(), UsageChartPanel::Page::Chart);
    QVERIFY(m_panel->enrichButton()->isEnabled());
    QCOMPARE(m_panel->enrichButton()->text(), u"Add enriched insights"_s);
    widget_test::saveScreenshot(m_panel.get(), u"usage_chart_enrich_refused"_s);
}

void TestUsageChartPanel::postHogsWebAppOnlyRefusalOffersItsPage()
{
    // PostHog gives `:id/dashboard` no API-key scope: a personal key gets its APIScopePermission
    // 403 (rest-api-behaviour.md §1.2). The panel says so and links the flag's page instead.
    CannedServer posthog(httpResponse(
        "403 Forbidden", "application/json",
        R"({"type": "authentication_error", "code": "permission_denied", "detail": "This action does not support Personal API Key access", "attr": null})"));
    api::Client client(
        api::Endpoint{QUrl(u"http://127.0.0.1:%1/"_s.arg(posthog.port())), u"7"_s, u"phx_test"_s});
    m_panel->setClient(&client);
    FeatureFlag flag;
    flag.id = 5;
    flag.key = u"checkout"_s;
    m_panel->setFlag(flag);
    showPanel();
    QTRY_COMPARE(m_panel->page(), UsageChartPanel::Page::Empty);
    QTest::mouseClick(m_panel->createButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_panel->messageText().isEmpty(), kTimeout);
    QVERIFY2(m_panel->messageText().startsWith(
                 "PostHog lets only a person signed in to its web app create a flag's usage "
                 "dashboard"_L1),
             qPrintable(m_panel->messageText()));
    auto *bar = m_panel->findChild<views::MessageBar *>();
    QVERIFY(bar);
    QCOMPARE(bar->property("webAppPage").toUrl(),
             QUrl(u"http://127.0.0.1:%1/project/7/feature_flags/5"_s.arg(posthog.port())));
    QStringList buttons;
    for (QAbstractButton *button : bar->findChildren<QAbstractButton *>())
        if (button->isVisible())
            buttons.append(button->text());
    QVERIFY2(buttons.contains(u"Open in PostHog"_s), qPrintable(buttons.join(u", "_s)));
    widget_test::saveScreenshot(m_panel.get(), u"usage_chart_web_app_only"_s);
    m_panel->setClient(m_client.get());
}

void TestUsageChartPanel::refreshWithF5()
{
    chartOneCall(u"growing"_s);
    QCOMPARE(m_panel->loader()->series().totalCalls(), 1);

    QVERIFY(m_server->sendEvents({flagCalled(u"growing"_s, u"test"_s, u"b"_s, daysAgo(0)),
                                  flagCalled(u"growing"_s, u"test"_s, u"c"_s, daysAgo(0))}));
    QAction *refresh = nullptr;
    for (QAction *action : m_panel->actions())
        if (action->shortcut() == QKeySequence(Qt::Key_F5))
            refresh = action;
    QVERIFY2(refresh, "no F5 action on the panel");
    // Shortcuts reach only the active window, and an X server without a window manager
    // activates none: there the action is triggered as the shortcut would.
    QApplication::setActiveWindow(m_panel.get());
    if (QTest::qWaitForWindowActive(m_panel.get(), 1000)) {
        m_panel->refreshButton()->setFocus();
        QTest::keyClick(m_panel->refreshButton(), Qt::Key_F5);
    } else {
        refresh->trigger();
    }
    QCOMPARE(m_panel->page(), UsageChartPanel::Page::Busy);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->page(), UsageChartPanel::Page::Chart, kTimeout);
    QCOMPARE(m_panel->loader()->series().totalCalls(), 3);
    QCOMPARE(
        usageLinePoints(m_panel->chart(), u"test"_s).value(QDateTime::currentDateTimeUtc().date()),
        2);
}

void TestUsageChartPanel::missingDashboardFails()
{
    FeatureFlag flag = createFlag(u"lost"_s);
    flag.usageDashboard = 9999;
    m_panel->setFlag(flag);
    showPanel();
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->page(), UsageChartPanel::Page::Failed, kTimeout);
    QVERIFY2(m_panel->messageText().startsWith("The usage dashboard could not be loaded"_L1),
             qPrintable(m_panel->messageText()));
    QCOMPARE(m_panel->createButton()->text(), u"Try again"_s);
    widget_test::saveScreenshot(m_panel.get(), u"usage_chart_failed"_s);
}

QTEST_MAIN(TestUsageChartPanel)
#include "tst_usage_chart_panel.moc"
