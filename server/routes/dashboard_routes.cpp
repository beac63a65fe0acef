#include "http/router.h"
#include "services.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcDashboards, "bunting.server.dashboards")

namespace bunting::server {

namespace {

// PostHog answers these two actions with {"success", "error"} rather than its error shape.
ApiResponse failure(const QString &error)
{
    return ApiResponse::json(QJsonObject{{u"success"_s, false}, {u"error"_s, error}}, 400);
}

ApiResponse success()
{
    return ApiResponse::json(QJsonObject{{u"success"_s, true}});
}

} // namespace

void addDashboardRoutes(Router &router, Services &s)
{
    const QString flag = u"/api/projects/:project/feature_flags/:id"_s;
    // PostHog names no scope for these actions, so its personal API keys cannot call them at
    // all; here they change the flag's usage_dashboard, which is writing the flag.
    const auto flagWrite = RouteAccess::scoped(u"feature_flag:write"_s);

    router.add(Post, flag + u"/dashboard"_s, flagWrite, [&s](ApiRequest &r) {
        const qint64 id = r.idParam(u"id"_s);
        try {
            s.dashboards.createUsageDashboard(r.projectId, id, r.principal.userId);
        } catch (const DatabaseError &error) {
            qCWarning(lcDashboards) << "usage dashboard of flag" << id << "failed:" << error.what();
            return failure(u"Unable to generate usage dashboard"_s);
        }
        return success();
    });

    router.add(Post, flag + u"/enrich_usage_dashboard"_s, flagWrite, [&s](ApiRequest &r) {
        const qint64 id = r.idParam(u"id"_s);
        DashboardService::Enrichment outcome;
        try {
            outcome = s.dashboards.enrichUsageDashboard(r.projectId, id);
        } catch (const DatabaseError &error) {
            qCWarning(lcDashboards)
                << "enriching the usage dashboard of flag" << id << "failed:" << error.what();
            return failure(u"Unable to enrich usage dashboard"_s);
        }
        switch (outcome) {
        case DashboardService::Enrichment::NoDashboard:
            return failure(u"Usage dashboard not found"_s);
        case DashboardService::Enrichment::AlreadyEnriched:
            return failure(u"Usage dashboard already has enriched data"_s);
        case DashboardService::Enrichment::NoEnrichedAnalytics:
            return failure(u"No enriched analytics available for this feature flag"_s);
        case DashboardService::Enrichment::Enriched:
            break;
        }
        return success();
    });

    router.add(Get, u"/api/projects/:project/dashboards/:id"_s,
               RouteAccess::scoped(u"dashboard:read"_s), [&s](ApiRequest &r) {
                   return ApiResponse::json(
                       s.dashboards.dashboard(r.projectId, r.idParam(u"id"_s)));
               });
}

} // namespace bunting::server
