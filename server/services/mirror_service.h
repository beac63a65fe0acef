#pragma once

#include "services/auth_service.h"
#include "services/flag_service.h"
#include "storage/cohort_repository.h"
#include "storage/flag_repository.h"
#include "storage/group_repository.h"
#include "storage/origin_repository.h"
#include "storage/person_repository.h"
#include "storage/user_repository.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <optional>

namespace bunting::server {

// A PostHog project as one pull read it: every live flag and cohort as PostHog's API serves
// them, and the group types.
struct RemoteProjectState
{
    QString host;
    qint64 projectId = 0;
    QString name;
    QString apiToken; // the copy answers the SDKs under the remote's own token
    QList<QJsonObject> flags;
    QList<QJsonObject> cohorts;
    // Some of its persons (distinct_ids, properties), so that evaluating by stored properties
    // and testing a user find people here.
    QList<QJsonObject> persons;
    QList<QJsonObject> groupTypes; // group_type, group_type_index, name_singular, name_plural
    // Every flag was read: false when the list changed while its pages were read, so that a
    // flag missing from them is not taken for one deleted there.
    bool complete = true;
};

struct MirrorReport
{
    qint64 projectId = 0;
    bool projectCreated = false;
    int created = 0;
    int updated = 0;
    int removed = 0;   // gone from the remote, so soft-deleted here
    int unchanged = 0; // nothing written
    int kept = 0;      // changed here since the last pull: left as the local override
    int cohortsWritten = 0;
    int personsWritten = 0;
    QStringList problems; // one line per flag the copy could not take, naming it
    // Flags of the copy were written since the last pull by something other than a pull: by
    // the API, or by another process (`mirror --reset`), whose writes this process's SDK
    // snapshot does not hear of on SQLite.
    bool changedSinceLastPull = false;
    // Flags changed here (kept) whose remote object changed too since they were last in step:
    // a push of them has to merge.
    QList<qint64> changedOnBothSides;

    int written() const { return created + updated + removed + cohortsWritten + personsWritten; }
};

// A flag of a mirrored project that differs from the remote because of a change made here.
struct MirrorOverride
{
    enum class Kind { Created, Changed, Deleted };
    qint64 flagId = 0;
    QString key;
    Kind kind = Kind::Changed;
};

// A flag changed in a copy as a push sends it to the remote, its objects in the remote's ids.
struct PushItem
{
    qint64 flagId = 0;
    QString key;
    MirrorOverride::Kind kind = MirrorOverride::Kind::Changed;
    int localVersion = 0; // the local flag's version `mine` was read at
    qint64 remoteId = 0;  // 0 for a flag made here
    int baseVersion = 0;  // the remote's version the local change started from
    QJsonObject base;     // the remote's object then (copiedFields); empty for a flag made here
    QJsonObject mine;     // the local flag now (copiedFields)
    // Why it cannot be sent as it is (a cohort or a flag it names is not on the remote); empty
    // when it can.
    QString problem;
};

// Keeps a local project a copy of a PostHog project, as `bunting-server mirror` runs it: each
// pull writes what the remote changed since the last one, in one transaction, through the
// same services as the API (versions, activity and the SDK snapshot follow). Flags changed
// here since (overrides) are left alone until reset(). Cohort ids and the flag ids of flag
// dependencies are the remote's in what it serves, and are rewritten to the local ones.
class MirrorService
{
public:
    MirrorService(const Database &db, AuthService &auth, FlagService &flagService,
                  FlagRepository &flags, CohortRepository &cohorts, GroupRepository &groups,
                  PersonRepository &persons, OriginRepository &origins, UserRepository &users)
        : m_db(db), m_auth(auth), m_flagService(flagService), m_flags(flags), m_cohorts(cohorts),
          m_groups(groups), m_persons(persons), m_origins(origins), m_users(users)
    {
    }

