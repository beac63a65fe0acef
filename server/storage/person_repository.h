#pragma once

#include "storage/change_notices.h"
#include "storage/database.h"

#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QStringList>
#include <optional>

namespace bunting::server {

// A person as the persons and person_distinct_ids tables hold it.
struct Person
{
    qint64 id = 0;
    QString uuid;
    QJsonObject properties;
    QStringList distinctIds; // identified ids first, then anonymous ones, each group sorted
    QString createdAt;
    bool isIdentified = false;

    // The id flags are evaluated and bucketed with when only the person is known: the
    // lexicographically smallest, as PostHog picks for a test evaluation by person id.
    QString evaluationDistinctId() const;
};

// What an $identify or $create_alias did to the persons of two distinct ids.
struct MergeResult
{
    Person person;        // the person both ids now belong to (the target's when refused)
    bool created = false; // neither id had a person: a new one holds both
    bool merged = false;  // two persons became one
    bool refused = false; // the source person is identified and the merge was not forced
};

// The persons of a project, their distinct ids and their static cohort memberships. Methods
// that write run several statements: call them inside Database::transaction.
class PersonRepository
{
public:
    explicit PersonRepository(const Database &db) : changed(db), m_db(db) {}

    // Persons whose properties or distinct ids changed, by distinct id: sent by the writer once
    // its transaction commits (ingestion, a copy), heard by the caches of stored persons.
    ChangeNotices<qint64 /*projectId*/, const QStringList & /*distinctIds*/> changed;

    std::optional<Person> find(qint64 projectId, qint64 id) const;
    std::optional<Person> findByUuid(qint64 projectId, const QString &uuid) const;
    std::optional<Person> findByDistinctId(qint64 projectId, const QString &distinctId) const;
    // Newest first (created_at, then id), with their distinct ids.
    QList<Person> all(qint64 projectId) const;

    // A new person owning `distinctIds`; throws DatabaseError when one already has a person.
    Person create(qint64 projectId, const QStringList &distinctIds,
                  const QJsonObject &properties = {}, bool isIdentified = false);

    // Applies an event's person updates to the person of `distinctId`, creating the person when
    // the id has none: `$set_once` fills keys the person lacks, then `$set` overwrites, then
    // `$unset` removes, as PostHog's ingestion applies them.
    Person updateProperties(qint64 projectId, const QString &distinctId, const QJsonObject &set,
                            const QJsonObject &setOnce = {}, const QStringList &unset = {});

    // `$identify` (distinct_id = target, $anon_distinct_id = source) and `$create_alias`: after
    // this, both ids belong to one identified person. When both already have persons, the
    // source's is merged into the target's (properties: the target's win; the older
    // created_at; distinct ids and static cohort memberships move over; the source is deleted),
    // unless the source person is already identified and `force` ($merge_dangerously) is off.
    MergeResult mergeDistinctIds(qint64 projectId, const QString &targetDistinctId,
                                 const QString &sourceDistinctId, bool force = false);

    // The static cohorts the person is a member of.
    QSet<qint64> staticCohortIds(qint64 personId) const;
    // Every person's static cohorts, for evaluating many persons at once.
    QHash<qint64, QSet<qint64>> staticCohortsByPerson(qint64 projectId) const;

private:
    std::optional<Person> findWhere(const QString &condition, const QVariantList &values) const;
    QStringList distinctIdsOf(qint64 personId) const;
    void addDistinctId(qint64 projectId, qint64 personId, const QString &distinctId);
    void writeProperties(qint64 personId, const QJsonObject &properties);
    void setIdentified(qint64 personId);

    const Database &m_db;
};

// PostHog's person name: the first display-name property set (email, name, username...), else
// the first identified distinct id, else the id.
QString personDisplayName(const Person &person);
// PostHog's anonymous ids look like UUIDs ("0190a1b2-...") and are listed after the others.
bool isAnonymousDistinctId(const QString &distinctId);

} // namespace bunting::server
