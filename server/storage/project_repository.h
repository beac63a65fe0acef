#pragma once

#include "storage/database.h"

#include <QList>
#include <QString>
#include <optional>

namespace bunting::server {

struct StoredProject
{
    qint64 id = 0;
    QString name;
    qint64 organizationId = 0;
    QString apiToken; // the public token the SDK endpoints take
    QString createdAt;
};

// The organizations and projects tables, and the projects' public tokens.
class ProjectRepository
{
public:
    explicit ProjectRepository(const Database &db) : m_db(db) {}

    std::optional<StoredProject> find(qint64 projectId) const;
    bool exists(qint64 projectId) const;
    // Whether the database has a project at all.
    bool any() const;
    // The lowest project id, 0 when there is none.
    qint64 firstId() const;
    QList<qint64> ids() const;
    // Every project, by id.
    QList<StoredProject> all() const;

    std::optional<qint64> idForToken(const QString &apiToken) const;
    std::optional<QString> tokenOf(qint64 projectId) const;

    // The organization new projects join; 0 when there is none yet.
    qint64 firstOrganizationId() const;
    qint64 insertOrganization(const QString &name, const QString &createdAt);
    qint64 insert(qint64 organizationId, const QString &name, const QString &apiToken,
                  const QString &createdAt);

private:
    const Database &m_db;
};

} // namespace bunting::server
