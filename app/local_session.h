#pragma once

#include "endpoint.h"

#include <QObject>
#include <QString>
#include <QThread>
#include <functional>
#include <memory>

namespace bunting::server {
class LocalServer;
}

namespace bunting::desktop {

// The local profile's server: the server library run in-process on a free loopback port over a
// SQLite file (created with its first project on first run). It runs on a thread of its own, so
// a slow query (a search over 100,000 flags) never holds up the window. The app reaches it like any
// other PostHog, over HTTP with a personal API key; that key is minted for this session and revoked
// when the session ends, so no key of the local profile is ever stored.
class LocalSession
{
public:
    explicit LocalSession(QString databasePath);
    ~LocalSession();
    LocalSession(const LocalSession &) = delete;
    LocalSession &operator=(const LocalSession &) = delete;

    // Opens (or creates) the database and starts listening; false with a readable `error` when
    // the file cannot be opened or no port is free.
    bool start(QString *error);
    bool isRunning() const { return m_endpoint.isValid(); }
    const api::Endpoint &endpoint() const { return m_endpoint; }
    const QString &databasePath() const { return m_databasePath; }
    server::LocalServer *server() const { return m_server.get(); }

    // Runs `work` on the server's thread without waiting for it; `done` then runs on the app's
    // main thread, unless `context` is gone by then.
    void post(std::function<void(server::LocalServer &)> work, QObject *context,
              std::function<void()> done);

    // Where the app keeps its local database unless told otherwise.
    static QString defaultDatabasePath();
    static QString sessionKeyLabel();

private:
    bool startOnServerThread(QString *error);
    // Runs `work` on the server's thread and waits for it.
    void onServerThread(const std::function<void()> &work);

    QString m_databasePath;
    QThread m_thread;
    QObject *m_threadContext = nullptr; // lives on m_thread
    std::unique_ptr<server::LocalServer> m_server;
    api::Endpoint m_endpoint;
    qint64 m_keyId = 0;
};

} // namespace bunting::desktop
