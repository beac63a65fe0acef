// The HTTP layer against careless and hostile clients (issue 20, items 3 and 4): malformed
// requests get a 400, over-long headers a 431, over-long bodies a 413 before they are read,
// connections close when asked and after timeouts, a client that never reads is not read from,
// and at the connection limit the oldest idle connection makes room. Raw TCP, because no HTTP
// client library sends these requests.
#include "local_server.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting::server;
using namespace std::chrono_literals;

namespace {

// A client that writes bytes as given and collects whatever comes back.
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        QObject::connect(&m_socket, &QTcpSocket::readyRead,
                         [this] { m_received += m_socket.readAll(); });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, [this] { m_closed = true; });
    }
    bool connected()
    {
        return QTest::qWaitFor(
            [this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }
    void send(const QByteArray &bytes) { m_socket.write(bytes); }
    // Waits until `count` answers have arrived whole, or the connection closed, or 5 s passed.
    QList<int> answers(int count)
    {
        (void)QTest::qWaitFor([&] { return statuses().size() >= count || m_closed; }, 5000);
        return statuses();
    }
    bool closesWithin(int ms)
    {
        if (ms > 0)
            (void)QTest::qWaitFor([this] { return m_closed; }, ms);
        return m_closed;
    }
    const QByteArray &received() const { return m_received; }
    QTcpSocket &socket() { return m_socket; }

    // The status of each whole answer received so far.
    QList<int> statuses() const
    {
        QList<int> found;
        qsizetype at = 0;
        static const QRegularExpression head(u"^HTTP/1\\.1 (\\d{3}) [^\\r]*\\r\\n"_s);
        while (at < m_received.size()) {
            const qsizetype end = m_received.indexOf("\r\n\r\n", at);
            if (end < 0)
                break;
            const QString text = QString::fromLatin1(m_received.mid(at, end - at + 2));
            const auto match = head.match(text);
            if (!match.hasMatch())
                break;
            const int status = match.captured(1).toInt();
            static const QRegularExpression lengthHeader(u"\\r\\nContent-Length: (\\d+)\\r\\n"_s,
                                                         QRegularExpression::CaseInsensitiveOption);
            const auto length = lengthHeader.match(text + u"\r\n"_s);
            const qsizetype bodyEnd =
                end + 4 + (length.hasMatch() ? length.captured(1).toLongLong() : 0);
            if (status == 100) {
                at = end + 4;
                continue;
            }
            if (bodyEnd > m_received.size())
                break;
            found.append(status);
            at = bodyEnd;
        }
        return found;
    }
    // The JSON error of the last answer.
    QJsonObject lastError() const
    {
        const qsizetype start = m_received.lastIndexOf("\r\n\r\n");
        return QJsonDocument::fromJson(m_received.mid(start + 4)).object();
    }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
    bool m_closed = false;
};

const QByteArray health = "GET /_health HTTP/1.1\r\nHost: test\r\n\r\n";

} // namespace

