#include "sdk/project_snapshot.h"

#include "http/json_writer.h"
#include "sdk/cohort_inlining.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QSet>
#include <QWaitCondition>
#include <functional>
#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcSnapshot, "bunting.server.snapshot")

namespace bunting::server {

namespace {

// The flag properties of a flag's release conditions, which is where PostHog looks for
// dependencies when it serves definitions.
template<typename Visit> void forEachFlagProperty(QJsonObject &flag, Visit visit)
{
    QJsonObject filters = flag.value("filters"_L1).toObject();
    QJsonArray groups = filters.value("groups"_L1).toArray();
    bool changed = false;
    for (qsizetype g = 0; g < groups.size(); ++g) {
        QJsonObject group = groups.at(g).toObject();
        QJsonArray properties = group.value("properties"_L1).toArray();
        bool groupChanged = false;
        for (qsizetype p = 0; p < properties.size(); ++p) {
            QJsonObject property = properties.at(p).toObject();
            if (property.value("type"_L1).toString() != "flag"_L1)
                continue;
            visit(property);
            properties[p] = property;
            groupChanged = true;
        }
        if (groupChanged) {
            group.insert("properties"_L1, properties);
            groups[g] = group;
            changed = true;
        }
    }
    if (changed) {
        filters.insert("groups"_L1, groups);
        flag.insert("filters"_L1, filters);
    }
}

QStringList flagDependencyKeys(const QJsonObject &flag)
{
    QStringList keys;
    QJsonObject copy = flag;
    forEachFlagProperty(copy, [&keys](const QJsonObject &property) {
        keys.append(property.value("key"_L1).toString());
    });
    return keys;
}

// The order a flag's dependencies are evaluated in, the flag itself last; empty when the flag
// is missing or a cycle is reached, as PostHog's definitions say "cannot be evaluated".
class DependencyChains
{
public:
    explicit DependencyChains(const QHash<QString, QStringList> &dependencies)
        : m_dependencies(dependencies)
    {
    }

    QStringList chain(const QString &key)
    {
        if (auto it = m_memo.constFind(key); it != m_memo.cend())
            return *it;
        QStringList chain;
        QSet<QString> visited;
        QSet<QString> onPath;
        const bool selfDependent = m_dependencies.value(key).contains(key);
        if (selfDependent || !visit(key, visited, onPath, chain))
            chain.clear();
        m_memo.insert(key, chain);
        return chain;
    }

private:
    bool visit(const QString &key, QSet<QString> &visited, QSet<QString> &onPath,
               QStringList &chain) const
    {
        if (onPath.contains(key))
            return false;
        if (visited.contains(key))
            return true;
        if (!m_dependencies.contains(key))
            return false;
        onPath.insert(key);
        for (const QString &dependency : m_dependencies.value(key))
            if (dependency != key && !visit(dependency, visited, onPath, chain))
                return false;
        onPath.remove(key);
        visited.insert(key);
        chain.append(key);
        return true;
    }

