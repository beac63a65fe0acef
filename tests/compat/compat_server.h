#pragma once

// What the SDK compatibility suites share: a real bunting-server process on a fresh SQLite file
// and a free loopback port (its project token and owner key read from its first-start output),
// and a Node scenario from this directory run against it. The suites define
// BUNTING_SERVER_EXECUTABLE, BUNTING_NODE_EXECUTABLE, BUNTING_COMPAT_SCRIPTS and
// BUNTING_COMPAT_NODE_MODULES (tests/compat/CMakeLists.txt).
#include <QDeadlineTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <csignal>
#include <memory>
#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif

namespace compat {

constexpr int startTimeoutMs = 15000;
// Each scenario takes a few seconds; this only stops one that hangs.
constexpr int scenarioTimeoutMs = 40000;

// Dies with this test process, even if the test crashes or ctest kills it.
inline void dieWithParent(QProcess &process)
{
#ifdef Q_OS_LINUX
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
#else
    Q_UNUSED(process);
#endif
}

class Server
{
public:
    // Empty on success, else why the server did not start. `extraArgs` go to bunting-server.
    QString start(const QStringList &extraArgs = {})
    {
        using namespace Qt::StringLiterals;
        m_dir = std::make_unique<QTemporaryDir>();
        if (!m_dir->isValid())
            return u"no temporary directory"_s;
        m_process = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        // No default database or setting of the user's is touched.
        env.insert(u"HOME"_s, m_dir->path());
        env.insert(u"XDG_DATA_HOME"_s, m_dir->filePath(u"data"_s));
        env.insert(u"XDG_CONFIG_HOME"_s, m_dir->filePath(u"config"_s));
        m_process->setProcessEnvironment(env);
        m_process->setProgram(QStringLiteral(BUNTING_SERVER_EXECUTABLE));
        m_process->setArguments(QStringList{u"--db"_s, m_dir->filePath(u"compat.sqlite"_s),
                                            u"--listen"_s, u"127.0.0.1:0"_s} +
                                extraArgs);
        dieWithParent(*m_process);
        m_process->start();
        if (!m_process->waitForStarted(startTimeoutMs))
            return m_process->errorString();

        static const QRegularExpression token(u"project token (phc_\\S+)\\)"_s);
        static const QRegularExpression key(u"^\\s+(phx_\\S+)\\s*$"_s,
                                            QRegularExpression::MultilineOption);
        static const QRegularExpression listening(u"listening on (http://127\\.0\\.0\\.1:\\d+)"_s);
        QString out;
        const QDeadlineTimer deadline(startTimeoutMs);
        while (!listening.match(out).hasMatch() && !deadline.hasExpired() &&
               m_process->state() == QProcess::Running) {
            m_process->waitForReadyRead(100);
            out += QString::fromUtf8(m_process->readAllStandardOutput());
        }
        const auto listen = listening.match(out);
        if (!listen.hasMatch())
            return u"bunting-server did not start:\n"_s + out +
                   QString::fromUtf8(m_process->readAllStandardError());
        m_host = listen.captured(1);
        m_token = token.match(out).captured(1);
        m_ownerKey = key.match(out).captured(1);
        if (m_token.isEmpty() || m_ownerKey.isEmpty())
            return u"no project token or owner key in:\n"_s + out;
        return {};
    }

    // Stops the server; returns the end of what it logged (for a failed test to show).
    QString stop()
    {
        QString log;
        if (m_process) {
            m_process->kill();
            m_process->waitForFinished(startTimeoutMs);
            log = QString::fromUtf8(m_process->readAllStandardError().right(6000));
        }
        m_process.reset();
        m_dir.reset();
        return log;
    }

    const QString &host() const { return m_host; }
    const QString &token() const { return m_token; }
    const QString &ownerKey() const { return m_ownerKey; }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    QString m_host;
    QString m_token;
    QString m_ownerKey;
};

struct ScenarioRun
{
    bool finished = false; // false: it hung and was killed
    bool passed = false;   // exited 0: every check passed
    QString output;        // stdout and stderr together
};

inline ScenarioRun runScenario(const Server &server, const QString &script,
                               const QStringList &args = {}, int timeoutMs = scenarioTimeoutMs)
{
    using namespace Qt::StringLiterals;
    QProcess node;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"BUNTING_COMPAT_HOST"_s, server.host());
    env.insert(u"BUNTING_COMPAT_TOKEN"_s, server.token());
    env.insert(u"BUNTING_COMPAT_OWNER_KEY"_s, server.ownerKey());
    env.insert(u"BUNTING_COMPAT_NODE_MODULES"_s, QStringLiteral(BUNTING_COMPAT_NODE_MODULES));
    env.insert(u"NO_COLOR"_s, u"1"_s);
    node.setProcessEnvironment(env);
    node.setProcessChannelMode(QProcess::MergedChannels);
    node.setProgram(QStringLiteral(BUNTING_NODE_EXECUTABLE));
    node.setArguments(QStringList{QStringLiteral(BUNTING_COMPAT_SCRIPTS) + u'/' + script} + args);
    dieWithParent(node);
    node.start();
    ScenarioRun run;
    if (!node.waitForStarted(startTimeoutMs)) {
        run.output = node.errorString();
        return run;
    }
    run.finished = node.waitForFinished(timeoutMs);
    if (!run.finished) {
        node.kill();
        node.waitForFinished(startTimeoutMs);
    }
    run.output = QString::fromUtf8(node.readAll());
    run.passed = run.finished && node.exitStatus() == QProcess::NormalExit && node.exitCode() == 0;
    return run;
}

} // namespace compat
