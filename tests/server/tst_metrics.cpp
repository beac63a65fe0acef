// GET /metrics (issue 18): Prometheus' text format, only when the server was started with
// --metrics, counting what the load balancer and the team's dashboards need.
#include "test_server.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;

class TestMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void offUnlessAskedFor();
    void requestsAreCountedByRouteAndStatus();
    void flagsLatencyIsAHistogram();
    void snapshotAndDatabaseAreReported();

private:
    QString metrics()
    {
        const auto reply = m_server->get(u"/metrics"_s, QString());
        if (reply.status != 200)
            qWarning() << "/metrics answered" << reply.status;
        return QString::fromUtf8(reply.body);
    }
    // The value of the sample `series` (name and labels as written), or -1 when absent.
    static double sample(const QString &text, const QString &series)
    {
        const QRegularExpression line(u"^"_s + QRegularExpression::escape(series) + u" (\\S+)$"_s,
                                      QRegularExpression::MultilineOption);
        const auto match = line.match(text);
        return match.hasMatch() ? match.captured(1).toDouble() : -1;
    }
    TestServer::Reply askFlags()
    {
        return m_server->post(
            u"/flags?v=2"_s,
            QJsonObject{{u"token"_s, m_server->projectToken()}, {u"distinct_id"_s, u"someone"_s}},
            QString());
    }
    std::unique_ptr<TestServer> m_server;
};

void TestMetrics::offUnlessAskedFor()
{
    // A server started without --metrics neither exposes nor counts: the path is unknown.
    const auto off = m_server->get(u"/metrics"_s, QString());
    QCOMPARE(off.status, 404);
    QCOMPARE(off.object().value("type"_L1).toString(), u"invalid_request"_s);
    askFlags();
    m_server->server().enableMetrics();
    QCOMPARE(sample(metrics(),
                    uR"(bunting_http_requests_total{method="POST",route="/flags",status="200"})"_s),
             -1.0);
}

void TestMetrics::requestsAreCountedByRouteAndStatus()
{
    m_server->server().enableMetrics();
    QCOMPARE(askFlags().status, 200);
    QCOMPARE(askFlags().status, 200);
    QCOMPARE(m_server->get(m_server->flags(u"999999/"_s)).status, 404);
    QCOMPARE(m_server->get(u"/no/such/path"_s, QString()).status, 404);
    const auto reply = m_server->get(u"/metrics"_s, QString());
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Content-Type").startsWith("text/plain; version=0.0.4"));
    const QString text = QString::fromUtf8(reply.body);
    QCOMPARE(sample(text,
                    uR"(bunting_http_requests_total{method="POST",route="/flags",status="200"})"_s),
             2.0);
    // By the route's pattern, so that ids do not make a series each.
    QCOMPARE(
        sample(
            text,
            uR"(bunting_http_requests_total{method="GET",route="/api/projects/:project/feature_flags/:id",status="404"})"_s),
        1.0);
    QCOMPARE(
        sample(text,
               uR"(bunting_http_requests_total{method="GET",route="unmatched",status="404"})"_s),
        1.0);
    QVERIFY(text.contains(u"# TYPE bunting_http_requests_total counter"_s));
}

void TestMetrics::flagsLatencyIsAHistogram()
{
    m_server->server().enableMetrics();
    for (int i = 0; i < 3; ++i)
        QCOMPARE(askFlags().status, 200);
    const QString text = metrics();
    QVERIFY(text.contains(u"# TYPE bunting_flags_request_duration_seconds histogram"_s));
    const QString label = uR"(route="/flags")"_s;
    QCOMPARE(sample(text, u"bunting_flags_request_duration_seconds_count{"_s + label + u'}'), 3.0);
    QCOMPARE(sample(text, u"bunting_flags_request_duration_seconds_bucket{"_s + label +
                              uR"(,le="+Inf"})"_s),
             3.0);
    // Cumulative: each bucket holds at least the one below it.
    double previous = 0;
    for (const QString &bound : {u"0.0005"_s, u"0.001"_s, u"0.01"_s, u"0.1"_s, u"1"_s, u"2.5"_s}) {
        const double count = sample(text, u"bunting_flags_request_duration_seconds_bucket{"_s +
                                              label + u",le=\""_s + bound + u"\"}"_s);
        QVERIFY2(count >= previous, qPrintable(bound));
        previous = count;
    }
    QVERIFY(sample(text, u"bunting_flags_request_duration_seconds_sum{"_s + label + u'}') > 0);
}

void TestMetrics::snapshotAndDatabaseAreReported()
{
    m_server->server().enableMetrics();
    QCOMPARE(askFlags().status, 200);
    const QString text = metrics();
    const QString project = QString::number(m_server->projectId());
    QVERIFY(sample(text, u"bunting_snapshot_age_seconds{project=\""_s + project + u"\"}"_s) >= 0);
    QVERIFY(sample(text, u"bunting_snapshot_builds_total"_s) >= 1);
    QCOMPARE(sample(text, u"bunting_snapshot_ready"_s), 1.0);
    QCOMPARE(sample(text, u"bunting_snapshot_stale_answers_total"_s), 0.0);
    QVERIFY(sample(text, u"bunting_database_errors_total"_s) >= 0);
    // The other servers on the database are heard only on PostgreSQL.
    if (m_server->onPostgres()) {
        QCOMPARE(sample(text, u"bunting_peer_connected"_s), 1.0);
        QVERIFY(sample(text, u"bunting_peer_notifications_received_total"_s) >= 0);
    } else {
        QVERIFY(!text.contains(u"bunting_peer_"_s));
    }
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