    const QHash<QString, QStringList> &m_dependencies;
    QHash<QString, QStringList> m_memo;
};

// A flag as PostHog's MinimalFeatureFlagSerializer writes it for local evaluation.
QJsonObject minimalFlag(const FeatureFlag &flag, qint64 projectId)
{
    QJsonObject minimal{
        {u"id"_s, flag.id},
        {u"team_id"_s, projectId},
        {u"name"_s, flag.name},
        {u"key"_s, flag.key},
        {u"filters"_s, flag.filters.toJson()},
        {u"deleted"_s, flag.deleted},
        {u"active"_s, flag.active},
        {u"ensure_experience_continuity"_s, flag.ensureExperienceContinuity},
        {u"has_encrypted_payloads"_s, flag.hasEncryptedPayloads},
        {u"version"_s, flag.version},
        {u"evaluation_runtime"_s, flag.evaluationRuntime.isEmpty()
                                      ? QJsonValue(u"all"_s)
                                      : QJsonValue(flag.evaluationRuntime)},
        // posthog-node reads `evaluation_contexts`, older SDKs the legacy `evaluation_tags`.
        {u"evaluation_contexts"_s, QJsonArray::fromStringList(flag.evaluationContexts)},
        {u"evaluation_tags"_s, QJsonArray::fromStringList(flag.evaluationContexts)},
        {u"bucketing_identifier"_s, flag.bucketingIdentifier.isEmpty()
                                        ? QJsonValue(u"distinct_id"_s)
                                        : QJsonValue(flag.bucketingIdentifier)},
    };
    return minimal;
}

// The cohort ids a property tree names, directly.
void collectCohortIds(const QJsonValue &node, QSet<qint64> &ids)
{
    if (node.isArray()) {
        for (const QJsonValue &child : node.toArray())
            collectCohortIds(child, ids);
        return;
    }
    const QJsonObject object = node.toObject();
    if (object.value("type"_L1).toString() == "cohort"_L1 && object.contains("value"_L1)) {
        const QJsonValue value = object.value("value"_L1);
        bool ok = value.isDouble();
        qint64 id = value.toInteger();
        if (value.isString())
            id = value.toString().toLongLong(&ok);
        if (ok)
            ids.insert(id);
    }
    if (object.contains("values"_L1))
        collectCohortIds(object.value("values"_L1), ids);
    if (object.contains("properties"_L1))
        collectCohortIds(object.value("properties"_L1), ids);
}

// A build reads every flag whole before keeping a part of it: hand the pages it freed back, or
// the server keeps the build's peak as its size.
void returnFreedMemory()
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

} // namespace

void SharedByteArrays::append(QByteArray bytes)
{
    if (m_size % chunkSize == 0) {
        m_chunks.push_back(std::make_shared<std::vector<QByteArray>>());
        m_chunks.back()->reserve(size_t(chunkSize));
    } else if (m_chunks.back().use_count() > 1) {
        m_chunks.back() = std::make_shared<std::vector<QByteArray>>(*m_chunks.back());
    }
    m_chunks.back()->push_back(std::move(bytes));
    ++m_size;
}

SdkDefinitions SnapshotStore::buildDefinitions(qint64 projectId) const
{
    // Remote configuration flags are fetched on their own, never evaluated locally.
    QHash<QString, QString> keyById;
    QList<QJsonObject> served;
    m_flags.forEachLive(projectId, [&](FeatureFlag &&flag) {
        keyById.insert(QString::number(flag.id), flag.key);
        if (!flag.isRemoteConfiguration)
            served.append(minimalFlag(flag, projectId));
    });

    QHash<QString, QStringList> dependencies;
    QSet<QString> targets;
    for (QJsonObject &minimal : served) {
        forEachFlagProperty(minimal, [&](QJsonObject &property) {
            const QString reference = property.value("key"_L1).toVariant().toString();
            const QString key = keyById.value(reference, reference);
            property.insert("key"_L1, key);
            targets.insert(key);
        });
        dependencies.insert(minimal.value("key"_L1).toString(), flagDependencyKeys(minimal));
    }

    QJsonArray flagArray;
    DependencyChains chains(dependencies);
    for (QJsonObject &flag : served) {
        if (!targets.isEmpty())
            forEachFlagProperty(flag, [&chains](QJsonObject &property) {
                property.insert("dependency_chain"_L1, QJsonArray::fromStringList(chains.chain(
                                                           property.value("key"_L1).toString())));
            });
        flagArray.append(flag);
    }

    // The dynamic cohorts the flags name, with the cohorts those name in turn; a static cohort
    // is left out, as PostHog does, so an SDK falls back to remote evaluation for it.
    const QList<StoredCohort> cohorts = m_cohorts.all(projectId);
    QHash<qint64, const StoredCohort *> cohortById;
    for (const StoredCohort &cohort : cohorts)
        if (!cohort.deleted())
            cohortById.insert(cohort.id, &cohort);
    QSet<qint64> pending;
    for (const QJsonObject &flag : std::as_const(served))
        collectCohortIds(flag.value("filters"_L1).toObject().value("groups"_L1), pending);
    served.clear();
    QSet<qint64> seen;
    QJsonObject cohortObject;
    while (!pending.isEmpty()) {
        const qint64 id = *pending.cbegin();
        pending.erase(pending.cbegin());
        if (seen.contains(id))
            continue;
        seen.insert(id);
        const StoredCohort *cohort = cohortById.value(id);
        if (!cohort || cohort->isStatic())
            continue;
        const QJsonObject properties = cohort->cohort().properties.toJson();
        cohortObject.insert(QString::number(id), properties);
        QSet<qint64> nested;
        collectCohortIds(properties, nested);
        pending.unite(nested - seen);
    }

    QJsonObject mapping;
    const QHash<int, QString> groupTypes = m_groups.mapping(projectId);
    for (auto it = groupTypes.cbegin(); it != groupTypes.cend(); ++it)
        mapping.insert(QString::number(it.key()), it.value());

    const QJsonObject document{
        {u"flags"_s, flagArray}, {u"group_type_mapping"_s, mapping}, {u"cohorts"_s, cohortObject}};
    SdkDefinitions definitions;
    definitions.json = QJsonDocument(document).toJson(QJsonDocument::Compact);
    definitions.inlinedJson =
        cohortObject.isEmpty()
            ? definitions.json
            : QJsonDocument(withoutCohorts(document)).toJson(QJsonDocument::Compact);
    definitions.etag =
        '"' +
        QCryptographicHash::hash(definitions.json, QCryptographicHash::Sha256).toHex().left(32) +
        '"';
    return definitions;
}

const SdkDefinitions &SnapshotStore::definitions(const ProjectSnapshot &snapshot) const
{
    // Read from the database rather than the engine, which keeps only what evaluation needs:
    // PostHog serves each flag's filters as they were saved. Should a change commit in between,
    // this is newer than the engine, never older, and the next snapshot replaces both.
    std::call_once(snapshot.m_definitionsOnce, [&] {
        snapshot.m_definitions = buildDefinitions(snapshot.projectId);
        returnFreedMemory();
    });
    return snapshot.m_definitions;
}

namespace {

qint64 steadyNowMs()
{
    return QDeadlineTimer::current().deadline();
}

// How long a project whose snapshot could not be built is answered from its outdated one
// before a request tries the database again: while it is down, each try could take as long as
// the connection's timeout.
constexpr qint64 retryBuildAfterMs = 1000;

bool servedActive(const FeatureFlag &flag)
{
    return flag.active && !flag.deleted && !flag.isRemoteConfiguration;
}

} // namespace

std::shared_ptr<const ProjectSnapshot> SnapshotStore::build(qint64 projectId,
                                                            const QString &token) const
{
    ++m_buildsRun;
    ProjectDefinitions definitions;
    int servedActiveFlags = 0;
    // Each flag is cut to its evaluated part as it is read, so the build never holds the
    // project's flags whole.
    definitions.flags.reserve(m_flags.liveCount(projectId));
    m_flags.forEachLive(projectId, [&](FeatureFlag &&flag) {
        if (servedActive(flag))
            ++servedActiveFlags;
        definitions.flags.append(evaluatedPart(std::move(flag)));
    });
    for (const StoredCohort &cohort : m_cohorts.all(projectId))
        if (!cohort.deleted())
            definitions.cohorts.insert(cohort.id, cohort.cohort());
    definitions.groupTypeMapping = m_groups.mapping(projectId);

    auto snapshot = std::make_shared<ProjectSnapshot>();
    snapshot->projectId = projectId;
    snapshot->apiToken = token;
    snapshot->servedActiveFlags = servedActiveFlags;
    snapshot->currentAtMs = steadyNowMs();
    snapshot->engine = CompiledProject::compile(std::move(definitions));
    for (qsizetype i = 0; i < snapshot->engine->flagCount(); ++i)
        snapshot->flagKeysJson.append(JsonWriter::encode(snapshot->engine->flag(i).key));
    return snapshot;
}

void SnapshotStore::applyFlagChange(qint64 projectId, const FeatureFlag &after)
{
    QMutexLocker lock(&m_mutex);
    // A build under way read the project before this change, or may have: it is not kept.
    ++m_generation[projectId];
    const std::shared_ptr<const ProjectSnapshot> current = m_byProject.value(projectId);
    if (!current)
        return;
    // Two writes of one flag commit in order, but their notices run on their own threads and
    // may arrive the other way round: an older version never replaces a newer one.
    const qsizetype was = current->engine->indexOfId(after.id);
    if (was >= 0 && current->engine->flag(was).version > after.version)
        return;
    if (current->deletedVersions.value(after.id, -1) > after.version)
        return;
    // Applied under the lock, so changes arriving together apply one after the other.
    std::shared_ptr<const CompiledProject> engine = current->engine->withFlag(evaluatedPart(after));
    if (!engine) {
        m_outdated.insert(projectId, m_byProject.take(projectId));
        return;
    }
    auto next = std::make_shared<ProjectSnapshot>();
    next->projectId = current->projectId;
    next->apiToken = current->apiToken;
    next->currentAtMs = steadyNowMs();
    next->servedActiveFlags = current->servedActiveFlags + (servedActive(after) ? 1 : 0);
    if (was >= 0)
        next->servedActiveFlags -= servedActive(current->engine->flag(was)) ? 1 : 0;
    next->flagKeysJson = current->flagKeysJson;
    next->deletedVersions = current->deletedVersions;
    if (after.deleted && was >= 0)
        next->deletedVersions.insert(after.id, after.version);
    for (qsizetype i = next->flagKeysJson.size(); i < engine->flagCount(); ++i)
        next->flagKeysJson.append(JsonWriter::encode(engine->flag(i).key));
    next->engine = std::move(engine);
    m_byProject.insert(projectId, std::move(next));
    ++m_changesApplied;
}

std::shared_ptr<const ProjectSnapshot> SnapshotStore::byToken(const QString &token)
{
    if (token.isEmpty())
        return nullptr;
    qint64 projectId = 0;
    {
        QMutexLocker lock(&m_mutex);
        projectId = m_projectByToken.value(token);
    }
    if (!projectId) {
        const std::optional<qint64> id = m_projects.idForToken(token);
        if (!id)
            return nullptr;
        projectId = *id;
        QMutexLocker lock(&m_mutex);
        m_projectByToken.insert(token, projectId);
    }
    return byProject(projectId);
}

std::shared_ptr<const ProjectSnapshot> SnapshotStore::byProject(qint64 projectId)
{
    std::shared_ptr<Build> mine; // made only when this request builds
    {
        QMutexLocker lock(&m_mutex);
        for (;;) {
            if (auto current = m_byProject.value(projectId))
                return current;
            const std::shared_ptr<Build> running = m_builds.value(projectId);
            if (!running)
                break;
            // One build per project at a time: a change under SDK traffic would otherwise have
            // every request thread compile the whole project at once.
            while (!running->finished)
                running->done.wait(&m_mutex);
            if (running->snapshot && running->generation == m_generation.value(projectId))
                return running->snapshot;
            // It failed, or the project changed while it ran: look again.
            if (!running->snapshot)
                if (auto outdated = outdatedWhileFailing(projectId))
                    return outdated;
        }
        if (auto outdated = outdatedWhileFailing(projectId))
            return outdated;
        mine = std::make_shared<Build>();
        mine->generation = m_generation.value(projectId);
        m_builds.insert(projectId, mine);
    }
    std::shared_ptr<const ProjectSnapshot> snapshot;
    try {
        if (const std::optional<QString> token = m_projects.tokenOf(projectId))
            snapshot = build(projectId, *token);
    } catch (const DatabaseError &error) {
        finishBuild(projectId, mine, nullptr);
        QMutexLocker lock(&m_mutex);
        const auto outdated = m_outdated.value(projectId);
        if (!outdated)
            throw;
        if (!m_retryBuildAtMs.contains(projectId))
            qCWarning(lcSnapshot) << "project" << projectId
                                  << "is answered from its last snapshot, which may be out of "
                                     "date: the database does not answer:"
                                  << error.what();
        m_retryBuildAtMs.insert(projectId, steadyNowMs() + retryBuildAfterMs);
        ++m_staleAnswers;
        return outdated;
    } catch (...) {
        finishBuild(projectId, mine, nullptr);
        throw;
    }
    finishBuild(projectId, mine, snapshot);
    return snapshot;
}

std::shared_ptr<const ProjectSnapshot> SnapshotStore::outdatedWhileFailing(qint64 projectId)
{
    const auto retryAt = m_retryBuildAtMs.constFind(projectId);
    if (retryAt == m_retryBuildAtMs.cend() || steadyNowMs() >= *retryAt)
        return nullptr;
    auto outdated = m_outdated.value(projectId);
    if (outdated)
        ++m_staleAnswers;
    return outdated;
}

void SnapshotStore::finishBuild(qint64 projectId, const std::shared_ptr<Build> &build,
                                const std::shared_ptr<const ProjectSnapshot> &snapshot)
{
    {
        QMutexLocker lock(&m_mutex);
        // A build that raced with an invalidation still answers its request, but is not kept.
        if (snapshot && m_generation.value(projectId) == build->generation) {
            m_byProject.insert(projectId, snapshot);
            m_projectByToken.insert(snapshot->apiToken, projectId);
            m_outdated.remove(projectId);
            if (m_retryBuildAtMs.remove(projectId))
                qCInfo(lcSnapshot) << "project" << projectId << "is up to date again";
        }
        build->snapshot = snapshot;
        build->finished = true;
        if (m_builds.value(projectId) == build)
            m_builds.remove(projectId);
        build->done.wakeAll();
    }
    returnFreedMemory();
}

void SnapshotStore::warmUp(const QList<qint64> &projectIds)
{
    for (const qint64 projectId : projectIds)
        byProject(projectId);
    m_ready = true;
}

void SnapshotStore::invalidate(qint64 projectId)
{
    QMutexLocker lock(&m_mutex);
    if (auto current = m_byProject.take(projectId))
        m_outdated.insert(projectId, std::move(current));
    ++m_generation[projectId];
}

void SnapshotStore::invalidateAll()
{
    QMutexLocker lock(&m_mutex);
    const QList<qint64> projects = m_byProject.keys();
    for (qint64 projectId : projects) {
        ++m_generation[projectId];
        m_outdated.insert(projectId, m_byProject.take(projectId));
    }
    m_projectByToken.clear();
}

void SnapshotStore::refreshAll()
{
    QList<qint64> projectIds;
    {
        QMutexLocker lock(&m_mutex);
        projectIds = m_byProject.keys() + m_outdated.keys();
    }
    for (const qint64 projectId : std::as_const(projectIds)) {
        quint64 generation = 0;
        {
            QMutexLocker lock(&m_mutex);
            generation = m_generation.value(projectId);
        }
        const std::optional<QString> token = m_projects.tokenOf(projectId);
        auto snapshot = token ? build(projectId, *token) : nullptr;
        QMutexLocker lock(&m_mutex);
        if (m_generation.value(projectId) != generation) {
            // A change arrived while it was built, which the build may or may not have read.
            if (auto current = m_byProject.take(projectId))
                m_outdated.insert(projectId, std::move(current));
            ++m_generation[projectId];
            continue;
        }
        ++m_generation[projectId]; // a build still under way read the database before this one
        if (!snapshot) {
            m_byProject.remove(projectId);
            m_outdated.remove(projectId);
            continue;
        }
        // A token that changed meanwhile finds the project again through the database.
        m_projectByToken.removeIf([&](const auto &entry) { return entry.value() == projectId; });
        m_projectByToken.insert(snapshot->apiToken, projectId);
        m_byProject.insert(projectId, std::move(snapshot));
        m_outdated.remove(projectId);
        m_retryBuildAtMs.remove(projectId);
    }
    returnFreedMemory();
}

QList<std::shared_ptr<const ProjectSnapshot>> SnapshotStore::current()
{
    QMutexLocker lock(&m_mutex);
    return m_byProject.values();
}

} // namespace bunting::server
