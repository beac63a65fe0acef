// What posthog-js asks of the products Bunting does not serve, answered as PostHog answers a
// project that has none of them (posthog/api/survey.py `surveys`, posthog/api/
// early_access_feature.py): an empty list, to a page from any origin, with PostHog's errors for a
// missing or unknown project token.
#include "http/router.h"
#include "sdk/project_snapshot.h"
#include "services.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// The project the `?token=` names; PostHog's 401s otherwise.
void requireProjectToken(Services &services, const ApiRequest &r)
{
    const QString token = r.queryValue(u"token"_s);
    if (token.isEmpty())
        throw ApiError(401, u"authentication_error"_s, u"missing_api_key"_s,
                       u"API key not provided. You can find your project API key in your "
                       "PostHog project settings."_s);
    if (!services.snapshots.byToken(token))
        throw ApiError(401, u"authentication_error"_s, u"invalid_api_key"_s,
                       u"Project API key invalid. You can find your project API key in your "
                       "PostHog project settings."_s);
}

} // namespace

void addSdkProductRoutes(Router &router, Services &services)
{
    router.add(Get, u"/api/surveys"_s, RouteAccess::sdk(), [&services](ApiRequest &r) {
        requireProjectToken(services, r);
        return ApiResponse::json(
            QJsonObject{{u"surveys"_s, QJsonArray()}, {u"survey_config"_s, QJsonValue::Null}});
    });
    router.add(Get, u"/api/early_access_features"_s, RouteAccess::sdk(),
               [&services](ApiRequest &r) {
                   requireProjectToken(services, r);
                   return ApiResponse::json(QJsonObject{{u"earlyAccessFeatures"_s, QJsonArray()}});
               });
}

} // namespace bunting::server
