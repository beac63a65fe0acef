#include "http/server.h"

#include "http/connection.h"
#include "storage/database.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QTimerEvent>
#include <http_parser.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcHttp, "bunting.server.http")

namespace bunting::server {

namespace {

// The request target's path and query, whether it came in origin-form or absolute-form.
QUrl targetUrl(const QByteArray &target)
{
    http_parser_url parts;
    http_parser_url_init(&parts);
    QUrl url;
    if (http_parser_parse_url(target.constData(), size_t(target.size()), 0, &parts) != 0)
        return url;
    const auto field = [&](int which) {
        if (!(parts.field_set & (1 << which)))
            return QString();
        return QString::fromUtf8(target.constData() + parts.field_data[which].off,
                                 parts.field_data[which].len);
    };
    url.setPath(field(UF_PATH), QUrl::TolerantMode);
    if (parts.field_set & (1 << UF_QUERY))
        url.setQuery(field(UF_QUERY), QUrl::TolerantMode);
    return url;
}

// A connection refused for want of room is told so in one answer.
const QByteArray &busyAnswer()
{
    static const QByteArray answer = [] {
        const QByteArray body =
            ApiError(503, u"server_error"_s, u"too_many_connections"_s,
                     u"The server has too many open connections; try again shortly."_s)
                .toResponse()
                .body;
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
               "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
               QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }();
    return answer;
}

} // namespace

HttpServer::HttpServer(Router router, AccessControl *access, HttpLimits limits,
                       HttpServer *mainServer, QObject *parent)
    : QObject(parent), m_router(std::move(router)), m_access(access), m_limits(limits),
      m_main(mainServer)
{
}

HttpServer::~HttpServer()
{
    // The connections are children; they go with the server, their sockets with them.
    for (HttpConnection *connection : m_connections)
        connection->disconnect(this);
}

bool HttpServer::listenOn(int fd)
{
    auto *listener = new QTcpServer(this);
    if (!listener->setSocketDescriptor(fd)) {
        delete listener;
        return false;
    }
    connect(listener, &QTcpServer::newConnection, this, &HttpServer::acceptConnections);
    connect(listener, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError error) {
        // Out of file descriptors: Qt stops accepting. Room is made by closing an idle
        // connection, and accepting resumes a moment later rather than in a busy loop.
        qCWarning(lcHttp) << "cannot accept a connection:" << error;
        shedIdleConnection();
        QTimer::singleShot(100, m_listener, [this] { m_listener->resumeAccepting(); });
    });
    m_listener = listener;
    // Started here, on the thread the server serves on.
    if (!m_sweepTimer)
        m_sweepTimer = startTimer(std::chrono::milliseconds(250));
    return true;
}

void HttpServer::stopListening()
{
    if (m_listener)
        m_listener->close();
}

void HttpServer::acceptConnections()
{
    while (QTcpSocket *socket = m_listener->nextPendingConnection()) {
        if (m_limits.maxConnections > 0 && connectionCount() >= m_limits.maxConnections &&
            !shedIdleConnection()) {
            socket->write(busyAnswer());
            socket->disconnectFromHost();
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        auto *connection = new HttpConnection(
            socket, m_limits, [this](HttpRequest &request) { return serve(request); }, this);
        connect(connection, &HttpConnection::finished, this, [this](HttpConnection *finished) {
            std::erase(m_connections, finished);
            finished->deleteLater();
        });
        m_connections.push_back(connection);
    }
}

bool HttpServer::shedIdleConnection()
{
    HttpConnection *oldest = nullptr;
    for (HttpConnection *connection : m_connections)
        if (connection->isIdle() &&
            (!oldest || connection->lastActivity() < oldest->lastActivity()))
            oldest = connection;
    if (!oldest)
        return false;
    oldest->abort();
    return true;
}

qint64 HttpServer::bufferedBytes() const
{
    qint64 total = 0;
    for (const HttpConnection *connection : m_connections)
        total += connection->bufferedBytes();
    return total;
}

void HttpServer::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_sweepTimer)
        sweep();
    else
        QObject::timerEvent(event);
}

void HttpServer::sweep()
{
    const qint64 now = HttpConnection::now();
    // A copy: a connection that times out leaves the list while it is walked.
    const std::vector<HttpConnection *> connections = m_connections;
    for (HttpConnection *connection : connections)
        connection->checkTimeouts(now);
}

