#include "services/flag_bulk.h"

#include "python_repr.h"
#include "services/flag_input.h"
#include "services/flag_status.h"
#include "storage/flag_list_filter.h"

#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <cmath>
#include <functional>
#include <limits>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// PostHog's limits on bulk tag updates (posthog/api/tagged_item.py).
constexpr qsizetype kMaxTagIds = 500;
constexpr qsizetype kMaxTags = 100;
constexpr qsizetype kMaxTagLength = 255;
constexpr qsizetype kMaxTagOperations = 10000;
constexpr qsizetype kListedDependents = 3;

ApiResponse errorResponse(const QString &message)
{
    return ApiResponse::json(QJsonObject{{u"error"_s, message}}, 400);
}

// An id as bulk_delete and bulk_keys take it: a JSON integer or a string of digits.
std::optional<qint64> flagId(const QJsonValue &value)
{
    if (value.isDouble()) {
        const double d = value.toDouble();
        if (d == std::trunc(d) && std::fabs(d) < 9.2e18)
            return qint64(d);
        return std::nullopt;
    }
    if (value.isString()) {
        const QString text = value.toString();
        const bool digits = !text.isEmpty() && std::all_of(text.begin(), text.end(), [](QChar c) {
            return c >= u'0' && c <= u'9';
        });
        if (digits)
            return pythonInt(text);
    }
    return std::nullopt;
}

// The ids of the batch that `flag` names in its conditions.
QSet<qint64> dependenciesIn(const FeatureFlag &flag, const QSet<qint64> &batch)
{
    QSet<qint64> named;
    for (const Condition &condition : flag.filters.groups)
        for (const PropertyFilter &p : condition.properties) {
            bool ok = false;
            const qint64 id = p.key.toLongLong(&ok);
            if (p.propertyType() == PropertyType::Flag && ok && batch.contains(id) && id != flag.id)
                named.insert(id);
        }
    return named;
}

// A flag's dependents in the batch go first, so deleting the flag after them is allowed.
QList<FlagRecord> dependentsFirst(const QList<FlagRecord> &flags)
{
    QSet<qint64> batch;
    for (const FlagRecord &r : flags)
        batch.insert(r.flag.id);
    QHash<qint64, QList<qsizetype>> dependentsOf;
    for (qsizetype i = 0; i < flags.size(); ++i)
        for (qint64 dependency : dependenciesIn(flags[i].flag, batch))
            dependentsOf[dependency].append(i);

    QList<FlagRecord> ordered;
    QSet<qsizetype> seen;
    std::function<void(qsizetype)> visit = [&](qsizetype i) {
        if (seen.contains(i))
            return;
        seen.insert(i);
        for (qsizetype dependent : dependentsOf.value(flags[i].flag.id))
            visit(dependent);
        ordered.append(flags[i]);
    };
    for (qsizetype i = 0; i < flags.size(); ++i)
        visit(i);
    return ordered;
}

QString errorDetail(const ApiError &error)
{
    return error.toJson().value("detail"_L1).toString();
}

// A field error of the bulk tag request, as DRF and PostHog's exception handler report it.
[[noreturn]] void fieldError(const QString &code, const QString &detail, const QString &attr)
{
    throw ApiError::validation(code, detail, attr);
}

// The list of a ListField: required, not null, a list, not empty when so configured.
QJsonArray listField(const QJsonObject &body, const QString &name, bool allowEmpty)
{
    if (!body.contains(name))
        fieldError(u"required"_s, u"This field is required."_s, name);
    const QJsonValue value = body.value(name);
    if (value.isNull())
        fieldError(u"null"_s, u"This field may not be null."_s, name);
    if (!value.isArray())
        fieldError(u"not_a_list"_s,
                   u"Expected a list of items but got type \"%1\"."_s.arg(pythonTypeName(value)),
                   name);
    if (!allowEmpty && value.toArray().isEmpty())
        fieldError(u"empty"_s, u"This list may not be empty."_s, name);
    return value.toArray();
}

