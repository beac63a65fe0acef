#include "engine.h"

#include "property_matcher.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace bunting {

namespace {

enum class FilterKind { Property, Cohort, Flag, Unsupported };

struct CompiledFilter
{
    const PropertyFilter *source = nullptr;
    FilterKind kind = FilterKind::Property;
    std::optional<PropertyMatcher> matcher;
    bool groupProperty = false;       // read from a group's properties, not the person's
    std::optional<int> groupIndex;    // for group properties: the filter's own group type
    bool untyped = false;             // no `type`: follows the condition's aggregation
    qint64 cohortId = 0;              // cohort filters
    bool notIn = false;               // cohort filters with `not_in`
    qsizetype dependency = -1;        // flag filters: the index of the flag depended on
    FlagValue expectedValue;          // flag filters
    bool expectsVariantOrBool = true; // false for values flag_evaluates_to cannot match
};

struct CompiledCondition
{
    std::vector<CompiledFilter> filters; // cohort filters last, as the flags service does
    double rolloutPercentage = 100;
    QString variantOverride; // empty unless it names one of the flag's variants
    std::optional<int> aggregation;
};

struct VariantBucket
{
    double min = 0;
    double max = 0;
    QString key;
};

struct CohortGroup
{
    bool isOr = false;
    bool empty = true;
    std::vector<CohortGroup> groups;
    std::vector<std::pair<CompiledFilter, bool>> filters; // filter, negation
};

struct CompiledCohort
{
    bool isStatic = false;
    CohortGroup root;
};

struct CompiledFlag
{
    const FeatureFlag *flag = nullptr;
    QByteArray hashPrefix; // "<key>."
    std::vector<CompiledCondition> conditions;
    std::optional<CompiledCondition> superCondition;
    QString enrollmentKey; // "$feature_enrollment/<key>" for early-access flags
    std::vector<VariantBucket> variants;
    bool missingDependency = false;
};

constexpr int maxCohortDepth = 32;
const PropertyMap emptyProperties;

// A flag and its compiled form, side by side, so the compiled filters' pointers into the flag
// stay valid while any project that shares the entry lives.
struct FlagEntry
{
    explicit FlagEntry(FeatureFlag f) : flag(std::move(f)) {}
    FeatureFlag flag;
    CompiledFlag compiled;
};

// Flags are kept in chunks, each shared by every project that has not changed a flag in it:
// replacing one flag copies one chunk's pointers, not the project's.
constexpr qsizetype chunkSize = 512;
using FlagChunk = std::vector<std::shared_ptr<const FlagEntry>>;

// A key -> flag index table that takes an addition without copying itself: additions go to a
// small table beside a shared base, and are folded into a new base once they number about the
// square root of the base, which keeps both an addition and a lookup cheap at any size.
template<typename Key> class LayeredIndex
{
public:
    void assign(QHash<Key, qsizetype> table)
    {
        m_base = std::make_shared<const QHash<Key, qsizetype>>(std::move(table));
        m_added.clear();
    }
    qsizetype value(const Key &key) const
    {
        if (const auto it = m_added.constFind(key); it != m_added.cend())
            return *it;
        if (!m_base)
            return -1;
        return m_base->value(key, -1);
    }
    bool contains(const Key &key) const { return value(key) >= 0; }
    // -1 takes the key out.
    void insert(const Key &key, qsizetype index)
    {
        m_added.insert(key, index);
        const qsizetype baseSize = m_base ? m_base->size() : 0;
        if (m_added.size() > std::max<qsizetype>(64, qsizetype(std::sqrt(double(baseSize)))))
            fold();
    }

private:
    void fold()
    {
        QHash<Key, qsizetype> merged = m_base ? *m_base : QHash<Key, qsizetype>();
        merged.insert(m_added);
        merged.removeIf([](const auto &entry) { return entry.value() < 0; });
        assign(std::move(merged));
    }

    std::shared_ptr<const QHash<Key, qsizetype>> m_base;
    QHash<Key, qsizetype> m_added;
};

// The cohorts, with compiled filters that point into their definitions: built once per compile
// and shared by every project withFlag() makes from it.
struct CohortSet
{
    QHash<qint64, Cohort> definitions;
    QHash<qint64, CompiledCohort> compiled;
};

} // namespace

