#include "sdk/subject_cache.h"

#include <QMutexLocker>

using namespace Qt::StringLiterals;

namespace bunting::server {

QString SubjectCache::personKey(qint64 projectId, const QString &distinctId)
{
    return QString::number(projectId) + QChar(0x1f) + distinctId;
}

QString SubjectCache::groupKey(qint64 projectId, int groupTypeIndex, const QString &key)
{
    return QString::number(projectId) + QChar(0x1f) + QString::number(groupTypeIndex) +
           QChar(0x1f) + key;
}

std::shared_ptr<const CachedPerson> SubjectCache::person(qint64 projectId,
                                                         const QString &distinctId)
{
    const QString key = personKey(projectId, distinctId);
    {
        QMutexLocker lock(&m_mutex);
        if (auto cached = m_byDistinctId.value(key))
            return cached;
    }
    auto entry = std::make_shared<CachedPerson>();
    entry->person = m_persons.findByDistinctId(projectId, distinctId);
    if (entry->person)
        entry->staticCohorts = m_persons.staticCohortIds(entry->person->id);

    QMutexLocker lock(&m_mutex);
    if (m_byDistinctId.size() >= capacity) {
        m_byDistinctId.clear();
        m_personIdByDistinctId.clear();
        m_keysByPersonId.clear();
    }
    m_byDistinctId.insert(key, entry);
    if (entry->person) {
        const qint64 personId = entry->person->id;
        m_keysByPersonId[personId].append(key);
        for (const QString &id : entry->person->distinctIds)
            m_personIdByDistinctId.insert(personKey(projectId, id), personId);
    }
    return entry;
}

std::optional<QJsonObject> SubjectCache::group(qint64 projectId, int groupTypeIndex,
                                               const QString &key)
{
    const QString cacheKey = groupKey(projectId, groupTypeIndex, key);
    {
        QMutexLocker lock(&m_mutex);
        if (auto it = m_groupsByKey.constFind(cacheKey); it != m_groupsByKey.cend())
            return *it;
    }
    auto properties = m_groups.groupProperties(projectId, groupTypeIndex, key);
    QMutexLocker lock(&m_mutex);
    if (m_groupsByKey.size() >= capacity)
        m_groupsByKey.clear();
    m_groupsByKey.insert(cacheKey, properties);
    return properties;
}

void SubjectCache::forgetPersonLocked(qint64 projectId, qint64 personId)
{
    const QStringList keys = m_keysByPersonId.take(personId);
    for (const QString &key : keys) {
        if (auto entry = m_byDistinctId.take(key); entry && entry->person)
            for (const QString &id : entry->person->distinctIds)
                m_personIdByDistinctId.remove(personKey(projectId, id));
    }
}

void SubjectCache::invalidatePerson(qint64 projectId, const QString &distinctId)
{
    const QString key = personKey(projectId, distinctId);
    QMutexLocker lock(&m_mutex);
    if (auto personId = m_personIdByDistinctId.value(key))
        forgetPersonLocked(projectId, personId);
    if (auto entry = m_byDistinctId.take(key); entry && entry->person)
        forgetPersonLocked(projectId, entry->person->id);
}

void SubjectCache::invalidateGroup(qint64 projectId, int groupTypeIndex, const QString &key)
{
    QMutexLocker lock(&m_mutex);
    m_groupsByKey.remove(groupKey(projectId, groupTypeIndex, key));
}

void SubjectCache::invalidateGroups(qint64 projectId)
{
    const QString prefix = QString::number(projectId) + QChar(0x1f);
    QMutexLocker lock(&m_mutex);
    m_groupsByKey.removeIf([&prefix](const auto &entry) { return entry.key().startsWith(prefix); });
}

void SubjectCache::invalidateProject(qint64 projectId)
{
    const QString prefix = QString::number(projectId) + QChar(0x1f);
    QMutexLocker lock(&m_mutex);
    for (auto it = m_byDistinctId.begin(); it != m_byDistinctId.end();) {
        if (it.key().startsWith(prefix)) {
            if (it.value()->person)
                m_keysByPersonId.remove(it.value()->person->id);
            it = m_byDistinctId.erase(it);
        } else {
            ++it;
        }
    }
    m_personIdByDistinctId.removeIf(
        [&prefix](const auto &entry) { return entry.key().startsWith(prefix); });
    m_groupsByKey.removeIf([&prefix](const auto &entry) { return entry.key().startsWith(prefix); });
}

} // namespace bunting::server
