// Flag evaluation for the people the server has stored: test one flag for a person with an
// explanation of every condition (test_evaluation), every flag's value and reason
// (evaluation_reasons), and a static cohort of everyone a flag is on for
// (create_static_cohort_for_flag). All of it is core's engine over the stored definitions.
#include "http/router.h"
#include "json_record.h"
#include "sdk_id.h"
#include "services.h"
#include "services/cohort_service.h"
#include "storage/timestamps.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

const QString base = u"/api/projects/:project/feature_flags"_s;

// `groups` maps group type names to keys; keys may be numbers, as SDKs send them.
QHash<QString, QString> readGroups(const QJsonValue &value)
{
    QHash<QString, QString> groups;
    if (value.isUndefined() || value.isNull())
        return groups;
    if (!value.isObject())
        throw ApiError::validation(u"invalid_input"_s, u"groups must be a JSON object"_s,
                                   u"groups"_s);
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.value().isString())
            groups.insert(it.key(), it.value().toString());
        else if (it.value().isDouble())
            groups.insert(it.key(), sdkIdText(it.value()));
        else
            throw ApiError::validation(u"invalid_input"_s,
                                       u"The key of group '%1' must be a string."_s.arg(it.key()),
                                       u"groups"_s);
    }
    return groups;
}

QJsonObject readObject(const QJsonObject &body, QLatin1StringView name)
{
    const QJsonValue value = body.value(name);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isObject())
        throw ApiError::validation(u"invalid_input"_s, u"Expected a dictionary of items."_s, name);
    return value.toObject();
}

std::optional<QString> readIdentifier(const QJsonObject &body, QLatin1StringView name)
{
    const QJsonValue value = body.value(name);
    if (value.isUndefined())
        return std::nullopt;
    if (value.isNull())
        throw ApiError::validation(u"null"_s, u"This field may not be null."_s, name);
    if (!value.isString() && !value.isDouble())
        throw ApiError::validation(u"invalid"_s, u"Not a valid string."_s, name);
    const QString text = sdkIdText(value);
    if (text.trimmed().isEmpty())
        throw ApiError::validation(u"blank"_s, u"This field may not be blank."_s, name);
    return text;
}

// DRF's DateTimeField: ISO 8601, a naive time read as UTC.
std::optional<QDateTime> readTimestamp(const QJsonObject &body)
{
    const QJsonValue value = body.value("timestamp"_L1);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    QDateTime time;
    if (value.isString()) {
        const QString text = value.toString().trimmed();
        time = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (time.isValid() && time.timeSpec() == Qt::LocalTime)
            time.setTimeZone(QTimeZone::utc());
    }
    if (!time.isValid())
        throw ApiError::validation(u"invalid"_s,
                                   u"Datetime has wrong format. Use one of these formats instead: "
                                   "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."_s,
                                   u"timestamp"_s);
    return time.toUTC();
}

QString operatorOf(const PropertyFilter &filter)
{
    if (filter.op.isEmpty() && filter.propertyType() == PropertyType::Cohort)
        return u"in"_s;
    if (filter.op.isEmpty() && filter.propertyType() == PropertyType::Flag)
        return u"flag_evaluates_to"_s;
    const Operator op = filter.effectiveOperator();
    return op == Operator::Unknown ? filter.op : operatorName(op);
}