// DRF's IntegerField: an integral number, or text that int() reads once a ".000" is dropped.
qint64 integerItem(const QJsonValue &value, const QString &attr)
{
    if (value.isNull())
        fieldError(u"null"_s, u"This field may not be null."_s, attr);
    std::optional<qint64> id;
    if (value.isDouble() && value.toDouble() == std::trunc(value.toDouble()) &&
        std::fabs(value.toDouble()) < 9.2e18)
        id = qint64(value.toDouble());
    else if (value.isString() && value.toString().size() <= 1000)
        id = pythonInt(value.toString().remove(QRegularExpression(u"\\.0*\\s*$"_s)));
    if (!id)
        fieldError(u"invalid"_s, u"A valid integer is required."_s, attr);
    return *id;
}

// DRF's CharField(max_length=255): text or a number, trimmed, not blank.
QString tagItem(const QJsonValue &value, const QString &attr)
{
    if (value.isNull())
        fieldError(u"null"_s, u"This field may not be null."_s, attr);
    if (!value.isString() && !value.isDouble())
        fieldError(u"invalid"_s, u"Not a valid string."_s, attr);
    const QString text = (value.isString() ? value.toString() : pythonRepr(value)).trimmed();
    if (text.isEmpty())
        fieldError(u"blank"_s, u"This field may not be blank."_s, attr);
    if (text.size() > kMaxTagLength)
        fieldError(u"max_length"_s,
                   u"Ensure this field has no more than %1 characters."_s.arg(kMaxTagLength), attr);
    return text;
}

void maxItems(const QJsonArray &list, qsizetype max, const QString &name)
{
    if (list.size() > max)
        fieldError(u"max_length"_s, u"Ensure this field has no more than %1 elements."_s.arg(max),
                   name);
}

} // namespace

