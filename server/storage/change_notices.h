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
template<typename... Args> class ChangeNotices
{
public:
    explicit ChangeNotices(const Database &db) : m_db(db) {}

    void listen(std::function<void(Args...)> listener)
    {
        m_listeners.push_back(std::move(listener));
    }
    bool heard() const { return !m_listeners.empty(); }

    void send(Args... args) const
    {
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
};

} // namespace bunting::server
