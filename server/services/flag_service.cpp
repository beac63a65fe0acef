#include "services/flag_service.h"

#include "filters_shape.h"
#include "flag_diff.h"
#include "services/flag_conflict.h"
#include "services/flag_input.h"
#include "storage/timestamps.h"

using namespace Qt::StringLiterals;

namespace bunting::server {

ApiError toApiError(const ValidationError &error)
{
    return ApiError::validation(error.code, error.detail, error.attr);
}

void FlagService::throwFirst(const QList<ValidationError> &errors) const
{
    if (!errors.isEmpty())
        throw toApiError(errors.first());
}

namespace {

// Runs a write of a flag's row, answering a live key taken meanwhile (by another server on the
// same PostgreSQL database, whose check passed as ours did) as PostHog does: its serializer turns
// the IntegrityError into the same 400 as its own check (rest-api-behaviour.md §3.2).
void writeFlag(const Database &db, const std::function<void()> &work)
{
    try {
        db.transaction(work);
    } catch (const UniqueViolation &error) {
        if (!error.concerns("feature_flags.key"_L1) && !error.concerns("feature_flags_live_key"_L1))
            throw;
        throw ApiError::validation(u"unique"_s, u"There is already a feature flag with this key."_s,
                                   u"key"_s);
    }
}

} // namespace

UserBasic FlagService::user(qint64 userId) const
{
    return m_users.find(userId).value_or(UserBasic());
}

ValidationContext FlagService::validationContext(qint64 projectId, const FeatureFlag &flag,
                                                 const FeatureFlag *previous) const
{
    ValidationContext context;
    const QString key = flag.key.trimmed();
    // An update that keeps its key is not asked about it (validateFlag()).
    if (!key.isEmpty() && (!previous || previous->key != key))
        if (const auto id = m_flags.liveIdForKey(projectId, key))
            context.liveKeys.insert(key, *id);

    // Deleted flags are loaded too, so validation can name them as such; the chain goes on
    // only through live ones, as validation's does.
    QSet<qint64> seen;
    for (QList<qint64> pending = flagDependencyIds(flag); !pending.isEmpty();) {
        const qint64 id = pending.takeLast();
        if (seen.contains(id))
            continue;
        seen.insert(id);
        const std::optional<FeatureFlag> dependency = m_flags.find(projectId, id);
        if (!dependency)
            continue;
        context.flagsById.insert(id, *dependency);
        if (!dependency->deleted)
            pending += flagDependencyIds(*dependency);
    }

    seen.clear();
    for (QList<qint64> pending = cohortIds(flag); !pending.isEmpty();) {
        const qint64 id = pending.takeLast();
        if (seen.contains(id))
            continue;
        seen.insert(id);
        const std::optional<StoredCohort> stored = m_cohorts.find(projectId, id);
        if (!stored || stored->deleted())
            continue;
        const Cohort cohort = stored->cohort();
        context.cohorts.insert(cohort.id, cohort);
        pending += cohortIds(cohort);
    }

    context.groupTypeMapping = m_groups.mapping(projectId);
    return context;
}

FeatureFlag FlagService::get(qint64 projectId, qint64 id) const
{
    auto flag = m_flags.find(projectId, id);
    if (!flag)
        throw ApiError::notFound();
    return *flag;
}

FeatureFlag FlagService::create(qint64 projectId, const Principal &by, const QJsonObject &body)
{
    if (!body.contains("key"_L1))
        throw ApiError::validation(u"required"_s, u"This field is required."_s, u"key"_s);
    FeatureFlag flag = newFlagTemplate();
    throwFirst(filtersShapeErrors(body.value("filters"_L1)));
    applyFlagInput(flag, body);
    flag.key = flag.key.trimmed();
    throwFirst(validateFlag(flag, validationContext(projectId, flag, nullptr)));

    const QString now = nowTimestamp();
    flag.createdAt = now;
    flag.updatedAt = now;
    flag.version = 1;
    flag.createdBy = user(by.userId);
    flag.lastModifiedBy = flag.createdBy;
    writeFlag(m_db, [&] {
        flag.id = m_flags.insert(projectId, flag, by.userId);
        m_activity.record(projectId, u"FeatureFlag"_s, flag.id, u"created"_s, by.userId, flag.key,
                          {});
    });
    notices.send({projectId, by.userId, std::nullopt, flag, body});
    return get(projectId, flag.id); // with what the listeners added, such as its dashboard
}

FeatureFlag FlagService::update(qint64 projectId, qint64 id, const Principal &by,
                                const QJsonObject &body)
{
    const FeatureFlag before = get(projectId, id);
    FeatureFlag after = before;
    throwFirst(filtersShapeErrors(body.value("filters"_L1))); // what was sent, before merging
    applyFlagInput(after, mergeFiltersPatch(before.filters.toJson(), body));
    after.key = after.key.trimmed();
    throwFirst(validateFlag(after, validationContext(projectId, after, &before), &before));
    // As PostHog: validation first, then the version check on what the body would store.
    if (isStaleVersion(body, before.version) &&
        !conflictingFields(before, after, body, by.userId).isEmpty())
        throw ApiError(409, u"server_error"_s, u"conflict"_s, conflictDetail(before));
    const bool disabling = (before.active && !after.active) || (!before.deleted && after.deleted);
    if (disabling) {
        // Only the flags that name this one, found by a query, not the whole project.
        ValidationContext dependents;
        for (const auto &[dependent, named] : m_flags.dependents(projectId, {after.id}))
            dependents.flagsById.insert(dependent.id, dependent);
        if (const auto refused = checkDependentsBeforeDisable(after, dependents))
            throw toApiError(*refused);
    }

    QJsonArray changes = activityChanges(before, after);
    if (changes.isEmpty())
        return before; // nothing changed: no new version, no activity
    after.version = before.version + 1;
    // PostHog's log names the version step of every change too.
    changes.append(QJsonObject{{u"type"_s, u"FeatureFlag"_s},
                               {u"action"_s, u"changed"_s},
                               {u"field"_s, u"version"_s},
                               {u"before"_s, before.version},
                               {u"after"_s, after.version}});
    after.updatedAt = nowTimestamp();
    after.lastModifiedBy = user(by.userId);
    const QString activity = !before.deleted && after.deleted ? u"deleted"_s : u"updated"_s;
    writeFlag(m_db, [&] {
        m_flags.update(projectId, after, by.userId);
        m_activity.record(projectId, u"FeatureFlag"_s, id, activity, by.userId, after.key, changes);
    });
    notices.send({projectId, by.userId, before, after, body});
    return after;
}

FeatureFlag FlagService::setTagsInPlace(qint64 projectId, qint64 id, const Principal &by,
                                        const QStringList &tags)
{
    const FeatureFlag before = get(projectId, id);
    FeatureFlag after = before;
    after.tags = tags;
    after.tags.sort();
    QStringList was = before.tags;
    was.sort();
    const QJsonArray changes{QJsonObject{{u"type"_s, u"FeatureFlag"_s},
                                         {u"action"_s, u"changed"_s},
                                         {u"field"_s, u"tags"_s},
                                         {u"before"_s, QJsonArray::fromStringList(was)},
                                         {u"after"_s, QJsonArray::fromStringList(after.tags)}}};
    return writeInPlace(projectId, by, before, after, u"updated"_s, changes,
                        QJsonObject{{u"tags"_s, QJsonArray::fromStringList(after.tags)}});
}

FeatureFlag FlagService::deleteInPlace(qint64 projectId, qint64 id, const Principal &by)
{
    const FeatureFlag before = get(projectId, id);
    FeatureFlag after = before;
    after.deleted = true;
    after.updatedAt = nowTimestamp();
    after.lastModifiedBy = user(by.userId);
    return writeInPlace(projectId, by, before, after, u"deleted"_s, QJsonArray(),
                        QJsonObject{{u"deleted"_s, true}});
}

FeatureFlag FlagService::writeInPlace(qint64 projectId, const Principal &by,
                                      const FeatureFlag &before, const FeatureFlag &after,
                                      const QString &activity, const QJsonArray &changes,
                                      const QJsonObject &body)
{
    m_db.transaction([&] {
        m_flags.rewriteCurrentVersion(projectId, after);
        m_activity.record(projectId, u"FeatureFlag"_s, after.id, activity, by.userId, before.key,
                          changes);
    });
    notices.send({projectId, by.userId, before, after, body});
    return after;
}

} // namespace bunting::server
