#pragma once

#include "connection_profile.h"

#include <QList>
#include <QObject>
#include <optional>

class QSettings;

namespace bunting::api {

// The connection profiles, kept in QSettings under the group "profiles". The local profile is
// not stored: it always exists and always comes first. Remote profiles and offline copies keep
// the order in which they were added. Which profile is current is remembered too (the local one by
// default).
class ProfileStore : public QObject
{
    Q_OBJECT
public:
    // `settings` must outlive the store.
    explicit ProfileStore(QSettings &settings, QObject *parent = nullptr);

    QList<ConnectionProfile> profiles() const;
    std::optional<ConnectionProfile> profile(const QString &id) const;

    // Hosts are stored normalized (see normalizedHost).
    // Adds a remote profile and returns its id (a new one when the profile has none or one
    // already taken). Empty when the profile is not a valid remote one.
    QString add(ConnectionProfile profile);
    // Adds (or renames) the profile of an offline copy, a local profile with the local project
    // of the copy; returns its id, empty when it is not one.
    QString addOfflineCopy(ConnectionProfile profile);
    // Replaces the remote profile with the same id. False for the local or an unknown profile,
    // or an invalid one.
    bool update(ConnectionProfile profile);
    // Removes a remote profile; when it was current, the local profile becomes current.
    bool remove(const QString &id);

    QString currentId() const { return m_currentId; }
    ConnectionProfile current() const;
    // False (and nothing changes) for an unknown id.
    bool setCurrentId(const QString &id);

Q_SIGNALS:
    // A profile was added, edited or removed.
    void profilesChanged();
    void currentChanged(const QString &id);

private:
    void load();
    void saveProfiles();
    void saveCurrent();
    qsizetype indexOf(const QString &id) const;

    QSettings &m_settings;
    QList<ConnectionProfile> m_remote;
    QString m_currentId = ConnectionProfile::localId;
};

} // namespace bunting::api