ApiResponse FlagBulk::deleteFlags(qint64 projectId, const Principal &by, const QJsonObject &body)
{
    const QJsonValue filters =
        body.contains("filters"_L1) ? body.value("filters"_L1) : QJsonValue(QJsonObject());
    const QJsonValue ids = body.contains("ids"_L1) ? body.value("ids"_L1) : QJsonArray();
    const bool byFilters = pythonTruthy(filters);
    const bool byIds = pythonTruthy(ids);
    if (byFilters && byIds)
        return errorResponse(u"Provide either filters or ids, not both"_s);
    if (!byFilters && !byIds)
        return errorResponse(u"Must provide either filters or ids"_s);

    QList<FlagRecord> targets;
    QJsonArray errors;
    if (byFilters) {
        if (!filters.isObject())
            return errorResponse(u"Filters must be an object"_s);
        QStringList unknown;
        for (const QString &name : filters.toObject().keys())
            if (!FlagListFilter::filterNames().contains(name))
                unknown.append(name);
        if (!unknown.isEmpty()) {
            unknown.sort();
            return errorResponse(u"Unknown filter keys: "_s + unknown.join(u", "_s));
        }
        try {
            const FlagListFilter query = FlagListFilter::fromFilters(filters.toObject());
            targets = m_flags.list(projectId, query, 0, std::numeric_limits<qint64>::max()).flags;
        } catch (const FilterError &error) {
            return errorResponse(error.detail);
        }
    } else {
        if (!ids.isArray())
            return errorResponse(u"ids must be a list"_s);
        QList<qint64> valid;
        for (const QJsonValue &id : ids.toArray())
            if (const auto parsed = flagId(id))
                valid.append(*parsed);
        targets = m_flags.findMany(projectId, valid, false);
        QSet<qint64> found;
        for (const FlagRecord &r : targets)
            found.insert(r.flag.id);
        for (const QJsonValue &id : ids.toArray()) {
            const auto parsed = flagId(id);
            if (!parsed)
                errors.append(
                    QJsonObject{{u"id"_s, id}, {u"reason"_s, u"Invalid flag ID format"_s}});
            else if (!found.contains(*parsed))
                errors.append(QJsonObject{{u"id"_s, *parsed}, {u"reason"_s, u"Flag not found"_s}});
        }
    }

    // Dependents first, each flag checked when its turn comes, as PostHog does: a dependent
    // deleted earlier in the request no longer blocks, one that was refused still does. The
    // dependents outside the request are read once; those inside it are known from the targets.
    QSet<qint64> batch;
    for (const FlagRecord &r : targets)
        batch.insert(r.flag.id);
    QHash<qint64, QList<FeatureFlag>> blockedBy;
    for (const auto &[dependent, named] : m_flags.dependents(projectId, batch))
        for (qint64 id : named)
            blockedBy[id].append(dependent);
    for (const FlagRecord &r : targets)
        if (r.flag.active)
            for (qint64 dependency : dependenciesIn(r.flag, batch))
                if (dependency != r.flag.id)
                    blockedBy[dependency].append(r.flag);
    QSet<qint64> deletedIds;

    QJsonArray deleted;
    // All or nothing: a flag refused is reported and skipped, but a failure of the database
    // undoes the flags deleted before it.
    m_service.allOrNothing([&] {
        for (const FlagRecord &target : dependentsFirst(targets)) {
            const FeatureFlag &flag = target.flag;
            QList<FeatureFlag> dependents = blockedBy.value(flag.id);
            dependents.removeIf([&](const FeatureFlag &d) { return deletedIds.contains(d.id); });
            std::sort(dependents.begin(), dependents.end(),
                      [](const FeatureFlag &a, const FeatureFlag &b) { return a.key < b.key; });
            if (!dependents.isEmpty()) {
                QStringList names;
                for (const FeatureFlag &d : dependents.mid(0, kListedDependents))
                    names.append(u"%1 (ID: %2)"_s.arg(d.key).arg(d.id));
                if (dependents.size() > kListedDependents)
                    names.append(u"and %1 more"_s.arg(dependents.size() - kListedDependents));
                errors.append(QJsonObject{
                    {u"id"_s, flag.id},
                    {u"key"_s, flag.key},
                    {u"reason"_s,
                     u"Cannot delete because other flags depend on it: "_s + names.join(u", "_s)}});
                continue;
            }
            const RolloutInfo rollout = rolloutInfo(flag.toJson());
            try {
                m_service.deleteInPlace(projectId, flag.id, by);
                deletedIds.insert(flag.id);
            } catch (const ApiError &error) {
                errors.append(QJsonObject{
                    {u"id"_s, flag.id}, {u"key"_s, flag.key}, {u"reason"_s, errorDetail(error)}});
                continue;
            }
            deleted.append(QJsonObject{{u"id"_s, flag.id},
                                       {u"key"_s, flag.key},
                                       {u"rollout_state"_s, rollout.state},
                                       {u"active_variant"_s, rollout.activeVariant}});
        }
    });
    return ApiResponse::json(QJsonObject{{u"deleted"_s, deleted}, {u"errors"_s, errors}});
}

ApiResponse FlagBulk::keys(qint64 projectId, const QJsonObject &body) const
{
    const QJsonValue ids = body.value("ids"_L1);
    if (!pythonTruthy(ids))
        return ApiResponse::json(QJsonObject{{u"keys"_s, QJsonObject()}});
    if (!ids.isArray())
        return errorResponse(u"Invalid flag IDs provided"_s);
    QList<qint64> valid;
    QJsonArray invalid;
    for (const QJsonValue &id : ids.toArray()) {
        if (const auto parsed = flagId(id))
            valid.append(*parsed);
        else
            invalid.append(id);
    }
    if (valid.isEmpty())
        return errorResponse(u"Invalid flag IDs provided"_s);
    QJsonObject keys;
    for (const auto &[id, key] : m_flags.liveKeys(projectId, valid))
        keys.insert(QString::number(id), key);
    QJsonObject response{{u"keys"_s, keys}};
    if (!invalid.isEmpty())
        response.insert(u"warning"_s, u"Invalid flag IDs ignored: "_s + pythonRepr(invalid));
    return ApiResponse::json(response);
}