struct CompiledProject::Data
{
    std::vector<std::shared_ptr<const FlagChunk>> chunks;
    qsizetype flagCount = 0;
    qsizetype flagsCompiled = 0;
    LayeredIndex<QString> indexByKey;
    LayeredIndex<qint64> indexById;
    std::shared_ptr<const CohortSet> cohorts;
    QHash<int, QString> groupTypeMapping;
    // What flag filters name (a key or an id, as written), and keys more than one flag has: a
    // change that would answer, take away or move either needs a whole compile.
    QSet<QString> referenced;
    QSet<QString> sharedKeys;

    const FlagEntry &entry(qsizetype index) const
    {
        return *(*chunks[size_t(index / chunkSize)])[size_t(index % chunkSize)];
    }
    const CompiledFlag &compiledFlag(qsizetype index) const { return entry(index).compiled; }

    void place(qsizetype index, std::shared_ptr<const FlagEntry> entry)
    {
        const size_t c = size_t(index / chunkSize);
        const size_t at = size_t(index % chunkSize);
        FlagChunk chunk = c < chunks.size() ? *chunks[c] : FlagChunk();
        if (at < chunk.size())
            chunk[at] = std::move(entry);
        else
            chunk.push_back(std::move(entry));
        auto fresh = std::make_shared<const FlagChunk>(std::move(chunk));
        if (c < chunks.size())
            chunks[c] = std::move(fresh);
        else
            chunks.push_back(std::move(fresh));
        flagCount = std::max(flagCount, index + 1);
    }

    qsizetype resolveFlag(const QString &keyOrId) const
    {
        bool isId = false;
        const qint64 id = keyOrId.toLongLong(&isId);
        if (isId) {
            if (const qsizetype index = indexById.value(id); index >= 0)
                return index;
        }
        return indexByKey.value(keyOrId);
    }

    CompiledFilter compileFilter(const PropertyFilter &f, bool *missingDependency)
    {
        CompiledFilter c;
        c.source = &f;
        switch (f.propertyType()) {
        case PropertyType::Cohort:
            c.kind = FilterKind::Cohort;
            c.cohortId = f.value.isString() ? f.value.toString().toLongLong() : f.value.toInteger();
            c.notIn = f.effectiveOperator() == Operator::NotIn;
            break;
        case PropertyType::Flag:
            c.kind = FilterKind::Flag;
            c.dependency = resolveFlag(f.key);
            referenced.insert(f.key);
            if (c.dependency < 0 && missingDependency)
                *missingDependency = true;
            c.expectsVariantOrBool = f.value.isBool() || f.value.isString();
            c.expectedValue = FlagValue::fromJson(f.value);
            break;
        case PropertyType::Group:
            c.groupProperty = true;
            c.groupIndex = f.groupTypeIndex;
            c.matcher.emplace(f);
            break;
        case PropertyType::Person:
            c.untyped = f.type.isEmpty();
            c.matcher.emplace(f);
            break;
        case PropertyType::Other:
            c.kind = FilterKind::Unsupported;
            break;
        }
        return c;
    }

    CompiledCondition compileCondition(const Condition &condition, const FlagFilters &filters,
                                       bool *missingDependency)
    {
        CompiledCondition c;
        for (const PropertyFilter &f : condition.properties)
            if (f.propertyType() != PropertyType::Cohort)
                c.filters.push_back(compileFilter(f, missingDependency));
        for (const PropertyFilter &f : condition.properties)
            if (f.propertyType() == PropertyType::Cohort)
                c.filters.push_back(compileFilter(f, missingDependency));
        c.rolloutPercentage = condition.rolloutPercentage.value_or(100.0);
        if (condition.variant && filters.findVariant(*condition.variant))
            c.variantOverride = *condition.variant;
        c.aggregation = condition.aggregationGroupTypeIndex ? condition.aggregationGroupTypeIndex
                                                            : filters.aggregationGroupTypeIndex;
        return c;
    }

