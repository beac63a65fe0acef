#include "peer_changes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcPeerChanges, "bunting.server.peers")

namespace bunting::server {

namespace {

// PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more; a longer list of people is sent
// as "every person of the project" instead.
constexpr qsizetype maxListBytes = 7000;

QByteArray personsMessage(const QStringList &distinctIds)
{
    const QByteArray list =
        QJsonDocument(QJsonArray::fromStringList(distinctIds)).toJson(QJsonDocument::Compact);
    return list.size() > maxListBytes ? "persons"_ba : "persons "_ba + list;
}

} // namespace

PeerChanges::PeerChanges(Parts parts) : m_parts(parts)
{
    if (!m_parts.db.isPostgres())
        return;
    m_listener = std::make_unique<PeerListener>(
        m_parts.db, PeerListener::Handlers{[this](qint64 projectId, const QByteArray &message) {
                                               hear(projectId, message);
                                           },
                                           [this] { resync(); }});
    m_parts.flagService.notices.tellPeers([](const FlagService::Change &change) {
        return PeerMessage{change.projectId, "flag "_ba + QByteArray::number(change.after.id)};
    });
    m_parts.cohorts.notices.tellPeers([](qint64 projectId, bool membersChanged) {
        return PeerMessage{projectId, membersChanged ? "cohort-members"_ba : "cohorts"_ba};
    });
    m_parts.groups.typeAdded.tellPeers([](qint64 projectId) {
        return PeerMessage{projectId, "group-types"_ba};
    });
    m_parts.events.flagsChanged.tellPeers([](qint64 projectId) {
        return PeerMessage{projectId, "flag-views"_ba};
    });
    m_parts.events.groupsChanged.tellPeers([](qint64 projectId) {
        return PeerMessage{projectId, "groups"_ba};
    });
    m_parts.persons.changed.tellPeers([](qint64 projectId, const QStringList &distinctIds) {
        return PeerMessage{projectId, personsMessage(distinctIds)};
    });
}

void PeerChanges::listen()
{
    if (m_listener && !m_listener->started())
        m_listener->start(m_parts.projects.ids());
}

void PeerChanges::hear(qint64 projectId, const QByteArray &message)
{
    const qsizetype space = message.indexOf(' ');
    const QByteArray kind = space < 0 ? message : message.first(space);
    const QByteArray detail = space < 0 ? QByteArray() : message.mid(space + 1);
    SnapshotStore &snapshots = m_parts.snapshots;
    SubjectCache &subjects = m_parts.subjects;
    if (kind == "flag") {
        // The flag as it is now, which may be newer than the change told of: the snapshot
        // never takes an older version over a newer one.
        bool ok = false;
        const qint64 flagId = detail.toLongLong(&ok);
        const std::optional<FeatureFlag> flag =
            ok ? m_parts.flags.find(projectId, flagId) : std::nullopt;
        if (flag)
            snapshots.applyFlagChange(projectId, *flag);
        else
            snapshots.invalidate(projectId);
    } else if (kind == "cohorts" || kind == "group-types" || kind == "flag-views") {
        snapshots.invalidate(projectId);
    } else if (kind == "cohort-members") {
        snapshots.invalidate(projectId);
        subjects.invalidateProject(projectId);
    } else if (kind == "groups") {
        subjects.invalidateGroups(projectId);
    } else if (kind == "persons" && !detail.isEmpty()) {
        const QJsonArray ids = QJsonDocument::fromJson(detail).array();
        for (const QJsonValue &id : ids)
            subjects.invalidatePerson(projectId, id.toString());
    } else if (kind == "persons") {
        subjects.invalidateProject(projectId);
    } else {
        // From a newer server than this one: read the project again rather than miss it.
        qCWarning(lcPeerChanges) << "unknown change" << kind << "from another server; project"
                                 << projectId << "is read anew";
        snapshots.invalidate(projectId);
        subjects.invalidateProject(projectId);
    }
}

void PeerChanges::resync()
{
    for (const qint64 projectId : m_parts.projects.ids())
        m_parts.subjects.invalidateProject(projectId);
    m_parts.snapshots.refreshAll();
}

} // namespace bunting::server
