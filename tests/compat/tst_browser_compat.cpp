// posthog-js in a real browser against the real bunting-server: Debian's Chromium, headless,
// driven by puppeteer-core (browser_page.mjs), on a page from another origin than the server's.
// A browser, unlike jsdom (which these suites used before), enforces CORS, loads config.js as a
// script and reports every failed request on its console.
//
// By hand, with every passing check listed:
//   BUNTING_COMPAT_VERBOSE=1 ./tst_browser_compat
#include "compat_server.h"

#include <QFileInfo>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;

class TestBrowserCompat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void posthogJsInChromium();
};

namespace {

// A loopback port nothing listens on now, for the scenario's pages.
quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

} // namespace

void TestBrowserCompat::posthogJsInChromium()
{
    const QString chromium = QStringLiteral(BUNTING_CHROMIUM_EXECUTABLE);
    QVERIFY2(
        QFileInfo(chromium).isExecutable(),
        qPrintable(u"no Chromium at '%1'; scripts/install-deps installs Debian's"_s.arg(chromium)));
    const quint16 pagePort = freePort();
    QVERIFY(pagePort != 0);

    compat::Server server;
    // The page's origin under another name (localhost rather than 127.0.0.1) is let in, so the
    // scenario sees the management API both refuse and answer a page.
    const QString error =
        server.start({u"--allow-origin"_s, u"http://localhost:%1"_s.arg(pagePort)});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const compat::ScenarioRun run = compat::runScenario(
        server, u"browser_page.mjs"_s, {chromium, QString::number(pagePort)}, 90000);
    const QString log = server.stop();
    // Printed whole: a failure message of QTest's is cut short.
    if (!run.passed)
        qInfo().noquote() << "bunting-server log:\n"
                          << log << "\nbrowser_page.mjs reports:\n"
                          << run.output;
    QVERIFY2(run.finished, "browser_page.mjs did not finish in time");
    QVERIFY2(run.passed, "browser_page.mjs reports failed checks (above)");
    qInfo().noquote() << run.output.trimmed().split(u'\n').constLast();
}

QTEST_GUILESS_MAIN(TestBrowserCompat)
#include "tst_browser_compat.moc"