    CohortGroup compileGroup(const PropertyGroup &group)
    {
        CohortGroup g;
        g.empty = group.empty;
        g.isOr = group.isOr();
        for (const PropertyGroup &child : group.groups)
            g.groups.push_back(compileGroup(child));
        for (const PropertyFilter &f : group.filters)
            g.filters.emplace_back(compileFilter(f, nullptr), f.negation);
        return g;
    }

    CompiledFlag compileFlag(const FeatureFlag &flag)
    {
        CompiledFlag c;
        c.flag = &flag;
        c.hashPrefix = flag.key.toUtf8() + '.';
        const FlagFilters &filters = flag.filters;
        for (const Condition &condition : filters.groups)
            c.conditions.push_back(compileCondition(condition, filters, &c.missingDependency));
        if (filters.featureEnrollment) {
            c.enrollmentKey = "$feature_enrollment/"_L1 + flag.key;
        } else if (!filters.superGroups.isEmpty() &&
                   !filters.superGroups.first().properties.isEmpty()) {
            CompiledCondition super =
                compileCondition(filters.superGroups.first(), filters, &c.missingDependency);
            super.aggregation.reset(); // early access is always a person's choice
            c.superCondition = std::move(super);
        }
        if (filters.variants) {
            double min = 0;
            for (const Variant &v : *filters.variants) {
                const double max = min + v.rolloutPercentage / 100.0;
                c.variants.push_back({min, max, v.key});
                min = max;
            }
        }
        return c;
    }
};

// The state of one evaluation request: the context, and the values of flags already evaluated
// so that a flag several others depend on is evaluated once.
class CompiledProject::Run
{
public:
    Run(const Data &data, const EvaluationContext &context)
        : d(data), ctx(context), distinctId(context.distinctId.toUtf8())
    {
    }

    EvaluationResult evaluate(qsizetype index, Explanation *explanation);

private:
    enum class State : quint8 { Unknown, Evaluating, Done };

    struct Verdict
    {
        MatchReason reason = MatchReason::NoConditionMatch;
        std::optional<double> bucket;
    };

    std::optional<FlagValue> dependencyValue(qsizetype index);
    bool filterMatches(const CompiledFilter &filter, std::optional<int> aggregation,
                       PropertyCheck *check);
    bool cohortMatches(qint64 cohortId, int depth);
    bool groupMatches(const CohortGroup &group, int depth);
    Verdict checkCondition(const CompiledFlag &flag, const CompiledCondition &condition,
                           const QByteArray &identifier, ConditionExplanation *explanation);
    std::optional<QByteArray> identifierFor(const CompiledFlag &flag,
                                            std::optional<int> aggregation,
                                            bool useOverrides = true) const;
    const PropertyMap &groupProperties(std::optional<int> groupIndex) const;
    const PropertyValue *distinctIdProperty();
    QString variantFor(const CompiledFlag &flag, const QByteArray &identifier) const;
    void remember(qsizetype index, const FlagValue &value);

    const Data &d;
    const EvaluationContext &ctx;
    const QByteArray distinctId;
    std::vector<State> states;
    std::vector<FlagValue> values;
    std::optional<PropertyMap> distinctIdMap; // built when a filter first reads distinct_id
};

const PropertyValue *CompiledProject::Run::distinctIdProperty()
{
    if (!distinctIdMap) {
        distinctIdMap.emplace();
        distinctIdMap->insert(u"distinct_id"_s, ctx.distinctId);
    }
    return distinctIdMap->find(u"distinct_id"_s);
}

