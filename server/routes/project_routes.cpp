// The projects: GET /api/projects/ (those the key may reach), POST /api/projects/ (a new one
// beside the others, each with its own token and flags) and GET /api/projects/:project/ (with
// "@current", the key's own), from which the app reads the public token the SDK endpoints take.
#include "http/pagination.h"
#include "http/router.h"
#include "services.h"
#include "services/auth_service.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// As every PostHog list: DRF's LimitOffsetPagination (`count`, `next`, `previous`, `results`).
ApiResponse projectList(ApiRequest &r, Services &s)
{
    const QJsonArray all = s.auth.projectsJson(r.principal);
    const PageRequest page =
        PageRequest::fromQuery(parseQueryString(r.url.query(QUrl::FullyEncoded)));
    QJsonArray results;
    for (qint64 i = page.offset; i < all.size() && i < page.offset + page.limit; ++i)
        results.append(all.at(i));
    return ApiResponse::json(QJsonObject{{u"count"_s, all.size()},
                                         {u"next"_s, nextPageLink(r, page, all.size())},
                                         {u"previous"_s, previousPageLink(r, page)},
                                         {u"results"_s, results}});
}

ApiResponse createProject(ApiRequest &r, Services &s)
{
    // A key limited to some projects reaches no new one, so it may not make one.
    if (!r.principal.scopedProjects.isEmpty())
        throw ApiError(403, u"authentication_error"_s, u"permission_denied"_s,
                       u"This API key is limited to certain projects, so it cannot create one."_s);
    const QJsonObject body = r.jsonObject();
    const QJsonValue name = body.value("name"_L1);
    if (name.isUndefined())
        throw ApiError::validation(u"required"_s, u"This field is required."_s, u"name"_s);
    if (!name.isString())
        throw ApiError::validation(u"invalid"_s, u"Not a valid string."_s, u"name"_s);
    const StoredProject project = s.auth.createProject(name.toString());
    return ApiResponse::json(s.auth.projectJson(project.id), 201);
}

} // namespace

void addProjectRoutes(Router &router, Services &s)
{
    router.add(HttpMethod::Get, u"/api/projects"_s, RouteAccess::scoped(u"project:read"_s),
               [&s](ApiRequest &r) { return projectList(r, s); });
    router.add(HttpMethod::Post, u"/api/projects"_s, RouteAccess::scoped(u"project:write"_s),
               [&s](ApiRequest &r) { return createProject(r, s); });
    router.add(HttpMethod::Get, u"/api/projects/:project"_s, RouteAccess::scoped(u"project:read"_s),
               [&s](ApiRequest &r) { return ApiResponse::json(s.auth.projectJson(r.projectId)); });
}

} // namespace bunting::server
