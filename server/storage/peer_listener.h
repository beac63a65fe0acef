#pragma once

#include "storage/database.h"

#include <QByteArray>
#include <QList>
#include <atomic>
#include <functional>
#include <memory>

namespace bunting::server {

// Hears what the other server processes on one PostgreSQL database announce with
// Database::notifyPeers: on a thread of its own, with a connection of its own that LISTENs on
// each project's channel. A connection that stops answering is noticed within a second and made
// again; messages sent while it was gone are lost, so `resync` then runs for the caller to
// read everything again.
class PeerListener
{
public:
    struct Handlers
    {
        // A message of another process, on the listener's thread, in the order they committed.
        std::function<void(qint64 projectId, const QByteArray &message)> message;
        // After the connection came back, or after a message could not be handled.
        std::function<void()> resync;
    };

    PeerListener(const Database &db, Handlers handlers);
    ~PeerListener(); // stops and waits for the thread
    PeerListener(const PeerListener &) = delete;
    PeerListener &operator=(const PeerListener &) = delete;

    // Connects and listens for these projects' messages; returns once it listens (or has
    // failed to connect, and goes on trying).
    void start(const QList<qint64> &projectIds);
    bool started() const { return m_thread != nullptr; }

    bool connected() const { return m_connected.load(); }
    quint64 received() const { return m_received.load(); }
    quint64 reconnects() const { return m_reconnects.load(); }

private:
    class Thread;
    const Database &m_db;
    Handlers m_handlers;
    std::unique_ptr<Thread> m_thread;
    std::atomic<bool> m_connected{false};
    std::atomic<quint64> m_received{0};
    std::atomic<quint64> m_reconnects{0};
};

} // namespace bunting::server
