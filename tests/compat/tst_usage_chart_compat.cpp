// The usage check end to end: posthog-node (real, from npm) asks a real bunting-server
// for a three-variant flag and a 40% flag for 60 people, and sends its `$feature_flag_called`
// events on shutdown; the app's UsageChartPanel, through the real api::Client, creates each
// flag's usage dashboard and charts the calls. Each line's total and today's point must equal
// (a) what the SDK reported it got and (b) the server's own counts, read here from the dashboard
// JSON over plain HTTP, apart from the app's parser. The scenario itself checks the SDK's answers
// against PostHog's sha1 bucketing.
//
// By hand, with the scenario's passing checks listed: BUNTING_COMPAT_VERBOSE=1
// ./tst_usage_chart_compat; BUNTING_SCREENSHOTS=<dir> saves the panels.
#include "client.h"
#include "compat_server.h"
#include "usage_chart_panel.h"
#include "usage_chart_points.h"
#include "widget_test_support.h"

#include <QApplication>
#include <QChart>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::views::UsageChartPanel;

namespace {

constexpr int kTimeout = 15000;

qint64 sum(const QMap<QDate, qint64> &points)
{
    qint64 total = 0;
    for (qint64 v : points)
        total += v;
    return total;
}

} // namespace

class TestUsageChartCompat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void chartMatchesSdkAndServer();

private:
    QJsonObject getJson(const QString &path);
    FeatureFlag loadFlag(qint64 id);
    void checkFlag(const QString &key, qint64 id, const QJsonObject &sdkResponses, int people);

    compat::Server m_server;
    std::unique_ptr<api::Client> m_client;
    QNetworkAccessManager m_network;
};

void TestUsageChartCompat::init()
{
    const QString error = m_server.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_client = std::make_unique<api::Client>(
        api::Endpoint{QUrl(m_server.host()), u"@current"_s, m_server.ownerKey()});
}

void TestUsageChartCompat::cleanup()
{
    m_client.reset();
    const QString log = m_server.stop();
    if (QTest::currentTestFailed() && !log.isEmpty())
        qInfo().noquote() << "bunting-server log:\n" << log;
}

// Plain HTTP, apart from api::Client, so the server's counts are read independently.
QJsonObject TestUsageChartCompat::getJson(const QString &path)
{
    QNetworkRequest request(QUrl(m_server.host() + path));
    request.setRawHeader("Authorization", "Bearer " + m_server.ownerKey().toUtf8());
    QNetworkReply *reply = m_network.get(request);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    return QJsonDocument::fromJson(reply->readAll()).object();
}

FeatureFlag TestUsageChartCompat::loadFlag(qint64 id)
{
    std::optional<api::Result<FeatureFlag>> result;
    m_client->getFlag(id, this, [&](const api::Result<FeatureFlag> &r) { result = r; });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, kTimeout))
        return {};
    return result->ok() ? result->value() : FeatureFlag();
}

