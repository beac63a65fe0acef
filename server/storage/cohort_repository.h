#pragma once

#include "cohort.h"
#include "storage/change_notices.h"
#include "storage/database.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <functional>
#include <optional>

namespace bunting::server {

// A cohort as stored: its PostHog document (what the API serves, less what is computed when
// serving it: count, author, calculation state) and the columns beside it.
struct StoredCohort
{
    qint64 id = 0;
    qint64 createdById = 0;
    QJsonObject document;

    Cohort cohort() const { return Cohort::fromJson(document); }
    bool isStatic() const { return document.value(QLatin1StringView("is_static")).toBool(); }
    bool deleted() const { return document.value(QLatin1StringView("deleted")).toBool(); }
};

// The cohorts and cohort_people tables. Methods that write several rows run inside the
// caller's Database::transaction.
class CohortRepository
{
public:
    explicit CohortRepository(const Database &db) : notices(db), m_db(db) {}

    // Deleted cohorts included, as PostHog serves them by id.
    std::optional<StoredCohort> find(qint64 projectId, qint64 id) const;
    // Newest first; deleted ones only when asked for.
    QList<StoredCohort> all(qint64 projectId, bool includeDeleted = false) const;
    // The project's live cohorts by id, as evaluation and validation read them.
    QHash<qint64, Cohort> definitions(qint64 projectId) const;

    // Writes a new cohort (its document gets the new id) and returns the id.
    qint64 insert(qint64 projectId, const QJsonObject &document, qint64 userId);
    void update(qint64 projectId, qint64 id, const QJsonObject &document);

    // Static membership; adding a member twice keeps one row.
    void addMembers(qint64 cohortId, const QList<qint64> &personIds);
    QList<qint64> members(qint64 cohortId) const;
    qint64 memberCount(qint64 cohortId) const;

    // Every write, once it commits; `membersChanged` for static membership. For the caches the
    // SDK endpoints keep.
    ChangeNotices<qint64 /*projectId*/, bool /*membersChanged*/> notices;

private:
    const Database &m_db;
};

} // namespace bunting::server
