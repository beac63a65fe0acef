#include "services/mirror_service.h"

#include "flag_references.h"
#include "http/api_error.h"
#include "services/cohort_validation.h"
#include "storage/timestamps.h"

#include <QJsonArray>
#include <QSet>
#include <QUuid>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

constexpr auto kMirrorUserEmail = "mirror@bunting.local"_L1;

QHash<qint64, qint64> inverted(const QHash<qint64, qint64> &map)
{
    QHash<qint64, qint64> out;
    out.reserve(map.size());
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        out.insert(it.value(), it.key());
    return out;
}

QJsonObject copiedCohortFields(const QJsonObject &cohort)
{
    QJsonObject fields;
    for (const auto name :
         {"name"_L1, "description"_L1, "groups"_L1, "filters"_L1, "query"_L1, "is_static"_L1})
        if (cohort.contains(name))
            fields.insert(name, cohort.value(name));
    return fields;
}

// A local flag just written as the remote has it: in step again.
ItemOrigin inStep(const FeatureFlag &local, qint64 remoteId, int remoteVersion,
                  const QJsonObject &remote)
{
    return {local.id, remoteId, remoteVersion, remote, local.version, remoteVersion, remote};
}

QString problem(const QJsonObject &flag, const ApiError &error)
{
    const QString field = error.attr().isEmpty() ? QString() : u" (%1)"_s.arg(error.attr());
    return u"flag '%1': %2%3"_s.arg(flag.value("key"_L1).toString(), error.detail(), field);
}

} // namespace

QJsonObject MirrorService::copiedFields(const QJsonObject &flag)
{
    QJsonObject fields;
    for (const auto name :
         {"key"_L1, "name"_L1, "filters"_L1, "active"_L1, "tags"_L1, "evaluation_contexts"_L1,
          "ensure_experience_continuity"_L1, "rollback_conditions"_L1, "performed_rollback"_L1,
          "evaluation_runtime"_L1, "bucketing_identifier"_L1, "is_remote_configuration"_L1,
          "has_encrypted_payloads"_L1})
        if (flag.contains(name))
            fields.insert(name, flag.value(name));
    return fields;
}

std::optional<ProjectOrigin> MirrorService::find(const QString &host, qint64 remoteProjectId) const
{
    return m_origins.projectFor(host, remoteProjectId);
}

std::optional<ProjectOrigin> MirrorService::origin(qint64 projectId) const
{
    return m_origins.originOf(projectId);
}

qint64 MirrorService::mirrorUserId()
{
    if (const auto id = m_users.idByEmail(kMirrorUserEmail))
        return *id;
    const QString uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    // Named as the author of what a copy wrote, in the flag list and the history.
    return m_users.insert(uuid, uuid, u"PostHog (copy)"_s, u""_s, kMirrorUserEmail, nowTimestamp());
}

qint64 MirrorService::localProject(const RemoteProjectState &remote, MirrorReport &report)
{
    if (const auto origin = m_origins.projectFor(remote.host, remote.projectId))
        return origin->projectId;
    const QString remoteName =
        remote.name.isEmpty() ? u"project %1"_s.arg(remote.projectId) : remote.name;
    const QString name = u"%1 (mirror of %2)"_s.arg(remoteName, remote.host).left(200);
    const StoredProject project = m_auth.createProject(name, remote.apiToken);
    m_origins.insertProject({project.id, remote.host, remote.projectId, remoteName},
                            project.createdAt);
    report.projectCreated = true;
    return project.id;
}

MirrorService::IdMaps MirrorService::idMaps(qint64 projectId) const
{
    return {inverted(m_origins.cohortIds(projectId)), inverted(m_origins.flagIds(projectId))};
}

MirrorReport MirrorService::pull(const RemoteProjectState &remote)
{
    MirrorReport report;
    m_db.transaction([&] {
        report = MirrorReport{};
        Principal by;
        by.userId = mirrorUserId();
        by.scopes = {u"*"_s};
        const qint64 projectId = localProject(remote, report);
        report.projectId = projectId;
        pullGroupTypes(projectId, remote, report);
        IdMaps ids = idMaps(projectId);
        pullCohorts(projectId, by.userId, remote, ids, report);
        pullPersons(projectId, remote, report);
        pullFlags(projectId, by, remote, ids, report);
    });
    m_versionsAfterPull.insert(report.projectId, m_flags.versions(report.projectId));
    return report;
}

