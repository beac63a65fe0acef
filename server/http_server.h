#pragma once

#include "router.h"

#include <QAbstractHttpServer>
#include <functional>

namespace bunting::server {

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

// PostHog's REST API over QtHttpServer: parses, authenticates, routes, and turns every failure
// into a PostHog-shaped error. No input reaches a handler unchecked, and none crashes it.
class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    static constexpr qint64 maxBodyBytes = 10 * 1024 * 1024;

    // A server on a worker thread names the main thread's server: it hands that server every
    // request whose route is not concurrent.
    HttpServer(Router router, AccessControl *access, HttpServer *mainServer = nullptr,
               QObject *parent = nullptr);

    // The response to `request`, as the server would send it; also for in-process callers.
    ApiResponse respond(ApiRequest &request);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    ApiResponse dispatch(ApiRequest &request);

    Router m_router;
    AccessControl *m_access;
    HttpServer *m_main;
};

} // namespace bunting::server
