#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QUrl>
#include <functional>
#include <optional>

class EnvironmentOptions;
namespace bunting::server {
class LocalServer;
}

// `bunting-server mirror --from URL --project N`: keeps a local project a copy of a PostHog
// project and serves it, so that SDKs get PostHog's answers under the remote's own token with
// no network. The personal API key comes from BUNTING_REMOTE_KEY only, never from argv.
void addMirrorOptions(QCommandLineParser &parser);

// The command's options, read and checked before any database is opened.
struct MirrorSettings
{
    QUrl from;
    QString host; // `from` as the copy remembers it
    qint64 remoteProject = 0;
    int intervalSeconds = 30;
    int personLimit = 1000;
    bool status = false;
    bool reset = false;
    QString key; // BUNTING_REMOTE_KEY

    bool serves() const { return !status && !reset; }
    // nullopt with the reason in `error` for options a user must fix.
    static std::optional<MirrorSettings> read(const EnvironmentOptions &options, QString *error);
};

// `serve` listens and runs the event loop, as `bunting-server serve` does.
int runMirror(bunting::server::LocalServer &server, const MirrorSettings &settings,
              const std::function<int()> &serve);