void MirrorService::pullGroupTypes(qint64 projectId, const RemoteProjectState &remote,
                                   MirrorReport &report)
{
    QList<QJsonObject> types = remote.groupTypes;
    std::sort(types.begin(), types.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return a.value("group_type_index"_L1).toInt() < b.value("group_type_index"_L1).toInt();
    });
    const QList<GroupTypeMapping> local = m_groups.mappings(projectId);
    for (const QJsonObject &type : types) {
        const QString name = type.value("group_type"_L1).toString();
        const int index = type.value("group_type_index"_L1).toInt(-1);
        const auto same = std::find_if(local.begin(), local.end(), [&](const GroupTypeMapping &m) {
            return m.groupType == name;
        });
        std::optional<int> localIndex = same != local.end()
                                            ? std::optional(same->index)
                                            : m_groups.ensureMapping(projectId, name);
        if (localIndex != index) {
            // Flags aggregate by index: another index here would aggregate by another type.
            report.problems.append(u"group type '%1' is index %2 there and %3 here"_s.arg(
                name, QString::number(index), QString::number(localIndex.value_or(-1))));
            continue;
        }
        const QString singular = type.value("name_singular"_L1).toString();
        const QString plural = type.value("name_plural"_L1).toString();
        if (same == local.end() || same->nameSingular != singular || same->namePlural != plural)
            m_groups.updateNames(projectId, index, singular, plural);
    }
}

void MirrorService::pullCohorts(qint64 projectId, qint64 author, const RemoteProjectState &remote,
                                IdMaps &ids, MirrorReport &report)
{
    QHash<qint64, ItemOrigin> origins = m_origins.cohorts(projectId);
    // First every new cohort, so that the ones naming others find their local ids. Each waits
    // deleted until its definition has passed the checks below.
    for (const QJsonObject &cohort : remote.cohorts) {
        const qint64 remoteId = idIn(cohort.value("id"_L1));
        if (origins.contains(remoteId))
            continue;
        QJsonObject placeholder = copiedCohortFields(cohort);
        placeholder.remove("filters"_L1);
        placeholder.remove("groups"_L1);
        placeholder.insert("deleted"_L1, true);
        const qint64 localId = m_cohorts.insert(projectId, placeholder, author);
        ids.cohorts.insert(remoteId, localId);
        origins.insert(remoteId, {localId, remoteId, 0, {}, 0, 0, {}});
    }
    struct Pending
    {
        ItemOrigin *origin;
        QJsonObject fields;
        QJsonObject document;
    };
    QList<Pending> changed;
    for (const QJsonObject &cohort : remote.cohorts) {
        ItemOrigin &origin = origins[idIn(cohort.value("id"_L1))];
        const QJsonObject fields = copiedCohortFields(cohort);
        if (origin.remoteObject == fields)
            continue;
        QJsonObject document = remapReferences(fields, ids.cohorts, ids.flags).toObject();
        document.insert("id"_L1, origin.localId);
        document.insert("deleted"_L1, false);
        changed.append({&origin, fields, document});
    }
    // The remote is checked as a client would be (PostHog's CohortSerializer rules): a circle
    // of cohorts, or a filter Bunting cannot evaluate, is refused with the cohorts naming it.
    QHash<qint64, Cohort> definitions = m_cohorts.definitions(projectId);
    for (const Pending &item : std::as_const(changed))
        definitions.insert(item.origin->localId, Cohort::fromJson(item.document));
    QSet<qint64> refused;
    for (bool more = true; more;) {
        more = false;
        for (const Pending &item : std::as_const(changed)) {
            const qint64 id = item.origin->localId;
            const QJsonValue filters = item.document.value("filters"_L1);
            if (refused.contains(id) || item.document.value("is_static"_L1).toBool() ||
                !filters.isObject())
                continue;
            try {
                validateCohortFilters(filters, definitions, id);
            } catch (const ApiError &error) {
                report.problems.append(u"cohort '%1': %2"_s.arg(
                    item.document.value("name"_L1).toString(), error.detail()));
                refused.insert(id);
                definitions.remove(id);
                more = true;
            }
        }
    }
    for (const Pending &item : std::as_const(changed)) {
        if (refused.contains(item.origin->localId))
            continue;
        QJsonObject document = item.document;
        if (const auto stored = m_cohorts.find(projectId, item.origin->localId))
            document.insert("created_at"_L1, stored->document.value("created_at"_L1));
        m_cohorts.update(projectId, item.origin->localId, document);
        item.origin->remoteObject = item.fields;
        m_origins.putCohort(projectId, *item.origin);
        ++report.cohortsWritten;
    }
}

