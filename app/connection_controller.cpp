#include "connection_controller.h"

#include "local_session.h"
#include "profile_store.h"

#include <QDir>

using namespace Qt::StringLiterals;
using bunting::api::ConnectionProfile;

namespace bunting::desktop {

ConnectionController::ConnectionController(QSettings &settings, QString localDatabasePath,
                                           const QString &keyDirectory,
                                           api::SecretStore::Mode keyMode, QObject *parent)
    : QObject(parent), m_localDatabasePath(std::move(localDatabasePath))
{
    m_profiles = new api::ProfileStore(settings, this);
    m_keys = new api::SecretStore(keyDirectory, keyMode, this);
}

ConnectionController::~ConnectionController()
{
    shutDown();
}

ConnectionProfile ConnectionController::current() const
{
    return m_profiles->current();
}

QString ConnectionController::location(const ConnectionProfile &profile) const
{
    if (!profile.isLocal() || !m_local)
        return profile.summary();
    if (profile.isOfflineCopy())
        return tr("%1 · local project %2").arg(profile.summary(), profile.projectId);
    QString path = QDir::toNativeSeparators(m_local->databasePath());
    const QString home = QDir::toNativeSeparators(QDir::homePath());
    if (path.startsWith(home + QDir::separator()))
        path = u"~"_s + path.mid(home.size());
    return tr("Local server · %1").arg(path);
}

void ConnectionController::switchTo(const QString &profileId)
{
    const std::optional<ConnectionProfile> profile = m_profiles->profile(profileId);
    if (!profile || (m_leaveCheck && !m_leaveCheck(*profile)))
        return;
    m_profiles->setCurrentId(profile->id);
    // A key still being read for an earlier switch is no longer wanted.
    m_connectingTo.clear();
    Q_EMIT switching(*profile);

    if (profile->isLocal()) {
        QString error;
        if (!startLocalSession(&error)) {
            Q_EMIT localServerFailed(error);
            return;
        }
        api::Endpoint endpoint = m_local->endpoint();
        if (profile->isOfflineCopy())
            endpoint.projectId = profile->projectId;
        useEndpoint(*profile, endpoint);
        return;
    }
    m_connectingTo = profile->id;
    Q_EMIT connecting(*profile);
    m_keys->readKey(profile->id, this, [this, p = *profile](const api::SecretStore::Result &r) {
        if (m_connectingTo != p.id)
            return; // another switch came after this one
        m_connectingTo.clear();
        if (!r.ok()) {
            Q_EMIT keyUnavailable(p, r.status == api::SecretStore::Result::Status::NotFound
                                         ? tr("No API key is stored for %1.").arg(p.title())
                                         : r.error);
            useEndpoint(p, p.endpoint(QString()));
            return;
        }
        useEndpoint(p, p.endpoint(r.key));
    });
}

LocalSession *ConnectionController::startLocalSession(QString *error)
{
    if (!m_local) {
        auto session = std::make_unique<LocalSession>(m_localDatabasePath);
        if (!session->start(error))
            return nullptr;
        m_local = std::move(session);
    }
    return m_local.get();
}

void ConnectionController::endpointFor(
    const ConnectionProfile &profile, QObject *context,
    std::function<void(const std::optional<api::Endpoint> &, const QString &)> done)
{
    if (profile.isLocal()) {
        QString error;
        if (!startLocalSession(&error))
            return done(std::nullopt, tr("The local server did not start: %1").arg(error));
        api::Endpoint endpoint = m_local->endpoint();
        if (profile.isOfflineCopy())
            endpoint.projectId = profile.projectId;
        return done(endpoint, {});
    }
    m_keys->readKey(profile.id, context, [profile, done](const api::SecretStore::Result &key) {
        if (!key.ok())
            return done(std::nullopt, key.status == api::SecretStore::Result::Status::NotFound
                                          ? tr("No API key is stored for %1.").arg(profile.title())
                                          : key.error);
        done(profile.endpoint(key.key), {});
    });
}

QString ConnectionController::addOfflineCopy(qint64 localProjectId, const QString &copiedFrom)
{
    ConnectionProfile copy;
    copy.kind = ConnectionProfile::Kind::Local;
    copy.projectId = QString::number(localProjectId);
    copy.copiedFrom = copiedFrom;
    const QString id = m_profiles->addOfflineCopy(copy);
    if (id.isEmpty())
        Q_EMIT storeFailed(tr("The offline copy could not be kept as a connection."));
    return id;
}

void ConnectionController::useEndpoint(const ConnectionProfile &profile,
                                       const api::Endpoint &endpoint)
{
    QPointer<api::Client> old = m_client;
    m_client = new api::Client(endpoint, this);
    Q_EMIT clientChanged(m_client, profile);
    delete old;
}

void ConnectionController::addRemote(const ConnectionProfile &profile, const QString &apiKey)
{
    const QString id = m_profiles->add(profile);
    if (id.isEmpty()) {
        Q_EMIT storeFailed(tr("That connection is not complete: it needs a host and a project."));
        return;
    }
    storeKeyAndSwitch(id, apiKey);
}

void ConnectionController::updateRemote(const ConnectionProfile &profile, const QString &apiKey)
{
    if (m_profiles->update(profile))
        storeKeyAndSwitch(profile.id, apiKey);
}

void ConnectionController::storeKeyAndSwitch(const QString &profileId, const QString &apiKey)
{
    m_keys->writeKey(
        profileId, apiKey, this, [this, profileId](const api::SecretStore::Result &written) {
            if (!written.ok()) {
                Q_EMIT storeFailed(tr("The API key could not be stored: %1").arg(written.error));
                return;
            }
            switchTo(profileId);
        });
}

void ConnectionController::removeRemote(const QString &profileId)
{
    if (profileId == ConnectionProfile::localId)
        return;
    m_keys->removeKey(profileId, this, [](const api::SecretStore::Result &) {});
    m_profiles->remove(profileId);
    switchTo(ConnectionProfile::localId);
}

void ConnectionController::shutDown()
{
    delete m_client;
    m_local.reset();
}

} // namespace bunting::desktop
