// The client when the network or the server misbehaves: hosts that refuse, servers that never
// answer, overloaded servers (503, 429 with Retry-After) and answers that are not JSON. A fake
// HTTP server on a loopback port plays each part and records what the client sent.
#include "await_call.h"
#include "client.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace bunting;
using namespace bunting::api;

namespace {

struct ReceivedRequest
{
    QByteArray method;
    QByteArray target;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
};

// An HTTP/1.1 server with a script: each request gets the next canned answer (the last one
// repeats), or none at all in silent mode. Every answer closes its connection.
class FakeHttpServer
{
public:
    FakeHttpServer()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, [this] { accept(); });
        if (!m_server.listen(QHostAddress::LocalHost))
            qFatal("the fake server cannot listen");
    }

    quint16 port() const { return m_server.serverPort(); }
    QUrl url(const QString &path = {}) const
    {
        return QUrl(u"http://127.0.0.1:%1%2"_s.arg(port()).arg(path));
    }

    void answer(int status, const QByteArray &body,
                const QByteArray &contentType = "application/json",
                const QList<QByteArray> &extraHeaders = {})
    {
        QByteArray reply = "HTTP/1.1 " + QByteArray::number(status) + " Status\r\n";
        reply += "Content-Type: " + contentType + "\r\n";
        for (const QByteArray &header : extraHeaders)
            reply += header + "\r\n";
        reply += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        reply += "Connection: close\r\n\r\n" + body;
        m_script.append(reply);
    }
    void beSilent() { m_silent = true; }

    const QList<ReceivedRequest> &requests() const { return m_requests; }
    int connections() const { return m_connections; }

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            ++m_connections;
            auto buffer = std::make_shared<QByteArray>();
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
                buffer->append(socket->readAll());
                if (auto request = parse(*buffer)) {
                    buffer->clear();
                    m_requests.append(*request);
                    respond(socket);
                }
            });
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }

    static std::optional<ReceivedRequest> parse(const QByteArray &data)
    {
        const qsizetype end = data.indexOf("\r\n\r\n");
        if (end < 0)
            return std::nullopt;
        const QList<QByteArray> lines = data.left(end).split('\n');
        const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
        ReceivedRequest request;
        request.method = requestLine.value(0);
        request.target = requestLine.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            request.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                   lines[i].mid(colon + 1).trimmed());
        }
        const qsizetype length = request.headers.value("content-length", "0").toLongLong();
        if (data.size() < end + 4 + length)
            return std::nullopt;
        request.body = data.mid(end + 4, length);
        return request;
    }

    void respond(QTcpSocket *socket)
    {
        if (m_silent || m_script.isEmpty())
            return;
        const QByteArray reply = m_script.size() > 1 ? m_script.takeFirst() : m_script.first();
        socket->write(reply);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QList<QByteArray> m_script;
    QList<ReceivedRequest> m_requests;
    int m_connections = 0;
    bool m_silent = false;
};

// What the client logged under bunting.api, its debug output switched on.
QStringList apiLog;
QtMessageHandler previousHandler = nullptr;

void captureApiLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && qstrcmp(context.category, "bunting.api") == 0)
        apiLog.append(message);
    else
        previousHandler(type, context, message);
}

const QByteArray flagJson = R"({"id": 5, "key": "checkout", "name": "Checkout", "version": 3})";

} // namespace

class TestClientFailures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init() { apiLog.clear(); }

    void requestsCarryKeyAgentAndPathPrefix();
    void requestsAreLogged();
    void closedPortIsUnreachableAfterRetries();
    void silentServerTimesOut();
    void timeoutsAreRetriedForReadsOnly();
    void getIsRetriedAfter503();
    void postIsNotRetried();
    void retryAfterIsHonoured();
    void longRetryAfterIsReported();
    void giveUpAfterTheRetries();
    void htmlSuccessIsInvalidResponse();
    void wrongJsonShapeIsInvalidResponse();
    void htmlErrorNamesTheStatus();
    void cancelDuringBackoff();
    void hostlessEndpointFailsLater();

