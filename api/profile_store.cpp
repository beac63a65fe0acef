#include "profile_store.h"

#include <QSettings>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace bunting::api {

namespace {

const QString kGroup = u"profiles"_s;
const QString kList = u"remote"_s;
const QString kCurrent = u"current"_s;

} // namespace

ProfileStore::ProfileStore(QSettings &settings, QObject *parent)
    : QObject(parent), m_settings(settings)
{
    load();
}

void ProfileStore::load()
{
    m_settings.beginGroup(kGroup);
    const int count = m_settings.beginReadArray(kList);
    for (int i = 0; i < count; ++i) {
        m_settings.setArrayIndex(i);
        ConnectionProfile p;
        p.id = m_settings.value(u"id"_s).toString();
        p.name = m_settings.value(u"name"_s).toString();
        p.host = QUrl(m_settings.value(u"host"_s).toString());
        p.projectId = m_settings.value(u"project"_s).toString();
        p.production = m_settings.value(u"production"_s, false).toBool();
        if (m_settings.value(u"kind"_s).toString() == "local"_L1) {
            p.kind = ConnectionProfile::Kind::Local;
            p.copiedFrom = m_settings.value(u"copied_from"_s).toString();
        }
        // An entry edited by hand into something unusable is dropped rather than offered as a
        // connection that can only fail.
        if (!p.id.isEmpty() && p.id != ConnectionProfile::localId && p.isValid() &&
            indexOf(p.id) < 0)
            m_remote.append(p);
    }
    m_settings.endArray();
    const QString current = m_settings.value(kCurrent).toString();
    m_settings.endGroup();
    if (indexOf(current) >= 0)
        m_currentId = current;
}

void ProfileStore::saveProfiles()
{
    m_settings.beginGroup(kGroup);
    m_settings.remove(kList);
    m_settings.beginWriteArray(kList, int(m_remote.size()));
    for (int i = 0; i < m_remote.size(); ++i) {
        const ConnectionProfile &p = m_remote.at(i);
        m_settings.setArrayIndex(i);
        m_settings.setValue(u"id"_s, p.id);
        m_settings.setValue(u"name"_s, p.name);
        m_settings.setValue(u"host"_s, p.host.toString());
        m_settings.setValue(u"project"_s, p.projectId);
        m_settings.setValue(u"production"_s, p.production);
        if (p.isOfflineCopy()) {
            m_settings.setValue(u"kind"_s, u"local"_s);
            m_settings.setValue(u"copied_from"_s, p.copiedFrom);
        }
    }
    m_settings.endArray();
    m_settings.endGroup();
    m_settings.sync();
}

void ProfileStore::saveCurrent()
{
    m_settings.setValue(kGroup + u'/' + kCurrent, m_currentId);
    m_settings.sync();
}

qsizetype ProfileStore::indexOf(const QString &id) const
{
    for (qsizetype i = 0; i < m_remote.size(); ++i) {
        if (m_remote.at(i).id == id)
            return i;
    }
    return -1;
}

QList<ConnectionProfile> ProfileStore::profiles() const
{
    QList<ConnectionProfile> all{ConnectionProfile::local()};
    all.append(m_remote);
    return all;
}

std::optional<ConnectionProfile> ProfileStore::profile(const QString &id) const
{
    if (id == ConnectionProfile::localId)
        return ConnectionProfile::local();
    const qsizetype i = indexOf(id);
    if (i < 0)
        return std::nullopt;
    return m_remote.at(i);
}

QString ProfileStore::add(ConnectionProfile profile)
{
    profile.kind = ConnectionProfile::Kind::Remote;
    profile.host = normalizedHost(profile.host.toString());
    if (!profile.isValid())
        return {};
    if (profile.id.isEmpty() || profile.id == ConnectionProfile::localId ||
        indexOf(profile.id) >= 0)
        profile.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_remote.append(profile);
    saveProfiles();
    Q_EMIT profilesChanged();
    return profile.id;
}

QString ProfileStore::addOfflineCopy(ConnectionProfile profile)
{
    profile.kind = ConnectionProfile::Kind::Local;
    profile.host = QUrl();
    profile.production = false;
    profile.id = ConnectionProfile::offlineCopyId(profile.projectId.toLongLong());
    if (!profile.isOfflineCopy() || !profile.isValid())
        return {};
    const qsizetype i = indexOf(profile.id);
    if (i >= 0 && m_remote.at(i) == profile)
        return profile.id;
    if (i >= 0)
        m_remote[i] = profile;
    else
        m_remote.append(profile);
    saveProfiles();
    Q_EMIT profilesChanged();
    return profile.id;
}

bool ProfileStore::update(ConnectionProfile profile)
{
    const qsizetype i = indexOf(profile.id);
    profile.host = normalizedHost(profile.host.toString());
    if (i < 0 || profile.isLocal() || !profile.isValid())
        return false;
    if (m_remote.at(i) == profile)
        return true;
    m_remote[i] = profile;
    saveProfiles();
    Q_EMIT profilesChanged();
    return true;
}

bool ProfileStore::remove(const QString &id)
{
    const qsizetype i = indexOf(id);
    if (i < 0)
        return false;
    m_remote.removeAt(i);
    saveProfiles();
    const bool wasCurrent = m_currentId == id;
    if (wasCurrent) {
        m_currentId = ConnectionProfile::localId;
        saveCurrent();
    }
    Q_EMIT profilesChanged();
    if (wasCurrent)
        Q_EMIT currentChanged(m_currentId);
    return true;
}

ConnectionProfile ProfileStore::current() const
{
    return profile(m_currentId).value_or(ConnectionProfile::local());
}

bool ProfileStore::setCurrentId(const QString &id)
{
    if (!profile(id))
        return false;
    if (id == m_currentId)
        return true;
    m_currentId = id;
    saveCurrent();
    Q_EMIT currentChanged(id);
    return true;
}

} // namespace bunting::api