void MirrorService::pullPersons(qint64 projectId, const RemoteProjectState &remote,
                                MirrorReport &report)
{
    for (const QJsonObject &remotePerson : remote.persons) {
        QStringList distinctIds;
        for (const QJsonValue &id : remotePerson.value("distinct_ids"_L1).toArray())
            if (id.isString() && !id.toString().isEmpty())
                distinctIds.append(id.toString());
        if (distinctIds.isEmpty())
            continue;
        const QJsonObject properties = remotePerson.value("properties"_L1).toObject();
        std::optional<Person> local;
        for (const QString &id : std::as_const(distinctIds))
            if ((local = m_persons.findByDistinctId(projectId, id)))
                break;
        if (!local) {
            // An id here may already belong to another person: then that one stays.
            try {
                m_db.transaction(
                    [&] { m_persons.create(projectId, distinctIds, properties, true); });
            } catch (const UniqueViolation &) {
                report.problems.append(u"person '%1': a distinct id of theirs is another "
                                       "person's here"_s.arg(distinctIds.first()));
                continue;
            }
        } else if (local->properties != properties) {
            QStringList unset;
            for (auto it = local->properties.constBegin(); it != local->properties.constEnd(); ++it)
                if (!properties.contains(it.key()))
                    unset.append(it.key());
            m_persons.updateProperties(projectId, local->distinctIds.first(), properties, {},
                                       unset);
        } else {
            continue;
        }
        m_persons.changed.send(projectId, distinctIds);
        ++report.personsWritten;
    }
}