class TestHttpLimits : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<LocalServer> m_server;
    quint16 m_port = 0;
    QByteArray m_key;

    void start(const HttpLimits &limits, int threads = 2)
    {
        m_server.reset();
        m_dir = std::make_unique<QTemporaryDir>();
        DatabaseLocation location;
        location.sqlitePath = m_dir->filePath(u"limits.sqlite"_s);
        m_server = std::make_unique<LocalServer>(location);
        const auto first = m_server->open();
        QVERIFY(first);
        m_key = first->ownerKey.value.toUtf8();
        m_server->setHttpLimits(limits);
        m_port = m_server->listen(QHostAddress::LocalHost, 0, threads);
        QVERIFY(m_port);
    }
    static HttpLimits quick()
    {
        HttpLimits limits;
        limits.idleTimeout = 400ms;
        limits.headerTimeout = 400ms;
        limits.bodyTimeout = 400ms;
        limits.sendTimeout = 400ms;
        return limits;
    }
    QByteArray createFlag(const QByteArray &key, const QByteArray &extraHeaders = {})
    {
        const QByteArray body =
            "{\"key\":\"" + key +
            "\",\"filters\":{\"groups\":[{\"properties\":[],\"rollout_percentage\":0}]}}";
        return "POST /api/projects/@current/feature_flags/ HTTP/1.1\r\nHost: test\r\n"
               "Authorization: Bearer " +
               m_key + "\r\nContent-Type: application/json\r\n" + extraHeaders +
               "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }

private Q_SLOTS:
    void initTestCase() { QLoggingCategory::setFilterRules(u"bunting.server.http.info=false"_s); }
    void cleanup()
    {
        m_server.reset();
        m_dir.reset();
    }

    // RFC 9112 §3 and §6.3: a request line or a Content-Length that cannot be read is a 400,
    // and the connection cannot be trusted further, so it closes.
    void unreadableRequestsGet400_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::newRow("no request line") << QByteArray("GARBAGE\r\n\r\n");
        QTest::newRow("unknown version") << QByteArray("GET /_health HTTP/9.x\r\n\r\n");
        QTest::newRow("space in target") << QByteArray("GET /_he alth HTTP/1.1\r\n\r\n");
        QTest::newRow("negative length")
            << QByteArray("POST /flags HTTP/1.1\r\nHost: t\r\nContent-Length: -5\r\n\r\n");
        QTest::newRow("letters as length")
            << QByteArray("POST /flags HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n");
        QTest::newRow("two lengths")
            << QByteArray("POST /flags HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n"
                          "Content-Length: 3\r\n\r\n{}");
        QTest::newRow("length and chunked")
            << QByteArray("POST /flags HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
        QTest::newRow("bad chunk size")
            << QByteArray("POST /flags HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "zz\r\n{}\r\n0\r\n\r\n");
        QTest::newRow("control byte in header")
            << QByteArray("GET /_health HTTP/1.1\r\nHost: t\x01\r\n\r\n");
    }
    void unreadableRequestsGet400()
    {
        QFETCH(QByteArray, request);
        start({});
        RawClient client(m_port);
        QVERIFY(client.connected());
        client.send(request);
        QCOMPARE(client.answers(1), QList<int>{400});
        const QJsonObject error = client.lastError();
        QCOMPARE(error.value("type"_L1).toString(), u"invalid_request"_s);
        QCOMPARE(error.value("code"_L1).toString(), u"bad_request"_s);
        QVERIFY(error.contains("attr"_L1));
        QVERIFY(client.received().contains("Connection: close"));
        QVERIFY(client.closesWithin(3000));
    }

    // RFC 9110 §15.6.6: a major version other than 1 is refused, not answered as HTTP/1.1.
    void otherMajorVersionsGet505()
    {
        start({});
        RawClient client(m_port);
        QVERIFY(client.connected());
        client.send("GET /_health HTTP/2.0\r\nHost: t\r\n\r\n");
        QCOMPARE(client.answers(1), QList<int>{505});
        QVERIFY(client.closesWithin(3000));
    }

    // RFC 6585 §5: headers over the limit get a 431, however they are split into pieces and
    // before the rest of a 200 MB header line is read.
    void overLongHeadersGet431_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::newRow("one long header")
            << "GET /_health HTTP/1.1\r\nHost: t\r\nX-Big: " + QByteArray(40000, 'a') + "\r\n\r\n";
        QByteArray many = "GET /_health HTTP/1.1\r\nHost: t\r\n";
        for (int i = 0; i < 2000; ++i)
            many += "X-" + QByteArray::number(i) + ": 1234567890\r\n";
        QTest::newRow("many headers") << many + "\r\n";
        QTest::newRow("long target")
            << "GET /_health?" + QByteArray(40000, 'q') + " HTTP/1.1\r\nHost: t\r\n\r\n";
        QTest::newRow("200 MB header line, first 4 MB")
            << "GET /_health HTTP/1.1\r\nX-Huge: " + QByteArray(4 * 1024 * 1024, 'h');
    }
    void overLongHeadersGet431()
    {
        QFETCH(QByteArray, request);
        start({});
        RawClient client(m_port);
        QVERIFY(client.connected());
        client.send(request);
        QCOMPARE(client.answers(1), QList<int>{431});
        QCOMPARE(client.lastError().value("code"_L1).toString(),
                 u"request_header_fields_too_large"_s);
        QVERIFY(client.closesWithin(5000));
    }

    // A body over the limit is refused from its Content-Length: the 413 comes before a byte of
    // the body is sent, so neither side spends anything on it.
    void overLongBodyRefusedBeforeItIsSent()
    {
        HttpLimits limits;
        limits.maxBodyBytes = 1024;
        start(limits);
        RawClient client(m_port);
        QVERIFY(client.connected());
        client.send("POST /flags/?v=2 HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n");
        QCOMPARE(client.answers(1), QList<int>{413});
        QCOMPARE(client.lastError().value("code"_L1).toString(), u"payload_too_large"_s);
        QVERIFY(client.closesWithin(5000));
    }

    void overLongChunkedBodyRefusedAsItArrives()
    {
        HttpLimits limits;
        limits.maxBodyBytes = 1024;
        start(limits);
        RawClient client(m_port);
        QVERIFY(client.connected());
        QByteArray request =
            "POST /flags/?v=2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 3; ++i)
            request += "200\r\n" + QByteArray(512, ' ') + "\r\n";
        client.send(request);
        QCOMPARE(client.answers(1), QList<int>{413});
    }

    // A chunked body within the limit is served like any other.
    void chunkedBodyIsServed()
    {
        start({});
        RawClient client(m_port);
        QVERIFY(client.connected());
        const QByteArray body = "{\"key\":\"chunked\",\"filters\":{\"groups\":[{\"properties\":[],"
                                "\"rollout_percentage\":0}]}}";
        const QByteArray first = body.left(10), rest = body.mid(10);
        client.send("POST /api/projects/@current/feature_flags/ HTTP/1.1\r\nHost: t\r\n"
                    "Authorization: Bearer " +
                    m_key +
                    "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                    QByteArray::number(first.size(), 16) + "\r\n" + first + "\r\n" +
                    QByteArray::number(rest.size(), 16) + "\r\n" + rest + "\r\n0\r\n\r\n");
        QCOMPARE(client.answers(1), QList<int>{201});
    }

    // RFC 9110 §10.1.1: a client that waits for "100 Continue" gets it, then its answer.
    void expectContinueIsAnswered()
    {
        start({});
        RawClient client(m_port);
        QVERIFY(client.connected());
        const QByteArray request = createFlag("continued", "Expect: 100-continue\r\n");
        const qsizetype headEnd = request.indexOf("\r\n\r\n") + 4;
        client.send(request.left(headEnd));
        QTRY_VERIFY_WITH_TIMEOUT(client.received().startsWith("HTTP/1.1 100 Continue\r\n\r\n"),
                                 5000);
        client.send(request.mid(headEnd));
        QCOMPARE(client.answers(1), QList<int>{201});
    }

    // RFC 9112 §9.3 and §9.6: HTTP/1.1 keeps the connection; "Connection: close" and HTTP/1.0
    // without keep-alive close it after the answer, which says so.
    void connectionsCloseWhenAsked_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<bool>("closes");
        QTest::newRow("HTTP/1.1") << health << false;
        QTest::newRow("HTTP/1.1, Connection: close")
            << QByteArray("GET /_health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n") << true;
        QTest::newRow("HTTP/1.0") << QByteArray("GET /_health HTTP/1.0\r\n\r\n") << true;
        QTest::newRow("HTTP/1.0, keep-alive")
            << QByteArray("GET /_health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << false;
    }
    void connectionsCloseWhenAsked()
    {
        QFETCH(QByteArray, request);
        QFETCH(bool, closes);
        start({});
        RawClient client(m_port);
        QVERIFY(client.connected());
        client.send(request);
        QCOMPARE(client.answers(1), QList<int>{200});
        QCOMPARE(client.received().contains("Connection: close"), closes);
        QCOMPARE(client.closesWithin(closes ? 3000 : 300), closes);
        if (!closes) {
            client.send(request);
            QCOMPARE(client.answers(2), (QList<int>{200, 200}));
        }
    }

    // Pipelined requests are answered in the order they came, on both the main thread's routes
    // and the SDK's concurrent ones.
    void pipelinedRequestsAnsweredInOrder()
    {
        start({});
        RawClient client(m_port);
        QVERIFY(client.connected());
        client.send(health + createFlag("first") + "GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n" +
                    createFlag("first") + health);
        QCOMPARE(client.answers(5), (QList<int>{200, 201, 404, 400, 200}));
    }

    void idleConnectionClosesAfterItsTimeout()
    {
        start(quick());
        RawClient client(m_port);
        QVERIFY(client.connected());
        client.send(health);
        QCOMPARE(client.answers(1), QList<int>{200});
        QVERIFY(client.closesWithin(3000));
    }

    // Slowloris: headers a byte at a time get a 408 once the header time is up, however
    // steadily the bytes come.
    void slowHeadersGet408()
    {
        start(quick());
        RawClient client(m_port);
        QVERIFY(client.connected());
        const QByteArray request = "GET /_health HTTP/1.1\r\nHost: t\r\nX-Slow: ";
        for (int i = 0; i < 40 && !client.closesWithin(0); ++i) {
            client.send(request.mid(i, 1).isEmpty() ? "a" : request.mid(i, 1));
            QTest::qWait(50);
        }
        QCOMPARE(client.answers(1), QList<int>{408});
        QCOMPARE(client.lastError().value("code"_L1).toString(), u"request_timeout"_s);
        QVERIFY(client.closesWithin(3000));
    }

    void stalledBodyGets408()
    {
        start(quick());
        RawClient client(m_port);
        QVERIFY(client.connected());
        client.send("POST /flags/?v=2 HTTP/1.1\r\nHost: t\r\nContent-Length: 50\r\n\r\n{\"dis");
        QCOMPARE(client.answers(1), QList<int>{408});
        QVERIFY(client.closesWithin(3000));
    }

    // A client that pipelines and never reads: once its unread answers pass the bound the
    // server stops reading it, so what the server holds for it stays bounded however much it
    // sends; the rest waits in the kernel, and nothing is lost when it reads again.
    void clientThatNeverReadsIsNotRead()
    {
        HttpLimits limits;
        limits.maxUnsentBytes = 64 * 1024;
        limits.readBufferBytes = 16 * 1024;
        start(limits, 1);
        RawClient client(m_port);
        QVERIFY(client.connected());
        QTcpSocket &socket = client.socket();
        QObject::disconnect(&socket, &QTcpSocket::readyRead, nullptr, nullptr);
        socket.setReadBufferSize(1);
        constexpr int requests = 100'000; // 3.7 MB of requests, 20 MB of answers
        QByteArray many;
        for (int i = 0; i < requests; ++i)
            many += health;
        socket.write(many);
        qint64 most = 0;
        for (int i = 0; i < 30; ++i) {
            QTest::qWait(50);
            most = std::max(most, m_server->http().bufferedBytes());
        }
        // The bound, one answer past it, the socket's read buffer and one parse chunk.
        QVERIFY2(
            most < limits.maxUnsentBytes + 1024 + limits.readBufferBytes + 16 * 1024,
            qPrintable(u"the server held %1 bytes for a client that does not read"_s.arg(most)));
        QByteArray received;
        QObject::connect(&socket, &QTcpSocket::readyRead, [&] { received += socket.readAll(); });
        socket.setReadBufferSize(0);
        received += socket.readAll();
        QTRY_COMPARE_WITH_TIMEOUT(received.count("HTTP/1.1 200 OK\r\n"), requests, 60000);
    }

    // At the connection limit a new client gets the oldest idle connection's place; when none
    // is idle, it is told to come back (503) and the others are kept.
    void oldestIdleConnectionMakesRoom()
    {
        HttpLimits limits;
        limits.maxConnections = 5;
        start(limits, 1);
        std::vector<std::unique_ptr<RawClient>> idle;
        for (int i = 0; i < 5; ++i) {
            idle.push_back(std::make_unique<RawClient>(m_port));
            QVERIFY(idle.back()->connected());
            idle.back()->send(health);
            QCOMPARE(idle.back()->answers(1), QList<int>{200});
        }
        RawClient late(m_port);
        QVERIFY(late.connected());
        late.send(health);
        QCOMPARE(late.answers(1), QList<int>{200});
        QVERIFY(idle.front()->closesWithin(3000));
        for (size_t i = 1; i < idle.size(); ++i)
            QVERIFY(!idle[i]->closesWithin(0));
    }

    void fullOfBusyConnectionsAnswers503()
    {
        HttpLimits limits;
        limits.maxConnections = 3;
        start(limits, 1);
        std::vector<std::unique_ptr<RawClient>> busy;
        for (int i = 0; i < 3; ++i) {
            busy.push_back(std::make_unique<RawClient>(m_port));
            QVERIFY(busy.back()->connected());
            busy.back()->send("GET /_health HTTP/1.1\r\nHost: t\r\n"); // headers not finished
        }
        QTest::qWait(200);
        RawClient late(m_port);
        QVERIFY(late.connected());
        QCOMPARE(late.answers(1), QList<int>{503});
        QCOMPARE(late.lastError().value("code"_L1).toString(), u"too_many_connections"_s);
        busy.front()->send("\r\n");
        QCOMPARE(busy.front()->answers(1), QList<int>{200});
    }
};

QTEST_GUILESS_MAIN(TestHttpLimits)
#include "tst_http_limits.moc"