QString checkExplanation(const PropertyCheck &check, const QHash<qint64, Cohort> &cohorts,
                         const CompiledProject &project)
{
    const PropertyFilter &f = check.filter;
    switch (f.propertyType()) {
    case PropertyType::Cohort: {
        const qint64 id =
            f.value.isString() ? f.value.toString().toLongLong() : f.value.toInteger();
        const auto cohort = cohorts.constFind(id);
        if (cohort == cohorts.constEnd())
            return u"Cohort %1 does not exist, so nobody matches it."_s.arg(compactJson(f.value));
        const bool member = check.actual.toBool();
        const bool wanted = f.effectiveOperator() != Operator::NotIn;
        return u"The person is %1 cohort %2 (%3); the condition wants them %4 it."_s.arg(
            member ? u"in"_s : u"not in"_s, QString::number(id), cohort->name,
            wanted ? u"in"_s : u"not in"_s);
    }
    case PropertyType::Flag: {
        const qsizetype index = project.indexOfReference(f.key);
        const QString name = index < 0 ? f.key : project.flag(index).key;
        if (check.actual.isUndefined())
            return u"Flag %1 does not exist or could not be evaluated."_s.arg(name);
        return u"Flag %1 evaluated to %2; the condition wants %3."_s.arg(
            name, compactJson(check.actual), compactJson(f.value));
    }
    case PropertyType::Other:
        return u"Properties of type '%1' cannot be evaluated here, so they never match."_s.arg(
            f.type);
    case PropertyType::Person:
    case PropertyType::Group:
        break;
    }
    const QString op = operatorOf(f);
    const QString target = f.value.isUndefined() ? QString() : u" "_s + compactJson(f.value);
    if (check.actual.isUndefined())
        return check.matched ? u"'%1' is not set, which %2 accepts."_s.arg(f.key, op)
                             : u"'%1' is not set, so %2%3 does not match."_s.arg(f.key, op, target);
    return u"'%1' is %2, which %3 %4%5."_s.arg(f.key, compactJson(check.actual),
                                               check.matched ? u"matches"_s : u"does not match"_s,
                                               op, target);
}

QString describeRollout(double percentage, const std::optional<double> &bucket)
{
    const QString rollout = u"%1%"_s.arg(percentage);
    if (!bucket)
        return rollout;
    return u"%1 (bucket %2)"_s.arg(rollout, QString::number(*bucket * 100, 'f', 2) + u'%');
}

struct ConditionContext
{
    const FeatureFlag &flag;
    const EvaluationResult &result;
    const Explanation &explanation;
    const QHash<int, QString> &groupTypes;
};

QString conditionExplanation(const ConditionContext &c, const Condition &condition,
                             const ConditionExplanation *e, bool propertiesMatched)
{
    if (!e) {
        switch (c.result.reason) {
        case MatchReason::FlagDisabled:
            return c.flag.deleted ? u"Not evaluated: the flag is deleted."_s
                                  : u"Not evaluated: the flag is disabled."_s;
        case MatchReason::MissingDependency:
            return u"Not evaluated: the flag depends on a flag that does not exist."_s;
        case MatchReason::SuperConditionValue:
            return u"Not evaluated: the person's early access opt-in decided the flag."_s;
        case MatchReason::HoldoutConditionValue:
            return u"Not evaluated: the identifier is in the holdout group."_s;
        default:
            return u"Not evaluated."_s;
        }
    }
    QStringList failing;
    for (const PropertyCheck &check : e->checks)
        if (!check.matched)
            failing.append(u"'%1'"_s.arg(check.filter.key));
    const QString properties = e->checks.isEmpty()
                                   ? u"The condition has no property filters"_s
                                   : u"All %1 property filter(s) matched"_s.arg(e->checks.size());
    switch (e->outcome) {
    case ConditionOutcome::Matched:
        return u"%1 and the identifier is inside the %2 rollout."_s.arg(
            properties, describeRollout(e->rolloutPercentage, e->bucket));
    case ConditionOutcome::PropertiesDidNotMatch:
        return u"Did not match: %1 did not match."_s.arg(failing.join(u", "_s));
    case ConditionOutcome::OutOfRollout:
        return u"%1, but the identifier is outside the %2 rollout."_s.arg(
            properties, describeRollout(e->rolloutPercentage, e->bucket));
    case ConditionOutcome::SkippedNoGroup: {
        const std::optional<int> index = condition.aggregationGroupTypeIndex
                                             ? condition.aggregationGroupTypeIndex
                                             : c.flag.filters.aggregationGroupTypeIndex;
        const auto name = c.groupTypes.constFind(index.value_or(-1));
        if (name == c.groupTypes.constEnd())
            return u"Not evaluated: the condition aggregates by group type index %1, which the "
                   "project does not have."_s.arg(index.value_or(-1));
        return u"Not evaluated: the condition is for the group type '%1', and the request "
               "named no %1."_s.arg(*name);
    }
    case ConditionOutcome::SkippedNoDeviceId:
        return u"Not evaluated: the flag buckets by device id, and none is known."_s;
    case ConditionOutcome::NotEvaluated:
        break;
    }
    const int winner = c.result.conditionIndex.value_or(0) + 1;
    return propertiesMatched
               ? u"Properties matched, but condition set %1 decided the flag first."_s.arg(winner)
               : u"Did not match: %1 did not match (condition set %2 decided the flag)."_s
                     .arg(failing.join(u", "_s))
                     .arg(winner);
}