void MirrorService::pullFlags(qint64 projectId, const Principal &by,
                              const RemoteProjectState &remote, IdMaps &ids, MirrorReport &report)
{
    const QHash<qint64, ItemOrigin> origins = m_origins.flags(projectId);
    const QHash<qint64, FlagRepository::VersionState> versions = m_flags.versions(projectId);
    if (const auto last = m_versionsAfterPull.constFind(projectId);
        last != m_versionsAfterPull.cend() && *last != versions)
        report.changedSinceLastPull = true;
    const auto overridden = [&](const ItemOrigin &origin) {
        const auto state = versions.constFind(origin.localId);
        return state == versions.cend() || state->deleted || state->version != origin.localVersion;
    };
    // Writes one flag as the remote has it; the error when the local rules refuse it now.
    const auto write = [&](const QJsonObject &flag) -> std::optional<ApiError> {
        const qint64 remoteId = idIn(flag.value("id"_L1));
        const int remoteVersion = flag.value("version"_L1).toInt();
        const QJsonObject fields = copiedFields(flag);
        const auto origin = origins.constFind(remoteId);
        QJsonObject body = remapReferences(fields, ids.cohorts, ids.flags).toObject();
        try {
            if (origin == origins.cend()) {
                body.insert("_should_create_usage_dashboard"_L1, false);
                const FeatureFlag created = m_flagService.create(projectId, by, body);
                ids.flags.insert(remoteId, created.id);
                m_origins.putFlag(projectId, inStep(created, remoteId, remoteVersion, fields));
                ++report.created;
            } else {
                const FeatureFlag updated =
                    m_flagService.update(projectId, origin->localId, by, body);
                m_origins.putFlag(projectId, inStep(updated, remoteId, remoteVersion, fields));
                ++report.updated;
            }
        } catch (const ApiError &error) {
            return error;
        }
        return std::nullopt;
    };
    QSet<qint64> seen;
    QList<const QJsonObject *> refused;
    // Each dependency exists locally before the flags that name it are written.
    for (const qsizetype index : dependenciesFirst(remote.flags)) {
        const QJsonObject *flag = &remote.flags[index];
        const qint64 remoteId = idIn(flag->value("id"_L1));
        const int remoteVersion = flag->value("version"_L1).toInt();
        seen.insert(remoteId);
        const QJsonObject fields = copiedFields(*flag);
        const auto origin = origins.constFind(remoteId);
        if (origin != origins.cend() && overridden(*origin)) {
            // Changed here: the local change stands, and so does the remote's object it
            // started from (for a push); the remote's new object is remembered for reset.
            if (origin->remoteObject != fields || origin->remoteVersion != remoteVersion) {
                ItemOrigin moved = *origin;
                moved.remoteVersion = remoteVersion;
                moved.remoteObject = fields;
                m_origins.putFlag(projectId, moved);
            }
            if (origin->baseObject != fields)
                report.changedOnBothSides.append(origin->localId);
            ++report.kept;
            continue;
        }
        if (origin != origins.cend() && origin->remoteObject == fields) {
            ++report.unchanged;
            continue;
        }
        if (write(*flag))
            refused.append(flag);
    }
    // A flag refused now may be taken once others are: disabling a flag waits for its
    // dependents to be disabled too, whatever order the remote listed them in.
    for (bool progress = true; progress && !refused.isEmpty();) {
        progress = false;
        QList<const QJsonObject *> still;
        for (const QJsonObject *flag : refused) {
            if (write(*flag))
                still.append(flag);
            else
                progress = true;
        }
        refused = still;
    }
    for (const QJsonObject *flag : refused)
        report.problems.append(problem(*flag, *write(*flag)));
    for (auto origin = origins.cbegin(); origin != origins.cend(); ++origin) {
        if (seen.contains(origin.key()) || !remote.complete)
            continue;
        if (overridden(*origin)) {
            ++report.kept;
            continue;
        }
        try {
            m_flagService.update(projectId, origin->localId, by, {{u"deleted"_s, true}});
            m_origins.removeFlag(origin->localId);
            ++report.removed;
        } catch (const ApiError &error) {
            report.problems.append(problem(origin->remoteObject, error));
        }
    }
}

QList<MirrorOverride> MirrorService::overrides(qint64 projectId) const
{
    const QHash<qint64, qint64> inStepAt = m_origins.flagLocalVersions(projectId);
    const auto versions = m_flags.versions(projectId);
    QList<MirrorOverride> found;
    for (auto it = versions.cbegin(); it != versions.cend(); ++it) {
        const auto origin = inStepAt.constFind(it.key());
        const bool copied = origin != inStepAt.cend();
        std::optional<MirrorOverride::Kind> kind;
        if (!copied && !it->deleted)
            kind = MirrorOverride::Kind::Created;
        else if (copied && it->deleted)
            kind = MirrorOverride::Kind::Deleted;
        else if (copied && it->version != *origin)
            kind = MirrorOverride::Kind::Changed;
        if (!kind)
            continue;
        const auto flag = m_flags.find(projectId, it.key());
        found.append({it.key(), flag ? flag->key : QString(), *kind});
    }
    std::sort(found.begin(), found.end(),
              [](const MirrorOverride &a, const MirrorOverride &b) { return a.key < b.key; });
    return found;
}

int MirrorService::reset(qint64 projectId)
{
    int written = 0;
    m_db.transaction([&] {
        written = 0;
        Principal by;
        by.userId = mirrorUserId();
        by.scopes = {u"*"_s};
        const IdMaps ids = idMaps(projectId);
        QHash<qint64, ItemOrigin> byLocalId;
        for (const ItemOrigin &origin : m_origins.flags(projectId))
            byLocalId.insert(origin.localId, origin);
        // Made here: deleted before the copies are put back, so their keys are free again.
        const QList<MirrorOverride> found = overrides(projectId);
        for (const MirrorOverride &item : found)
            if (item.kind == MirrorOverride::Kind::Created) {
                m_flagService.update(projectId, item.flagId, by, {{u"deleted"_s, true}});
                ++written;
            }
        for (const MirrorOverride &item : found) {
            if (item.kind == MirrorOverride::Kind::Created)
                continue;
            ItemOrigin origin = byLocalId.value(item.flagId);
            QJsonObject body =
                remapReferences(origin.remoteObject, ids.cohorts, ids.flags).toObject();
            body.insert("deleted"_L1, false);
            const FeatureFlag flag = m_flagService.update(projectId, item.flagId, by, body);
            m_origins.putFlag(projectId, inStep(flag, origin.remoteId, origin.remoteVersion,
                                                origin.remoteObject));
            ++written;
        }
    });
    return written;
}

