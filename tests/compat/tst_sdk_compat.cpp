// The real PostHog SDKs (posthog-node and posthog-js, unmodified, from npm) against the real
// bunting-server: each test starts the server on a fresh SQLite file and a free loopback port,
// reads the project token and the owner's key from its first-start output, and runs one Node
// scenario against it. A scenario checks every SDK behaviour it covers and prints each one that
// fails, so a failure here names the behaviours, not just the scenario.
//
// One scenario by hand, with every passing check listed too (the server's output is in the log):
//   BUNTING_COMPAT_VERBOSE=1 ./tst_sdk_compat nodeLocalEvaluation
#include <QDeadlineTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <memory>
#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif

using namespace Qt::StringLiterals;

namespace {

constexpr int startTimeoutMs = 15000;
// Each scenario takes a few seconds; this only stops one that hangs.
constexpr int scenarioTimeoutMs = 40000;

// Dies with this test process, even if the test crashes or ctest kills it.
void dieWithParent(QProcess &process)
{
#ifdef Q_OS_LINUX
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
#else
    Q_UNUSED(process);
#endif
}

} // namespace

class TestSdkCompat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void nodeRemoteEvaluation();
    void nodeLocalEvaluation();
    void nodeFlagCalledEvents();
    void jsBrowserFlags();

private:
    void runScenario(const QString &script, const QStringList &args = {});

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_server;
    QString m_host;
    QString m_token;
    QString m_ownerKey;
};

void TestSdkCompat::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_server = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // No default database or setting of the user's is touched.
    env.insert(u"HOME"_s, m_dir->path());
    env.insert(u"XDG_DATA_HOME"_s, m_dir->filePath(u"data"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, m_dir->filePath(u"config"_s));
    m_server->setProcessEnvironment(env);
    m_server->setProgram(QStringLiteral(BUNTING_SERVER_EXECUTABLE));
    m_server->setArguments(
        {u"--db"_s, m_dir->filePath(u"compat.sqlite"_s), u"--listen"_s, u"127.0.0.1:0"_s});
    dieWithParent(*m_server);
    m_server->start();
    QVERIFY2(m_server->waitForStarted(startTimeoutMs), qPrintable(m_server->errorString()));

    static const QRegularExpression token(u"project token (phc_\\S+)\\)"_s);
    static const QRegularExpression key(u"^\\s+(phx_\\S+)\\s*$"_s,
                                        QRegularExpression::MultilineOption);
    static const QRegularExpression listening(u"listening on (http://127\\.0\\.0\\.1:\\d+)"_s);
    QString out;
    const QDeadlineTimer deadline(startTimeoutMs);
    while (!listening.match(out).hasMatch() && !deadline.hasExpired() &&
           m_server->state() == QProcess::Running) {
        m_server->waitForReadyRead(100);
        out += QString::fromUtf8(m_server->readAllStandardOutput());
    }
    const auto listen = listening.match(out);
    QVERIFY2(listen.hasMatch(), qPrintable(u"bunting-server did not start:\n"_s + out +
                                           QString::fromUtf8(m_server->readAllStandardError())));
    m_host = listen.captured(1);
    m_token = token.match(out).captured(1);
    m_ownerKey = key.match(out).captured(1);
    QVERIFY2(!m_token.isEmpty() && !m_ownerKey.isEmpty(),
             qPrintable(u"no project token or owner key in:\n"_s + out));
}

void TestSdkCompat::cleanup()
{
    if (m_server) {
        m_server->kill();
        m_server->waitForFinished(startTimeoutMs);
        // Shown only for a failed test, where what the server logged may say why.
        const QByteArray log = m_server->readAllStandardError();
        if (QTest::currentTestFailed() && !log.isEmpty())
            qInfo().noquote() << "bunting-server log:\n" << QString::fromUtf8(log.right(6000));
    }
    m_server.reset();
    m_dir.reset();
}

void TestSdkCompat::runScenario(const QString &script, const QStringList &args)
{
    QProcess node;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"BUNTING_COMPAT_HOST"_s, m_host);
    env.insert(u"BUNTING_COMPAT_TOKEN"_s, m_token);
    env.insert(u"BUNTING_COMPAT_OWNER_KEY"_s, m_ownerKey);
    env.insert(u"BUNTING_COMPAT_NODE_MODULES"_s, QStringLiteral(BUNTING_COMPAT_NODE_MODULES));
    env.insert(u"NO_COLOR"_s, u"1"_s);
    node.setProcessEnvironment(env);
    node.setProcessChannelMode(QProcess::MergedChannels);
    node.setProgram(QStringLiteral(BUNTING_NODE_EXECUTABLE));
    node.setArguments(QStringList{QStringLiteral(BUNTING_COMPAT_SCRIPTS) + u'/' + script} + args);
    dieWithParent(node);
    node.start();
    QVERIFY2(node.waitForStarted(startTimeoutMs), qPrintable(node.errorString()));
    const bool finished = node.waitForFinished(scenarioTimeoutMs);
    if (!finished) {
        node.kill();
        node.waitForFinished(startTimeoutMs);
    }
    const QString out = QString::fromUtf8(node.readAll());
    QVERIFY2(finished, qPrintable(script + u" did not finish in time:\n"_s + out));
    if (node.exitStatus() != QProcess::NormalExit || node.exitCode() != 0)
        QFAIL(qPrintable(script + u' ' + args.join(u' ') + u" reports:\n"_s + out));
    qInfo().noquote() << out.trimmed().split(u'\n').constLast();
}

void TestSdkCompat::nodeRemoteEvaluation()
{
    runScenario(u"node_flags.mjs"_s, {u"remote"_s});
}

void TestSdkCompat::nodeLocalEvaluation()
{
    runScenario(u"node_flags.mjs"_s, {u"local"_s});
}

void TestSdkCompat::nodeFlagCalledEvents()
{
    runScenario(u"node_events.mjs"_s);
}

void TestSdkCompat::jsBrowserFlags()
{
    runScenario(u"js_browser.mjs"_s);
}

QTEST_GUILESS_MAIN(TestSdkCompat)
#include "tst_sdk_compat.moc"
