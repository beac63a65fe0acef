#pragma once

#include "http/server.h"
#include "peer_changes.h"
#include "sdk/event_ingest.h"
#include "sdk/project_snapshot.h"
#include "services.h"
#include "services/activity_log.h"
#include "services/auth_service.h"
#include "services/dashboard_service.h"
#include "services/flag_service.h"
#include "services/flag_usage.h"
#include "services/mirror_service.h"
#include "storage/database.h"
#include "storage/database_lock.h"
#include "storage/flag_repository.h"

#include <QHostAddress>
#include <memory>
#include <optional>
#include <thread>

namespace bunting::server {

// Bunting's local PostHog server: the database, the services and the HTTP front, as
// bunting-server runs it headless and the app runs it embedded on a loopback port.
class LocalServer
{
public:
    explicit LocalServer(DatabaseLocation location);
    ~LocalServer();

    // Serving claims a SQLite file for this process (DatabaseLock); administration (keys, as
    // bunting-server's commands do) may open a file that a server holds.
    enum class Use { Serve, Administer };

    // Opens and migrates the database; creates the first project and owner key on an empty
    // one (returned once, for printing). Throws DatabaseError, DatabaseInUse when another
    // process serves the file and `use` is Serve.
    std::optional<Bootstrap> open(Use use = Use::Serve);
    // Listens and returns the port (useful with port 0); 0 when it cannot listen. With more
    // than one thread, each extra thread serves the SDK's /flags and /decide on the same port
    // and hands every other request to the main thread.
    quint16 listen(const QHostAddress &address, quint16 port, int threads = 1);
    // The limits of every connection; set before listen(). A maxConnections of 0 takes the
    // threads' share of the process's file limit.
    void setHttpLimits(const HttpLimits &limits) { m_httpLimits = limits; }
    // Which web pages may call the management API; set before listen().
    void setCrossOrigin(const CrossOriginPolicy &policy) { m_crossOrigin = policy; }
    // Counts requests and answers GET /metrics (Prometheus text); off unless called.
    void enableMetrics() { m_metrics.enable(); }

    Database &database() { return m_db; }
    AuthService &auth() { return m_auth; }
    FlagService &flagService() { return m_flagService; }
    FlagUsage &flagUsage() { return m_usage; }
    DashboardService &dashboards() { return m_dashboards; }
    MirrorService &mirror() { return m_mirror; }
    HttpServer &http() { return *m_http; }
    SnapshotStore &snapshots() { return m_snapshots; }
    SubjectCache &subjects() { return m_subjects; }
    EventIngest &events() { return m_events; }

private:
    void followFlag(const FlagService::Change &change);
    struct Worker;
    void stopWorker(Worker &worker);

    // Before the database, so the claim ends only after its connections have closed.
    std::unique_ptr<DatabaseLock> m_lock;
    Database m_db;
    DatabaseStatus m_databaseStatus;
    ProjectRepository m_projects;
    UserRepository m_users;
    FlagRepository m_flags;
    ActivityRepository m_activityStore;
    FlagUsageRepository m_usageStore;
    DashboardRepository m_dashboardStore;
    PersonRepository m_persons;
    CohortRepository m_cohorts;
    GroupRepository m_groups;
    AuthService m_auth;
    ActivityLog m_activity;
    FlagService m_flagService;
    FlagUsage m_usage;
    DashboardService m_dashboards;
    CohortService m_cohortService;
    OriginRepository m_origins;
    MirrorService m_mirror;
    SnapshotStore m_snapshots;
    SubjectCache m_subjects;
    // After the repositories it writes through, so it is gone (and flushed) before them.
    EventIngest m_events;
    PeerChanges m_peerChanges;
    HttpMetrics m_metrics;
    Services m_services;
    Router m_router;
    HttpLimits m_httpLimits;
    CrossOriginPolicy m_crossOrigin;
    std::unique_ptr<HttpServer> m_http;
    std::vector<std::unique_ptr<Worker>> m_workers;
    // Compiles every project once the server listens (SnapshotStore::warmUp); /_ready waits
    // for it.
    std::thread m_warmUp;
};

} // namespace bunting::server
