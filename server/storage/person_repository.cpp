#include "storage/person_repository.h"

#include "property_map.h"
#include "storage/json_column.h"
#include "storage/timestamps.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUuid>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

const QString personColumns =
    u"SELECT id, uuid, properties, created_at, is_identified FROM persons "_s;

Person personFromRow(const QSqlQuery &q)
{
    Person p;
    p.id = q.value(0).toLongLong();
    p.uuid = q.value(1).toString();
    p.properties = objectFromColumn(q.value(2));
    p.createdAt = q.value(3).toString();
    p.isIdentified = q.value(4).toInt() != 0;
    return p;
}

void sortDistinctIds(QStringList &ids)
{
    std::sort(ids.begin(), ids.end(), [](const QString &a, const QString &b) {
        const bool anonymousA = isAnonymousDistinctId(a);
        const bool anonymousB = isAnonymousDistinctId(b);
        if (anonymousA != anonymousB)
            return anonymousB;
        return a < b;
    });
}

} // namespace

bool isAnonymousDistinctId(const QString &distinctId)
{
    static const QRegularExpression pattern(u"^([a-z0-9]+-){4}([a-z0-9]+)$"_s);
    return pattern.match(distinctId).hasMatch();
}

QString personDisplayName(const Person &person)
{
    static const QStringList displayProperties{u"email"_s,    u"Email"_s,   u"$email"_s,
                                               u"name"_s,     u"Name"_s,    u"username"_s,
                                               u"Username"_s, u"UserName"_s};
    for (const QString &key : displayProperties) {
        const QJsonValue value = person.properties.value(key);
        // Python's truthiness, as PostHog tests `if properties.get(key)`.
        const bool truthy = (value.isString() && !value.toString().isEmpty()) ||
                            (value.isDouble() && value.toDouble() != 0) ||
                            (value.isBool() && value.toBool()) ||
                            (value.isArray() && !value.toArray().isEmpty()) ||
                            (value.isObject() && !value.toObject().isEmpty());
        if (truthy)
            return propertyText(value);
    }
    if (!person.distinctIds.isEmpty())
        return person.distinctIds.first();
    return QString::number(person.id);
}

QString Person::evaluationDistinctId() const
{
    if (distinctIds.isEmpty())
        return {};
    return *std::min_element(distinctIds.begin(), distinctIds.end());
}

std::optional<Person> PersonRepository::findWhere(const QString &condition,
                                                  const QVariantList &values) const
{
    QSqlQuery q = m_db.exec(personColumns + u"WHERE "_s + condition, values);
    if (!q.next())
        return std::nullopt;
    Person p = personFromRow(q);
    p.distinctIds = distinctIdsOf(p.id);
    return p;
}

std::optional<Person> PersonRepository::find(qint64 projectId, qint64 id) const
{
    return findWhere(u"project_id = ? AND id = ?"_s, {projectId, id});
}

std::optional<Person> PersonRepository::findByUuid(qint64 projectId, const QString &uuid) const
{
    return findWhere(u"project_id = ? AND uuid = ?"_s, {projectId, uuid.toLower()});
}

std::optional<Person> PersonRepository::findByDistinctId(qint64 projectId,
                                                         const QString &distinctId) const
{
    const auto personId = m_db.scalar(
        u"SELECT person_id FROM person_distinct_ids WHERE project_id = ? AND distinct_id = ?"_s,
        {projectId, distinctId});
    if (!personId)
        return std::nullopt;
    return find(projectId, personId->toLongLong());
}

QList<Person> PersonRepository::all(qint64 projectId) const
{
    QHash<qint64, QStringList> ids;
    QSqlQuery idRows =
        m_db.exec(u"SELECT person_id, distinct_id FROM person_distinct_ids WHERE project_id = ?"_s,
                  {projectId});
    while (idRows.next())
        ids[idRows.value(0).toLongLong()].append(idRows.value(1).toString());

    QList<Person> persons;
    QSqlQuery q = m_db.exec(
        personColumns + u"WHERE project_id = ? ORDER BY created_at DESC, id DESC"_s, {projectId});
    while (q.next()) {
        Person p = personFromRow(q);
        p.distinctIds = ids.value(p.id);
        sortDistinctIds(p.distinctIds);
        persons.append(std::move(p));
    }
    return persons;
}

QStringList PersonRepository::distinctIdsOf(qint64 personId) const
{
    QStringList ids;
    QSqlQuery q =
        m_db.exec(u"SELECT distinct_id FROM person_distinct_ids WHERE person_id = ?"_s, {personId});
    while (q.next())
        ids.append(q.value(0).toString());
    sortDistinctIds(ids);
    return ids;
}

void PersonRepository::addDistinctId(qint64 projectId, qint64 personId, const QString &distinctId)
{
    m_db.exec(u"INSERT INTO person_distinct_ids (project_id, distinct_id, person_id) VALUES "
              "(?, ?, ?)"_s,
              {projectId, distinctId, personId});
}

void PersonRepository::writeProperties(qint64 personId, const QJsonObject &properties)
{
    m_db.exec(u"UPDATE persons SET properties = ? WHERE id = ?"_s,
              {jsonColumn(properties), personId});
}

void PersonRepository::setIdentified(qint64 personId)
{
    m_db.exec(u"UPDATE persons SET is_identified = 1 WHERE id = ?"_s, {personId});
}

