#pragma once

#include "http/metrics.h"
#include "sdk/event_ingest.h"
#include "sdk/project_snapshot.h"
#include "sdk/subject_cache.h"
#include "services/activity_log.h"
#include "services/auth_service.h"
#include "services/cohort_service.h"
#include "services/dashboard_service.h"
#include "services/flag_service.h"
#include "services/flag_usage.h"
#include "storage/cohort_repository.h"
#include "storage/database.h"
#include "storage/flag_repository.h"
#include "storage/group_repository.h"
#include "storage/peer_listener.h"
#include "storage/person_repository.h"

namespace bunting::server {

// What route handlers reach: one instance per server, owned by LocalServer. No database: what
// handlers read and write goes through a repository or a service.
struct Services
{
    const DatabaseStatus &database;
    AuthService &auth;
    FlagRepository &flags;
    FlagService &flagService;
    ActivityLog &activity;
    FlagUsage &usage;
    DashboardService &dashboards;
    PersonRepository &persons;
    CohortRepository &cohorts;
    CohortService &cohortService;
    GroupRepository &groups;
    SnapshotStore &snapshots;
    EventIngest &events;
    SubjectCache &subjects; // stored persons and groups as /flags reads them
    HttpMetrics &metrics;
    const PeerListener *peers; // the other servers on a PostgreSQL database; null on SQLite
};

// Each endpoint group registers its routes in its own file.
void addHealthRoutes(class Router &router, Services &services);
void addMetricsRoutes(class Router &router, Services &services);
void addFlagRoutes(class Router &router, Services &services);
void addHistoryRoutes(class Router &router, Services &services);
void addDashboardRoutes(class Router &router, Services &services);
void addRemoteConfigRoutes(class Router &router, Services &services);
void addPeopleRoutes(class Router &router, Services &services);
void addProjectRoutes(class Router &router, Services &services);
void addEvaluationRoutes(class Router &router, Services &services);
void addSdkFlagRoutes(class Router &router, Services &services);
void addSdkEventRoutes(class Router &router, Services &services);
void addSdkDefinitionsRoutes(class Router &router, Services &services);
void addSdkProductRoutes(class Router &router, Services &services);

} // namespace bunting::server
