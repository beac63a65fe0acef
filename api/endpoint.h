#pragma once

#include <QString>
#include <QUrl>

namespace bunting::api {

// Where a client sends its calls: a PostHog host (https://us.posthog.com, https://eu.posthog.com,
// a self-hosted one, or the local server on a loopback port), a project and a personal API key.
struct Endpoint
{
    QUrl host;         // scheme, host and port; a path prefix is kept (PostHog behind a proxy)
    QString projectId; // a number, or "@current" for the key's own project
    QString apiKey;    // personal API key (phx_...), sent as a Bearer token

    bool isValid() const
    {
        return host.isValid() && !host.host().isEmpty() && !projectId.isEmpty();
    }
};

} // namespace bunting::api