namespace {

double hashOf(const QByteArray &prefix, const QByteArray &identifier, QByteArrayView salt)
{
    // An empty identifier buckets at 0, as the flags service does.
    return identifier.isEmpty() ? 0.0 : bucketHash(prefix, identifier, salt);
}

QJsonValue payloadFor(const FeatureFlag &flag, const FlagValue &value)
{
    if (!value.enabled)
        return QJsonValue::Undefined;
    return flag.filters.payloads.value(value.variant.isEmpty() ? u"true"_s : value.variant);
}

bool flagValueMatches(const FlagValue &actual, const QJsonValue &expected)
{
    if (expected.isBool())
        return expected.toBool() ? actual.enabled : !actual.enabled;
    if (expected.isString())
        return actual.enabled && actual.variant == expected.toString();
    return false;
}

} // namespace

const PropertyMap &CompiledProject::Run::groupProperties(std::optional<int> groupIndex) const
{
    if (!groupIndex)
        return emptyProperties;
    const QString name = d.groupTypeMapping.value(*groupIndex);
    const auto it = ctx.groupProperties.constFind(name);
    return it == ctx.groupProperties.constEnd() ? emptyProperties : *it;
}

std::optional<QByteArray> CompiledProject::Run::identifierFor(const CompiledFlag &flag,
                                                              std::optional<int> aggregation,
                                                              bool useOverrides) const
{
    if (aggregation) {
        const auto name = d.groupTypeMapping.constFind(*aggregation);
        if (name == d.groupTypeMapping.constEnd())
            return std::nullopt;
        const QString key = ctx.groups.value(*name);
        if (key.isEmpty())
            return std::nullopt;
        return key.toUtf8();
    }
    const FeatureFlag &f = *flag.flag;
    if (f.bucketsByDeviceId()) {
        if (!ctx.deviceId.isEmpty())
            return ctx.deviceId.toUtf8();
        const PropertyValue *device = ctx.personProperties.find(u"$device_id"_s);
        if (!device || device->json.isNull() || device->text.isEmpty())
            return std::nullopt;
        return device->text.toUtf8();
    }
    if (useOverrides) {
        const auto it = ctx.hashKeyOverrides.constFind(f.key);
        if (it != ctx.hashKeyOverrides.constEnd())
            return it->toUtf8();
    }
    if (f.ensureExperienceContinuity && !ctx.anonDistinctId.isEmpty())
        return ctx.anonDistinctId.toUtf8();
    return distinctId;
}

bool CompiledProject::Run::groupMatches(const CohortGroup &group, int depth)
{
    if (group.empty)
        return true;
    if (!group.groups.empty()) {
        for (const CohortGroup &child : group.groups)
            if (groupMatches(child, depth) == group.isOr)
                return group.isOr;
        return !group.isOr;
    }
    if (group.filters.empty())
        return !group.isOr;
    for (const auto &[filter, negation] : group.filters) {
        bool matched = false;
        if (filter.kind == FilterKind::Cohort)
            matched = cohortMatches(filter.cohortId, depth + 1) != filter.notIn;
        else
            matched = filterMatches(filter, std::nullopt, nullptr);
        if ((matched != negation) == group.isOr)
            return group.isOr;
    }
    return !group.isOr;
}

bool CompiledProject::Run::cohortMatches(qint64 cohortId, int depth)
{
    const auto it = d.cohorts->compiled.constFind(cohortId);
    if (it == d.cohorts->compiled.constEnd() || depth > maxCohortDepth)
        return false;
    if (it->isStatic)
        return ctx.staticCohorts.contains(cohortId);
    return groupMatches(it->root, depth);
}

