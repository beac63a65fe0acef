#include "storage/user_repository.h"

#include "storage/json_column.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

QStringList scopesOf(const QVariant &text)
{
    QStringList scopes;
    for (const QJsonValue &scope : arrayFromColumn(text))
        scopes.append(scope.toString());
    return scopes;
}

QList<qint64> projectsOf(const QVariant &text)
{
    QList<qint64> projects;
    for (const QJsonValue &project : arrayFromColumn(text))
        projects.append(project.toInteger());
    return projects;
}

} // namespace

std::optional<UserBasic> UserRepository::find(qint64 userId) const
{
    QSqlQuery q = m_db.exec(u"SELECT id, uuid, distinct_id, first_name, last_name, email FROM "
                            "users WHERE id = ?"_s,
                            {userId});
    if (!q.next())
        return std::nullopt;
    return UserBasic::fromJson(QJsonObject{{u"id"_s, q.value(0).toLongLong()},
                                           {u"uuid"_s, q.value(1).toString()},
                                           {u"distinct_id"_s, q.value(2).toString()},
                                           {u"first_name"_s, q.value(3).toString()},
                                           {u"last_name"_s, q.value(4).toString()},
                                           {u"email"_s, q.value(5).toString()},
                                           {u"is_email_verified"_s, false},
                                           {u"hedgehog_config"_s, QJsonValue()},
                                           {u"role_at_organization"_s, QJsonValue()}});
}

qint64 UserRepository::ownerId() const
{
    return m_db.scalar(u"SELECT MIN(id) FROM users"_s).value_or(0).toLongLong();
}

std::optional<qint64> UserRepository::idByEmail(const QString &email) const
{
    const auto id = m_db.scalar(u"SELECT MIN(id) FROM users WHERE email = ?"_s, {email});
    if (!id || id->isNull())
        return std::nullopt;
    return id->toLongLong();
}

qint64 UserRepository::insert(const QString &uuid, const QString &distinctId,
                              const QString &firstName, const QString &lastName,
                              const QString &email, const QString &createdAt)
{
    return m_db
        .scalar(u"INSERT INTO users (uuid, distinct_id, first_name, last_name, email, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"_s,
                {uuid, distinctId, firstName, lastName, email, createdAt})
        ->toLongLong();
}

std::optional<StoredKey> UserRepository::liveKeyByHash(const QString &secureValue) const
{
    QSqlQuery q = m_db.exec(u"SELECT id, user_id, scopes, scoped_projects FROM personal_api_keys "
                            "WHERE secure_value = ? AND revoked_at IS NULL"_s,
                            {secureValue});
    if (!q.next())
        return std::nullopt;
    StoredKey key;
    key.id = q.value(0).toLongLong();
    key.userId = q.value(1).toLongLong();
    key.scopes = scopesOf(q.value(2));
    key.scopedProjects = projectsOf(q.value(3));
    return key;
}

QList<StoredKey> UserRepository::keys() const
{
    QList<StoredKey> keys;
    QSqlQuery q = m_db.exec(u"SELECT id, user_id, label, mask_value, scopes, scoped_projects, "
                            "created_at, last_used_at, revoked_at FROM personal_api_keys "
                            "ORDER BY id"_s);
    while (q.next()) {
        StoredKey key;
        key.id = q.value(0).toLongLong();
        key.userId = q.value(1).toLongLong();
        key.label = q.value(2).toString();
        key.mask = q.value(3).toString();
        key.scopes = scopesOf(q.value(4));
        key.scopedProjects = projectsOf(q.value(5));
        key.createdAt = q.value(6).toString();
        if (!q.value(7).isNull())
            key.lastUsedAt = q.value(7).toString();
        key.revoked = !q.value(8).isNull();
        keys.append(key);
    }
    return keys;
}

qint64 UserRepository::insertKey(qint64 userId, const QString &label, const QString &secureValue,
                                 const QString &mask, const QStringList &scopes,
                                 const QList<qint64> &scopedProjects, const QString &createdAt)
{
    QJsonArray projectIds;
    for (qint64 id : scopedProjects)
        projectIds.append(id);
    return m_db
        .scalar(u"INSERT INTO personal_api_keys (user_id, label, secure_value, mask_value, "
                "scopes, scoped_projects, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"_s,
                {userId, label, secureValue, mask, jsonColumn(QJsonArray::fromStringList(scopes)),
                 jsonColumn(projectIds), createdAt})
        ->toLongLong();
}

void UserRepository::noteKeyUse(qint64 keyId, const QString &usedAt)
{
    m_db.exec(u"UPDATE personal_api_keys SET last_used_at = ? WHERE id = ?"_s, {usedAt, keyId});
}

bool UserRepository::revokeKey(qint64 keyId, const QString &revokedAt)
{
    if (!m_db.scalar(u"SELECT id FROM personal_api_keys WHERE id = ? AND revoked_at IS NULL"_s,
                     {keyId}))
        return false;
    m_db.exec(u"UPDATE personal_api_keys SET revoked_at = ? WHERE id = ?"_s, {revokedAt, keyId});
    return true;
}

} // namespace bunting::server
