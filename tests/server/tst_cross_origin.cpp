// Web pages on other origins (CORS) over real HTTP. The SDK endpoints answer them the way
// PostHog's flags and capture services do (rust/feature-flags/src/router.rs and
// rust/capture/src/router.rs: tower-http's CorsLayer with the request's Origin mirrored,
// credentials allowed, the requested headers mirrored). The management API answers only the
// origins the server was given, as PostHog's answers only its own app; a page elsewhere is
// refused before anything changes.
#include "http/cross_origin.h"
#include "test_server.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using bunting::server::CrossOriginPolicy;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

const QByteArray pageOrigin = "http://127.0.0.1:3000";

Headers preflightHeaders(const QByteArray &origin, const QByteArray &method,
                         const QByteArray &headers = {})
{
    Headers h{{"Origin", origin}, {"Access-Control-Request-Method", method}};
    if (!headers.isEmpty())
        h.append({"Access-Control-Request-Headers", headers});
    return h;
}

} // namespace

class TestCrossOrigin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void sdkPreflightsAreAnswered_data();
    void sdkPreflightsAreAnswered();
    void sdkAnswersCarryTheOrigin();
    void sdkErrorsCarryTheOriginToo();
    void noOriginNoCorsHeaders();
    void plainOptionsListsTheMethods();
    void optionsOnAnUnknownPathIsNotFound();

    void managementPreflightFromAPageIsRefused();
    void managementWriteFromAPageChangesNothing();
    void managementReadFromAPageIsRefused();
    void allowedOriginMayCallTheManagementApi();

    void originsAreWrittenAsBrowsersSendThem_data();
    void originsAreWrittenAsBrowsersSendThem();
    void whatIsNotAnOriginIsRefused_data();
    void whatIsNotAnOriginIsRefused();

private:
    std::unique_ptr<TestServer> m_server;
};

void TestCrossOrigin::init()
{
    m_server = std::make_unique<TestServer>();
}

void TestCrossOrigin::cleanup()
{
    m_server.reset();
}

void TestCrossOrigin::sdkPreflightsAreAnswered_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("method");
    QTest::newRow("/flags") << u"/flags/?v=2"_s << QByteArray("POST");
    QTest::newRow("/decide") << u"/decide/?v=4"_s << QByteArray("POST");
    QTest::newRow("/e") << u"/e/"_s << QByteArray("POST");
    QTest::newRow("/i/v0/e") << u"/i/v0/e/"_s << QByteArray("POST");
    QTest::newRow("/batch") << u"/batch/"_s << QByteArray("POST");
    QTest::newRow("/capture") << u"/capture/"_s << QByteArray("POST");
    QTest::newRow("config") << u"/array/TOKEN/config"_s << QByteArray("GET");
    QTest::newRow("config.js") << u"/array/TOKEN/config.js"_s << QByteArray("GET");
    QTest::newRow("/flags/definitions") << u"/flags/definitions"_s << QByteArray("GET");
    QTest::newRow("/api/surveys") << u"/api/surveys/?token=TOKEN"_s << QByteArray("GET");
    QTest::newRow("/api/early_access_features")
        << u"/api/early_access_features/?token=TOKEN"_s << QByteArray("GET");
    QTest::newRow("local_evaluation")
        << u"/api/feature_flag/local_evaluation/"_s << QByteArray("GET");
}

// PostHog's services answer a preflight 200 with the page's origin, credentials, the methods
// and the very headers the page asked for (AllowHeaders::mirror_request()).
void TestCrossOrigin::sdkPreflightsAreAnswered()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, method);
    path.replace(u"TOKEN"_s, m_server->projectToken());
    const auto reply = m_server->send(
        "OPTIONS", path, {},
        preflightHeaders(pageOrigin, method, "content-type,traceparent,x-custom-header"));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.body.isEmpty());
    QCOMPARE(reply.header("Access-Control-Allow-Origin"), pageOrigin);
    QCOMPARE(reply.header("Access-Control-Allow-Credentials"), QByteArray("true"));
    const QByteArray methods = reply.header("Access-Control-Allow-Methods");
    QVERIFY2(methods.contains(method) && methods.contains("OPTIONS"), methods.constData());
    QCOMPARE(reply.header("Access-Control-Allow-Headers"),
             QByteArray("content-type,traceparent,x-custom-header"));
    QCOMPARE(reply.header("Access-Control-Max-Age"),
             QByteArray::number(CrossOriginPolicy::preflightMaxAgeSeconds));
    QVERIFY(reply.header("Vary").contains("Origin"));
}