bool CompiledProject::Run::filterMatches(const CompiledFilter &filter,
                                         std::optional<int> aggregation, PropertyCheck *check)
{
    switch (filter.kind) {
    case FilterKind::Property: {
        const bool fromGroup = filter.groupProperty || (filter.untyped && aggregation);
        const PropertyMap &properties =
            fromGroup ? groupProperties(filter.groupIndex ? filter.groupIndex : aggregation)
                      : ctx.personProperties;
        const PropertyValue *actual = properties.find(filter.matcher->key());
        // PostHog's flags service adds the request's distinct id to the person properties, and
        // the SDKs do the same unless the caller sent one (evaluation-behaviour.md §4.1).
        if (!actual && !fromGroup && filter.matcher->key() == "distinct_id"_L1)
            actual = distinctIdProperty();
        if (check && actual)
            check->actual = actual->json;
        return filter.matcher->matches(actual, ctx.now);
    }
    case FilterKind::Cohort: {
        const auto cohort = d.cohorts->compiled.constFind(filter.cohortId);
        if (cohort == d.cohorts->compiled.constEnd())
            return false;
        const bool member = cohortMatches(filter.cohortId, 0);
        if (check)
            check->actual = member;
        return member != filter.notIn;
    }
    case FilterKind::Flag: {
        if (filter.dependency < 0)
            return false;
        const auto value = dependencyValue(filter.dependency);
        if (!value)
            return false;
        if (check)
            check->actual = value->toJson();
        return flagValueMatches(*value, filter.source->value);
    }
    case FilterKind::Unsupported:
        break;
    }
    return false;
}

CompiledProject::Run::Verdict
CompiledProject::Run::checkCondition(const CompiledFlag &flag, const CompiledCondition &condition,
                                     const QByteArray &identifier,
                                     ConditionExplanation *explanation)
{
    bool propertiesMatch = true;
    for (const CompiledFilter &filter : condition.filters) {
        PropertyCheck check;
        const bool matched =
            filterMatches(filter, condition.aggregation, explanation ? &check : nullptr);
        if (explanation) {
            check.filter = *filter.source;
            check.matched = matched;
            explanation->checks.append(std::move(check));
        }
        if (!matched) {
            propertiesMatch = false;
            if (!explanation)
                break;
        }
    }
    if (explanation)
        explanation->rolloutPercentage = condition.rolloutPercentage;
    if (!propertiesMatch)
        return {MatchReason::NoConditionMatch, std::nullopt};
    if (condition.rolloutPercentage == 100.0)
        return {MatchReason::ConditionMatch, std::nullopt};
    const double bucket = hashOf(flag.hashPrefix, identifier, {});
    if (explanation)
        explanation->bucket = bucket;
    return {bucket <= condition.rolloutPercentage / 100.0 ? MatchReason::ConditionMatch
                                                          : MatchReason::OutOfRolloutBound,
            bucket};
}

QString CompiledProject::Run::variantFor(const CompiledFlag &flag,
                                         const QByteArray &identifier) const
{
    if (flag.variants.empty())
        return {};
    const double h = hashOf(flag.hashPrefix, identifier, "variant");
    for (const VariantBucket &v : flag.variants)
        if (h >= v.min && h < v.max)
            return v.key;
    return {};
}

void CompiledProject::Run::remember(qsizetype index, const FlagValue &value)
{
    if (states.empty())
        return;
    states[index] = State::Done;
    values[index] = value;
}

std::optional<FlagValue> CompiledProject::Run::dependencyValue(qsizetype index)
{
    if (states.empty()) {
        states.assign(size_t(d.flagCount), State::Unknown);
        values.assign(size_t(d.flagCount), FlagValue{});
    }
    switch (states[index]) {
    case State::Done:
        return values[index];
    case State::Evaluating:
        return std::nullopt; // a cycle: PostHog refuses to save one, so never match through it
    case State::Unknown:
        break;
    }
    states[index] = State::Evaluating;
    const FlagValue value = evaluate(index, nullptr).value;
    states[index] = State::Done;
    values[index] = value;
    return value;
}

