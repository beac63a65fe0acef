#pragma once

#include "api_error.h"

#include <QPointer>
#include <QString>

namespace bunting::api {
class Client;
}

namespace bunting::views {

class MessageBar;

// PostHog lets only a person signed in to its web app create a flag's usage dashboard, enrich it
// or make a static cohort of it; its API refuses personal API keys there (403). When `error` is
// that refusal, `bar` says so in plain words, with "Open in PostHog" opening the flag's page in
// the browser, and this returns true; for any other error it shows nothing and returns false.
bool showWebAppOnly(MessageBar *bar, const api::ApiError &error, const QString &action,
                    const QPointer<api::Client> &client, qint64 flagId);

} // namespace bunting::views
