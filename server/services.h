#pragma once

#include "activity_log.h"
#include "auth_service.h"
#include "cohort_repository.h"
#include "cohort_service.h"
#include "dashboard_service.h"
#include "database.h"
#include "event_ingest.h"
#include "flag_repository.h"
#include "flag_service.h"
#include "flag_usage.h"
#include "group_repository.h"
#include "person_repository.h"
#include "project_snapshot.h"
#include "subject_cache.h"

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
};

// Each endpoint group registers its routes in its own file.
void addHealthRoutes(class Router &router, Services &services);
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