EvaluationResult CompiledProject::Run::evaluate(qsizetype index, Explanation *explanation)
{
    const CompiledFlag &cf = d.compiledFlag(index);
    const FeatureFlag &flag = *cf.flag;
    EvaluationResult result;
    result.key = flag.key;
    result.flagIndex = index;
    result.flagId = flag.id;
    result.flagVersion = flag.version;
    const auto finish = [&](MatchReason reason, std::optional<int> conditionIndex,
                            FlagValue value) {
        result.reason = reason;
        result.conditionIndex = conditionIndex;
        result.value = std::move(value);
        result.payload = payloadFor(flag, result.value);
        remember(index, result.value);
        return result;
    };

    if (!flag.active || flag.deleted)
        return finish(MatchReason::FlagDisabled, std::nullopt, {});
    if (cf.missingDependency)
        return finish(MatchReason::MissingDependency, std::nullopt, {});

    // Early access: the person's own opt-in decides, before any condition.
    if (!cf.enrollmentKey.isEmpty()) {
        if (const PropertyValue *optIn = ctx.personProperties.find(cf.enrollmentKey)) {
            const bool on = optIn->json == QJsonValue(true) || optIn->json == QJsonValue(u"true"_s);
            if (explanation)
                explanation->superConditionDecided = true;
            return finish(MatchReason::SuperConditionValue, 0, {on, {}});
        }
    } else if (cf.superCondition) {
        const auto &super = *cf.superCondition;
        const bool relevant =
            std::any_of(super.filters.begin(), super.filters.end(), [&](const CompiledFilter &f) {
                return f.matcher && ctx.personProperties.contains(f.matcher->key());
            });
        const auto identifier = identifierFor(cf, std::nullopt);
        if (relevant && identifier) {
            const Verdict verdict = checkCondition(cf, super, *identifier, nullptr);
            if (explanation)
                explanation->superConditionDecided = true;
            return finish(MatchReason::SuperConditionValue, 0,
                          {verdict.reason == MatchReason::ConditionMatch, {}});
        }
    }

    if (const auto &holdout = flag.filters.holdout) {
        const double percentage = std::clamp(holdout->exclusionPercentage, 0.0, 100.0);
        // Without its group (or device id) nobody can be held out: the flag is simply off.
        const auto identifier = identifierFor(cf, flag.filters.aggregationGroupTypeIndex, false);
        if (identifier &&
            (percentage >= 100.0 || bucketHash("holdout-", *identifier) <= percentage / 100.0)) {
            if (explanation)
                explanation->inHoldout = true;
            return finish(MatchReason::HoldoutConditionValue, std::nullopt,
                          {true, u"holdout-%1"_s.arg(holdout->id)});
        }
    }

    MatchReason highest = MatchReason::NoGroupType;
    std::optional<int> highestIndex;
    bool skippedGroupCondition = false;
    std::optional<FlagValue> decided;
    const auto consider = [&](MatchReason reason, int conditionIndex) {
        if (reasonScore(highest) <= reasonScore(reason)) {
            highest = reason;
            highestIndex = conditionIndex;
        }
    };

    for (int i = 0; i < int(cf.conditions.size()); ++i) {
        const CompiledCondition &condition = cf.conditions[i];
        ConditionExplanation *explained = nullptr;
        if (explanation) {
            explanation->conditions.append(ConditionExplanation{});
            explained = &explanation->conditions.last();
            explained->index = i;
            explained->rolloutPercentage = condition.rolloutPercentage;
        }
        if (decided && !explanation)
            break;
        const auto identifier = identifierFor(cf, condition.aggregation);
        if (!identifier) {
            if (explained)
                explained->outcome = condition.aggregation ? ConditionOutcome::SkippedNoGroup
                                                           : ConditionOutcome::SkippedNoDeviceId;
            if (decided)
                continue;
            if (condition.aggregation)
                skippedGroupCondition = true;
            consider(condition.aggregation ? MatchReason::NoGroupType
                                           : MatchReason::OutOfRolloutBound,
                     i);
            continue;
        }
        const Verdict verdict = checkCondition(cf, condition, *identifier, explained);
        if (decided) {
            explained->outcome = ConditionOutcome::NotEvaluated;
            continue;
        }
        if (explained)
            explained->outcome = verdict.reason == MatchReason::ConditionMatch
                                     ? ConditionOutcome::Matched
                                 : verdict.reason == MatchReason::OutOfRolloutBound
                                     ? ConditionOutcome::OutOfRollout
                                     : ConditionOutcome::PropertiesDidNotMatch;
        consider(verdict.reason, i);
        if (verdict.reason == MatchReason::ConditionMatch) {
            QString variant = condition.variantOverride;
            if (variant.isEmpty())
                variant = variantFor(cf, *identifier);
            decided = FlagValue{true, variant};
        }
    }

    if (decided)
        return finish(highest, highestIndex, *decided);
    if (highest == MatchReason::NoConditionMatch && skippedGroupCondition)
        highest = MatchReason::NoConditionMatchGroupsNotEvaluated;
    return finish(highest, highestIndex, {});
}

