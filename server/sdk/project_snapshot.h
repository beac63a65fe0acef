#pragma once

#include "engine.h"
#include "storage/cohort_repository.h"
#include "storage/flag_repository.h"
#include "storage/group_repository.h"
#include "storage/project_repository.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QString>
#include <QWaitCondition>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace bunting::server {

// Byte strings by index, in chunks that copies share: appending to a copy copies one chunk, so
// a snapshot made for one new flag does not copy the key of every other.
class SharedByteArrays
{
public:
    qsizetype size() const { return m_size; }
    const QByteArray &operator[](qsizetype index) const
    {
        return (*m_chunks[size_t(index / chunkSize)])[size_t(index % chunkSize)];
    }
    void append(QByteArray bytes);

private:
    static constexpr qsizetype chunkSize = 1024;
    // A chunk no other copy holds is appended to in place.
    std::vector<std::shared_ptr<std::vector<QByteArray>>> m_chunks;
    qsizetype m_size = 0;
};

// GET /api/feature_flag/local_evaluation's answers: {flags, group_type_mapping, cohorts} with
// send_cohorts, and without it (cohorts inlined); the same bytes when there is nothing to inline.
struct SdkDefinitions
{
    QByteArray json;
    QByteArray inlinedJson;
    QByteArray etag; // strong, quoted
};

// What the SDK endpoints serve for one project, kept up to date per change rather than built per
// request. Immutable once published, so any number of request threads share one instance.
struct ProjectSnapshot
{
    qint64 projectId = 0;
    QString apiToken;
    // The live flags, live cohorts and group types, compiled.
    std::shared_ptr<const bunting::CompiledProject> engine;
    int servedActiveFlags = 0; // active flags served to SDKs (not remote configuration)
    // When this snapshot last matched the database (built, or a change applied), on the
    // steady clock in ms: /metrics reports its age.
    qint64 currentAtMs = 0;
    bool hasActiveFlags() const { return servedActiveFlags > 0; }
    // Each of the engine's flags' key as a JSON string, by flag index: every /flags answer
    // writes each key twice, and escaping them once here saves that per request.
    SharedByteArrays flagKeysJson;
    // The version at which each flag deleted since the last whole build was deleted: the engine
    // no longer finds it, and a late notice of an older version must not bring it back.
    QHash<qint64, int> deletedVersions;

private:
    friend class SnapshotStore;
    // Written by the first local evaluation request that reads this snapshot: most projects
    // are only asked /flags, and a change should not pay for a document of every flag.
    mutable std::once_flag m_definitionsOnce;
    mutable SdkDefinitions m_definitions;
};

// The latest snapshot of each project. A request takes the current pointer under a short lock;
// a change drops it, and the next request builds a new one outside the lock and swaps it in.
class SnapshotStore
{
public:
    SnapshotStore(const ProjectRepository &projects, const FlagRepository &flags,
                  const CohortRepository &cohorts, const GroupRepository &groups)
        : m_projects(projects), m_flags(flags), m_cohorts(cohorts), m_groups(groups)
    {
    }

    // nullptr for an unknown token or project. Thread-safe; builds only when the project has no
    // snapshot yet or it was invalidated.
    std::shared_ptr<const ProjectSnapshot> byToken(const QString &token);
    std::shared_ptr<const ProjectSnapshot> byProject(qint64 projectId);
    // A committed change invalidates, nothing else does: every change notice arrives through
    // Database::afterCommit, so a snapshot built after one reads what was committed.
    void invalidate(qint64 projectId);
    // A committed change of one flag: the snapshot becomes one with that flag recompiled and the
    // rest shared, or is invalidated when the change reaches further (CompiledProject::withFlag).
    void applyFlagChange(qint64 projectId, const FeatureFlag &after);
    // The local evaluation documents of a snapshot, written on first use.
    const SdkDefinitions &definitions(const ProjectSnapshot &snapshot) const;
    // After a project's token changes (or to start over).
    void invalidateAll();
    // Builds every project's snapshot again from the database and swaps each in, while
    // requests go on being answered from the current one: after changes may have gone
    // unheard (another server's, while the connection that hears them was down). Throws
    // DatabaseError when the database does not answer; what it swapped in stays.
    void refreshAll();
    // Builds the snapshot of each of these projects, then says ready: a server answers its
    // first /flags from a compiled project rather than compiling on that request.
    void warmUp(const QList<qint64> &projectIds);
    bool ready() const { return m_ready.load(); }

    // How many snapshots have been built whole, and changes applied to one, for tests of when
    // builds happen.
    int buildsRun() const { return m_buildsRun.load(); }
    int changesApplied() const { return m_changesApplied.load(); }
    // Answers given from a snapshot that was out of date because the database did not answer
    // when a new one was to be built.
    quint64 staleAnswers() const { return m_staleAnswers.load(); }
    // Each project's current snapshot, for /metrics.
    QList<std::shared_ptr<const ProjectSnapshot>> current();

private:
    // A build under way; requests for its project wait for it rather than build their own.
    struct Build
    {
        quint64 generation = 0;
        bool finished = false;
        std::shared_ptr<const ProjectSnapshot> snapshot; // null when it failed
        QWaitCondition done;
    };
    std::shared_ptr<const ProjectSnapshot> build(qint64 projectId, const QString &token) const;
    SdkDefinitions buildDefinitions(qint64 projectId) const;
    // The outdated snapshot while a failed build waits to be tried again; under the lock.
    std::shared_ptr<const ProjectSnapshot> outdatedWhileFailing(qint64 projectId);
    void finishBuild(qint64 projectId, const std::shared_ptr<Build> &build,
                     const std::shared_ptr<const ProjectSnapshot> &snapshot);

    const ProjectRepository &m_projects;
    const FlagRepository &m_flags;
    const CohortRepository &m_cohorts;
    const GroupRepository &m_groups;

    QMutex m_mutex;
    QHash<qint64, std::shared_ptr<const ProjectSnapshot>> m_byProject;
    // A project's snapshot from before its last invalidation, until a new one is built: what
    // the SDK endpoints answer while the database is down rather than fail. And until when a
    // project whose build failed is answered from it without trying again.
    QHash<qint64, std::shared_ptr<const ProjectSnapshot>> m_outdated;
    QHash<qint64, qint64> m_retryBuildAtMs;
    std::atomic<quint64> m_staleAnswers{0};
    QHash<qint64, std::shared_ptr<Build>> m_builds;
    mutable std::atomic<int> m_buildsRun{0};
    std::atomic<int> m_changesApplied{0};
    std::atomic<bool> m_ready{false};
    QHash<QString, qint64> m_projectByToken;
    // Bumped by every invalidation, so a build that raced with one is not cached as current.
    QHash<qint64, quint64> m_generation;
};

} // namespace bunting::server