QJsonArray explainConditions(const ConditionContext &c, const QHash<qint64, Cohort> &cohorts,
                             const CompiledProject &project)
{
    QJsonArray conditions;
    const QList<Condition> &groups = c.flag.filters.groups;
    for (int i = 0; i < groups.size(); ++i) {
        const Condition &condition = groups[i];
        const ConditionExplanation *e = nullptr;
        for (const ConditionExplanation &candidate : c.explanation.conditions)
            if (candidate.index == i)
                e = &candidate;
        QJsonArray properties;
        bool propertiesMatched = e && e->outcome != ConditionOutcome::SkippedNoGroup &&
                                 e->outcome != ConditionOutcome::SkippedNoDeviceId;
        if (e) {
            for (const PropertyCheck &check : e->checks) {
                propertiesMatched = propertiesMatched && check.matched;
                const PropertyFilter &f = check.filter;
                properties.append(QJsonObject{
                    {u"key"_s, f.key},
                    {u"operator"_s, operatorOf(f)},
                    {u"value"_s, f.value.isUndefined() ? QJsonValue() : f.value},
                    {u"type"_s, f.type.isEmpty() ? u"person"_s : f.type},
                    {u"actual_value"_s, check.actual.isUndefined() ? QJsonValue() : check.actual},
                    {u"matched"_s, check.matched},
                    {u"explanation"_s, checkExplanation(check, cohorts, project)},
                });
            }
        }
        const bool won =
            c.result.reason == MatchReason::ConditionMatch && c.result.conditionIndex == i;
        QJsonValue variant;
        if (condition.variant && c.flag.filters.findVariant(*condition.variant))
            variant = *condition.variant;
        else if (won && !c.result.value.variant.isEmpty())
            variant = c.result.value.variant;
        conditions.append(QJsonObject{
            {u"index"_s, i},
            {u"matched"_s, won},
            {u"properties_matched"_s, propertiesMatched},
            {u"explanation"_s, conditionExplanation(c, condition, e, propertiesMatched)},
            {u"rollout_percentage"_s, condition.rolloutPercentage.value_or(100.0)},
            {u"rollout_excluded"_s, e && e->outcome == ConditionOutcome::OutOfRollout},
            {u"variant"_s, variant},
            {u"properties"_s, properties},
        });
    }
    return conditions;
}

void collectPersonKeys(const PropertyGroup &group, const QHash<qint64, Cohort> &cohorts,
                       QSet<QString> &keys, QSet<qint64> &seen);

void collectFilterKeys(const PropertyFilter &filter, bool groupAggregated,
                       const QHash<qint64, Cohort> &cohorts, QSet<QString> &keys,
                       QSet<qint64> &seen)
{
    if (filter.type == "person"_L1 || (filter.type.isEmpty() && !groupAggregated)) {
        keys.insert(filter.key);
    } else if (filter.propertyType() == PropertyType::Cohort) {
        const qint64 id = filter.value.isString() ? filter.value.toString().toLongLong()
                                                  : filter.value.toInteger();
        if (seen.contains(id))
            return;
        seen.insert(id);
        if (const auto it = cohorts.constFind(id); it != cohorts.constEnd())
            collectPersonKeys(it->properties, cohorts, keys, seen);
    }
}

