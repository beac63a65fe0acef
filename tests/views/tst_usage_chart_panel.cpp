// The usage panel on a real local server through the real client: calls sent to /batch/ on
// several days, the dashboard created with the panel's button, and the chart's lines compared
// point by point with the calls sent. Also the empty, no-calls and failed states, enriching,
// and F5. BUNTING_SCREENSHOTS=<dir> saves how it looks (BUNTING_SCREENSHOTS_DARK=1: dark).
#include "client.h"
#include "test_server.h"
#include "usage_chart_panel.h"

#include <QAction>
#include <QApplication>
#include <QChart>
#include <QDateTimeAxis>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QValueAxis>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::models::UsageLoader;
using bunting::views::UsageChartPanel;

namespace {

constexpr int kTimeout = 15000;

QJsonObject called(const QString &key, const QJsonValue &response, const QString &distinctId,
                   int daysAgo)
{
    const QDate day = QDateTime::currentDateTimeUtc().date().addDays(-daysAgo);
    return {{u"event"_s, u"$feature_flag_called"_s},
            {u"distinct_id"_s, distinctId},
            {u"properties"_s,
             QJsonObject{{u"$feature_flag"_s, key}, {u"$feature_flag_response"_s, response}}},
            {u"timestamp"_s, QDateTime(day, QTime(12, 0), Qt::UTC).toString(Qt::ISODateWithMs)}};
}

// The line of one response: its points as (local day, count).
QMap<QDate, qint64> pointsOf(QChart *chart, const QString &response)
{
    QMap<QDate, qint64> points;
    for (QAbstractSeries *series : chart->series()) {
        auto *line = qobject_cast<QLineSeries *>(series);
        if (!line || !line->name().startsWith(response + u" · "_s))
            continue;
        for (const QPointF &p : line->points())
            points.insert(QDateTime::fromMSecsSinceEpoch(qint64(p.x())).date(), qint64(p.y()));
    }
    return points;
}

void useDarkPaletteWhenAsked()
{
    if (!qEnvironmentVariableIsSet("BUNTING_SCREENSHOTS_DARK"))
        return;
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    QApplication::setStyle(u"Fusion"_s);
    QApplication::setPalette(dark);
}

void saveGrab(QWidget &widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("BUNTING_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    const QString suffix =
        qEnvironmentVariableIsSet("BUNTING_SCREENSHOTS_DARK") ? u"_dark"_s : QString();
    QCoreApplication::processEvents();
    QVERIFY(widget.grab().save(dir + u"/usage_chart_"_s + name + suffix + u".png"_s));
}

} // namespace

class TestUsageChartPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { useDarkPaletteWhenAsked(); }
    void init();
    void cleanup();

    void createButtonCreatesAndChartsCalls();
    void noCallsSaysSo();
    void enrichRefusalShowsInMessageBar();
    void refreshWithF5();
    void missingDashboardFails();

private:
    FeatureFlag createFlag(const QString &key, bool multivariate = true);
    void sendCalls(const QJsonArray &events);
    void showPanel();

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<UsageChartPanel> m_panel;
};

void TestUsageChartPanel::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(
        api::Endpoint{QUrl(u"http://127.0.0.1:%1"_s.arg(m_server->port())),
                      QString::number(m_server->projectId()), m_server->ownerKey()});
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
    QJsonObject filters{{u"groups"_s, QJsonArray{QJsonObject{{u"rollout_percentage"_s, 100}}}}};
    if (multivariate)
        filters.insert(
            u"multivariate"_s,
            QJsonObject{
                {u"variants"_s,
                 QJsonArray{QJsonObject{{u"key"_s, u"control"_s}, {u"rollout_percentage"_s, 50}},
                            QJsonObject{{u"key"_s, u"test"_s}, {u"rollout_percentage"_s, 50}}}}});
    return FeatureFlag::fromJson(m_server->createFlag(
        {{u"key"_s, key}, {u"filters"_s, filters}, {u"_should_create_usage_dashboard"_s, false}}));
}

void TestUsageChartPanel::sendCalls(const QJsonArray &events)
{
    const auto reply = m_server->send(
        "POST", u"/batch/"_s,
        QJsonDocument(QJsonObject{{u"api_key"_s, m_server->projectToken()}, {u"batch"_s, events}})
            .toJson(QJsonDocument::Compact),
        {{"Content-Type", "application/json"}});
    QCOMPARE(reply.status, 200);
    m_server->server().events().flush();
}

void TestUsageChartPanel::showPanel()
{
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void TestUsageChartPanel::createButtonCreatesAndChartsCalls()
{
    const FeatureFlag flag = createFlag(u"checkout"_s);
    QJsonArray events;
    // control: 3 today, 2 three days ago; test: 1 today, 5 ten days ago.
    for (int i = 0; i < 3; ++i)
        events.append(called(u"checkout"_s, u"control"_s, u"c%1"_s.arg(i), 0));
    for (int i = 0; i < 2; ++i)
        events.append(called(u"checkout"_s, u"control"_s, u"c%1"_s.arg(i), 3));
    events.append(called(u"checkout"_s, u"test"_s, u"t0"_s, 0));
    for (int i = 0; i < 5; ++i)
        events.append(called(u"checkout"_s, u"test"_s, u"t%1"_s.arg(i), 10));
    sendCalls(events);

    QSignalSpy changed(m_panel.get(), &UsageChartPanel::flagChanged);
    m_panel->setFlag(flag);
    showPanel();
    QCOMPARE(m_panel->page(), UsageChartPanel::Page::Empty);
    QVERIFY(!m_panel->refreshButton()->isVisible());
    QPushButton *create = m_panel->createButton();
    QVERIFY(create && create->isVisible());
    QCOMPARE(create->text(), u"Create usage dashboard"_s);
    saveGrab(*m_panel, u"empty"_s);

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
    const QMap<QDate, qint64> control = pointsOf(chart, u"control"_s);
    const QMap<QDate, qint64> test = pointsOf(chart, u"test"_s);
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
            QCOMPARE(pointsOf(chart, series.response).value(point.day), point.count);

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
    saveGrab(*m_panel, u"chart"_s);
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
    saveGrab(*m_panel, u"no_calls"_s);
}

void TestUsageChartPanel::enrichRefusalShowsInMessageBar()
{
    const FeatureFlag flag = createFlag(u"plain"_s);
    sendCalls({called(u"plain"_s, u"control"_s, u"a"_s, 0)});
    m_panel->setFlag(flag);
    showPanel();
    QTest::mouseClick(m_panel->createButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->page(), UsageChartPanel::Page::Chart, kTimeout);
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
    saveGrab(*m_panel, u"enrich_refused"_s);
}

void TestUsageChartPanel::refreshWithF5()
{
    const FeatureFlag flag = createFlag(u"growing"_s);
    sendCalls({called(u"growing"_s, u"control"_s, u"a"_s, 0)});
    m_panel->setFlag(flag);
    showPanel();
    QTest::mouseClick(m_panel->createButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->page(), UsageChartPanel::Page::Chart, kTimeout);
    QCOMPARE(m_panel->loader()->series().totalCalls(), 1);

    sendCalls(
        {called(u"growing"_s, u"test"_s, u"b"_s, 0), called(u"growing"_s, u"test"_s, u"c"_s, 0)});
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
    QCOMPARE(pointsOf(m_panel->chart(), u"test"_s).value(QDateTime::currentDateTimeUtc().date()),
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
    saveGrab(*m_panel, u"failed"_s);
}

QTEST_MAIN(TestUsageChartPanel)
#include "tst_usage_chart_panel.moc"
