#pragma once

#include "feature_flag.h"
#include "storage/database.h"

#include <QList>
#include <QStringList>
#include <optional>

namespace bunting::server {

// A personal API key as stored: its hash, never its value.
struct StoredKey
{
    qint64 id = 0;
    qint64 userId = 0;
    QString label;
    QString mask;
    QStringList scopes;
    QList<qint64> scopedProjects; // empty: every project
    QString createdAt;
    QString lastUsedAt; // null when never used
    bool revoked = false;
};

// The users and personal_api_keys tables.
class UserRepository
{
public:
    explicit UserRepository(const Database &db) : m_db(db) {}

    // The user as flags, dashboards and activity name them; nullopt for an unknown id.
    std::optional<UserBasic> find(qint64 userId) const;
    // The first user, whom a new database starts with; 0 when there is none.
    qint64 ownerId() const;
    std::optional<qint64> idByEmail(const QString &email) const;
    qint64 insert(const QString &uuid, const QString &distinctId, const QString &firstName,
                  const QString &lastName, const QString &email, const QString &createdAt);

    // The live (not revoked) key with this hash.
    std::optional<StoredKey> liveKeyByHash(const QString &secureValue) const;
    QList<StoredKey> keys() const;
    qint64 insertKey(qint64 userId, const QString &label, const QString &secureValue,
                     const QString &mask, const QStringList &scopes,
                     const QList<qint64> &scopedProjects, const QString &createdAt);
    void noteKeyUse(qint64 keyId, const QString &usedAt);
    // False when no live key has that id.
    bool revokeKey(qint64 keyId, const QString &revokedAt);

private:
    const Database &m_db;
};

} // namespace bunting::server
