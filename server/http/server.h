#pragma once

#include "http/cross_origin.h"
#include "http/limits.h"
#include "http/metrics.h"
#include "http/request_parser.h"
#include "http/router.h"

#include <QObject>
#include <vector>

class QTcpServer;

namespace bunting::server {

class HttpConnection;

// Resolves keys and projects for the HTTP layer; the auth service implements it.
class AccessControl
{
public:
    virtual ~AccessControl() = default;
    // The caller of `request`, or an ApiError (401).
    virtual Principal authenticate(const ApiRequest &request) = 0;
    // The project `text` (an id or "@current") names for `principal`, or an ApiError (404).
    virtual qint64 resolveProject(const Principal &principal, const QString &text) = 0;
};

// PostHog's REST API over HTTP/1.1: takes connections within HttpLimits, parses, authenticates,
// routes, and turns every failure into a PostHog-shaped error. No input reaches a handler
// unchecked, and none crashes it.
class HttpServer : public QObject
{
    Q_OBJECT

public:
    // A server on a worker thread names the main thread's server: it hands that server every
    // request whose route is not concurrent.
    HttpServer(Router router, AccessControl *access, HttpLimits limits = {},
               HttpServer *mainServer = nullptr, QObject *parent = nullptr);
    ~HttpServer() override;

    // Serves the connections of a listening socket, which it takes over; false when `fd` is not
    // one.
    bool listenOn(int fd);
    // Stops taking connections; those open are served to their end.
    void stopListening();

    // The response to `request`, as the server would send it; also for in-process callers.
    ApiResponse respond(ApiRequest &request);

    const HttpLimits &limits() const { return m_limits; }
    // For connections accepted from now on.
    void setLimits(const HttpLimits &limits) { m_limits = limits; }
    // Which web pages may call which routes; set before serving.
    void setCrossOrigin(const CrossOriginPolicy &policy) { m_crossOrigin = policy; }
    // Where each answered request is counted (HttpMetrics records only once enabled).
    void setMetrics(HttpMetrics *metrics) { m_metrics = metrics; }
    int connectionCount() const { return int(m_connections.size()); }
    // What this thread's connections hold in memory for their clients.
    qint64 bufferedBytes() const;

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    void acceptConnections();
    // Makes room for one more connection: closes the oldest idle one; false when none is idle.
    bool shedIdleConnection();
    void sweep();
    ApiResponse serve(HttpRequest &request);
    ApiResponse dispatch(ApiRequest &request, const Router::Match &match);

    Router m_router;
    AccessControl *m_access;
    HttpLimits m_limits;
    CrossOriginPolicy m_crossOrigin;
    HttpMetrics *m_metrics = nullptr;
    HttpServer *m_main;
    QTcpServer *m_listener = nullptr;
    std::vector<HttpConnection *> m_connections;
    int m_sweepTimer = 0;
};

} // namespace bunting::server