private:
    std::unique_ptr<Client> client(const QUrl &host, int retries = 0,
                                   std::chrono::milliseconds backoff = 1ms,
                                   std::chrono::milliseconds timeout = 5s);
};

std::unique_ptr<Client> TestClientFailures::client(const QUrl &host, int retries,
                                                   std::chrono::milliseconds backoff,
                                                   std::chrono::milliseconds timeout)
{
    auto c = std::make_unique<Client>(Endpoint{host, u"7"_s, u"phx_secret"_s});
    Client::Options options;
    options.retries = retries;
    options.firstBackoff = backoff;
    options.timeout = timeout;
    c->setOptions(options);
    return c;
}

void TestClientFailures::initTestCase()
{
    QLoggingCategory::setFilterRules(u"bunting.api.debug=true"_s);
    previousHandler = qInstallMessageHandler(captureApiLog);
}

void TestClientFailures::cleanupTestCase()
{
    qInstallMessageHandler(previousHandler);
}

void TestClientFailures::requestsAreLogged()
{
    FakeHttpServer server;
    server.answer(404, {});
    auto c = client(server.url());
    const auto got = await<FeatureFlag>([&](auto done) { return c->getFlag(5, this, done); });
    QVERIFY(got.error().isNotFound());
    QCOMPARE(apiLog.size(), 1);
    const QString line = apiLog.first();
    QVERIFY2(line.startsWith("GET /api/projects/7/feature_flags/5/ 404 "_L1), qPrintable(line));
    QVERIFY2(line.endsWith(" ms"_L1), qPrintable(line));
}

void TestClientFailures::requestsCarryKeyAgentAndPathPrefix()
{
    FakeHttpServer server;
    server.answer(200, flagJson);
    auto c = client(server.url(u"/posthog/"_s));

    const auto got = await<FeatureFlag>([&](auto done) { return c->getFlag(5, this, done); });
    QVERIFY2(got.ok(), why(got));
    QCOMPARE(got->key, u"checkout"_s);
    QCOMPARE(got->version, 3);
    const auto patched = await<FeatureFlag>([&](auto done) {
        return c->updateFlag(5, {{u"active"_s, false}}, this, done);
    });
    QVERIFY2(patched.ok(), why(patched));

    QCOMPARE(server.requests().size(), 2);
    const ReceivedRequest &get = server.requests()[0];
    QCOMPARE(get.method, "GET");
    QCOMPARE(get.target, "/posthog/api/projects/7/feature_flags/5/");
    QCOMPARE(get.headers.value("authorization"), "Bearer phx_secret");
    QCOMPARE(get.headers.value("accept"), "application/json");
    QCOMPARE(get.headers.value("user-agent"), "bunting/" BUNTING_VERSION);
    const ReceivedRequest &patch = server.requests()[1];
    QCOMPARE(patch.method, "PATCH");
    QCOMPARE(patch.target, "/posthog/api/projects/7/feature_flags/5/");
    QCOMPARE(patch.headers.value("content-type"), "application/json");
    QCOMPARE(QJsonDocument::fromJson(patch.body).object(), QJsonObject({{u"active"_s, false}}));
}

void TestClientFailures::closedPortIsUnreachableAfterRetries()
{
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        closedPort = probe.serverPort();
    }
    auto c = client(QUrl(u"http://127.0.0.1:%1"_s.arg(closedPort)), 2, 100ms);
    QElapsedTimer clock;
    clock.start();
    const auto got = await<FeatureFlag>([&](auto done) { return c->getFlag(5, this, done); });
    QVERIFY(!got.ok());
    QCOMPARE(got.error().kind, ApiError::Kind::Unreachable);
    QCOMPARE(got.error().status, 0);
    // Two retries waited 100 ms, then 200 ms.
    QVERIFY2(clock.elapsed() >= 300, QByteArray::number(clock.elapsed()));
    const QString host = u"127.0.0.1:%1"_s.arg(closedPort);
    QVERIFY2(got.error().message().contains(host), qPrintable(got.error().message()));
}

