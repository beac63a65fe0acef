#include "services/auth_service.h"

#include "storage/timestamps.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace bunting::server {

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
        u"project:write"_s,
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

    const std::optional<StoredKey> stored = m_users.liveKeyByHash(hashKey(key));
    if (!stored)
        throw ApiError::invalidKey();
    Principal p;
    p.keyId = stored->id;
    p.userId = stored->userId;
    p.scopes = stored->scopes;
    p.scopedProjects = stored->scopedProjects;
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
    m_users.noteKeyUse(keyId, nowTimestamp());
}

qint64 AuthService::resolveProject(const Principal &principal, const QString &text)
{
    qint64 projectId = 0;
    if (text == "@current"_L1) {
        projectId = principal.scopedProjects.isEmpty() ? m_projects.firstId()
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
    return m_projects.exists(projectId);
}

namespace {

QJsonObject toJson(const StoredProject &project)
{
    return {{u"id"_s, project.id},
            {u"name"_s, project.name},
            {u"organization"_s, project.organizationId},
            {u"api_token"_s, project.apiToken},
            {u"created_at"_s, project.createdAt}};
}

} // namespace

QJsonObject AuthService::projectJson(qint64 projectId) const
{
    const std::optional<StoredProject> project = m_projects.find(projectId);
    if (!project)
        throw ApiError::notFound();
    return toJson(*project);
}

QJsonArray AuthService::projectsJson(const Principal &principal) const
{
    QJsonArray projects;
    for (const StoredProject &project : m_projects.all())
        if (principal.scopedProjects.isEmpty() || principal.scopedProjects.contains(project.id))
            projects.append(toJson(project));
    return projects;
}

StoredProject AuthService::createProject(const QString &name, const QString &apiToken)
{
    // PostHog's Team.name is a CharField(max_length=200), and a project needs one.
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        throw ApiError::validation(u"blank"_s, u"This field may not be blank."_s, u"name"_s);
    if (trimmed.size() > 200)
        throw ApiError::validation(
            u"max_length"_s, u"Ensure this field has no more than 200 characters."_s, u"name"_s);
    static const QRegularExpression tokenShape(u"^[A-Za-z0-9_-]{1,200}$"_s);
    if (!apiToken.isEmpty() && !tokenShape.match(apiToken).hasMatch())
        throw ApiError::validation(u"invalid"_s,
                                   u"A project token is 1 to 200 letters, digits, '_' or '-'."_s,
                                   u"api_token"_s);
    const QString token = apiToken.isEmpty() ? randomToken(u"phc_"_s) : apiToken;
    StoredProject project;
    m_db.transaction([&] {
        if (m_projects.idForToken(token))
            throw ApiError::validation(u"unique"_s, u"Another project has this token."_s,
                                       u"api_token"_s);
        project.organizationId = m_projects.firstOrganizationId();
        project.createdAt = nowTimestamp();
        if (project.organizationId == 0)
            project.organizationId = m_projects.insertOrganization(u"Bunting"_s, project.createdAt);
        project.id = m_projects.insert(project.organizationId, trimmed, token, project.createdAt);
    });
    project.name = trimmed;
    project.apiToken = token;
    return project;
}

qint64 AuthService::ownerUserId() const
{
    return m_users.ownerId();
}

std::optional<Bootstrap> AuthService::bootstrapIfEmpty()
{
    if (m_projects.any())
        return std::nullopt;
    Bootstrap b;
    m_db.transaction([&] {
        const QString now = nowTimestamp();
        const qint64 org = m_projects.insertOrganization(u"Bunting"_s, now);
        b.projectToken = randomToken(u"phc_"_s);
        b.projectId = m_projects.insert(org, u"Default project"_s, b.projectToken, now);
        const QString uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const qint64 user =
            m_users.insert(uuid, uuid, u"Owner"_s, u""_s, u"owner@bunting.local"_s, now);
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
    key.id = m_users.insertKey(userId, label, hashKey(key.value), key.mask, scopes, projects,
                               nowTimestamp());
    return key;
}

QJsonArray AuthService::listKeys() const
{
    QJsonArray keys;
    for (const StoredKey &key : m_users.keys()) {
        QJsonArray projects;
        for (qint64 id : key.scopedProjects)
            projects.append(id);
        keys.append(QJsonObject{
            {u"id"_s, key.id},
            {u"label"_s, key.label},
            {u"mask_value"_s, key.mask},
            {u"scopes"_s, QJsonArray::fromStringList(key.scopes)},
            {u"scoped_projects"_s, projects},
            {u"created_at"_s, key.createdAt},
            {u"last_used_at"_s,
             key.lastUsedAt.isNull() ? QJsonValue() : QJsonValue(key.lastUsedAt)},
            {u"revoked"_s, key.revoked},
        });
    }
    return keys;
}

bool AuthService::revokeKey(qint64 id)
{
    return m_users.revokeKey(id, nowTimestamp());
}

} // namespace bunting::server