ApiResponse HttpServer::dispatch(ApiRequest &request, const Router::Match &match)
{
    if (!match.pathKnown)
        throw ApiError::notFound();
    if (!match.route && request.method == HttpMethod::Options)
        return m_crossOrigin.answerOptions(request, match.pathAnyOrigin, match.pathMethods);
    if (!match.route)
        throw ApiError::methodNotAllowed(methodName(request.method));
    // Before the key is looked at: a page that may not call the route learns nothing more.
    m_crossOrigin.checkCaller(request, match.pathAnyOrigin);
    request.params = match.params;
    request.route = &match.route->label;
    const RouteAccess &access = match.route->access;
    request.quiet = access.quiet;
    if (access.needsKey) {
        request.principal = m_access->authenticate(request);
        if (request.params.contains(u"project"_s))
            request.projectId =
                m_access->resolveProject(request.principal, request.params.value(u"project"_s));
        if (!access.scope.isEmpty() && !request.principal.allows(access.scope))
            throw ApiError::missingScope(access.scope);
    }
    if (request.body.size() > m_limits.maxBodyBytes)
        throw ApiError::tooLarge(m_limits.maxBodyBytes);
    return match.route->handler(request);
}

ApiResponse HttpServer::respond(ApiRequest &request)
{
    const Router::Match match = m_router.match(request.method, request.segments);
    ApiResponse response;
    try {
        response = dispatch(request, match);
    } catch (const ApiError &error) {
        response = error.toResponse();
    } catch (const DatabaseUnavailable &error) {
        // The database is down or restarting: a moment's wait, not a broken server. PostHog's
        // error shape, so that clients show it as they show PostHog's own.
        qCWarning(lcHttp) << "database unavailable:" << error.what();
        response = ApiError(503, u"server_error"_s, u"database_unavailable"_s,
                            u"The database is not answering; try again in a few seconds."_s)
                       .toResponse();
        response.headers.append(qMakePair("Retry-After"_ba, "5"_ba));
    } catch (const DatabaseError &error) {
        qCCritical(lcHttp) << "database error:" << error.what();
        response = ApiError(500, u"server_error"_s, u"database_error"_s,
                            u"The database could not complete the request."_s)
                       .toResponse();
    } catch (const std::exception &error) {
        qCCritical(lcHttp) << "unexpected error:" << error.what();
        response =
            ApiError(500, u"server_error"_s, u"error"_s, u"Internal server error."_s).toResponse();
    }
    // Errors too: a page reads why its call failed only when the browser may hand it over.
    m_crossOrigin.addHeaders(request, match.pathAnyOrigin, response);
    return response;
}

ApiResponse HttpServer::serve(HttpRequest &request)
{
    QElapsedTimer timer;
    timer.start();
    ApiRequest api;
    api.method = request.method;
    api.url = targetUrl(request.target);
    api.segments = api.url.path().split(u'/', Qt::SkipEmptyParts);
    api.query = QUrlQuery(api.url);
    api.takeQueryApiKey();
    api.body = std::move(request.body);
    for (const auto &[name, value] : std::as_const(request.headers))
        api.headers.insert(name.toLower(), value);

    ApiResponse response;
    const Router::Match match = m_main ? m_router.match(api.method, api.segments) : Router::Match{};
    if (m_main && !(match.route && match.route->access.concurrent)) {
        // respond() catches everything, so nothing is thrown across the threads.
        QMetaObject::invokeMethod(
            m_main, [&] { response = m_main->respond(api); }, Qt::BlockingQueuedConnection);
    } else {
        response = respond(api);
    }
    if (m_metrics)
        m_metrics->record(api.method, api.route, response.status, timer.nsecsElapsed());
    const bool routine = api.quiet && response.status < 400;
    if (routine ? lcHttp().isDebugEnabled() : lcHttp().isInfoEnabled()) {
        const QString line = methodName(api.method) + u' ' + api.url.path() + u' ' +
                             QString::number(response.status) +
                             u" %1ms"_s.arg(timer.nsecsElapsed() / 1e6, 0, 'f', 2);
        if (routine)
            qCDebug(lcHttp).noquote() << line;
        else
            qCInfo(lcHttp).noquote() << line;
    }
    return response;
}

} // namespace bunting::server
