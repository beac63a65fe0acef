#pragma once

#include "activity_log.h"
#include "auth_service.h"
#include "database.h"
#include "flag_repository.h"
#include "flag_service.h"

namespace bunting::server {

// What route handlers reach: one instance per server, owned by LocalServer.
struct Services
{
    const Database &db;
    AuthService &auth;
    FlagRepository &flags;
    FlagService &flagService;
    ActivityLog &activity;
};

// Each endpoint group registers its routes in its own file.
void addHealthRoutes(class Router &router, Services &services);
void addFlagRoutes(class Router &router, Services &services);

} // namespace bunting::server
