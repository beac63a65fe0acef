#pragma once

#include "storage/group_repository.h"
#include "storage/person_repository.h"

#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QSet>
#include <QString>
#include <memory>
#include <optional>

namespace bunting::server {

// A distinct id's stored person as /flags reads it: nullopt person for an unknown id.
struct CachedPerson
{
    std::optional<Person> person;
    QSet<qint64> staticCohorts;
};

// The stored persons and groups /flags evaluates for, read once and kept until an event, a
// merge or a cohort change says otherwise. Thread-safe; bounded (emptied when full).
class SubjectCache
{
public:
    static constexpr qsizetype capacity = 20000;

    SubjectCache(const PersonRepository &persons, const GroupRepository &groups)
        : m_persons(persons), m_groups(groups)
    {
    }

    std::shared_ptr<const CachedPerson> person(qint64 projectId, const QString &distinctId);
    // The stored properties of a group (nullopt when never seen).
    std::optional<QJsonObject> group(qint64 projectId, int groupTypeIndex, const QString &groupKey);

    // After an event changed the person of `distinctId` (properties, a merge, new ids): forgets
    // it under every distinct id it was cached with.
    void invalidatePerson(qint64 projectId, const QString &distinctId);
    void invalidateGroup(qint64 projectId, int groupTypeIndex, const QString &groupKey);
    void invalidateGroups(qint64 projectId);
    // After a change touching many persons of a project (static cohort members).
    void invalidateProject(qint64 projectId);

private:
    static QString personKey(qint64 projectId, const QString &distinctId);
    static QString groupKey(qint64 projectId, int groupTypeIndex, const QString &groupKey);
    void forgetPersonLocked(qint64 projectId, qint64 personId);

    const PersonRepository &m_persons;
    const GroupRepository &m_groups;

    QMutex m_mutex;
    QHash<QString, std::shared_ptr<const CachedPerson>> m_byDistinctId;
    QHash<QString, qint64> m_personIdByDistinctId; // every id of every cached person
    QHash<qint64, QStringList> m_keysByPersonId;
    QHash<QString, std::optional<QJsonObject>> m_groupsByKey;
};

} // namespace bunting::server