CompiledProject::CompiledProject(ProjectDefinitions definitions) : d(std::make_unique<Data>())
{
    d->groupTypeMapping = std::move(definitions.groupTypeMapping);
    QList<FeatureFlag> &flags = definitions.flags;
    QHash<QString, qsizetype> byKey;
    QHash<qint64, qsizetype> byId;
    byKey.reserve(flags.size());
    byId.reserve(flags.size());
    for (qsizetype i = 0; i < flags.size(); ++i) {
        const bool taken = byKey.contains(flags[i].key);
        if (taken)
            d->sharedKeys.insert(flags[i].key);
        // Deleted flags keep their key free for a new flag, which wins the lookup.
        if (!flags[i].deleted || !taken)
            byKey.insert(flags[i].key, i);
        byId.insert(flags[i].id, i);
    }
    d->indexByKey.assign(std::move(byKey));
    d->indexById.assign(std::move(byId));

    auto cohorts = std::make_shared<CohortSet>();
    cohorts->definitions = std::move(definitions.cohorts);
    for (auto it = cohorts->definitions.cbegin(); it != cohorts->definitions.cend(); ++it)
        cohorts->compiled.insert(it.key(), {it->isStatic, d->compileGroup(it->properties)});
    d->cohorts = std::move(cohorts);

    d->chunks.reserve(size_t((flags.size() + chunkSize - 1) / chunkSize));
    for (qsizetype first = 0; first < flags.size(); first += chunkSize) {
        FlagChunk chunk;
        chunk.reserve(size_t(std::min(chunkSize, flags.size() - first)));
        for (qsizetype i = first; i < std::min(first + chunkSize, flags.size()); ++i) {
            auto entry = std::make_shared<FlagEntry>(std::move(flags[i]));
            entry->compiled = d->compileFlag(entry->flag);
            chunk.push_back(std::move(entry));
        }
        d->chunks.push_back(std::make_shared<const FlagChunk>(std::move(chunk)));
    }
    d->flagCount = flags.size();
    d->flagsCompiled = flags.size();
}

CompiledProject::CompiledProject(std::unique_ptr<Data> data) : d(std::move(data))
{
}

CompiledProject::~CompiledProject() = default;

std::shared_ptr<const CompiledProject> CompiledProject::compile(ProjectDefinitions definitions)
{
    return std::make_shared<const CompiledProject>(std::move(definitions));
}