void TestClientFailures::silentServerTimesOut()
{
    FakeHttpServer server;
    server.beSilent();
    auto c = client(server.url(), 0, 1ms, 300ms);
    QElapsedTimer clock;
    clock.start();
    const auto got = await<FeatureFlag>([&](auto done) { return c->getFlag(5, this, done); });
    QVERIFY(!got.ok());
    QCOMPARE(got.error().kind, ApiError::Kind::Timeout);
    QVERIFY(clock.elapsed() >= 300);
    QCOMPARE(got.error().timeout, 300ms);
    QVERIFY2(got.error().message().contains("300 ms"_L1), qPrintable(got.error().message()));
    QCOMPARE(server.requests().size(), 1);
}

void TestClientFailures::timeoutsAreRetriedForReadsOnly()
{
    FakeHttpServer server;
    server.beSilent();
    auto c = client(server.url(), 2, 1ms, 200ms);
    const auto read = await<FeatureFlag>([&](auto done) { return c->getFlag(5, this, done); });
    QCOMPARE(read.error().kind, ApiError::Kind::Timeout);
    QCOMPARE(server.requests().size(), 3);

    const auto write = await<FeatureFlag>([&](auto done) {
        return c->createFlag({{u"key"_s, u"k"_s}}, this, done);
    });
    QCOMPARE(write.error().kind, ApiError::Kind::Timeout);
    QCOMPARE(server.requests().size(), 4);
}

void TestClientFailures::getIsRetriedAfter503()
{
    FakeHttpServer server;
    server.answer(503, "<html>down</html>", "text/html");
    server.answer(200, flagJson);
    auto c = client(server.url(), 3);
    const auto got = await<FeatureFlag>([&](auto done) { return c->getFlag(5, this, done); });
    QVERIFY2(got.ok(), why(got));
    QCOMPARE(got->id, 5);
    QCOMPARE(server.requests().size(), 2);
}

void TestClientFailures::postIsNotRetried()
{
    FakeHttpServer server;
    server.answer(503, R"({"detail": "Try later."})");
    server.answer(201, flagJson);
    auto c = client(server.url(), 3);
    const auto created = await<FeatureFlag>([&](auto done) {
        return c->createFlag({{u"key"_s, u"checkout"_s}}, this, done);
    });
    QVERIFY(!created.ok());
    QCOMPARE(created.error().status, 503);
    QCOMPARE(created.error().message(), u"Try later."_s);
    QCOMPARE(server.requests().size(), 1);

    // bulk_keys only reads, but as a POST it is not repeated either.
    const auto keys =
        await<QHash<qint64, QString>>([&](auto done) { return c->bulkKeys({5}, this, done); });
    QVERIFY(!keys.ok());
    QCOMPARE(server.requests().size(), 2);
}

void TestClientFailures::retryAfterIsHonoured()
{
    FakeHttpServer server;
    server.answer(429, R"({"type": "throttled_error", "detail": "Slow down."})", "application/json",
                  {"Retry-After: 1"});
    server.answer(200, R"({"count": 0, "next": null, "previous": null, "results": []})");
    auto c = client(server.url(), 3, 1ms);
    QElapsedTimer clock;
    clock.start();
    const auto page =
        await<Page<FeatureFlag>>([&](auto done) { return c->listFlags({}, 0, 10, this, done); });
    QVERIFY2(page.ok(), why(page));
    QCOMPARE(page->count, 0);
    QVERIFY2(clock.elapsed() >= 1000, QByteArray::number(clock.elapsed()));
    QCOMPARE(server.requests().size(), 2);
}

void TestClientFailures::longRetryAfterIsReported()
{
    FakeHttpServer server;
    server.answer(429, {}, "text/plain", {"Retry-After: 3600"});
    auto c = client(server.url(), 3, 1ms);
    const auto page =
        await<Page<FeatureFlag>>([&](auto done) { return c->listFlags({}, 0, 10, this, done); });
    QVERIFY(!page.ok());
    QCOMPARE(page.error().status, 429);
    QCOMPARE(page.error().retryAfter, 3600);
    QCOMPARE(page.error().message(), u"Too many requests. Try again in 3600 seconds."_s);
    QCOMPARE(server.requests().size(), 1);
}

