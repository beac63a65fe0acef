#pragma once

#include "sdk/project_snapshot.h"

#include <QJsonObject>

namespace bunting::server {

// What posthog-js reads as its remote config (GET /array/<token>/config, and beside the flags of
// /flags?config=true): PostHog's RemoteConfig fields, with everything this server does not offer
// turned off so the SDK loads no extension scripts for it.
QJsonObject sdkRemoteConfig(const ProjectSnapshot &snapshot);

} // namespace bunting::server
