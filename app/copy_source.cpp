#include "copy_source.h"

#include "connection_controller.h"
#include "local_server.h"
#include "local_session.h"
#include "profile_store.h"
#include "project_pull.h"

#include <QCoreApplication>
#include <QObject>
#include <QPointer>
#include <memory>

using namespace Qt::StringLiterals;

namespace bunting::desktop {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("CopySource", text);
}

} // namespace

void findCopySource(ConnectionController &connection, const api::ConnectionProfile &copy,
                    QObject *context, std::function<void(const CopySource &)> done)
{
    LocalSession *session = connection.localSession();
    if (!session || !copy.isOfflineCopy())
        return done({std::nullopt, {}, tr("This connection is not an offline copy.")});
    const qint64 project = copy.projectId.toLongLong();
    auto origin = std::make_shared<std::optional<server::ProjectOrigin>>();
    session->post(
        [project, origin](server::LocalServer &server) {
            *origin = server.mirror().origin(project);
        },
        context,
        [&connection, origin, context, done] {
            if (!*origin)
                return done(
                    {std::nullopt, {}, tr("This project is not a copy of a PostHog project.")});
            std::optional<api::ConnectionProfile> source;
            for (const api::ConnectionProfile &profile : connection.profiles()->profiles()) {
                if (profile.isLocal() || ProjectPull::hostKey(profile.host) != (*origin)->host)
                    continue;
                if (profile.projectId == QString::number((*origin)->remoteProjectId))
                    source = profile;
                else if (!source && profile.projectId == "@current"_L1)
                    source = profile;
            }
            if (!source)
                return done({std::nullopt,
                             {},
                             tr("No connection to project %1 on %2 is set up. Add it (Connection ▸ "
                                "Add Connection…) with an API key that may write flags.")
                                 .arg((*origin)->remoteProjectId)
                                 .arg((*origin)->host)});
            connection.endpointFor(
                *source, context,
                [source, done](const std::optional<api::Endpoint> &endpoint, const QString &error) {
                    if (!endpoint)
                        return done({source, {}, error});
                    done({source, *endpoint, {}});
                });
        });
}

} // namespace bunting::desktop
