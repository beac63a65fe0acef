#pragma once

#include "storage/database.h"

#include <functional>
#include <tuple>
#include <type_traits>
#include <vector>

namespace bunting::server {

// The listeners of one kind of change, and the one way the server tells them: a notice sent
// inside a transaction reaches them once the outermost transaction commits, and never if it
// rolls back (Database::afterCommit). Listeners are added before the server starts; they run on
// the thread that committed.
// What the other server processes on the same database hear of a notice: the project and a
// short text they can act on (Database::notifyPeers).
struct PeerMessage
{
    qint64 projectId = 0;
    QByteArray text;
};

template<typename... Args> class ChangeNotices
{
public:
    explicit ChangeNotices(const Database &db) : m_db(db) {}

    void listen(std::function<void(Args...)> listener)
    {
        m_listeners.push_back(std::move(listener));
    }
    bool heard() const { return !m_listeners.empty(); }
    // Each notice is also told to the other processes, in the same transaction as the change,
    // so they hear of it exactly when it commits.
    void tellPeers(std::function<PeerMessage(Args...)> describe)
    {
        m_describe = std::move(describe);
    }

    void send(Args... args) const
    {
        if (m_describe) {
            const PeerMessage message = m_describe(args...);
            m_db.notifyPeers(message.projectId, message.text);
        }
        if (m_listeners.empty())
            return;
        m_db.afterCommit([this, saved = std::tuple<std::decay_t<Args>...>(args...)] {
            for (const auto &listener : m_listeners)
                std::apply(listener, saved);
        });
    }

private:
    const Database &m_db;
    std::vector<std::function<void(Args...)>> m_listeners;
    std::function<PeerMessage(Args...)> m_describe;
};

} // namespace bunting::server
