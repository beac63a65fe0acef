// The connection check against a real server, a port nobody listens on, a web server that is not
// PostHog and one that never answers; and the verdicts on PostHog's own error answers.
#include "canned_http_server.h"
#include "connection_check.h"
#include "test_server.h"

#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using bunting::api::ApiError;
using bunting::api::ConnectionCheck;
using bunting::api::Endpoint;
using Verdict = ConnectionCheck::Verdict;

namespace {

Endpoint local(quint16 port, const QString &project, const QString &key)
{
    return {QUrl(u"http://127.0.0.1:%1"_s.arg(port)), project, key};
}

ApiError httpError(int status, const QString &type, const QString &code, const QString &detail)
{
    ApiError e;
    e.kind = ApiError::Kind::Http;
    e.status = status;
    e.type = type;
    e.code = code;
    e.detail = detail;
    e.body = QJsonObject{{u"type"_s, type}, {u"code"_s, code}, {u"detail"_s, detail}};
    return e;
}

const Endpoint cloud{QUrl(u"https://eu.posthog.com"_s), u"42"_s, u"phx_abc"_s};

} // namespace

class TestConnectionCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void ok()
    {
        m_server->createFlag({{u"key"_s, u"one"_s}});
        m_server->createFlag({{u"key"_s, u"two"_s}});
        const ConnectionCheck::Outcome outcome = run(
            local(m_server->port(), QString::number(m_server->projectId()), m_server->ownerKey()));
        QCOMPARE(outcome.verdict, Verdict::Ok);
        QVERIFY(outcome.ok());
        QCOMPARE(outcome.flagCount, 2);
        QCOMPARE(outcome.message, u"Connected to 127.0.0.1:%1: project %2 has 2 feature flags."_s
                                      .arg(m_server->port())
                                      .arg(m_server->projectId()));
    }

    void wrongKey()
    {
        const ConnectionCheck::Outcome outcome = run(
            local(m_server->port(), QString::number(m_server->projectId()), u"phx_not_a_key"_s));
        QCOMPARE(outcome.verdict, Verdict::KeyInvalid);
        QCOMPARE(outcome.status, 401);
        QVERIFY2(outcome.message.startsWith(u"The key was refused (401). Check that it is a "
                                            "personal API key (phx_…)"_s),
                 qPrintable(outcome.message));
    }

    void projectTokenInsteadOfKey()
    {
        const ConnectionCheck::Outcome outcome = run(local(
            m_server->port(), QString::number(m_server->projectId()), m_server->projectToken()));
        QCOMPARE(outcome.verdict, Verdict::KeyInvalid);
        QVERIFY2(outcome.message.contains(u"project API key (phc_…)"_s),
                 qPrintable(outcome.message));
    }

    void keyWithoutReadScope()
    {
        const QString key = m_server->keyWithScopes({u"person:read"_s, u"cohort:read"_s});
        const ConnectionCheck::Outcome outcome =
            run(local(m_server->port(), QString::number(m_server->projectId()), key));
        QCOMPARE(outcome.verdict, Verdict::ScopeMissing);
        QCOMPARE(outcome.status, 403);
        QVERIFY2(outcome.message.startsWith(u"The key lacks the feature_flag:read scope."_s),
                 qPrintable(outcome.message));
    }

    void writeScopeImpliesRead()
    {
        const QString key = m_server->keyWithScopes({u"feature_flag:write"_s});
        const ConnectionCheck::Outcome outcome =
            run(local(m_server->port(), QString::number(m_server->projectId()), key));
        QCOMPARE(outcome.verdict, Verdict::Ok);
    }

    void unknownProject()
    {
        const ConnectionCheck::Outcome outcome =
            run(local(m_server->port(), u"999"_s, m_server->ownerKey()));
        QCOMPARE(outcome.verdict, Verdict::ProjectNotFound);
        QCOMPARE(outcome.message, u"Project 999 does not exist or the key cannot access it."_s);
    }

    void projectOutsideTheKeysProjects()
    {
        const qint64 other = m_server->createProject(u"Other"_s);
        const QString key = m_server->keyWithScopes({u"feature_flag:read"_s}, {other});
        const ConnectionCheck::Outcome outcome =
            run(local(m_server->port(), QString::number(m_server->projectId()), key));
        QCOMPARE(outcome.verdict, Verdict::ProjectNotFound);
        QVERIFY(run(local(m_server->port(), QString::number(other), key)).ok());
    }

    void closedPort()
    {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            port = probe.serverPort();
        }
        const ConnectionCheck::Outcome outcome = run(local(port, u"1"_s, u"phx_x"_s));
        QCOMPARE(outcome.verdict, Verdict::HostUnreachable);
        QCOMPARE(outcome.status, 0);
        QVERIFY2(outcome.message.startsWith(u"127.0.0.1:%1 could not be reached. Check the "
                                            "address and your network connection. ("_s.arg(port)),
                 qPrintable(outcome.message));
    }

    void htmlPage()
    {
        CannedServer web(httpResponse("200 OK", "text/html; charset=utf-8",
                                      "<!doctype html><html><body>Welcome</body></html>"));
        const ConnectionCheck::Outcome outcome = run(local(web.port(), u"1"_s, u"phx_x"_s));
        QCOMPARE(outcome.verdict, Verdict::NotPostHog);
        QVERIFY2(outcome.message.contains(u"not as PostHog does"_s), qPrintable(outcome.message));
        // The check asked for as little as it could.
        QVERIFY2(web.request().startsWith("GET /api/projects/1/feature_flags/"),
                 web.request().constData());
        QVERIFY(web.request().contains("limit=1"));
    }

    void htmlNotFound()
    {
        CannedServer web(httpResponse("404 Not Found", "text/html", "<html>Not Found</html>"));
        const ConnectionCheck::Outcome outcome = run(local(web.port(), u"1"_s, u"phx_x"_s));
        QCOMPARE(outcome.verdict, Verdict::NotPostHog);
        QCOMPARE(outcome.status, 404);
    }

    void serverError()
    {
        CannedServer web(httpResponse("500 Internal Server Error", "application/json",
                                      R"({"type":"server_error","detail":"boom"})"));
        const ConnectionCheck::Outcome outcome = run(local(web.port(), u"1"_s, u"phx_x"_s));
        QCOMPARE(outcome.verdict, Verdict::ServerError);
        QCOMPARE(outcome.status, 500);
    }

    void noAnswer()
    {
        CannedServer silent({});
        ConnectionCheck check;
        check.setTimeout(300ms);
        check.start(local(silent.port(), u"1"_s, u"phx_x"_s));
        QTRY_VERIFY_WITH_TIMEOUT(check.lastOutcome(), 10000);
        QCOMPARE(check.lastOutcome()->verdict, Verdict::Timeout);
        QVERIFY2(check.lastOutcome()->message.contains(u"did not answer within a second"_s),
                 qPrintable(check.lastOutcome()->message));
    }

    void cancel()
    {
        CannedServer silent({});
        ConnectionCheck check;
        QSignalSpy started(&check, &ConnectionCheck::started);
        QSignalSpy finished(&check, &ConnectionCheck::finished);
        QSignalSpy canceled(&check, &ConnectionCheck::canceled);
        check.start(local(silent.port(), u"1"_s, u"phx_x"_s));
        QCOMPARE(started.count(), 1);
        QVERIFY(check.isRunning());
        QTRY_VERIFY(!silent.request().isEmpty());
        check.cancel();
        QVERIFY(!check.isRunning());
        QCOMPARE(canceled.count(), 1);
        // Nothing arrives later either.
        QTest::qWait(200);
        QCOMPARE(finished.count(), 0);
        QCOMPARE(canceled.count(), 1);
        QVERIFY(!check.lastOutcome());
    }

    void aNewCheckReplacesTheRunningOne()
    {
        CannedServer silent({});
        ConnectionCheck check;
        QSignalSpy finished(&check, &ConnectionCheck::finished);
        check.start(local(silent.port(), u"1"_s, u"phx_x"_s));
        check.start(
            local(m_server->port(), QString::number(m_server->projectId()), m_server->ownerKey()));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(check.lastOutcome()->verdict, Verdict::Ok);
        QVERIFY(!check.isRunning());
        QTest::qWait(100);
        QCOMPARE(finished.count(), 1);
    }

    void forbiddenAnswers_data()
    {
        QTest::addColumn<QString>("detail");
        QTest::addColumn<int>("verdict");
        QTest::addColumn<QString>("message");
        QTest::newRow("scope") << u"API key missing required scope 'feature_flag:read'"_s
                               << int(Verdict::ScopeMissing)
                               << u"The key lacks the feature_flag:read scope."_s;
        QTest::newRow("project of the key")
            << u"API key does not have access to the requested project: ID 42."_s
            << int(Verdict::ProjectNotFound)
            << u"Project 42 does not exist or the key cannot access it."_s;
        QTest::newRow("project of the user")
            << u"You don't have access to the project."_s << int(Verdict::ProjectNotFound)
            << u"Project 42 does not exist or the key cannot access it."_s;
        QTest::newRow("unclear") << u"You do not have permission to perform this action."_s
                                 << int(Verdict::ProjectNotFound)
                                 << u"Access was refused (403): either project 42 does not exist "
                                    "or the key cannot access it, or the key lacks the "
                                    "feature_flag:read scope."_s;
    }
    void forbiddenAnswers()
    {
        QFETCH(QString, detail);
        QFETCH(int, verdict);
        QFETCH(QString, message);
        const ConnectionCheck::Outcome outcome = ConnectionCheck::judge(
            cloud, httpError(403, u"authentication_error"_s, u"permission_denied"_s, detail), 1s);
        QCOMPARE(int(outcome.verdict), verdict);
        QVERIFY2(outcome.message.startsWith(message), qPrintable(outcome.message));
        QCOMPARE(outcome.status, 403);
    }

    void otherAnswers()
    {
        const auto judge = [](const ApiError &e) { return ConnectionCheck::judge(cloud, e, 1s); };
        QCOMPARE(
            judge(httpError(404, u"invalid_request"_s, u"not_found"_s, u"Project not found."_s))
                .verdict,
            Verdict::ProjectNotFound);
        QCOMPARE(
            judge(httpError(429, u"throttled_error"_s, u"throttled"_s, u"slow down"_s)).verdict,
            Verdict::ServerError);
        QCOMPARE(judge(httpError(502, {}, {}, {})).verdict, Verdict::ServerError);
        ApiError page;
        page.status = 400;
        QCOMPARE(judge(page).verdict, Verdict::NotPostHog);
        QCOMPARE(judge(httpError(400, u"validation_error"_s, u"invalid_input"_s, u"bad"_s)).verdict,
                 Verdict::ServerError);
        ApiError timeout;
        timeout.kind = ApiError::Kind::Timeout;
        QCOMPARE(judge(timeout).verdict, Verdict::Timeout);
        QCOMPARE(judge(timeout).message,
                 u"PostHog EU did not answer within a second. Check your network, or try again "
                 "later."_s);
    }

private:
    ConnectionCheck::Outcome run(const Endpoint &endpoint)
    {
        ConnectionCheck check;
        QSignalSpy finished(&check, &ConnectionCheck::finished);
        check.start(endpoint);
        [&] { QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000); }();
        if (!check.lastOutcome())
            return {Verdict::ServerError, u"no outcome"_s, -1, 0};
        const auto fromSignal = finished.first().first().value<ConnectionCheck::Outcome>();
        [&] { QCOMPARE(fromSignal.verdict, check.lastOutcome()->verdict); }();
        return *check.lastOutcome();
    }

    std::unique_ptr<TestServer> m_server;
};

QTEST_GUILESS_MAIN(TestConnectionCheck)
#include "tst_connection_check.moc"