ApiResponse FlagBulk::updateTags(qint64 projectId, const Principal &by, const QJsonObject &body)
{
    // The serializer's fields in order (ids, action, tags); the first error is the one reported.
    const QJsonArray idList = listField(body, u"ids"_s, false);
    QList<qint64> ids;
    for (qsizetype i = 0; i < idList.size(); ++i)
        ids.append(integerItem(idList[i], u"ids__%1"_s.arg(i)));
    maxItems(idList, kMaxTagIds, u"ids"_s);

    if (!body.contains("action"_L1))
        fieldError(u"required"_s, u"This field is required."_s, u"action"_s);
    const QJsonValue actionValue = body.value("action"_L1);
    if (actionValue.isNull())
        fieldError(u"null"_s, u"This field may not be null."_s, u"action"_s);
    const QString action =
        actionValue.isString() ? actionValue.toString() : pythonRepr(actionValue);
    if (action != "add"_L1 && action != "remove"_L1 && action != "set"_L1)
        fieldError(u"invalid_choice"_s, u"\"%1\" is not a valid choice."_s.arg(action),
                   u"action"_s);

    const QJsonArray tagList = listField(body, u"tags"_s, true);
    QStringList tags;
    for (qsizetype i = 0; i < tagList.size(); ++i)
        tags.append(tagItem(tagList[i], u"tags__%1"_s.arg(i)));
    maxItems(tagList, kMaxTags, u"tags"_s);

    if (action != "set"_L1 && tags.isEmpty())
        fieldError(u"invalid"_s, u"tags must not be empty for action '%1'."_s.arg(action),
                   u"tags"_s);
    QSet<QString> normalized;
    for (const QString &tag : tags)
        normalized.insert(tagify(tag));
    if (ids.size() * normalized.size() > kMaxTagOperations)
        fieldError(
            u"invalid"_s,
            u"Too many changes in one request: ids × distinct tags must not exceed %1."_s.arg(
                kMaxTagOperations),
            u"tags"_s);
    normalized.remove(QString());

    // PostHog reaches every flag of the project here, deleted ones too.
    const QList<FlagRecord> flags = m_flags.findMany(projectId, ids, true);
    QJsonArray updated;
    QJsonArray skipped;
    const QString skippedReason = u"Not found or no edit access"_s;
    QSet<qint64> found;
    for (const FlagRecord &record : flags)
        found.insert(record.flag.id);
    for (qint64 id : ids)
        if (!found.contains(id))
            skipped.append(QJsonObject{{u"id"_s, id}, {u"reason"_s, skippedReason}});

    m_service.allOrNothing([&] {
        for (const FlagRecord &record : flags) {
            const FeatureFlag &flag = record.flag;
            const QSet<QString> current(flag.tags.begin(), flag.tags.end());
            QSet<QString> next = normalized;
            if (action == "add"_L1)
                next = current + normalized;
            else if (action == "remove"_L1)
                next = current - normalized;
            QStringList sorted(next.begin(), next.end());
            sorted.sort();
            if (next != current) {
                try {
                    m_service.setTagsInPlace(projectId, flag.id, by, sorted);
                } catch (const ApiError &error) {
                    skipped.append(
                        QJsonObject{{u"id"_s, flag.id}, {u"reason"_s, errorDetail(error)}});
                    continue;
                }
            }
            updated.append(
                QJsonObject{{u"id"_s, flag.id}, {u"tags"_s, QJsonArray::fromStringList(sorted)}});
        }
    });
    return ApiResponse::json(QJsonObject{{u"updated"_s, updated}, {u"skipped"_s, skipped}});
}

} // namespace bunting::server
