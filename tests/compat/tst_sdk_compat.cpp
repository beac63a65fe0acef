// The real PostHog SDK for servers (posthog-node, unmodified, from npm) against the real
// bunting-server: each test starts the server on a fresh SQLite file and a free loopback port,
// reads the project token and the owner's key from its first-start output, and runs one Node
// scenario against it. A scenario checks every SDK behaviour it covers and prints each one that
// fails, so a failure here names the behaviours, not just the scenario.
//
// One scenario by hand, with every passing check listed too (the server's output is in the log):
//   BUNTING_COMPAT_VERBOSE=1 ./tst_sdk_compat nodeLocalEvaluation
#include "compat_server.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestSdkCompat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void nodeRemoteEvaluation();
    void nodeLocalEvaluation();
    void nodeFlagCalledEvents();

private:
    void runScenario(const QString &script, const QStringList &args = {});

    compat::Server m_server;
};

void TestSdkCompat::init()
{
    const QString error = m_server.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestSdkCompat::cleanup()
{
    const QString log = m_server.stop();
    // Shown only for a failed test, where what the server logged may say why.
    if (QTest::currentTestFailed() && !log.isEmpty())
        qInfo().noquote() << "bunting-server log:\n" << log;
}

void TestSdkCompat::runScenario(const QString &script, const QStringList &args)
{
    const compat::ScenarioRun run = compat::runScenario(m_server, script, args);
    QVERIFY2(run.finished, qPrintable(script + u" did not finish in time:\n"_s + run.output));
    if (!run.passed)
        QFAIL(qPrintable(script + u' ' + args.join(u' ') + u" reports:\n"_s + run.output));
    qInfo().noquote() << run.output.trimmed().split(u'\n').constLast();
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

QTEST_GUILESS_MAIN(TestSdkCompat)
#include "tst_sdk_compat.moc"
