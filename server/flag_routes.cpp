#include "router.h"
#include "services.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

constexpr auto Get = QHttpServerRequest::Method::Get;
constexpr auto Post = QHttpServerRequest::Method::Post;
constexpr auto Patch = QHttpServerRequest::Method::Patch;
constexpr auto Delete = QHttpServerRequest::Method::Delete;
const QString base = u"/api/projects/:project/feature_flags"_s;

} // namespace

void addFlagRoutes(Router &router, Services &s)
{
    const auto read = RouteAccess::scoped(u"feature_flag:read"_s);
    const auto write = RouteAccess::scoped(u"feature_flag:write"_s);

    router.add(Get, base, read, [&s](ApiRequest &r) {
        QJsonArray results;
        for (const FeatureFlag &flag : s.flags.all(r.projectId))
            results.append(flag.toJson());
        return ApiResponse::json(QJsonObject{{u"count"_s, results.size()},
                                             {u"next"_s, QJsonValue()},
                                             {u"previous"_s, QJsonValue()},
                                             {u"results"_s, results}});
    });
    router.add(Post, base, write, [&s](ApiRequest &r) {
        return ApiResponse::json(
            s.flagService.create(r.projectId, r.principal, r.jsonObject()).toJson(), 201);
    });
    router.add(Get, base + u"/:id"_s, read, [&s](ApiRequest &r) {
        return ApiResponse::json(s.flagService.get(r.projectId, r.idParam(u"id"_s)).toJson());
    });
    router.add(Patch, base + u"/:id"_s, write, [&s](ApiRequest &r) {
        return ApiResponse::json(
            s.flagService.update(r.projectId, r.idParam(u"id"_s), r.principal, r.jsonObject())
                .toJson());
    });
    // PostHog never hard-deletes a flag: deletion is PATCH {"deleted": true}.
    router.add(Delete, base + u"/:id"_s, write,
               [](ApiRequest &) -> ApiResponse { throw ApiError::methodNotAllowed(u"DELETE"_s); });
}

} // namespace bunting::server
