// bunting-server as a process under the loads of issue 20 that only show in a whole process:
// clients that pipeline and never read (they grew the server to gigabytes), a 200 MB header
// line, and more idle connections than the process may open files (every request then timed
// out). Plain POSIX sockets, so that the client side is as careless as the attack.
#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

QString serverExecutable()
{
    return QStringLiteral(BUNTING_SERVER_EXECUTABLE);
}

// A client socket on the loopback port, or -1.
int connectTo(quint16 port, bool nonBlocking = false)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    if (nonBlocking)
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

// Sends `request` and reads until the answer's head and Content-Length body are in, or `ms`.
QByteArray exchange(int fd, const QByteArray &request, int ms = 5000)
{
    if (::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL) != request.size())
        return {};
    QByteArray answer;
    const QDeadlineTimer deadline(ms);
    static const QRegularExpression length(u"Content-Length: (\\d+)"_s);
    while (!deadline.hasExpired()) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, int(deadline.remainingTime())) <= 0)
            break;
        char buffer[4096];
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0)
            break;
        answer.append(buffer, got);
        const qsizetype end = answer.indexOf("\r\n\r\n");
        if (end < 0)
            continue;
        const auto match = length.match(QString::fromLatin1(answer.left(end)));
        if (match.hasMatch() && answer.size() >= end + 4 + match.captured(1).toLongLong())
            break;
    }
    return answer;
}

const QByteArray health = "GET /_health HTTP/1.1\r\nHost: test\r\n\r\n";

// The process's resident memory, in bytes.
qint64 residentBytes(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    static const QRegularExpression rss(u"VmRSS:\\s+(\\d+) kB"_s);
    const auto match = rss.match(QString::fromLatin1(status.readAll()));
    return match.hasMatch() ? match.captured(1).toLongLong() * 1024 : -1;
}

// The server's CPU time so far, in clock ticks.
qint64 cpuTicks(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    return fields.size() > 12 ? fields[11].toLongLong() + fields[12].toLongLong() : -1;
}

} // namespace

class TestServerLimits : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QProcess m_server;
    quint16 m_port = 0;

    // Starts `bunting-server serve` with at most `files` open files (0: as inherited).
    void start(rlim_t files = 0)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"HOME"_s, m_home.path());
        env.insert(u"XDG_DATA_HOME"_s, m_home.filePath(u"data"_s));
        env.insert(u"QT_LOGGING_RULES"_s, u"bunting.server.http.info=false"_s);
        m_server.setProcessEnvironment(env);
        m_server.setProgram(serverExecutable());
        m_server.setArguments({u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s, u"--db"_s,
                               m_home.filePath(u"limits.sqlite"_s)});
        m_server.setChildProcessModifier([files] {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (files) {
                const rlimit limit{files, files};
                ::setrlimit(RLIMIT_NOFILE, &limit);
            }
        });
        m_server.start();
        QVERIFY(m_server.waitForStarted(10000));
        static const QRegularExpression listening(u"listening on http://127\\.0\\.0\\.1:(\\d+) "_s);
        QString out;
        const QDeadlineTimer deadline(20000);
        while (!deadline.hasExpired() && m_server.state() == QProcess::Running) {
            m_server.waitForReadyRead(200);
            out += QString::fromUtf8(m_server.readAllStandardOutput());
            if (const auto match = listening.match(out); match.hasMatch()) {
                m_port = quint16(match.captured(1).toUInt());
                return;
            }
        }
        QFAIL(qPrintable(u"the server did not start: "_s + out +
                         QString::fromUtf8(m_server.readAllStandardError())));
    }
    int healthStatus(int ms = 5000)
    {
        const int fd = connectTo(m_port);
        if (fd < 0)
            return 0;
        const QByteArray answer = exchange(fd, health, ms);
        ::close(fd);
        return answer.startsWith("HTTP/1.1 ") ? answer.mid(9, 3).toInt() : 0;
    }