void collectPersonKeys(const PropertyGroup &group, const QHash<qint64, Cohort> &cohorts,
                       QSet<QString> &keys, QSet<qint64> &seen)
{
    for (const PropertyGroup &child : group.groups)
        collectPersonKeys(child, cohorts, keys, seen);
    for (const PropertyFilter &filter : group.filters)
        collectFilterKeys(filter, false, cohorts, keys, seen);
}

// The person properties the flag reads (its conditions and the cohorts they name), as PostHog
// shows only those.
QJsonObject propertiesTheFlagReads(const FeatureFlag &flag, const QJsonObject &properties,
                                   const QHash<qint64, Cohort> &cohorts)
{
    QSet<QString> keys;
    QSet<qint64> seen;
    for (const QList<Condition> *conditions : {&flag.filters.groups, &flag.filters.superGroups})
        for (const Condition &condition : *conditions) {
            const bool aggregated = condition.aggregationGroupTypeIndex.has_value() ||
                                    flag.filters.aggregationGroupTypeIndex.has_value();
            for (const PropertyFilter &filter : condition.properties)
                collectFilterKeys(filter, aggregated, cohorts, keys, seen);
        }
    QJsonObject shown;
    for (const QString &key : keys)
        if (properties.contains(key))
            shown.insert(key, properties.value(key));
    return shown;
}

ProjectEvaluation evaluationOf(qint64 projectId, Services &s)
{
    return ProjectEvaluation(projectId, s.flags, s.persons, s.cohorts, s.groups);
}

// The flag as it was at `time`: the last version saved at or before it.
FeatureFlag flagAt(Services &s, const FeatureFlag &flag, const QDateTime &time)
{
    const std::optional<int> version = s.flags.lastVersionAt(flag.id, formatApiTimestamp(time));
    std::optional<FeatureFlag> then;
    if (version)
        then = s.flags.version(flag.id, *version);
    if (!then)
        throw ApiError::validation(
            u"invalid_input"_s,
            u"Feature flag '%1' did not exist at the specified timestamp."_s.arg(flag.key),
            u"timestamp"_s);
    return *then;
}

