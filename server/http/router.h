#pragma once

#include "http/api_error.h"
#include "http/request.h"

#include <functional>
#include <vector>

namespace bunting::server {

using Handler = std::function<ApiResponse(ApiRequest &)>;

// Short names for the methods routes are added with.
inline constexpr auto Get = HttpMethod::Get;
inline constexpr auto Post = HttpMethod::Post;
inline constexpr auto Patch = HttpMethod::Patch;
inline constexpr auto Delete = HttpMethod::Delete;

// Who may call a route: anyone (health), or a personal API key with a scope.
struct RouteAccess
{
    bool needsKey = true;
    QString scope;      // checked when needsKey; empty: any valid key
    bool quiet = false; // high-volume SDK traffic: successful calls are logged at debug level
    // Safe to run on any of the server's threads (read-only over thread-safe state); all other
    // routes run on the main thread, one request at a time.
    bool concurrent = false;
    // Web pages from any origin may call it (CORS), as they may call PostHog's SDK endpoints;
    // all other routes answer only the origins the server was told to allow.
    bool anyOrigin = false;

    static RouteAccess open() { return {false, {}, false, false, false}; }
    static RouteAccess sdk() { return {false, {}, true, false, true}; }
    static RouteAccess sdkConcurrent() { return {false, {}, true, true, true}; }
    static RouteAccess scoped(const QString &scope) { return {true, scope, false, false, false}; }
};

// Maps "METHOD /api/projects/:project/feature_flags/:id/activity" to handlers. A trailing
// slash never matters, as in PostHog; `:name` segments become request params, and a literal
// segment is preferred to a parameter where both match.
class Router
{
public:
    void add(HttpMethod method, const QString &pattern, RouteAccess access, Handler handler);

    struct Route
    {
        HttpMethod method;
        QString label; // the pattern as given, which /metrics counts requests by
        QStringList pattern;
        RouteAccess access;
        Handler handler;
    };
    struct Match
    {
        const Route *route = nullptr; // null when no route has this method for the path
        bool pathKnown = false;
        QHash<QString, QString> params;
        // What the most specific routes of the path allow, whatever the method: the methods they
        // answer, and whether any origin may call them.
        QList<HttpMethod> pathMethods;
        bool pathAnyOrigin = false;
    };
    Match match(HttpMethod method, const QStringList &segments) const;

private:
    std::vector<Route> m_routes;
};

} // namespace bunting::server
