#pragma once

#include "storage/database.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace bunting::server {

// Where a copied project came from: the PostHog host and project it mirrors.
struct ProjectOrigin
{
    qint64 projectId = 0;
    QString host;
    qint64 remoteProjectId = 0;
    QString remoteName;
};

// A copied flag or cohort: its id on the remote, the remote's object as last pulled, and for a
// flag the remote's version then and the local version the copy wrote.
struct ItemOrigin
{
    qint64 localId = 0;
    qint64 remoteId = 0;
    int remoteVersion = 0;
    QJsonObject remoteObject;
    int localVersion = 0;
    // A flag: the remote's version and object the local flag was last in step with (at
    // `localVersion`). The same as the remote's unless the flag changed here and a later pull
    // found the remote changed too.
    int baseVersion = 0;
    QJsonObject baseObject;
};

// The project_origins, flag_origins and cohort_origins tables.
class OriginRepository
{
public:
    explicit OriginRepository(const Database &db) : m_db(db) {}

    std::optional<ProjectOrigin> projectFor(const QString &host, qint64 remoteProjectId) const;
    std::optional<ProjectOrigin> originOf(qint64 projectId) const;
    void insertProject(const ProjectOrigin &origin, const QString &createdAt);

    // By remote id.
    QHash<qint64, ItemOrigin> flags(qint64 projectId) const;
    QHash<qint64, ItemOrigin> cohorts(qint64 projectId) const;
    std::optional<ItemOrigin> flag(qint64 flagId) const;
    // Remote id by local id, reading no objects.
    QHash<qint64, qint64> flagIds(qint64 projectId) const;
    QHash<qint64, qint64> cohortIds(qint64 projectId) const;
    // The local version each flag was last in step at, by local id, reading no objects.
    QHash<qint64, qint64> flagLocalVersions(qint64 projectId) const;
    void putFlag(qint64 projectId, const ItemOrigin &origin);
    void putCohort(qint64 projectId, const ItemOrigin &origin);
    void removeFlag(qint64 flagId);

private:
    QHash<qint64, ItemOrigin> read(const QString &sql, const QVariant &argument) const;
    QHash<qint64, qint64> ids(const QString &sql, qint64 projectId) const;

    const Database &m_db;
};

} // namespace bunting::server
