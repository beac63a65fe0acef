#pragma once

#include "api_error.h"
#include "endpoint.h"

#include <QUrl>

namespace bunting::api {

// A flag's page in PostHog's web app. PostHog lets only a person signed in there create a usage
// dashboard, enrich it or make a static cohort of a flag (rest-api-behaviour.md §4.11-4.12): its
// API answers a personal API key 403. The cloud's API hosts (us.i.posthog.com) serve the app at
// us.posthog.com; a self-hosted PostHog serves both at one address.
QUrl flagWebPage(const Endpoint &endpoint, qint64 flagId);

// Whether `error` is PostHog refusing a personal API key what only its web app may do: its
// APIScopePermission's 403 for an action with no scope (rest-api-behaviour.md §1.2).
inline bool isWebAppOnly(const ApiError &error)
{
    using namespace Qt::StringLiterals;
    return error.isPermission() &&
           error.detail.contains("does not support Personal API Key access"_L1);
}

} // namespace bunting::api
