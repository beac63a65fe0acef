#include "local_server.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcServer, "bunting.server")

namespace bunting::server {

LocalServer::LocalServer(DatabaseLocation location)
    : m_db(std::move(location)), m_auth(m_db), m_flags(m_db), m_activity(m_db),
      m_flagService(m_db, m_flags, m_activity), m_usage(m_db, m_flags),
      m_dashboards(m_db, m_flags, m_flagService, m_activity, m_usage), m_persons(m_db),
      m_cohorts(m_db), m_groups(m_db), m_snapshots(m_db, m_flags, m_cohorts, m_groups),
      m_subjects(m_persons, m_groups), m_events(m_db, m_persons, m_groups, m_usage, m_dashboards),
      m_services{m_db,      m_auth,    m_flags,  m_flagService, m_activity, m_usage,   m_dashboards,
                 m_persons, m_cohorts, m_groups, m_snapshots,   m_events,   m_subjects}
{
    Router router;
    addHealthRoutes(router, m_services);
    addHistoryRoutes(router, m_services);
    addEvaluationRoutes(router, m_services);
    addFlagRoutes(router, m_services);
    addDashboardRoutes(router, m_services);
    addRemoteConfigRoutes(router, m_services);
    addPeopleRoutes(router, m_services);
    addSdkEventRoutes(router, m_services);
    addSdkDefinitionsRoutes(router, m_services);
    addSdkFlagRoutes(router, m_services);
    m_http = std::make_unique<HttpServer>(std::move(router), &m_auth);
    m_flagService.onChange([this](const FlagService::Change &change) { followFlag(change); });
    m_flagService.onChange(
        [this](const FlagService::Change &change) { m_snapshots.invalidate(change.projectId); });
    // What events change reaches the SDK endpoints' caches: a new group type changes the
    // definitions, and a $feature_view marks its flag as having enriched analytics.
    m_events.onGroupTypesChanged = [this](qint64 projectId) { m_snapshots.invalidate(projectId); };
    m_events.onFlagsChanged = [this](qint64 projectId) { m_snapshots.invalidate(projectId); };
    m_events.onPersonsChanged = [this](qint64 projectId, const QStringList &distinctIds) {
        for (const QString &distinctId : distinctIds)
            m_subjects.invalidatePerson(projectId, distinctId);
    };
    m_events.onGroupsChanged = [this](qint64 projectId) { m_subjects.invalidateGroups(projectId); };
    // Cohort changes commit through CohortService, which each request builds anew: the hook is
    // on the repository they all write through.
    m_cohorts.onChange([this](qint64 projectId, bool membersChanged) {
        m_snapshots.invalidate(projectId);
        if (membersChanged)
            m_subjects.invalidateProject(projectId);
    });
}

void LocalServer::followFlag(const FlagService::Change &change)
{
    // As PostHog does: a new flag gets its usage dashboard unless the request said not to, and a
    // renamed one takes its dashboard's insights along. The flag itself is already saved, so a
    // failure here is logged rather than undoing it.
    try {
        if (!change.before) {
            if (change.body.value("_should_create_usage_dashboard"_L1).toBool(true))
                m_dashboards.createUsageDashboard(change.projectId, change.after.id, change.userId);
        } else if (change.before->key != change.after.key) {
            m_dashboards.followKeyChange(change.projectId, change.after, change.before->key);
        }
    } catch (const std::exception &error) {
        qCWarning(lcServer) << "usage dashboard of flag" << change.after.key
                            << "not updated:" << error.what();
    }
}

LocalServer::~LocalServer()
{
    // Events accepted with a 200 are written before the database closes.
    try {
        m_events.flush();
    } catch (const std::exception &error) {
        qCWarning(lcServer) << "events not written at shutdown:" << error.what();
    }
}

std::optional<Bootstrap> LocalServer::open()
{
    m_db.open();
    return m_auth.bootstrapIfEmpty();
}

quint16 LocalServer::listen(const QHostAddress &address, quint16 port)
{
    return m_http->listen(address, port);
}

} // namespace bunting::server
