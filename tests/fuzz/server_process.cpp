#include "server_process.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QRegularExpression>
#include <QThread>
#include <csignal>
#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif

using namespace Qt::StringLiterals;

namespace bunting::fuzz {

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

bool ServerProcess::start()
{
    stop();
    m_home = std::make_unique<QTemporaryDir>();
    if (!m_home->isValid()) {
        m_error = u"no temporary directory"_s;
        return false;
    }
    const QString home = m_home->path();
    m_process = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, home);
    env.insert(u"XDG_DATA_HOME"_s, home + u"/data"_s);
    env.insert(u"XDG_CONFIG_HOME"_s, home + u"/config"_s);
    // One log line per request would only fill the disk; warnings stay, and they are what a
    // finding's report shows.
    env.insert(u"QT_LOGGING_RULES"_s, u"bunting.*.info=false"_s);
    m_process->setProcessEnvironment(env);
    m_process->setProgram(m_executable);
    m_process->setArguments(
        {u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s, u"--db"_s, home + u"/bunting.sqlite"_s});
    // Files, not pipes: nobody reads the pipes while the fuzzer sends, and a full pipe would
    // block the server.
    m_process->setStandardOutputFile(home + u"/stdout.txt"_s);
    m_process->setStandardErrorFile(home + u"/stderr.txt"_s);
#ifdef Q_OS_LINUX
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
#endif
    m_process->start();
    if (!m_process->waitForStarted(30000)) {
        m_error = u"cannot start %1: %2"_s.arg(m_executable, m_process->errorString());
        return false;
    }
    static const QRegularExpression created(
        u"Created project (\\d+) \\(project token (phc_[0-9A-Za-z]+)\\) and its owner's "
        "personal API key, shown only this once:\n  (phx_[0-9A-Za-z]+)\n"_s);
    static const QRegularExpression listening(u"listening on http://127\\.0\\.0\\.1:(\\d+) "_s);
    const QDeadlineTimer deadline(60000);
    while (!deadline.hasExpired()) {
        const QString out = QString::fromUtf8(readFile(home + u"/stdout.txt"_s));
        const auto keys = created.match(out);
        const auto port = listening.match(out);
        if (keys.hasMatch() && port.hasMatch()) {
            m_projectId = keys.captured(1).toLongLong();
            m_projectToken = keys.captured(2);
            m_ownerKey = keys.captured(3);
            m_port = quint16(port.captured(1).toUInt());
            return true;
        }
        if (!isRunning()) {
            m_error = u"bunting-server did not come up: "_s + exitDescription();
            return false;
        }
        QThread::msleep(20);
    }
    m_error = u"bunting-server printed no port and key within 60 s"_s;
    return false;
}

void ServerProcess::stop()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(10000)) {
            m_process->kill();
            m_process->waitForFinished(10000);
        }
    }
    m_process.reset();
    m_home.reset();
    m_port = 0;
}

bool ServerProcess::isRunning()
{
    if (!m_process)
        return false;
    // Without an event loop, QProcess learns of the child's death only when asked to wait.
    m_process->waitForFinished(0);
    return m_process->state() == QProcess::Running;
}

QString ServerProcess::exitDescription()
{
    if (!m_process)
        return u"not started"_s;
    if (isRunning())
        return u"running"_s;
    const QString how = m_process->exitStatus() == QProcess::CrashExit
                            ? u"crashed (signal)"_s
                            : u"exited with code %1"_s.arg(m_process->exitCode());
    return how + u"; stderr ends with:\n"_s + stderrTail();
}

qint64 ServerProcess::peakMemoryKiB() const
{
    if (!m_process || m_process->processId() <= 0)
        return 0;
    const QByteArray status = readFile(u"/proc/%1/status"_s.arg(m_process->processId()));
    for (const QByteArray &line : status.split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return 0;
}

QString ServerProcess::stderrTail(qsizetype bytes) const
{
    if (!m_home)
        return {};
    return QString::fromUtf8(readFile(m_home->path() + u"/stderr.txt"_s).right(bytes));
}

} // namespace bunting::fuzz