void TestUsageChartCompat::checkFlag(const QString &key, qint64 id, const QJsonObject &sdkResponses,
                                     int people)
{
    const FeatureFlag flag = loadFlag(id);
    QCOMPARE(flag.key, key);
    QVERIFY2(!flag.usageDashboard, "the scenario asked for no usage dashboard");

    UsageChartPanel panel;
    panel.resize(640, 400);
    QSignalSpy changed(&panel, &UsageChartPanel::flagChanged);
    panel.setClient(m_client.get());
    panel.setFlag(flag);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QCOMPARE(panel.page(), UsageChartPanel::Page::Empty);
    QTest::mouseClick(panel.createButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, kTimeout);
    const FeatureFlag withDashboard = changed.first().first().value<FeatureFlag>();
    QVERIFY(withDashboard.usageDashboard);

    // The server applies events off the request path: until it has, reload (F5 in the app).
    qint64 expectedTotal = 0;
    for (auto it = sdkResponses.constBegin(); it != sdkResponses.constEnd(); ++it)
        expectedTotal += it.value().toInteger();
    QCOMPARE(expectedTotal, qint64(people));
    const QDeadlineTimer deadline(kTimeout);
    for (;;) {
        QTRY_VERIFY_WITH_TIMEOUT(panel.page() == UsageChartPanel::Page::Chart ||
                                     panel.page() == UsageChartPanel::Page::NoCalls ||
                                     panel.page() == UsageChartPanel::Page::Failed,
                                 kTimeout);
        QVERIFY2(panel.page() != UsageChartPanel::Page::Failed, qPrintable(panel.messageText()));
        if (panel.loader()->series().totalCalls() == expectedTotal || deadline.hasExpired())
            break;
        QTest::qWait(200);
        panel.refreshButton()->click();
    }

    QChart *chart = panel.chart();
    const QDate today = QDateTime::currentDateTimeUtc().date();
    // (b) the server's own counts: its dashboard JSON as PostHog's API gives it.
    const QJsonObject dashboard =
        getJson(u"/api/projects/@current/dashboards/%1/"_s.arg(*withDashboard.usageDashboard));
    QHash<QString, QJsonObject> serverSeries;
    QHash<QString, qint64> serverUsers;
    for (const QJsonValue &tile : dashboard.value("tiles"_L1).toArray()) {
        const QJsonObject insight = tile["insight"_L1].toObject();
        for (const QJsonValue &item : insight.value("result"_L1).toArray()) {
            const QJsonObject r = item.toObject();
            if (insight.value("name"_L1) == "Feature Flag Called Total Volume"_L1)
                serverSeries.insert(r.value("breakdown_value"_L1).toString(), r);
            else if (insight.value("name"_L1).toString().contains("unique users"_L1))
                serverUsers.insert(r.value("breakdown_value"_L1).toString(),
                                   r.value("aggregated_value"_L1).toInteger());
        }
    }
    QCOMPARE(serverSeries.size(), sdkResponses.size());
    QCOMPARE(chart->series().size(), qsizetype(sdkResponses.size()));

    for (auto it = sdkResponses.constBegin(); it != sdkResponses.constEnd(); ++it) {
        const QString response = it.key();
        const qint64 sdkCount = it.value().toInteger();
        const QMap<QDate, qint64> points = widget_test::usageLinePoints(chart, response);
        QVERIFY2(!points.isEmpty(), qPrintable(key + u": no line for "_s + response));
        // (a) what posthog-node got: every person asked today, each reported once.
        QCOMPARE(sum(points), sdkCount);
        QCOMPARE(points.value(today), sdkCount);
        QCOMPARE(panel.loader()->series().find(response)->total, sdkCount);

        const QJsonObject server = serverSeries.value(response);
        const QJsonArray data = server.value("data"_L1).toArray();
        const QJsonArray days = server.value("days"_L1).toArray();
        QVERIFY2(!data.isEmpty(), qPrintable(key + u": the server has no series "_s + response));
        qint64 serverTotal = 0;
        for (const QJsonValue &v : data)
            serverTotal += v.toInteger();
        QCOMPARE(sum(points), serverTotal);
        QCOMPARE(server.value("count"_L1).toInteger(), serverTotal);
        QCOMPARE(days.last().toString(), today.toString(Qt::ISODate));
        QCOMPARE(points.value(today), data.last().toInteger());
        // Day by day, the line is the server's series.
        for (qsizetype i = 0; i < days.size(); ++i)
            QCOMPARE(points.value(QDate::fromString(days.at(i).toString(), Qt::ISODate)),
                     data.at(i).toInteger());
        // Each person asked once per flag, so callers equal calls.
        QCOMPARE(serverUsers.value(response), sdkCount);
        QVERIFY2(panel.uniqueUsersText().contains(response + u' ' + QLocale().toString(sdkCount)),
                 qPrintable(panel.uniqueUsersText()));
    }

    widget_test::saveScreenshot(&panel, u"usage_compat_"_s + key);
}

void TestUsageChartCompat::chartMatchesSdkAndServer()
{
    const compat::ScenarioRun run = compat::runScenario(m_server, u"node_usage_calls.mjs"_s);
    QVERIFY2(run.finished,
             qPrintable(u"node_usage_calls.mjs did not finish in time:\n"_s + run.output));
    if (!run.passed)
        QFAIL(qPrintable(u"node_usage_calls.mjs reports:\n"_s + run.output));
    QJsonObject result;
    for (const QString &line : run.output.split(u'\n'))
        if (line.startsWith("USAGE_RESULT "_L1))
            result = QJsonDocument::fromJson(line.mid(13).toUtf8()).object();
    QVERIFY2(!result.isEmpty(), qPrintable(u"no USAGE_RESULT line in:\n"_s + run.output));
    qInfo().noquote() << "posthog-node got:"
                      << QJsonDocument(result).toJson(QJsonDocument::Compact);
    const int people = result.value("people"_L1).toInt();
    QVERIFY(people > 0);
    const QJsonObject flags = result.value("flags"_L1).toObject();
    QCOMPARE(flags.size(), 2);
    for (auto it = flags.constBegin(); it != flags.constEnd(); ++it) {
        const QJsonObject flag = it.value().toObject();
        checkFlag(it.key(), flag.value("id"_L1).toInteger(), flag.value("responses"_L1).toObject(),
                  people);
        if (QTest::currentTestFailed())
            return;
    }
}

QTEST_MAIN(TestUsageChartCompat)
#include "tst_usage_chart_compat.moc"
