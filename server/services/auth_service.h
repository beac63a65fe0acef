#pragma once

#include "http/server.h"
#include "storage/database.h"
#include "storage/project_repository.h"
#include "storage/user_repository.h"

#include <QHash>
#include <QJsonArray>
#include <QMutex>
#include <QStringList>
#include <optional>

namespace bunting::server {

struct CreatedKey
{
    qint64 id = 0;
    QString value; // shown once, never stored
    QString mask;
};

// What the first start on an empty database creates.
struct Bootstrap
{
    qint64 projectId = 0;
    QString projectToken;
    CreatedKey ownerKey;
};

// Personal API keys (stored as SHA-256 hashes, never in clear), their scopes and the projects
// they may reach; also the organization, project and owner that a new database starts with.
class AuthService : public AccessControl
{
public:
    AuthService(const Database &db, ProjectRepository &projects, UserRepository &users)
        : m_db(db), m_projects(projects), m_users(users)
    {
    }

    Principal authenticate(const ApiRequest &request) override;
    qint64 resolveProject(const Principal &principal, const QString &text) override;

    // Creates the organization, project 1, its token and an owner key with every scope when the
    // database has no project yet; nullopt when it already had one.
    std::optional<Bootstrap> bootstrapIfEmpty();

    CreatedKey createKey(qint64 userId, const QString &label, const QStringList &scopes,
                         const QList<qint64> &projects);
    QJsonArray listKeys() const;
    // False when no live key has that id.
    bool revokeKey(qint64 id);
    qint64 ownerUserId() const;
    bool projectExists(qint64 projectId) const;
    // The project as PostHog's GET /api/projects/:id/ shows it, as far as this server keeps it:
    // id, name, organization, created_at and the public api_token the SDK endpoints take.
    QJsonObject projectJson(qint64 projectId) const;
    // The projects `principal` may reach, by id, as projectJson shows each.
    QJsonArray projectsJson(const Principal &principal) const;
    // A new project of the organization, with a new public token unless `apiToken` is given (a
    // mirror keeps the token of the project it copies). ApiError 400 for a name that is empty
    // or over PostHog's 200 characters, and for a token that is malformed or taken.
    StoredProject createProject(const QString &name, const QString &apiToken = {});

    static QString hashKey(const QString &value);
    static QString randomToken(const QString &prefix);
    static const QStringList &knownScopes();

    // A key's last_used_at is written at most this often, so reads do not each write.
    static constexpr qint64 lastUsedIntervalMs = 60'000;

private:
    void noteUse(qint64 keyId);

    const Database &m_db;
    ProjectRepository &m_projects;
    UserRepository &m_users;
    QMutex m_lastUsedMutex;
    QHash<qint64, qint64> m_lastUsedWrittenMs; // key id -> steady clock time of the last write
};

} // namespace bunting::server
