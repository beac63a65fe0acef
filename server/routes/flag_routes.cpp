#include "http/pagination.h"
#include "http/router.h"
#include "services.h"
#include "services/flag_bulk.h"
#include "services/flag_status.h"
#include "storage/flag_list_filter.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

const QString base = u"/api/projects/:project/feature_flags"_s;

QJsonObject served(Services &s, qint64 projectId, const FeatureFlag &flag)
{
    return flagResponse(flag, s.flags.lastCalledAt(projectId, flag.id));
}

ApiResponse listFlags(ApiRequest &r, Services &s)
{
    const QueryItems items = parseQueryString(r.url.query(QUrl::FullyEncoded));
    FlagListFilter filter;
    try {
        filter = FlagListFilter::fromQuery(items);
    } catch (const FilterError &error) {
        throw ApiError::validation(u"invalid"_s, error.detail, error.attr);
    }
    const PageRequest page = PageRequest::fromQuery(items);
    const FlagListPage found = s.flags.list(r.projectId, filter, page.offset, page.limit);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QJsonArray results;
    for (const FlagRecord &record : found.flags)
        results.append(flagResponse(record.flag, record.lastCalledAt, now));
    return ApiResponse::json(QJsonObject{{u"count"_s, found.count},
                                         {u"next"_s, nextPageLink(r, page, found.count)},
                                         {u"previous"_s, previousPageLink(r, page)},
                                         {u"results"_s, results}});
}

ApiResponse flagStatusResponse(ApiRequest &r, Services &s)
{
    const qint64 id = r.idParam(u"id"_s);
    const auto flag = s.flags.find(r.projectId, id);
    if (!flag)
        throw ApiError::notFound(); // PostHog's get_object(), before any status is computed
    const QJsonObject json = flag->toJson();
    const FlagStatusResult status =
        flagStatus(json, s.flags.lastCalledAt(r.projectId, id), QDateTime::currentDateTimeUtc());
    return ApiResponse::json(QJsonObject{{u"status"_s, statusValue(status.status)},
                                         {u"reason"_s, status.reason},
                                         {u"reason_states_rollout"_s, status.reasonStatesRollout},
                                         {u"rollout"_s, rolloutSummary(json)}});
}

ApiResponse dependentFlags(ApiRequest &r, Services &s)
{
    const FeatureFlag flag = s.flagService.get(r.projectId, r.idParam(u"id"_s));
    QJsonArray dependents;
    for (const auto &[dependent, named] : s.flags.dependents(r.projectId, {flag.id}))
        dependents.append(
            QJsonObject{{u"id"_s, dependent.id},
                        {u"key"_s, dependent.key},
                        {u"name"_s, dependent.name.isEmpty() ? dependent.key : dependent.name}});
    return ApiResponse::json(dependents);
}

} // namespace

void addFlagRoutes(Router &router, Services &s)
{
    const auto read = RouteAccess::scoped(u"feature_flag:read"_s);
    const auto write = RouteAccess::scoped(u"feature_flag:write"_s);

    router.add(Get, base, read, [&s](ApiRequest &r) { return listFlags(r, s); });
    router.add(Post, base, write, [&s](ApiRequest &r) {
        const FeatureFlag flag = s.flagService.create(r.projectId, r.principal, r.jsonObject());
        return ApiResponse::json(served(s, r.projectId, flag), 201);
    });

    router.add(Post, base + u"/bulk_delete"_s, write, [&s](ApiRequest &r) {
        return FlagBulk(s.flags, s.flagService)
            .deleteFlags(r.projectId, r.principal, r.jsonObject());
    });
    router.add(Post, base + u"/bulk_keys"_s, read, [&s](ApiRequest &r) {
        return FlagBulk(s.flags, s.flagService).keys(r.projectId, r.jsonObject());
    });
    router.add(Post, base + u"/bulk_update_tags"_s, write, [&s](ApiRequest &r) {
        return FlagBulk(s.flags, s.flagService)
            .updateTags(r.projectId, r.principal, r.jsonObject());
    });

    router.add(Get, base + u"/:id"_s, read, [&s](ApiRequest &r) {
        return ApiResponse::json(
            served(s, r.projectId, s.flagService.get(r.projectId, r.idParam(u"id"_s))));
    });
    router.add(Patch, base + u"/:id"_s, write, [&s](ApiRequest &r) {
        const FeatureFlag flag =
            s.flagService.update(r.projectId, r.idParam(u"id"_s), r.principal, r.jsonObject());
        return ApiResponse::json(served(s, r.projectId, flag));
    });
    // PostHog never hard-deletes a flag: deletion is PATCH {"deleted": true}. Its
    // ForbidDestroyModel answers 405 with no body (rest-api-behaviour.md §3.5).
    router.add(Delete, base + u"/:id"_s, write,
               [](ApiRequest &) { return ApiResponse::empty(405); });
    router.add(Get, base + u"/:id/status"_s, read,
               [&s](ApiRequest &r) { return flagStatusResponse(r, s); });
    router.add(Get, base + u"/:id/dependent_flags"_s, read,
               [&s](ApiRequest &r) { return dependentFlags(r, s); });
}

} // namespace bunting::server