ApiResponse testEvaluation(ApiRequest &r, Services &s)
{
    const FeatureFlag current = s.flagService.get(r.projectId, r.idParam(u"id"_s));
    const QJsonObject body = r.jsonObject();
    const auto distinctId = readIdentifier(body, "distinct_id"_L1);
    const auto personId = readIdentifier(body, "person_id"_L1);
    if (!distinctId && !personId)
        throw ApiError::validation(u"invalid_input"_s,
                                   u"Either distinct_id or person_id must be provided"_s);
    if (distinctId && personId)
        throw ApiError::validation(u"invalid_input"_s,
                                   u"Cannot provide both distinct_id and person_id"_s);
    const auto timestamp = readTimestamp(body);

    EvaluationSubject subject;
    subject.groups = readGroups(body.value("groups"_L1));
    subject.personProperties = readObject(body, "person_properties"_L1);
    const QJsonObject groupProperties = readObject(body, "group_properties"_L1);
    for (auto it = groupProperties.begin(); it != groupProperties.end(); ++it) {
        if (!it.value().isObject())
            throw ApiError::validation(
                u"invalid_input"_s,
                u"The properties of group '%1' must be an object."_s.arg(it.key()),
                u"group_properties"_s);
        subject.groupProperties.insert(it.key(), it.value().toObject());
    }

    if (personId) {
        bool numeric = false;
        const qint64 pk = personId->toLongLong(&numeric);
        const QUuid uuid = QUuid::fromString(personId->trimmed());
        if (numeric)
            subject.person = s.persons.find(r.projectId, pk);
        else if (!uuid.isNull())
            subject.person = s.persons.findByUuid(r.projectId, uuid.toString(QUuid::WithoutBraces));
        if (!subject.person || subject.person->distinctIds.isEmpty())
            throw ApiError(404, u"invalid_request"_s, u"not_found"_s,
                           u"Person not found for person_id: %1"_s.arg(*personId));
        subject.distinctId = subject.person->evaluationDistinctId();
    } else {
        // Someone the server has not seen yet is evaluated with no stored properties.
        subject.distinctId = *distinctId;
        subject.person = s.persons.findByDistinctId(r.projectId, *distinctId);
    }

    const ProjectEvaluation project = evaluationOf(r.projectId, s);
    EvaluationContext context = project.context(subject);
    // The flag as it is now is in the project's compiled snapshot, the one the SDK endpoints
    // read, and the flag as it was is that snapshot with the one flag changed; only a deleted
    // flag, or an old version whose change reaches other flags (a key since renamed), needs the
    // project compiled around it.
    const std::optional<FeatureFlag> then =
        timestamp ? std::optional(flagAt(s, current, *timestamp)) : std::nullopt;
    const FeatureFlag &wanted = then ? *then : current;
    std::shared_ptr<const CompiledProject> compiled;
    qsizetype index = -1;
    if (const auto snapshot = wanted.deleted ? nullptr : s.snapshots.byProject(r.projectId)) {
        std::shared_ptr<const CompiledProject> engine =
            then ? snapshot->engine->withFlag(evaluatedPart(*then)) : snapshot->engine;
        index = engine ? engine->indexOfId(wanted.id) : -1;
        if (index >= 0)
            compiled = std::move(engine);
    }
    if (!compiled) {
        ProjectDefinitions definitions = project.definitions();
        index = -1;
        for (qsizetype i = 0; i < definitions.flags.size(); ++i)
            if (definitions.flags[i].id == wanted.id)
                index = i;
        if (index < 0) {
            index = definitions.flags.size();
            definitions.flags.append(wanted);
        } else {
            definitions.flags[index] = wanted;
        }
        compiled = CompiledProject::compile(std::move(definitions));
    }
    if (timestamp)
        context.now = *timestamp;
    const FeatureFlag &flag = compiled->flag(index);
    const QHash<qint64, Cohort> &cohorts = compiled->cohorts();
    const QHash<int, QString> &groupTypes = compiled->groupTypeMapping();
    Explanation explanation;
    const EvaluationResult result = compiled->evaluate(index, context, &explanation);

    QJsonObject personProperties = subject.person ? subject.person->properties : QJsonObject();
    for (auto it = subject.personProperties.begin(); it != subject.personProperties.end(); ++it)
        personProperties.insert(it.key(), it.value());

    const ConditionContext c{flag, result, explanation, groupTypes};
    return ApiResponse::json(QJsonObject{
        {u"flag_key"_s, flag.key},
        {u"result"_s, result.value.toJson()},
        {u"reason"_s, reasonCode(result.reason)},
        {u"reason_description"_s, result.description()},
        {u"condition_index"_s,
         result.conditionIndex ? QJsonValue(*result.conditionIndex) : QJsonValue()},
        {u"payload"_s, result.payload.isUndefined() ? QJsonValue() : result.payload},
        {u"person_properties"_s, propertiesTheFlagReads(flag, personProperties, cohorts)},
        // Only an id the caller sent is echoed: a person id must not reveal distinct ids.
        {u"evaluation_distinct_id"_s, distinctId ? QJsonValue(*distinctId) : QJsonValue()},
        {u"conditions"_s, explainConditions(c, cohorts, *compiled)},
    });
}

