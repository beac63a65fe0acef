#include "sdk/remote_config.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace bunting::server {

QJsonObject sdkRemoteConfig(const ProjectSnapshot &snapshot)
{
    const bool hasFeatureFlags = snapshot.hasActiveFlags();
    // PostHog's RemoteConfig fields, with everything this server does not offer (recordings,
    // heatmaps, site apps, exception autocapture) turned off, so posthog-js loads no extension
    // scripts for them. `surveys` is left out: PostHog sends `false`, and posthog-js then still
    // loads its surveys script from the server's /static/, which PostHog serves and a dev server
    // does not have. Without the field it loads none; a page that asks for surveys gets
    // /api/surveys/'s empty list.
    return {{u"token"_s, snapshot.apiToken},
            {u"supportedCompression"_s, QJsonArray{u"gzip"_s, u"gzip-js"_s}},
            {u"hasFeatureFlags"_s, hasFeatureFlags},
            {u"captureDeadClicks"_s, false},
            {u"capturePerformance"_s, false},
            {u"autocapture_opt_out"_s, false},
            {u"autocaptureExceptions"_s, false},
            {u"analytics"_s, QJsonObject{{u"endpoint"_s, u"/i/v0/e/"_s}}},
            {u"elementsChainAsString"_s, true},
            {u"sessionRecording"_s, false},
            {u"heatmaps"_s, false},
            {u"productTours"_s, false},
            {u"defaultIdentifiedOnly"_s, true},
            {u"siteApps"_s, QJsonArray()}};
}

} // namespace bunting::server
