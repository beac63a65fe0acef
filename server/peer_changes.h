#pragma once

#include "sdk/event_ingest.h"
#include "sdk/project_snapshot.h"
#include "sdk/subject_cache.h"
#include "services/flag_service.h"
#include "storage/cohort_repository.h"
#include "storage/flag_repository.h"
#include "storage/group_repository.h"
#include "storage/peer_listener.h"
#include "storage/project_repository.h"

#include <memory>

namespace bunting::server {

// Several servers on one PostgreSQL database: what this one tells the others of each change it
// commits, and what it does with what they tell it, so that each server's SDK snapshot and
// caches follow every server's writes. Nothing on SQLite, which one process serves.
class PeerChanges
{
public:
    struct Parts
    {
        const Database &db;
        const ProjectRepository &projects;
        const FlagRepository &flags;
        FlagService &flagService;
        CohortRepository &cohorts;
        PersonRepository &persons;
        GroupRepository &groups;
        EventIngest &events;
        SnapshotStore &snapshots;
        SubjectCache &subjects;
    };
    // Tells the others of every change from now on.
    explicit PeerChanges(Parts parts);

    // Hears the others' changes from now on; before the snapshots are first built, so that
    // none committed after that read goes unheard.
    void listen();
    // nullptr on SQLite.
    const PeerListener *listener() const { return m_listener.get(); }

private:
    void hear(qint64 projectId, const QByteArray &message);
    void resync();

    Parts m_parts;
    std::unique_ptr<PeerListener> m_listener;
};

} // namespace bunting::server
