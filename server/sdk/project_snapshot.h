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

namespace bunting::server {

// What the SDK endpoints serve for one project, built once per change rather than per request.
// Immutable once built, so any number of request threads share one instance.
struct ProjectSnapshot
{
    qint64 projectId = 0;
    QString apiToken;
    // The live flags, live cohorts and group types, compiled.
    std::shared_ptr<const bunting::CompiledProject> engine;
    // {flags, group_type_mapping, cohorts}, as GET /api/feature_flag/local_evaluation?send_cohorts
    // serves it, and as it serves it without send_cohorts (withoutCohorts()): the answers'
    // bytes, written once per change; the same bytes when the project has no cohorts to inline.
    QByteArray definitionsJson;
    QByteArray definitionsInlinedJson;
    // A strong ETag (quoted) over the definitions.
    QByteArray definitionsEtag;
    bool hasActiveFlags = false;          // any flag served to SDKs is active (remote config)
    QHash<int, QString> groupTypeMapping; // group type index -> name
    // Each of the engine's flags' key as a JSON string, by flag index: every /flags answer
    // writes each key twice, and escaping them once here saves that per request.
    QList<QByteArray> flagKeysJson;
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
    // After a project's token changes (or to start over).
    void invalidateAll();
    // How many snapshots have been built, for tests of when builds happen.
    int buildsRun() const { return m_buildsRun.load(); }

    // The definitions document of these flags (live and deleted ones alike: deleted ones are
    // left out), cohorts and group types.
    static QJsonObject buildDefinitions(const QList<FeatureFlag> &flags,
                                        const QList<StoredCohort> &cohorts,
                                        const QHash<int, QString> &groupTypes, qint64 projectId);

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
    void finishBuild(qint64 projectId, const std::shared_ptr<Build> &build,
                     const std::shared_ptr<const ProjectSnapshot> &snapshot);

    const ProjectRepository &m_projects;
    const FlagRepository &m_flags;
    const CohortRepository &m_cohorts;
    const GroupRepository &m_groups;

    QMutex m_mutex;
    QHash<qint64, std::shared_ptr<const ProjectSnapshot>> m_byProject;
    QHash<qint64, std::shared_ptr<Build>> m_builds;
    mutable std::atomic<int> m_buildsRun{0};
    QHash<QString, qint64> m_projectByToken;
    // Bumped by every invalidation, so a build that raced with one is not cached as current.
    QHash<qint64, quint64> m_generation;
};

} // namespace bunting::server
