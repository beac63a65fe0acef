#include "http_server.h"

#include "database.h"

#include <QElapsedTimer>
#include <QHttpServerResponder>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcHttp, "bunting.server.http")

namespace bunting::server {

HttpServer::HttpServer(Router router, AccessControl *access, HttpServer *mainServer,
                       QObject *parent)
    : QAbstractHttpServer(parent), m_router(std::move(router)), m_access(access), m_main(mainServer)
{
}

ApiResponse HttpServer::dispatch(ApiRequest &request)
{
    const Router::Match match = m_router.match(request.method, request.segments);
    if (!match.pathKnown)
        throw ApiError::notFound();
    if (!match.route)
        throw ApiError::methodNotAllowed(methodName(request.method));
    request.params = match.params;
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
    if (request.body.size() > maxBodyBytes)
        throw ApiError::tooLarge(maxBodyBytes);
    return match.route->handler(request);
}

ApiResponse HttpServer::respond(ApiRequest &request)
{
    try {
        return dispatch(request);
    } catch (const ApiError &error) {
        return error.toResponse();
    } catch (const DatabaseError &error) {
        qCCritical(lcHttp) << "database error:" << error.what();
        return ApiError(500, u"server_error"_s, u"database_error"_s,
                        u"The database could not complete the request."_s)
            .toResponse();
    } catch (const std::exception &error) {
        qCCritical(lcHttp) << "unexpected error:" << error.what();
        return ApiError(500, u"server_error"_s, u"error"_s, u"Internal server error."_s)
            .toResponse();
    }
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QElapsedTimer timer;
    timer.start();
    ApiRequest api;
    api.method = request.method();
    api.url = request.url();
    api.segments = request.url().path().split(u'/', Qt::SkipEmptyParts);
    api.query = request.query();
    api.takeQueryApiKey();
    api.body = request.body();
    for (const auto &[name, value] : request.headers())
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
    QHttpServerResponder responder = makeResponder(request, socket);
    responder.writeStatusLine(QHttpServerResponder::StatusCode(response.status));
    if (!response.contentType.isEmpty())
        responder.writeHeader("Content-Type", response.contentType);
    for (const auto &[name, value] : response.headers)
        responder.writeHeader(name, value);
    responder.writeHeader("Content-Length", QByteArray::number(response.body.size()));
    responder.writeBody(response.body);
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
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    makeResponder(request, socket)
        .write(ApiError::notFound().toResponse().body, "application/json",
               QHttpServerResponder::StatusCode::NotFound);
}

} // namespace bunting::server
