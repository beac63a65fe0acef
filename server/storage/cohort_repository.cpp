#include "storage/cohort_repository.h"

#include "storage/json_column.h"
#include "storage/timestamps.h"

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

StoredCohort cohortFromRow(const QSqlQuery &q)
{
    StoredCohort c;
    c.id = q.value(0).toLongLong();
    c.createdById = q.value(1).toLongLong();
    c.document = objectFromColumn(q.value(2));
    return c;
}

} // namespace

std::optional<StoredCohort> CohortRepository::find(qint64 projectId, qint64 id) const
{
    QSqlQuery q = m_db.exec(u"SELECT id, created_by_id, document FROM cohorts WHERE project_id = ? "
                            "AND id = ?"_s,
                            {projectId, id});
    if (!q.next())
        return std::nullopt;
    return cohortFromRow(q);
}

QList<StoredCohort> CohortRepository::all(qint64 projectId, bool includeDeleted) const
{
    QSqlQuery q =
        m_db.exec(includeDeleted ? u"SELECT id, created_by_id, document FROM cohorts WHERE "
                                   "project_id = ? ORDER BY created_at DESC, id DESC"_s
                                 : u"SELECT id, created_by_id, document FROM cohorts WHERE "
                                   "project_id = ? AND deleted = 0 ORDER BY created_at DESC, "
                                   "id DESC"_s,
                  {projectId});
    QList<StoredCohort> cohorts;
    while (q.next())
        cohorts.append(cohortFromRow(q));
    return cohorts;
}

QHash<qint64, Cohort> CohortRepository::definitions(qint64 projectId) const
{
    QHash<qint64, Cohort> cohorts;
    for (const StoredCohort &stored : all(projectId))
        cohorts.insert(stored.id, stored.cohort());
    return cohorts;
}

qint64 CohortRepository::insert(qint64 projectId, const QJsonObject &document, qint64 userId)
{
    QJsonObject stored = document;
    if (!stored.value("created_at"_L1).isString())
        stored.insert("created_at"_L1, nowTimestamp());
    const qint64 id =
        m_db.scalar(u"INSERT INTO cohorts (project_id, name, is_static, deleted, created_by_id, "
                    "created_at, document) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"_s,
                    {projectId, stored.value("name"_L1).toString(u""_s),
                     int(stored.value("is_static"_L1).toBool()),
                     int(stored.value("deleted"_L1).toBool()), userId,
                     stored.value("created_at"_L1).toString(), u"{}"_s})
            ->toLongLong();
    stored.insert("id"_L1, id);
    m_db.exec(u"UPDATE cohorts SET document = ? WHERE id = ?"_s, {jsonColumn(stored), id});
    notices.send(projectId, false);
    return id;
}

void CohortRepository::update(qint64 projectId, qint64 id, const QJsonObject &document)
{
    m_db.exec(u"UPDATE cohorts SET name = ?, is_static = ?, deleted = ?, document = ? WHERE "
              "project_id = ? AND id = ?"_s,
              {document.value("name"_L1).toString(u""_s),
               int(document.value("is_static"_L1).toBool()),
               int(document.value("deleted"_L1).toBool()), jsonColumn(document), projectId, id});
    notices.send(projectId, false);
}

void CohortRepository::addMembers(qint64 cohortId, const QList<qint64> &personIds)
{
    for (qint64 personId : personIds) {
        if (m_db.scalar(u"SELECT person_id FROM cohort_people WHERE cohort_id = ? AND "
                        "person_id = ?"_s,
                        {cohortId, personId}))
            continue;
        m_db.exec(u"INSERT INTO cohort_people (cohort_id, person_id) VALUES (?, ?)"_s,
                  {cohortId, personId});
    }
    if (personIds.isEmpty() || !notices.heard())
        return;
    if (const auto projectId =
            m_db.scalar(u"SELECT project_id FROM cohorts WHERE id = ?"_s, {cohortId}))
        notices.send(projectId->toLongLong(), true);
}

QList<qint64> CohortRepository::members(qint64 cohortId) const
{
    QList<qint64> ids;
    QSqlQuery q =
        m_db.exec(u"SELECT person_id FROM cohort_people WHERE cohort_id = ? ORDER BY person_id"_s,
                  {cohortId});
    while (q.next())
        ids.append(q.value(0).toLongLong());
    return ids;
}

qint64 CohortRepository::memberCount(qint64 cohortId) const
{
    return m_db.scalar(u"SELECT COUNT(*) FROM cohort_people WHERE cohort_id = ?"_s, {cohortId})
        .value_or(0)
        .toLongLong();
}

} // namespace bunting::server
