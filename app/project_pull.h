#pragma once

#include "services/mirror_service.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QObject>
#include <QUrl>
#include <functional>
#include <optional>

// Pulls and what they wrote, for `mirror` and "Work offline" alike.
Q_DECLARE_LOGGING_CATEGORY(lcMirror)

namespace bunting::api {
class Client;
struct ApiError;
} // namespace bunting::api

// One pull of a PostHog project through the app's client: the project, every flag page, every
// cohort page, the newest persons up to a limit and the group types; then one write of it into
// a local project (MirrorService::pull, wherever the caller runs it). `bunting-server mirror`
// and the app's "Work offline" both copy with it. Nothing is written before everything is read,
// so a pull that fails or is cancelled (deleted) midway leaves the copy as it was.
class ProjectPull : public QObject
{
public:
    using Finished = std::function<void(const std::optional<bunting::server::MirrorReport> &,
                                        const QString &error)>;
    // Writes the state read, then calls `finished` on the pull's thread.
    using Write = std::function<void(const bunting::server::RemoteProjectState &, Finished)>;
    // What is being read: flags so far of all (all 0 when not known yet), or the persons so far.
    enum class Stage { Project, Flags, Cohorts, Persons, GroupTypes, Writing };
    using Progress = std::function<void(Stage, int done, int total)>;

    // Owned by `client`'s thread; deleting it cancels the calls in flight.
    ProjectPull(bunting::api::Client &client, int personLimit, Write write, Finished finished,
                QObject *parent = nullptr);

    void setProgress(Progress progress) { m_progress = std::move(progress); }
    void start();
    qint64 elapsedMs() const { return m_took.elapsed(); }

    // The host as a copy remembers it: scheme, host, port and path, no user or trailing slash.
    static QString hostKey(const QUrl &url);

private:
    void readFlags();
    void readCohorts(int offset);
    void readPersons();
    void readGroupTypes();
    void fail(const bunting::api::ApiError &error);
    void fail(const QString &error);
    void report(Stage stage, int done = 0, int total = 0);

    bunting::api::Client &m_client;
    Write m_write;
    Finished m_finished;
    Progress m_progress;
    bunting::server::RemoteProjectState m_state;
    int m_flagCount = 0;
    int m_personLimit = 0;
    QElapsedTimer m_took;
};