void TestCrossOrigin::sdkAnswersCarryTheOrigin()
{
    const qint64 id = m_server->createFlagId(
        u"beta"_s,
        QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray()},
                                                         {u"rollout_percentage"_s, 100}}}}});
    QVERIFY(id > 0);
    const QByteArray body = QJsonDocument(QJsonObject{{u"token"_s, m_server->projectToken()},
                                                      {u"distinct_id"_s, u"alice"_s}})
                                .toJson(QJsonDocument::Compact);
    const auto reply = m_server->send("POST", u"/flags/?v=2"_s, body,
                                      {{"Origin", pageOrigin}, {"Content-Type", "text/plain"}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object()[u"flags"_s][u"beta"_s][u"enabled"_s], QJsonValue(true));
    QCOMPARE(reply.header("Access-Control-Allow-Origin"), pageOrigin);
    QCOMPARE(reply.header("Access-Control-Allow-Credentials"), QByteArray("true"));
    QVERIFY(reply.header("Vary").contains("Origin"));

    const auto config = m_server->send("GET", u"/array/%1/config"_s.arg(m_server->projectToken()),
                                       {}, {{"Origin", pageOrigin}});
    QCOMPARE(config.status, 200);
    QCOMPARE(config.header("Access-Control-Allow-Origin"), pageOrigin);
}

// A page must be able to read why its call failed (a wrong token), so errors carry it too.
void TestCrossOrigin::sdkErrorsCarryTheOriginToo()
{
    const auto reply =
        m_server->send("POST", u"/flags/?v=2"_s, R"({"token":"phc_nobody","distinct_id":"alice"})",
                       {{"Origin", pageOrigin}});
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.header("Access-Control-Allow-Origin"), pageOrigin);
}

// Servers and SDKs outside a browser send no Origin; they get no CORS headers to ignore.
void TestCrossOrigin::noOriginNoCorsHeaders()
{
    const auto reply =
        m_server->send("GET", u"/array/%1/config"_s.arg(m_server->projectToken()), {});
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Access-Control-Allow-Origin").isEmpty());
    QVERIFY(reply.header("Access-Control-Allow-Credentials").isEmpty());
}

void TestCrossOrigin::plainOptionsListsTheMethods()
{
    const auto reply = m_server->send("OPTIONS", m_server->flags(), {});
    QCOMPARE(reply.status, 200);
    const QByteArray allow = reply.header("Allow");
    QVERIFY2(allow.contains("GET") && allow.contains("POST") && allow.contains("OPTIONS"),
             allow.constData());
}

void TestCrossOrigin::optionsOnAnUnknownPathIsNotFound()
{
    const auto reply =
        m_server->send("OPTIONS", u"/no/such/path/"_s, {}, preflightHeaders(pageOrigin, "GET"));
    QCOMPARE(reply.status, 404);
    QVERIFY(reply.header("Access-Control-Allow-Origin").isEmpty());
}

void TestCrossOrigin::managementPreflightFromAPageIsRefused()
{
    const auto reply = m_server->send("OPTIONS", m_server->flags(), {},
                                      preflightHeaders(pageOrigin, "POST", "authorization"));
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.object()[u"code"_s].toString(), u"permission_denied"_s);
    QVERIFY(reply.object()[u"detail"_s].toString().contains(u"--allow-origin"_s));
    QVERIFY(reply.header("Access-Control-Allow-Origin").isEmpty());
}

// A form-like POST (text/plain, the key in the query) needs no preflight, so the browser sends
// it and only hides the answer. The server must refuse it before the write, or a page with a
// found key could create flags.
void TestCrossOrigin::managementWriteFromAPageChangesNothing()
{
    const int before = m_server->get(m_server->flags()).object()[u"count"_s].toInt();
    const auto reply = m_server->send(
        "POST", m_server->flags(u"?personal_api_key=%1"_s.arg(m_server->ownerKey())),
        R"({"key":"planted","filters":{"groups":[{"properties":[],"rollout_percentage":100}]}})",
        {{"Origin", "https://evil.example"}, {"Content-Type", "text/plain"}});
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.object()[u"type"_s].toString(), u"authentication_error"_s);
    QVERIFY(reply.header("Access-Control-Allow-Origin").isEmpty());
    QCOMPARE(m_server->get(m_server->flags()).object()[u"count"_s].toInt(), before);
}

