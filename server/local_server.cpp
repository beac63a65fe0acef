#include "local_server.h"

namespace bunting::server {

LocalServer::LocalServer(DatabaseLocation location)
    : m_db(std::move(location)), m_auth(m_db), m_flags(m_db), m_activity(m_db),
      m_flagService(m_db, m_flags, m_activity), m_services{m_db, m_auth, m_flags, m_flagService,
                                                           m_activity}
{
    Router router;
    addHealthRoutes(router, m_services);
    addFlagRoutes(router, m_services);
    m_http = std::make_unique<HttpServer>(std::move(router), &m_auth);
}

LocalServer::~LocalServer() = default;

std::optional<Bootstrap> LocalServer::open()
{
    m_db.open();
    return m_auth.bootstrapIfEmpty();
}

quint16 LocalServer::listen(const QHostAddress &address, quint16 port)
{
    return m_http->listen(address, port);
}

} // namespace bunting::server