private Q_SLOTS:
    void init() { QVERIFY(m_home.isValid()); }
    void cleanup()
    {
        if (m_server.state() != QProcess::NotRunning) {
            m_server.kill();
            m_server.waitForFinished(10000);
        }
        m_port = 0;
    }

    // Four clients pipeline requests as fast as the server takes them and never read an
    // answer, and a fifth sends a header line without end: the server holds a bounded amount
    // for each and keeps answering others.
    void carelessClientsCostBoundedMemory()
    {
        start();
        QCOMPARE(healthStatus(), 200);
        const qint64 pid = m_server.processId();
        const qint64 before = residentBytes(pid);
        QVERIFY(before > 0);

        std::vector<int> greedy;
        for (int i = 0; i < 4; ++i) {
            greedy.push_back(connectTo(m_port, true));
            QVERIFY(greedy.back() >= 0);
        }
        QByteArray requests;
        for (int i = 0; i < 2000; ++i)
            requests += health;
        const int endless = connectTo(m_port, true);
        QVERIFY(endless >= 0);
        const QByteArray line = "GET /_health HTTP/1.1\r\nX-Endless: ";
        QCOMPARE(::send(endless, line.constData(), size_t(line.size()), MSG_NOSIGNAL),
                 ssize_t(line.size()));
        const QByteArray filler(64 * 1024, 'x');

        qint64 sent = 0, sentInLine = 0;
        const QDeadlineTimer deadline(4000);
        while (!deadline.hasExpired()) {
            bool progress = false;
            for (int fd : greedy) {
                const ssize_t n =
                    ::send(fd, requests.constData(), size_t(requests.size()), MSG_NOSIGNAL);
                if (n > 0) {
                    sent += n;
                    progress = true;
                }
            }
            if (sentInLine < 200LL * 1024 * 1024) {
                const ssize_t n =
                    ::send(endless, filler.constData(), size_t(filler.size()), MSG_NOSIGNAL);
                if (n > 0) {
                    sentInLine += n;
                    progress = true;
                }
            }
            if (!progress)
                QTest::qSleep(20);
        }
        const qint64 during = residentBytes(pid);
        QCOMPARE(healthStatus(), 200);
        qInfo("sent %lld bytes of pipelined requests and %lld of one header line; server "
              "resident memory %lld MB before, %lld MB during",
              sent, sentInLine, before >> 20, during >> 20);
        // Each client holds at most the unsent-answer bound, one answer and its buffers.
        QVERIFY2(during - before < 48LL * 1024 * 1024,
                 qPrintable(u"the server grew by %1 MB"_s.arg((during - before) >> 20)));
        for (int fd : greedy)
            ::close(fd);
        ::close(endless);
    }

    // With 256 files allowed and 300 clients holding idle connections, a new client is still
    // answered: the oldest idle connections make room, and the server does not spin.
    void moreIdleConnectionsThanFilesAreShed()
    {
        start(256);
        QCOMPARE(healthStatus(), 200);
        std::vector<int> idle;
        for (int i = 0; i < 300; ++i) {
            const int fd = connectTo(m_port);
            QVERIFY(fd >= 0);
            // Half of them once served, half never said a word.
            if (i % 2 == 0)
                exchange(fd, health, 2000);
            idle.push_back(fd);
        }
        const qint64 pid = m_server.processId();
        const qint64 ticksBefore = cpuTicks(pid);
        QTest::qSleep(1000);
        const qint64 ticksIdle = cpuTicks(pid) - ticksBefore;
        for (int i = 0; i < 5; ++i)
            QCOMPARE(healthStatus(), 200);
        // Spinning on a listening socket it cannot accept from costs a whole core (100 ticks a
        // second); waiting costs next to nothing.
        QVERIFY2(ticksIdle < 30, qPrintable(u"%1 ticks in one idle second"_s.arg(ticksIdle)));
        for (int fd : idle)
            ::close(fd);
    }
};

QTEST_GUILESS_MAIN(TestServerLimits)
#include "tst_server_limits.moc"
