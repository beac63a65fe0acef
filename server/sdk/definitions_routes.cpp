// What SDKs load before they evaluate anything themselves: the flag definitions for local
// evaluation (GET /flags/definitions, and /api/feature_flag/local_evaluation for older SDKs and
// the other languages), and posthog-js's remote config (GET /array/<token>/config[.js]).
// Both are served from the project's snapshot, so no request runs SQL for them.
#include "http/router.h"
#include "sdk/cohort_inlining.h"
#include "sdk/project_snapshot.h"
#include "sdk/remote_config.h"
#include "services.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// If-None-Match may list several tags, or weak ones ("W/..."), or "*".
bool etagMatches(const QByteArray &ifNoneMatch, const QByteArray &etag)
{
    for (QByteArray tag : ifNoneMatch.split(',')) {
        tag = tag.trimmed();
        if (tag.startsWith("W/"))
            tag = tag.mid(2);
        if (tag == "*" || tag == etag)
            return true;
    }
    return false;
}

ApiResponse definitions(ApiRequest &r, Services &services)
{
    // The personal API key first, as PostHog authenticates before it looks at the project.
    const Principal principal = services.auth.authenticate(r);
    if (!principal.allows(u"feature_flag:read"_s))
        throw ApiError::missingScope(u"feature_flag:read"_s);

    QString token = r.queryValue(u"token"_s);
    if (token.isEmpty())
        token = r.queryValue(u"project_api_key"_s);
    std::shared_ptr<const ProjectSnapshot> snapshot;
    if (token.isEmpty())
        snapshot =
            services.snapshots.byProject(services.auth.resolveProject(principal, u"@current"_s));
    else
        snapshot = services.snapshots.byToken(token);
    if (!snapshot)
        throw ApiError(401, u"authentication_error"_s, u"invalid_api_key"_s,
                       u"Project API key invalid. You can find your project API key in PostHog "
                       "project settings."_s);
    if (!principal.scopedProjects.isEmpty() &&
        !principal.scopedProjects.contains(snapshot->projectId))
        throw ApiError(403, u"authentication_error"_s, u"permission_denied"_s,
                       u"API key does not have access to the requested project."_s);

    // The presence of send_cohorts is what counts: posthog-node sends it without a value.
    const bool sendCohorts = r.query.hasQueryItem(u"send_cohorts"_s);
    const SdkDefinitions &definitions = services.snapshots.definitions(*snapshot);
    QByteArray etag = definitions.etag;
    if (!sendCohorts && etag.endsWith('"'))
        etag = etag.chopped(1) + "-inlined\"";

    if (etagMatches(r.header("if-none-match"), etag)) {
        ApiResponse notModified = ApiResponse::empty(304);
        notModified.headers.append({"ETag", etag});
        return notModified;
    }
    ApiResponse response;
    response.body = sendCohorts ? definitions.json : definitions.inlinedJson;
    response.headers.append({"ETag", etag});
    return response;
}

std::shared_ptr<const ProjectSnapshot> snapshotForConfig(Services &services, const QString &token)
{
    static const QRegularExpression tokenPattern(u"^[A-Za-z0-9_-]+$"_s);
    if (!tokenPattern.match(token).hasMatch())
        throw ApiError(400, u"validation_error"_s, u"invalid_token"_s, u"Invalid token"_s);
    auto snapshot = services.snapshots.byToken(token);
    if (!snapshot)
        throw ApiError::notFound();
    return snapshot;
}

} // namespace

void addSdkDefinitionsRoutes(Router &router, Services &services)
{
    const auto serveDefinitions = [&services](ApiRequest &r) { return definitions(r, services); };
    router.add(Get, u"/flags/definitions"_s, RouteAccess::sdk(), serveDefinitions);
    router.add(Get, u"/api/feature_flag/local_evaluation"_s, RouteAccess::sdk(), serveDefinitions);

    router.add(Get, u"/array/:token/config"_s, RouteAccess::sdk(), [&services](ApiRequest &r) {
        return ApiResponse::json(
            sdkRemoteConfig(*snapshotForConfig(services, r.param(u"token"_s))));
    });
    // posthog-js loads config.js as a script that leaves the config on the window.
    router.add(Get, u"/array/:token/config.js"_s, RouteAccess::sdk(), [&services](ApiRequest &r) {
        const auto snapshot = snapshotForConfig(services, r.param(u"token"_s));
        const QByteArray config =
            QJsonDocument(QJsonObject{{u"config"_s, sdkRemoteConfig(*snapshot)},
                                      {u"siteApps"_s, QJsonArray()}})
                .toJson(QJsonDocument::Compact);
        const QByteArray token =
            QJsonDocument(QJsonArray{snapshot->apiToken}).toJson(QJsonDocument::Compact);
        ApiResponse response;
        response.contentType = "application/javascript";
        response.body = "(function() {\n  window._POSTHOG_REMOTE_CONFIG = "
                        "window._POSTHOG_REMOTE_CONFIG || {};\n  window._POSTHOG_REMOTE_CONFIG[" +
                        token.mid(1).chopped(1) + "] = " + config + ";\n})();\n";
        return response;
    });
}

} // namespace bunting::server