MirrorService::IdMaps MirrorService::idMapsFor(qint64 projectId, const QJsonValue &value,
                                               bool toRemote) const
{
    // Most flags name no cohort and no other flag: then no map is read.
    const FlagReferences named = referencesIn(value);
    if (named.cohorts.isEmpty() && named.flags.isEmpty())
        return {};
    if (toRemote)
        return {m_origins.cohortIds(projectId), m_origins.flagIds(projectId)};
    return idMaps(projectId);
}

PushItem MirrorService::pushItem(qint64 projectId, const FeatureFlag &local,
                                 MirrorOverride::Kind kind, const std::optional<ItemOrigin> &origin,
                                 const IdMaps &toRemote) const
{
    PushItem item;
    item.flagId = local.id;
    item.key = local.key;
    item.kind = kind;
    item.localVersion = local.version;
    if (origin) {
        item.remoteId = origin->remoteId;
        item.baseVersion = origin->baseVersion;
        item.base = origin->baseObject;
    }
    FlagReferences unknown;
    item.mine =
        remapReferences(copiedFields(local.toJson()), toRemote.cohorts, toRemote.flags, &unknown)
            .toObject();
    if (kind == MirrorOverride::Kind::Deleted)
        return item; // its conditions are not sent
    QStringList names;
    for (const qint64 cohort : std::as_const(unknown.cohorts)) {
        const auto stored = m_cohorts.find(projectId, cohort);
        names.append(stored ? u"cohort '%1'"_s.arg(stored->document.value("name"_L1).toString())
                            : u"cohort %1"_s.arg(cohort));
    }
    for (const qint64 flag : std::as_const(unknown.flags)) {
        const auto stored = m_flags.find(projectId, flag);
        names.append(stored ? u"flag '%1'"_s.arg(stored->key) : u"flag %1"_s.arg(flag));
    }
    names.removeDuplicates();
    if (!names.isEmpty())
        item.problem =
            u"It uses %1, which the remote does not have yet."_s.arg(names.join(u", "_s));
    return item;
}

QList<PushItem> MirrorService::pushPlan(qint64 projectId) const
{
    const IdMaps toRemote{m_origins.cohortIds(projectId), m_origins.flagIds(projectId)};
    QList<PushItem> items;
    QList<QJsonObject> madeHere; // id and filters, local ids, to order by what they name
    for (const MirrorOverride &found : overrides(projectId)) {
        const auto local = m_flags.find(projectId, found.flagId);
        if (!local)
            continue;
        items.append(
            pushItem(projectId, *local, found.kind, m_origins.flag(found.flagId), toRemote));
        if (found.kind == MirrorOverride::Kind::Created)
            madeHere.append({{u"id"_s, local->id}, {u"filters"_s, local->filters.toJson()}});
    }
    // A flag made here that names another made here is sent after it, so it names it by the
    // remote's id; the others keep the overrides' order (by key).
    QHash<qint64, int> rank;
    int next = 0;
    for (const qsizetype index : dependenciesFirst(madeHere))
        rank.insert(idIn(madeHere[index].value("id"_L1)), next++);
    std::stable_sort(items.begin(), items.end(), [&](const PushItem &a, const PushItem &b) {
        return rank.value(a.flagId, -1) < rank.value(b.flagId, -1);
    });
    return items;
}

