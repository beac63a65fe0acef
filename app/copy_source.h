#pragma once

#include "connection_profile.h"
#include "endpoint.h"

#include <QString>
#include <functional>
#include <optional>

class QObject;

namespace bunting::desktop {

class ConnectionController;

// The PostHog connection an offline copy came from: the remote profile whose host and project
// the copy remembers (a profile of the key's own project, "@current", when none names it), and
// its stored API key; or why there is none.
struct CopySource
{
    std::optional<api::ConnectionProfile> profile;
    api::Endpoint endpoint; // with its stored key
    QString problem;        // a sentence for the user when there is no usable source
};

// Asks the local server and the key store; `done` runs on `context`'s thread, unless it is gone.
void findCopySource(ConnectionController &connection, const api::ConnectionProfile &copy,
                    QObject *context, std::function<void(const CopySource &)> done);

} // namespace bunting::desktop