ApiResponse evaluationReasons(ApiRequest &r, Services &s)
{
    if (!r.query.hasQueryItem(u"distinct_id"_s))
        throw ApiError::validation(u"required"_s, u"This field is required."_s, u"distinct_id"_s);
    const QString distinctId = r.queryValue(u"distinct_id"_s);
    if (distinctId.trimmed().isEmpty())
        throw ApiError::validation(u"blank"_s, u"This field may not be blank."_s, u"distinct_id"_s);

    EvaluationSubject subject;
    subject.distinctId = distinctId;
    if (const QString text = r.queryValue(u"groups"_s); !text.trimmed().isEmpty()) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError)
            throw ApiError::validation(u"invalid_input"_s, u"Invalid JSON in groups parameter"_s,
                                       u"groups"_s);
        if (!doc.isObject())
            throw ApiError::validation(u"invalid_input"_s, u"groups must be a JSON object"_s,
                                       u"groups"_s);
        subject.groups = readGroups(doc.object());
    }
    QSet<QString> only;
    for (const QString &value : r.query.allQueryItemValues(u"flag_keys"_s, QUrl::FullyDecoded))
        for (const QString &key : value.split(u',', Qt::SkipEmptyParts))
            only.insert(key.trimmed());
    subject.person = s.persons.findByDistinctId(r.projectId, distinctId);

    const ProjectEvaluation project = evaluationOf(r.projectId, s);
    const EvaluationContext context = project.context(subject);
    // Every live flag, compiled once per change in the snapshot the SDK endpoints read.
    const auto snapshot = s.snapshots.byProject(r.projectId);
    if (!snapshot)
        throw ApiError::notFound();
    const std::shared_ptr<const CompiledProject> &compiled = snapshot->engine;
    QHash<QString, bool> active;
    for (qsizetype i = 0; i < compiled->flagCount(); ++i)
        active.insert(compiled->flag(i).key, compiled->flag(i).active);

    QJsonObject answer;
    for (const EvaluationResult &result : compiled->evaluateAll(context)) {
        if (!only.isEmpty() && !only.contains(result.key))
            continue;
        // PostHog reports a disabled flag itself, as "disabled", without asking the engine.
        if (!active.value(result.key)) {
            answer.insert(
                result.key,
                QJsonObject{{u"value"_s, false},
                            {u"evaluation"_s, QJsonObject{{u"reason"_s, u"disabled"_s},
                                                          {u"condition_index"_s, QJsonValue()}}}});
            continue;
        }
        answer.insert(
            result.key,
            QJsonObject{{u"value"_s, result.value.toJson()},
                        {u"evaluation"_s,
                         QJsonObject{{u"reason"_s, reasonCode(result.reason)},
                                     {u"condition_index"_s, result.conditionIndex
                                                                ? QJsonValue(*result.conditionIndex)
                                                                : QJsonValue()},
                                     {u"description"_s, result.description()}}}});
    }
    return ApiResponse::json(answer);
}

} // namespace

void addEvaluationRoutes(Router &router, Services &s)
{
    const auto read = RouteAccess::scoped(u"feature_flag:read"_s);
    router.add(Post, base + u"/:id/test_evaluation"_s, read,
               [&s](ApiRequest &r) { return testEvaluation(r, s); });
    router.add(Get, base + u"/evaluation_reasons"_s, read,
               [&s](ApiRequest &r) { return evaluationReasons(r, s); });
    // PostHog checks only the flag scope here, though the action writes a cohort.
    router.add(Post, base + u"/:id/create_static_cohort_for_flag"_s,
               RouteAccess::scoped(u"feature_flag:write"_s), [&s](ApiRequest &r) {
                   const FeatureFlag flag = s.flagService.get(r.projectId, r.idParam(u"id"_s));
                   return ApiResponse::json(
                       QJsonObject{{u"cohort"_s,
                                    s.cohortService.createForFlag(r.projectId, flag, r.principal)}},
                       201);
               });
}

} // namespace bunting::server