std::shared_ptr<const CompiledProject> CompiledProject::withFlag(FeatureFlag flag) const
{
    const qsizetype existing = indexOfId(flag.id);
    const QString id = QString::number(flag.id);
    if (existing >= 0) {
        const FeatureFlag &old = this->flag(existing);
        // Which of two flags a shared key finds depends on which of them are deleted.
        if (old.key != flag.key ||
            (old.deleted != flag.deleted && d->sharedKeys.contains(flag.key)))
            return nullptr;
    }
    // Flags that name this one found it, or did not, by its key or id: only a change that keeps
    // both where they were leaves their compiled form right.
    if ((existing < 0 || flag.deleted) &&
        (d->referenced.contains(flag.key) || d->referenced.contains(id)))
        return nullptr;
    // A new flag goes last, where a whole compile (in id order) would put it.
    if (existing < 0 && !flag.deleted &&
        (d->indexByKey.contains(flag.key) ||
         (d->flagCount > 0 && flag.id < this->flag(d->flagCount - 1).id)))
        return nullptr;

    auto data = std::make_unique<Data>(*d);
    data->flagsCompiled = 0;
    if (flag.deleted) {
        if (existing < 0)
            return std::shared_ptr<const CompiledProject>(new CompiledProject(std::move(data)));
        // The entry stays where it is, deleted, so no other flag's position moves; the key and
        // id no longer find it, as they would not after a whole compile of the live flags.
        data->indexByKey.insert(flag.key, -1);
        data->indexById.insert(flag.id, -1);
    }
    const qsizetype index = existing >= 0 ? existing : d->flagCount;
    if (existing < 0 && !flag.deleted) {
        data->indexByKey.insert(flag.key, index);
        data->indexById.insert(flag.id, index);
    }
    auto entry = std::make_shared<FlagEntry>(std::move(flag));
    entry->compiled = data->compileFlag(entry->flag);
    data->flagsCompiled = 1;
    data->place(index, std::move(entry));
    return std::shared_ptr<const CompiledProject>(new CompiledProject(std::move(data)));
}

qsizetype CompiledProject::flagsCompiled() const
{
    return d->flagsCompiled;
}

qsizetype CompiledProject::flagCount() const
{
    return d->flagCount;
}

const FeatureFlag &CompiledProject::flag(qsizetype index) const
{
    return d->entry(index).flag;
}

qsizetype CompiledProject::indexOfKey(const QString &key) const
{
    return d->indexByKey.value(key);
}

qsizetype CompiledProject::indexOfId(qint64 id) const
{
    return d->indexById.value(id);
}

qsizetype CompiledProject::indexOfReference(const QString &keyOrId) const
{
    return d->resolveFlag(keyOrId);
}

const QHash<qint64, Cohort> &CompiledProject::cohorts() const
{
    return d->cohorts->definitions;
}

const QHash<int, QString> &CompiledProject::groupTypeMapping() const
{
    return d->groupTypeMapping;
}

EvaluationResult CompiledProject::evaluate(qsizetype index, const EvaluationContext &context,
                                           Explanation *explanation) const
{
    Run run(*d, context);
    return run.evaluate(index, explanation);
}

std::optional<EvaluationResult> CompiledProject::evaluate(const QString &key,
                                                          const EvaluationContext &context,
                                                          Explanation *explanation) const
{
    const qsizetype index = indexOfKey(key);
    if (index < 0)
        return std::nullopt;
    return evaluate(index, context, explanation);
}

QList<EvaluationResult> CompiledProject::evaluate(const QList<qsizetype> &indexes,
                                                  const EvaluationContext &context) const
{
    Run run(*d, context);
    QList<EvaluationResult> results;
    results.reserve(indexes.size());
    for (qsizetype index : indexes)
        results.append(run.evaluate(index, nullptr));
    return results;
}

QList<EvaluationResult> CompiledProject::evaluateAll(const EvaluationContext &context) const
{
    QList<qsizetype> live;
    live.reserve(d->flagCount);
    for (qsizetype i = 0; i < d->flagCount; ++i)
        if (!d->entry(i).flag.deleted)
            live.append(i);
    return evaluate(live, context);
}

} // namespace bunting