Person PersonRepository::create(qint64 projectId, const QStringList &distinctIds,
                                const QJsonObject &properties, bool isIdentified)
{
    Person p;
    p.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    p.properties = properties;
    p.createdAt = nowTimestamp();
    p.isIdentified = isIdentified;
    p.id = m_db.scalar(u"INSERT INTO persons (project_id, uuid, properties, created_at, "
                       "is_identified) VALUES (?, ?, ?, ?, ?) RETURNING id"_s,
                       {projectId, p.uuid, jsonColumn(properties), p.createdAt, int(isIdentified)})
               ->toLongLong();
    for (const QString &id : distinctIds) {
        if (!p.distinctIds.contains(id)) {
            addDistinctId(projectId, p.id, id);
            p.distinctIds.append(id);
        }
    }
    sortDistinctIds(p.distinctIds);
    return p;
}

Person PersonRepository::updateProperties(qint64 projectId, const QString &distinctId,
                                          const QJsonObject &set, const QJsonObject &setOnce,
                                          const QStringList &unset)
{
    auto person = findByDistinctId(projectId, distinctId);
    QJsonObject properties = person ? person->properties : QJsonObject();
    for (auto it = setOnce.begin(); it != setOnce.end(); ++it)
        if (!properties.contains(it.key()))
            properties.insert(it.key(), it.value());
    for (auto it = set.begin(); it != set.end(); ++it)
        properties.insert(it.key(), it.value());
    for (const QString &key : unset)
        properties.remove(key);
    if (!person)
        return create(projectId, {distinctId}, properties);
    if (properties != person->properties) {
        writeProperties(person->id, properties);
        person->properties = properties;
    }
    return *person;
}

MergeResult PersonRepository::mergeDistinctIds(qint64 projectId, const QString &targetDistinctId,
                                               const QString &sourceDistinctId, bool force)
{
    MergeResult result;
    auto target = findByDistinctId(projectId, targetDistinctId);
    auto source = targetDistinctId == sourceDistinctId
                      ? target
                      : findByDistinctId(projectId, sourceDistinctId);

    if (!target && !source) {
        result.person = create(projectId, {targetDistinctId, sourceDistinctId}, {}, true);
        result.created = true;
        return result;
    }
    if (target && source && target->id == source->id) {
        setIdentified(target->id);
        result.person = *findByDistinctId(projectId, targetDistinctId);
        return result;
    }
    if (!target || !source) {
        const Person &owner = target ? *target : *source;
        addDistinctId(projectId, owner.id, target ? sourceDistinctId : targetDistinctId);
        setIdentified(owner.id);
        result.person = *find(projectId, owner.id);
        return result;
    }
    if (source->isIdentified && !force) {
        result.person = *target;
        result.refused = true;
        return result;
    }

    QJsonObject properties = source->properties;
    for (auto it = target->properties.begin(); it != target->properties.end(); ++it)
        properties.insert(it.key(), it.value());
    const QString createdAt = std::min(target->createdAt, source->createdAt);
    m_db.exec(
        u"UPDATE persons SET properties = ?, created_at = ?, is_identified = 1 WHERE id = ?"_s,
        {jsonColumn(properties), createdAt, target->id});
    m_db.exec(u"UPDATE person_distinct_ids SET person_id = ? WHERE person_id = ?"_s,
              {target->id, source->id});
    // A cohort both persons were in keeps one membership.
    m_db.exec(u"INSERT INTO cohort_people (cohort_id, person_id) SELECT cohort_id, CAST(? AS "
              u"BIGINT) FROM "
              "cohort_people WHERE person_id = ? AND cohort_id NOT IN (SELECT cohort_id FROM "
              "cohort_people WHERE person_id = ?)"_s,
              {target->id, source->id, target->id});
    m_db.exec(u"DELETE FROM cohort_people WHERE person_id = ?"_s, {source->id});
    m_db.exec(u"DELETE FROM persons WHERE id = ?"_s, {source->id});
    result.person = *find(projectId, target->id);
    result.merged = true;
    return result;
}

QSet<qint64> PersonRepository::staticCohortIds(qint64 personId) const
{
    QSet<qint64> ids;
    QSqlQuery q = m_db.exec(u"SELECT cp.cohort_id FROM cohort_people cp JOIN cohorts c ON c.id = "
                            "cp.cohort_id WHERE cp.person_id = ? AND c.deleted = 0 AND "
                            "c.is_static = 1"_s,
                            {personId});
    while (q.next())
        ids.insert(q.value(0).toLongLong());
    return ids;
}

QHash<qint64, QSet<qint64>> PersonRepository::staticCohortsByPerson(qint64 projectId) const
{
    QHash<qint64, QSet<qint64>> byPerson;
    QSqlQuery q = m_db.exec(u"SELECT cp.person_id, cp.cohort_id FROM cohort_people cp JOIN "
                            "cohorts c ON c.id = cp.cohort_id WHERE c.project_id = ? AND "
                            "c.deleted = 0 AND c.is_static = 1"_s,
                            {projectId});
    while (q.next())
        byPerson[q.value(0).toLongLong()].insert(q.value(1).toLongLong());
    return byPerson;
}

} // namespace bunting::server
