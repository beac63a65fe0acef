#include "auth_service.h"

#include "timestamps.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

QString toJsonText(const QJsonArray &array)
{
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QJsonArray fromJsonText(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).array();
}

} // namespace

const QStringList &AuthService::knownScopes()
{
    static const QStringList scopes{
        u"*"_s,
        u"feature_flag:read"_s,
        u"feature_flag:write"_s,
        u"activity_log:read"_s,
        u"activity_log:write"_s,
        u"person:read"_s,
        u"person:write"_s,
        u"cohort:read"_s,
        u"cohort:write"_s,
        u"dashboard:read"_s,
        u"dashboard:write"_s,
        u"group:read"_s,
        u"group:write"_s,
        u"project:read"_s,
        u"query:read"_s,
        u"insight:read"_s,
    };
    return scopes;
}

QString AuthService::hashKey(const QString &value)
{
    return u"sha256$"_s +
           QString::fromLatin1(
               QCryptographicHash::hash(value.toUtf8(), QCryptographicHash::Sha256).toHex());
}

QString AuthService::randomToken(const QString &prefix)
{
    static constexpr char alphabet[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    QString token = prefix;
    for (int i = 0; i < 43; ++i)
        token += QChar::fromLatin1(alphabet[QRandomGenerator::system()->bounded(62)]);
    return token;
}

Principal AuthService::authenticate(const ApiRequest &request)
{
    const QByteArray authorization = request.header("authorization").trimmed();
    QString key;
    if (authorization.toLower().startsWith("bearer "))
        key = QString::fromUtf8(authorization.mid(7)).trimmed();
    if (key.isEmpty())
        key = request.queryApiKey;
    if (key.isEmpty())
        throw ApiError::notAuthenticated();

    QSqlQuery q = m_db.exec(u"SELECT id, user_id, scopes, scoped_projects FROM personal_api_keys "
                            "WHERE secure_value = ? AND revoked_at IS NULL"_s,
                            {hashKey(key)});
    if (!q.next())
        throw ApiError::invalidKey();
    Principal p;
    p.keyId = q.value(0).toLongLong();
    p.userId = q.value(1).toLongLong();
    for (const QJsonValue &scope : fromJsonText(q.value(2).toString()))
        p.scopes.append(scope.toString());
    for (const QJsonValue &project : fromJsonText(q.value(3).toString()))
        p.scopedProjects.append(project.toInteger());
    noteUse(p.keyId);
    return p;
}

void AuthService::noteUse(qint64 keyId)
{
    const qint64 now = QDeadlineTimer::current().deadline();
    {
        QMutexLocker lock(&m_lastUsedMutex);
        const auto written = m_lastUsedWrittenMs.constFind(keyId);
        if (written != m_lastUsedWrittenMs.cend() && now - *written < lastUsedIntervalMs)
            return;
        m_lastUsedWrittenMs.insert(keyId, now);
    }
    m_db.exec(u"UPDATE personal_api_keys SET last_used_at = ? WHERE id = ?"_s,
              {nowTimestamp(), keyId});
}

qint64 AuthService::resolveProject(const Principal &principal, const QString &text)
{
    qint64 projectId = 0;
    if (text == "@current"_L1) {
        projectId = principal.scopedProjects.isEmpty()
                        ? m_db.scalar(u"SELECT MIN(id) FROM projects"_s).value_or(0).toLongLong()
                        : principal.scopedProjects.first();
    } else {
        bool ok = false;
        projectId = text.toLongLong(&ok);
        if (!ok)
            throw ApiError::notFound();
    }
    if (!projectExists(projectId))
        throw ApiError::notFound();
    if (!principal.scopedProjects.isEmpty() && !principal.scopedProjects.contains(projectId))
        throw ApiError::notFound();
    return projectId;
}

bool AuthService::projectExists(qint64 projectId) const
{
    return m_db.scalar(u"SELECT id FROM projects WHERE id = ?"_s, {projectId}).has_value();
}

QJsonObject AuthService::projectJson(qint64 projectId) const
{
    QSqlQuery row = m_db.exec(
        u"SELECT id, name, organization_id, api_token, created_at FROM projects WHERE id = ?"_s,
        {projectId});
    if (!row.next())
        throw ApiError::notFound();
    return {{u"id"_s, row.value(0).toLongLong()},
            {u"name"_s, row.value(1).toString()},
            {u"organization"_s, row.value(2).toLongLong()},
            {u"api_token"_s, row.value(3).toString()},
            {u"created_at"_s, row.value(4).toString()}};
}

qint64 AuthService::ownerUserId() const
{
    return m_db.scalar(u"SELECT MIN(id) FROM users"_s).value_or(0).toLongLong();
}

std::optional<Bootstrap> AuthService::bootstrapIfEmpty()
{
    if (m_db.scalar(u"SELECT id FROM projects"_s))
        return std::nullopt;
    Bootstrap b;
    m_db.transaction([&] {
        const QString now = nowTimestamp();
        const qint64 org = m_db.scalar(u"INSERT INTO organizations (name, created_at) VALUES "
                                       "(?, ?) RETURNING id"_s,
                                       {u"Bunting"_s, now})
                               ->toLongLong();
        b.projectToken = randomToken(u"phc_"_s);
        b.projectId = m_db.scalar(u"INSERT INTO projects (organization_id, name, api_token, "
                                  "created_at) VALUES (?, ?, ?, ?) RETURNING id"_s,
                                  {org, u"Default project"_s, b.projectToken, now})
                          ->toLongLong();
        const QString uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const qint64 user =
            m_db.scalar(u"INSERT INTO users (uuid, distinct_id, first_name, last_name, email, "
                        "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"_s,
                        {uuid, uuid, u"Owner"_s, u""_s, u"owner@bunting.local"_s, now})
                ->toLongLong();
        b.ownerKey = createKey(user, u"Owner key"_s, {u"*"_s}, {});
    });
    return b;
}

CreatedKey AuthService::createKey(qint64 userId, const QString &label, const QStringList &scopes,
                                  const QList<qint64> &projects)
{
    CreatedKey key;
    key.value = randomToken(u"phx_"_s);
    key.mask = key.value.left(8) + u"..."_s + key.value.right(4);
    QJsonArray projectIds;
    for (qint64 id : projects)
        projectIds.append(id);
    key.id = m_db.scalar(u"INSERT INTO personal_api_keys (user_id, label, secure_value, "
                         "mask_value, scopes, scoped_projects, created_at) VALUES (?, ?, ?, ?, "
                         "?, ?, ?) RETURNING id"_s,
                         {userId, label, hashKey(key.value), key.mask,
                          toJsonText(QJsonArray::fromStringList(scopes)), toJsonText(projectIds),
                          nowTimestamp()})
                 ->toLongLong();
    return key;
}

QJsonArray AuthService::listKeys() const
{
    QJsonArray keys;
    QSqlQuery q = m_db.exec(u"SELECT id, label, mask_value, scopes, scoped_projects, created_at, "
                            "last_used_at, revoked_at FROM personal_api_keys ORDER BY id"_s);
    while (q.next()) {
        keys.append(QJsonObject{
            {u"id"_s, q.value(0).toLongLong()},
            {u"label"_s, q.value(1).toString()},
            {u"mask_value"_s, q.value(2).toString()},
            {u"scopes"_s, fromJsonText(q.value(3).toString())},
            {u"scoped_projects"_s, fromJsonText(q.value(4).toString())},
            {u"created_at"_s, q.value(5).toString()},
            {u"last_used_at"_s, q.value(6).isNull() ? QJsonValue() : q.value(6).toString()},
            {u"revoked"_s, !q.value(7).isNull()},
        });
    }
    return keys;
}

bool AuthService::revokeKey(qint64 id)
{
    const auto found = m_db.scalar(
        u"SELECT id FROM personal_api_keys WHERE id = ? AND revoked_at IS NULL"_s, {id});
    if (!found)
        return false;
    m_db.exec(u"UPDATE personal_api_keys SET revoked_at = ? WHERE id = ?"_s, {nowTimestamp(), id});
    return true;
}

} // namespace bunting::server
