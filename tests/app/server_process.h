#pragma once

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QProcess>
#include <QString>
#include <QStringList>

// A bunting-server process as a user or a service runs it, and plain HTTP to it: for the suites
// that start real processes (tst_team_server, tst_mirror_command).
namespace server_process {

struct Reply
{
    int status = 0;
    QByteArray body;
    QByteArray retryAfter;
    QJsonObject object() const;
};

Reply request(const QByteArray &method, const QString &url, const QByteArray &body = {},
              const QString &key = {});

// What a server prints on its first start: the project token and the owner's key.
struct Bootstrap
{
    QString token;
    QString key;
};
Bootstrap parseBootstrap(const QString &out);

class ServerProcess
{
public:
    // `environment` goes over the test's own; HOME and XDG_DATA_HOME point into `home`.
    ServerProcess(const QString &home, const QStringList &arguments,
                  const QHash<QString, QString> &environment);
    ~ServerProcess(); // stops it
    ServerProcess(const ServerProcess &) = delete;
    ServerProcess &operator=(const ServerProcess &) = delete;

    void start();
    // Waits for the address it listens on, then for /_ready; false on a timeout or an exit.
    bool waitUntilReady(int timeoutMs = 60000);
    // Asks it to stop (SIGTERM) and waits.
    void stop();
    bool running() const { return m_process.state() != QProcess::NotRunning; }

    QString out();
    QString base() const { return m_base; }
    Reply get(const QString &path, const QString &key = {});
    Reply send(const QByteArray &method, const QString &path, const QJsonObject &body,
               const QString &key);
    // What /flags answers `distinct_id` for one flag: its enabled value, or null when absent.
    QJsonValue flagFor(const QString &token, const QString &flagKey,
                       const QString &distinctId = QStringLiteral("p1"));
    // A counter or gauge of /metrics; -1 when absent.
    double metric(const QString &name);

private:
    QProcess m_process;
    QString m_out;
    QString m_base;
};

} // namespace server_process
