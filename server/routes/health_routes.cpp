#include "http/router.h"
#include "services.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// The database's state as /_health and /_ready tell it; `ok` says whether it answered.
QJsonObject databaseState(const DatabaseStatus &database, bool *ok)
{
    QJsonObject state{{u"kind"_s, database.isPostgres() ? u"postgresql"_s : u"sqlite"_s},
                      {u"location"_s, database.describe()}};
    try {
        state.insert(u"schema_version"_s, database.schemaVersion());
        state.insert(u"status"_s, u"ok"_s);
        *ok = true;
    } catch (const DatabaseError &error) {
        state.insert(u"status"_s, u"error"_s);
        state.insert(u"error"_s, QString::fromUtf8(error.what()));
        *ok = false;
    }
    return state;
}

} // namespace

void addHealthRoutes(Router &router, Services &s)
{
    // Alive: the process answers. 200 even while the database is down, when the SDK endpoints
    // still answer from their snapshots; a supervisor that restarted the server then would
    // only lose those.
    router.add(HttpMethod::Get, u"/_health"_s, RouteAccess::open(), [&s](ApiRequest &) {
        bool databaseOk = false;
        const QJsonObject database = databaseState(s.database, &databaseOk);
        return ApiResponse::json(QJsonObject{{u"status"_s, databaseOk ? u"ok"_s : u"degraded"_s},
                                             {u"version"_s, BUNTING_VERSION_TEXT},
                                             {u"database"_s, database}});
    });
    // Ready: the database answers and every project's flags are compiled. A load balancer or a
    // script waits for this rather than send /flags to a server still reading 100,000 flags.
    router.add(HttpMethod::Get, u"/_ready"_s, RouteAccess::open(), [&s](ApiRequest &) {
        if (!s.snapshots.ready())
            return ApiResponse::json(QJsonObject{{u"status"_s, u"starting"_s}}, 503);
        bool databaseOk = false;
        const QJsonObject database = databaseState(s.database, &databaseOk);
        if (!databaseOk)
            return ApiResponse::json(
                QJsonObject{{u"status"_s, u"database_unavailable"_s}, {u"database"_s, database}},
                503);
        return ApiResponse::json(QJsonObject{{u"status"_s, u"ready"_s}});
    });
}

} // namespace bunting::server
