#pragma once

#include "client.h"
#include "connection_profile.h"
#include "secret_store.h"

#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>

class QSettings;

namespace bunting::api {
class ProfileStore;
}

namespace bunting::desktop {

class LocalSession;

// The connection profiles, their API keys and the client of the current one. Switching reads the
// profile's key (or starts the embedded server for the local profile) and replaces the client;
// what shows the connection listens to the signals.
class ConnectionController : public QObject
{
    Q_OBJECT
public:
    // Asked before a switch leaves the current connection; false keeps it.
    using LeaveCheck = std::function<bool(const api::ConnectionProfile &to)>;

    // `settings` keeps the profiles and must outlive the controller; keys go to the keychain, or
    // under `keyDirectory` when none runs; the local profile's database is `localDatabasePath`.
    ConnectionController(QSettings &settings, QString localDatabasePath,
                         const QString &keyDirectory, api::SecretStore::Mode keyMode,
                         QObject *parent = nullptr);
    ~ConnectionController() override;

    api::ProfileStore *profiles() const { return m_profiles; }
    api::SecretStore *keys() const { return m_keys; }
    LocalSession *localSession() const { return m_local.get(); }
    // The local server, started when it is not running yet (as for a copy made while on a
    // PostHog connection); null with the reason in `error` when it cannot start.
    LocalSession *startLocalSession(QString *error);
    api::Client *client() const { return m_client; }
    api::ConnectionProfile current() const;
    // Where the current client's flags come from, for the status bar.
    QString location(const api::ConnectionProfile &profile) const;

    void setLeaveCheck(LeaveCheck check) { m_leaveCheck = std::move(check); }

    // Connects to a profile; the local one starts the embedded server on first use. Nothing
    // happens for an unknown profile or when the leave check says no.
    void switchTo(const QString &profileId);
    // Stores a new remote profile and its key, then switches to it.
    void addRemote(const api::ConnectionProfile &profile, const QString &apiKey);
    // Replaces a remote profile and its key, then switches to it.
    void updateRemote(const api::ConnectionProfile &profile, const QString &apiKey);
    // Where a client reaches `profile`, without switching to it: a remote one's host with its
    // stored key, the local server (started when needed) for the local ones. `done` runs on
    // `context`'s thread with the endpoint, or nullopt and a sentence.
    void endpointFor(
        const api::ConnectionProfile &profile, QObject *context,
        std::function<void(const std::optional<api::Endpoint> &, const QString &error)> done);

    // Keeps the profile of an offline copy (local project `localProjectId`, a copy of the
    // connection titled `copiedFrom`) and returns its id; it is not switched to.
    QString addOfflineCopy(qint64 localProjectId, const QString &copiedFrom);
    // Forgets a remote profile and its key; the local profile becomes current.
    void removeRemote(const QString &profileId);
    // Deletes the client, then stops the local server: the client's calls go there.
    void shutDown();

Q_SIGNALS:
    // The profile is current now; its client follows (or a failure).
    void switching(const api::ConnectionProfile &profile);
    // Its key is being read.
    void connecting(const api::ConnectionProfile &profile);
    // The local server did not start; the previous client stays.
    void localServerFailed(const QString &error);
    // No key could be read; the profile is connected without one, so its calls fail with 401.
    void keyUnavailable(const api::ConnectionProfile &profile, const QString &why);
    // The new client, while the old one still exists: it is deleted once this returns.
    void clientChanged(api::Client *client, const api::ConnectionProfile &profile);
    // A profile or key could not be stored; nothing was switched.
    void storeFailed(const QString &why);

private:
    void useEndpoint(const api::ConnectionProfile &profile, const api::Endpoint &endpoint);
    void storeKeyAndSwitch(const QString &profileId, const QString &apiKey);

    QString m_localDatabasePath;
    api::ProfileStore *m_profiles = nullptr;
    api::SecretStore *m_keys = nullptr;
    std::unique_ptr<LocalSession> m_local;
    QPointer<api::Client> m_client;
    QString m_connectingTo; // the profile being switched to, while its key is read
    LeaveCheck m_leaveCheck;
};

} // namespace bunting::desktop
