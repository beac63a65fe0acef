// The project itself, GET /api/projects/:project/ (with "@current", the key's own): what the app
// reads the project's public token from, for the SDK endpoints that take it.
#include "http/router.h"
#include "services.h"
#include "services/auth_service.h"

using namespace Qt::StringLiterals;

namespace bunting::server {

void addProjectRoutes(Router &router, Services &s)
{
    router.add(HttpMethod::Get, u"/api/projects/:project"_s, RouteAccess::scoped(u"project:read"_s),
               [&s](ApiRequest &r) { return ApiResponse::json(s.auth.projectJson(r.projectId)); });
}

} // namespace bunting::server