void TestClientFailures::giveUpAfterTheRetries()
{
    FakeHttpServer server;
    server.answer(502, "<html>bad gateway</html>", "text/html");
    auto c = client(server.url(), 2);
    const auto got = await<FeatureFlag>([&](auto done) { return c->getFlag(5, this, done); });
    QVERIFY(!got.ok());
    QCOMPARE(got.error().status, 502);
    QCOMPARE(server.requests().size(), 3);
}

void TestClientFailures::htmlSuccessIsInvalidResponse()
{
    FakeHttpServer server;
    server.answer(200, "<!doctype html><html><body>Sign in</body></html>", "text/html");
    auto c = client(server.url());
    const auto got = await<FeatureFlag>([&](auto done) { return c->getFlag(5, this, done); });
    QVERIFY(!got.ok());
    QCOMPARE(got.error().kind, ApiError::Kind::InvalidResponse);
    QCOMPARE(got.error().status, 200);
    QVERIFY2(got.error().message().contains("text/html"_L1), qPrintable(got.error().message()));
}

void TestClientFailures::wrongJsonShapeIsInvalidResponse()
{
    FakeHttpServer server;
    server.answer(200, "[1, 2]");
    auto c = client(server.url());
    const auto got = await<FeatureFlag>([&](auto done) { return c->getFlag(5, this, done); });
    QCOMPARE(got.error().kind, ApiError::Kind::InvalidResponse);
    QCOMPARE(got.error().reason, u"expected a feature flag, got a list"_s);

    const auto page =
        await<Page<FeatureFlag>>([&](auto done) { return c->listFlags({}, 0, 10, this, done); });
    QCOMPARE(page.error().kind, ApiError::Kind::InvalidResponse);
    QCOMPARE(page.error().reason, u"expected a page of results, got a list"_s);
}

void TestClientFailures::htmlErrorNamesTheStatus()
{
    FakeHttpServer server;
    server.answer(500, "<html><body><h1>Server Error (500)</h1></body></html>", "text/html");
    auto c = client(server.url());
    const auto got = await<FeatureFlag>([&](auto done) { return c->getFlag(5, this, done); });
    QVERIFY(!got.ok());
    QCOMPARE(got.error().kind, ApiError::Kind::Http);
    QCOMPARE(got.error().status, 500);
    QCOMPARE(got.error().message(), u"The server failed to answer the request (HTTP 500)."_s);
}

void TestClientFailures::cancelDuringBackoff()
{
    FakeHttpServer server;
    server.answer(503, {});
    auto c = client(server.url(), 3, 10s);
    std::optional<Result<FeatureFlag>> result;
    PendingCall *call =
        c->getFlag(5, this, [&](const Result<FeatureFlag> &r) { result.emplace(r); });
    QPointer<PendingCall> pointer(call);
    // The 503 came back and the client is waiting out its backoff.
    QTRY_VERIFY(!apiLog.filter("retrying"_L1).isEmpty());
    QVERIFY(!result);
    QVERIFY(call->isRunning());
    call->cancel();
    QVERIFY(result);
    QCOMPARE(result->error().kind, ApiError::Kind::Canceled);
    QTRY_VERIFY(pointer.isNull());
    QCOMPARE(server.requests().size(), 1);
}

void TestClientFailures::hostlessEndpointFailsLater()
{
    Client c(Endpoint{QUrl(), u"7"_s, u"phx"_s});
    bool called = false;
    std::optional<Result<FeatureFlag>> result;
    c.getFlag(5, this, [&](const Result<FeatureFlag> &r) {
        called = true;
        result.emplace(r);
    });
    QVERIFY(!called); // never inside the call that started it
    QTRY_VERIFY(called);
    QCOMPARE(result->error().kind, ApiError::Kind::Unreachable);
}

QTEST_GUILESS_MAIN(TestClientFailures)
#include "tst_client_failures.moc"
