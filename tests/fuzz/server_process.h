#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <memory>

namespace bunting::fuzz {

// The real bunting-server binary on a fresh SQLite file in a temporary home, as its users start
// it: a crash is the process dying, whatever the HTTP layer inside it is made of.
class ServerProcess
{
public:
    explicit ServerProcess(QString executable) : m_executable(std::move(executable)) {}
    ~ServerProcess() { stop(); }
    ServerProcess(const ServerProcess &) = delete;
    ServerProcess &operator=(const ServerProcess &) = delete;

    // Starts on a new database; false, with error() saying why, when it does not come up.
    bool start();
    // Stops the process (SIGTERM, then SIGKILL); its home is removed.
    void stop();
    bool isRunning();
    // How the process ended, and the end of what it wrote to stderr.
    QString exitDescription();
    QString error() const { return m_error; }
    QString stderrTail(qsizetype bytes = 4000) const;

    // The process's peak resident memory so far, in KiB; 0 where /proc cannot tell.
    qint64 peakMemoryKiB() const;

    quint16 port() const { return m_port; }
    QString ownerKey() const { return m_ownerKey; }
    QString projectToken() const { return m_projectToken; }
    qint64 projectId() const { return m_projectId; }

private:
    QString m_executable;
    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<QProcess> m_process;
    QString m_error;
    quint16 m_port = 0;
    QString m_ownerKey;
    QString m_projectToken;
    qint64 m_projectId = 0;
};

} // namespace bunting::fuzz