void TestCrossOrigin::managementReadFromAPageIsRefused()
{
    const auto reply = m_server->send(
        "GET", m_server->flags(), {},
        {{"Origin", pageOrigin}, {"Authorization", "Bearer " + m_server->ownerKey().toUtf8()}});
    QCOMPARE(reply.status, 403);
    QVERIFY(reply.header("Access-Control-Allow-Origin").isEmpty());
}

void TestCrossOrigin::allowedOriginMayCallTheManagementApi()
{
    QString error;
    const auto origins = CrossOriginPolicy::parseOrigins({u"http://127.0.0.1:3000/"_s}, &error);
    QVERIFY2(origins, qPrintable(error));
    m_server->server().http().setCrossOrigin(CrossOriginPolicy(*origins));

    const auto preflight =
        m_server->send("OPTIONS", m_server->flags(), {},
                       preflightHeaders(pageOrigin, "POST", "authorization,content-type"));
    QCOMPARE(preflight.status, 200);
    QCOMPARE(preflight.header("Access-Control-Allow-Origin"), pageOrigin);
    QCOMPARE(preflight.header("Access-Control-Allow-Headers"),
             QByteArray("authorization,content-type"));

    const Headers auth{{"Origin", pageOrigin},
                       {"Authorization", "Bearer " + m_server->ownerKey().toUtf8()},
                       {"Content-Type", "application/json"}};
    const auto created = m_server->send(
        "POST", m_server->flags(),
        R"({"key":"from-the-page","filters":{"groups":[{"properties":[],"rollout_percentage":100}]}})",
        auth);
    QCOMPARE(created.status, 201);
    QCOMPARE(created.header("Access-Control-Allow-Origin"), pageOrigin);
    QCOMPARE(created.header("Access-Control-Allow-Credentials"), QByteArray("true"));

    const auto other =
        m_server->send("GET", m_server->flags(), {},
                       {{"Origin", "http://127.0.0.1:3001"},
                        {"Authorization", "Bearer " + m_server->ownerKey().toUtf8()}});
    QCOMPARE(other.status, 403);
}

void TestCrossOrigin::originsAreWrittenAsBrowsersSendThem_data()
{
    QTest::addColumn<QString>("given");
    QTest::addColumn<QString>("origin");
    QTest::newRow("plain") << u"http://localhost:3000"_s << u"http://localhost:3000"_s;
    QTest::newRow("slash") << u"http://localhost:3000/"_s << u"http://localhost:3000"_s;
    QTest::newRow("case") << u"HTTP://LocalHost:3000"_s << u"http://localhost:3000"_s;
    QTest::newRow("default port") << u"https://app.example:443"_s << u"https://app.example"_s;
    QTest::newRow("spaces") << u"  http://127.0.0.1:8080 "_s << u"http://127.0.0.1:8080"_s;
}

void TestCrossOrigin::originsAreWrittenAsBrowsersSendThem()
{
    QFETCH(QString, given);
    QFETCH(QString, origin);
    QString error;
    const auto origins = CrossOriginPolicy::parseOrigins({given}, &error);
    QVERIFY2(origins, qPrintable(error));
    QCOMPARE(*origins, QStringList{origin});
}

void TestCrossOrigin::whatIsNotAnOriginIsRefused_data()
{
    QTest::addColumn<QString>("given");
    QTest::newRow("no scheme") << u"localhost:3000"_s;
    QTest::newRow("path") << u"http://localhost:3000/app"_s;
    QTest::newRow("query") << u"http://localhost:3000?x=1"_s;
    QTest::newRow("other scheme") << u"ftp://localhost"_s;
    QTest::newRow("wildcard") << u"*"_s;
    QTest::newRow("empty") << QString();
    QTest::newRow("user") << u"http://me@localhost"_s;
}

void TestCrossOrigin::whatIsNotAnOriginIsRefused()
{
    QFETCH(QString, given);
    QString error;
    QVERIFY(!CrossOriginPolicy::parseOrigins({given}, &error));
    QVERIFY(error.contains(u"not an origin"_s));
}

QTEST_GUILESS_MAIN(TestCrossOrigin)
#include "tst_cross_origin.moc"