    std::optional<ProjectOrigin> find(const QString &host, qint64 remoteProjectId) const;
    // What a local project is a copy of; nullopt for a project made here.
    std::optional<ProjectOrigin> origin(qint64 projectId) const;
    // Writes what changed; creates the local project on the first pull. Throws DatabaseError
    // (nothing written then); a flag the copy refuses is a problem in the report, not a throw.
    MirrorReport pull(const RemoteProjectState &remote);
    QList<MirrorOverride> overrides(qint64 projectId) const;
    // Puts every override back as the remote had it at the last pull; flags made here are
    // soft-deleted. Returns the flags written; ApiError for one that cannot be put back.
    int reset(qint64 projectId);

    // Every override as a push sends it, flags made here after the flags they name.
    QList<PushItem> pushPlan(qint64 projectId) const;
    // One flag as a push sends it now (it may have changed since the plan was read, or a flag
    // it names been sent meanwhile); nullopt when it is in step with the remote.
    std::optional<PushItem> pushItem(qint64 projectId, qint64 flagId) const;
    // The remote now holds `remoteFlag` (PostHog's object; empty or deleted when it holds none)
    // for the item: sent by a push, already there, or taken as the remote's side of a merge.
    // The local flag becomes that object and is in step again, unless it changed since `item`
    // was read: then it stays changed, from the remote's object as its new starting point.
    // ApiError, and nothing written, when the local rules refuse the remote's object.
    void adopt(qint64 projectId, const PushItem &item, const QJsonObject &remoteFlag);

    // A flag changed here whose remote object a pull found changed too since they were last in
    // step (MirrorReport::changedOnBothSides): the change as a push would send it, and the
    // remote's newest object (copiedFields, with its id and version) to merge it with.
    struct BothChanged
    {
        PushItem item;
        QJsonObject theirs;
    };
    std::optional<BothChanged> bothChanged(qint64 projectId, qint64 flagId) const;
    // Settles one: the local flag becomes `merged` (in the remote's ids), starting from the
    // remote's newest object; it stays marked changed unless `merged` is that object.
    // ApiError, and nothing written, when the local rules refuse `merged`.
    void rebase(qint64 projectId, const PushItem &item, const QJsonObject &merged);

    // The fields of a PostHog flag a copy takes: those a client may write, less the ones that
    // name remote objects (dashboards) or steer only the creating request.
    static QJsonObject copiedFields(const QJsonObject &flag);

private:
    struct IdMaps
    {
        QHash<qint64, qint64> cohorts; // remote id -> local id
        QHash<qint64, qint64> flags;
    };
    qint64 mirrorUserId();
    qint64 localProject(const RemoteProjectState &remote, MirrorReport &report);
    void pullGroupTypes(qint64 projectId, const RemoteProjectState &remote, MirrorReport &report);
    void pullCohorts(qint64 projectId, qint64 author, const RemoteProjectState &remote, IdMaps &ids,
                     MirrorReport &report);
    void pullPersons(qint64 projectId, const RemoteProjectState &remote, MirrorReport &report);
    void pullFlags(qint64 projectId, const Principal &by, const RemoteProjectState &remote,
                   IdMaps &ids, MirrorReport &report);
    IdMaps idMaps(qint64 projectId) const;
    // The maps `value` needs, remote to local or (`toRemote`) local to remote.
    IdMaps idMapsFor(qint64 projectId, const QJsonValue &value, bool toRemote) const;
    PushItem pushItem(qint64 projectId, const FeatureFlag &local, MirrorOverride::Kind kind,
                      const std::optional<ItemOrigin> &origin, const IdMaps &toRemote) const;

    const Database &m_db;
    AuthService &m_auth;
    FlagService &m_flagService;
    FlagRepository &m_flags;
    CohortRepository &m_cohorts;
    GroupRepository &m_groups;
    PersonRepository &m_persons;
    OriginRepository &m_origins;
    UserRepository &m_users;
    // Each project's flag versions as the last pull left them.
    QHash<qint64, QHash<qint64, FlagRepository::VersionState>> m_versionsAfterPull;
};

} // namespace bunting::server
