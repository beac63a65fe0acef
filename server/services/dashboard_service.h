#pragma once

#include "services/activity_log.h"
#include "services/flag_service.h"
#include "services/flag_usage.h"
#include "services/usage_dashboard_template.h"
#include "storage/dashboard_repository.h"
#include "storage/database.h"
#include "storage/flag_repository.h"

#include <QDateTime>
#include <QJsonObject>

namespace bunting::server {

// Dashboards in PostHog's shape (the dashboards, dashboard_tiles and insights tables), of which
// the server makes one kind: a flag's usage dashboard, whose insights it answers from FlagUsage.
class DashboardService
{
public:
    DashboardService(const Database &db, DashboardRepository &store, FlagRepository &flags,
                     FlagService &flagService, ActivityLog &activity, FlagUsage &usage)
        : m_db(db), m_store(store), m_flags(flags), m_flagService(flagService),
          m_activity(activity), m_usage(usage)
    {
    }

    // A new usage dashboard for the flag, which becomes its `usage_dashboard` (an earlier one is
    // left as it is, as PostHog leaves it). It gets the enriched tiles too when the flag already
    // reports enriched analytics. 404 for another project's flag.
    qint64 createUsageDashboard(qint64 projectId, qint64 flagId, qint64 userId);

    enum class Enrichment { Enriched, NoDashboard, AlreadyEnriched, NoEnrichedAnalytics };
    // Adds the enriched tiles to the flag's usage dashboard, when it has one without them and the
    // flag reports enriched analytics. 404 for another project's flag.
    Enrichment enrichUsageDashboard(qint64 projectId, qint64 flagId);

    // What PostHog does on seeing `$feature_view` for a flag: marks the live flag with this key
    // as having enriched analytics (no new version; an activity entry by the system, as PostHog's
    // activity log does not leave this field out) and adds the enriched tiles to its usage
    // dashboard.
    void markEnrichedAnalytics(qint64 projectId, const QString &flagKey);

    // After a flag's key changed: its usage dashboard's own insights, unless edited since, follow
    // the new key, as PostHog's update_feature_flag_dashboard does.
    void followKeyChange(qint64 projectId, const FeatureFlag &flag, const QString &oldKey);

    // The dashboard as PostHog's DashboardSerializer serves it, the insights' results computed
    // as of `now`. 404 when the project has no such dashboard.
    QJsonObject dashboard(qint64 projectId, qint64 id,
                          const QDateTime &now = QDateTime::currentDateTimeUtc()) const;

    bool hasEnrichedInsights(qint64 dashboardId) const;

private:
    qint64 insertDashboard(qint64 projectId, const FeatureFlag &flag, qint64 userId);
    void addTiles(qint64 projectId, qint64 dashboardId, const QList<InsightTemplate> &templates,
                  qint64 userId);
    QJsonValue userJson(qint64 userId) const;

    const Database &m_db;
    DashboardRepository &m_store;
    FlagRepository &m_flags;
    FlagService &m_flagService;
    ActivityLog &m_activity;
    FlagUsage &m_usage;
};

} // namespace bunting::server
