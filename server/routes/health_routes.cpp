#include "http/router.h"
#include "services.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace bunting::server {

void addHealthRoutes(Router &router, Services &s)
{
    router.add(HttpMethod::Get, u"/_health"_s, RouteAccess::open(), [&s](ApiRequest &) {
        QJsonObject database{{u"kind"_s, s.database.isPostgres() ? u"postgresql"_s : u"sqlite"_s},
                             {u"location"_s, s.database.describe()}};
        try {
            database.insert(u"schema_version"_s, s.database.schemaVersion());
            database.insert(u"status"_s, u"ok"_s);
        } catch (const DatabaseError &error) {
            database.insert(u"status"_s, u"error"_s);
            database.insert(u"error"_s, QString::fromUtf8(error.what()));
            return ApiResponse::json(QJsonObject{{u"status"_s, u"error"_s},
                                                 {u"version"_s, BUNTING_VERSION_TEXT},
                                                 {u"database"_s, database}},
                                     503);
        }
        return ApiResponse::json(QJsonObject{{u"status"_s, u"ok"_s},
                                             {u"version"_s, BUNTING_VERSION_TEXT},
                                             {u"database"_s, database}});
    });
    // Ready once every project's flags are compiled: a load balancer or a script waits for this
    // rather than send /flags to a server still reading 100,000 flags.
    router.add(HttpMethod::Get, u"/_ready"_s, RouteAccess::open(), [&s](ApiRequest &) {
        if (!s.snapshots.ready())
            return ApiResponse::json(QJsonObject{{u"status"_s, u"starting"_s}}, 503);
        return ApiResponse::json(QJsonObject{{u"status"_s, u"ready"_s}});
    });
}

} // namespace bunting::server