std::optional<PushItem> MirrorService::pushItem(qint64 projectId, qint64 flagId) const
{
    const auto local = m_flags.find(projectId, flagId);
    if (!local)
        return std::nullopt;
    const auto origin = m_origins.flag(flagId);
    if (origin && origin->localId != flagId)
        return std::nullopt;
    std::optional<MirrorOverride::Kind> kind;
    if (!origin && !local->deleted)
        kind = MirrorOverride::Kind::Created;
    else if (origin && local->deleted)
        kind = MirrorOverride::Kind::Deleted;
    else if (origin && local->version != origin->localVersion)
        kind = MirrorOverride::Kind::Changed;
    if (!kind)
        return std::nullopt;
    return pushItem(projectId, *local, *kind, origin,
                    idMapsFor(projectId, local->filters.toJson(), true));
}

void MirrorService::adopt(qint64 projectId, const PushItem &item, const QJsonObject &remoteFlag)
{
    m_db.transaction([&] {
        Principal by;
        by.userId = mirrorUserId();
        by.scopes = {u"*"_s};
        const auto local = m_flags.find(projectId, item.flagId);
        const auto origin = m_origins.flag(item.flagId);
        const bool untouched = local && local->version == item.localVersion;
        if (remoteFlag.isEmpty() || remoteFlag.value("deleted"_L1).toBool()) {
            // Gone there: the local flag goes too, unless it changed since, and then it is a
            // flag made here.
            if (untouched && !local->deleted) {
                try {
                    m_flagService.update(projectId, item.flagId, by, {{u"deleted"_s, true}});
                } catch (const ApiError &) {
                    // Flags here depend on it: it stays, as a flag made here.
                }
            }
            if (origin)
                m_origins.removeFlag(item.flagId);
            return;
        }
        const qint64 remoteId = idIn(remoteFlag.value("id"_L1));
        const int remoteVersion = remoteFlag.value("version"_L1).toInt();
        const QJsonObject fields = copiedFields(remoteFlag);
        if (!untouched) {
            const int localVersion = origin ? origin->localVersion : item.localVersion;
            m_origins.putFlag(projectId, {item.flagId, remoteId, remoteVersion, fields,
                                          localVersion, remoteVersion, fields});
            return;
        }
        const IdMaps ids = idMapsFor(projectId, fields, false);
        QJsonObject body = remapReferences(fields, ids.cohorts, ids.flags).toObject();
        FeatureFlag written = *local;
        if (local->deleted || copiedFields(local->toJson()) != body) {
            body.insert("deleted"_L1, false);
            written = m_flagService.update(projectId, item.flagId, by, body);
        }
        m_origins.putFlag(projectId, inStep(written, remoteId, remoteVersion, fields));
    });
}

std::optional<MirrorService::BothChanged> MirrorService::bothChanged(qint64 projectId,
                                                                     qint64 flagId) const
{
    const auto origin = m_origins.flag(flagId);
    if (!origin || origin->baseObject == origin->remoteObject)
        return std::nullopt;
    const auto item = pushItem(projectId, flagId);
    if (!item || item->kind != MirrorOverride::Kind::Changed)
        return std::nullopt;
    QJsonObject theirs = origin->remoteObject;
    theirs.insert("id"_L1, origin->remoteId);
    theirs.insert("version"_L1, origin->remoteVersion);
    return BothChanged{*item, theirs};
}

void MirrorService::rebase(qint64 projectId, const PushItem &item, const QJsonObject &merged)
{
    m_db.transaction([&] {
        Principal by;
        by.userId = mirrorUserId();
        by.scopes = {u"*"_s};
        auto origin = m_origins.flag(item.flagId);
        const auto local = m_flags.find(projectId, item.flagId);
        if (!origin || !local || local->version != item.localVersion)
            return; // changed meanwhile: the next pull finds it again
        const QJsonObject fields = copiedFields(merged);
        const IdMaps ids = idMapsFor(projectId, fields, false);
        const QJsonObject body = remapReferences(fields, ids.cohorts, ids.flags).toObject();
        FeatureFlag written = *local;
        if (copiedFields(local->toJson()) != body)
            written = m_flagService.update(projectId, item.flagId, by, body);
        origin->baseVersion = origin->remoteVersion;
        origin->baseObject = origin->remoteObject;
        if (fields == origin->remoteObject)
            origin->localVersion = written.version;
        m_origins.putFlag(projectId, *origin);
    });
}

} // namespace bunting::server
