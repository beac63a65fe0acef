#include "flag_validation.h"

#include "date_matching.h"
#include "operators.h"
#include "python_repr.h"
#include "semver.h"

#include <QDate>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>
#include <QRegularExpression>
#include <QSet>
#include <QVariant>
#include <algorithm>
#include <cmath>
#include <functional>

using namespace Qt::StringLiterals;

namespace bunting {

namespace {

constexpr qsizetype kMaxKeyLength = 400;       // the model's CharField(max_length=400)
constexpr qsizetype kMaxPropertyValues = 1000; // MAX_PROPERTY_VALUES
constexpr qsizetype kMaxListedFlags = 5;       // flags named in a dependency error
constexpr double kPercentageTolerance = 1e-9;  // float drift in a sum of shares

const QString kInvalid = u"invalid"_s;
const QString kFiltersAttr = u"filters"_s;

// json.loads accepts any JSON value at the top level, and NaN/Infinity as well.
bool isJsonText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == "NaN"_L1 || trimmed == "Infinity"_L1 || trimmed == "-Infinity"_L1)
        return true;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson((u'[' + text + u']').toUtf8(), &error);
    return error.error == QJsonParseError::NoError && doc.array().size() == 1;
}

// Only what the engine can evaluate is accepted, so that a saved condition never silently
// fails to match: the same parsers decide both.
bool isDateValue(const QJsonValue &value)
{
    return DateFilter::parse(value.isString() ? value : QJsonValue(pythonStr(value))).has_value();
}

bool isSemver(const QString &value, bool wildcard)
{
    return wildcard ? wildcardRange(value).has_value() : parseSemver(value).has_value();
}

bool isOneOf(const QString &value, std::initializer_list<QLatin1StringView> names)
{
    return std::any_of(names.begin(), names.end(),
                       [&](QLatin1StringView name) { return value == name; });
}

bool isSupportedOperator(const QString &op)
{
    // `min` and `max` are aliases PostHog rewrites to gte and lte.
    return operatorFromName(op) != Operator::Unknown ||
           isOneOf(op, {"icontains_multi"_L1, "not_icontains_multi"_L1, "min"_L1, "max"_L1});
}

bool isKnownPropertyType(const QString &type)
{
    return isOneOf(type, {"person"_L1, "cohort"_L1, "group"_L1, "flag"_L1, "person_metadata"_L1});
}

bool isPersonAggregatedType(const QString &type)
{
    return isOneOf(type, {"person"_L1, "cohort"_L1, "flag"_L1});
}

bool isPrefixSuffixOperator(const QString &op)
{
    return isOneOf(op,
                   {"starts_with"_L1, "not_starts_with"_L1, "ends_with"_L1, "not_ends_with"_L1});
}

OperatorFamily familyOf(const QString &op)
{
    return operatorFamily(operatorFromName(op));
}

bool isListOperator(const QString &op)
{
    return isOneOf(op, {"icontains_multi"_L1, "not_icontains_multi"_L1});
}

bool isFlagProperty(const PropertyFilter &p)
{
    return p.type == "flag"_L1;
}

QString propertyPath(qsizetype group, qsizetype property)
{
    return u"groups[%1].properties[%2]"_s.arg(group).arg(property);
}

// "key (ID: 1), other (ID: 2), and 3 more": the flags sorted by key, at most five named.
QString listFlags(QList<const FeatureFlag *> flags)
{
    std::sort(flags.begin(), flags.end(), [](const FeatureFlag *a, const FeatureFlag *b) {
        return a->key != b->key ? a->key < b->key : a->id < b->id;
    });
    QStringList names;
    for (qsizetype i = 0; i < flags.size() && i < kMaxListedFlags; ++i)
        names.append(u"%1 (ID: %2)"_s.arg(flags[i]->key, QString::number(flags[i]->id)));
    if (flags.size() > kMaxListedFlags)
        names.append(u"and %1 more"_s.arg(flags.size() - kMaxListedFlags));
    return names.join(u", "_s);
}

bool hasBehavioralFilter(const PropertyGroup &group)
{
    return std::any_of(group.filters.begin(), group.filters.end(),
                       [](const PropertyFilter &f) { return f.type == "behavioral"_L1; }) ||
           std::any_of(group.groups.begin(), group.groups.end(), hasBehavioralFilter);
}

void collectCohortReferences(const PropertyGroup &group, QList<qint64> &ids)
{
    for (const PropertyFilter &f : group.filters)
        if (f.type == "cohort"_L1)
            if (const auto id = pythonInt(pythonStr(f.value)))
                ids.append(*id);
    for (const PropertyGroup &nested : group.groups)
        collectCohortReferences(nested, ids);
}

// Whether `key` was null in the JSON the record was read from.
bool wasNull(const JsonRecord &record, QLatin1StringView key)
{
    QJsonObject probe;
    record.put(probe, key, QString(), true);
    return probe.value(key).isNull();
}

class FlagValidator
{
public:
    FlagValidator(const FeatureFlag &flag, const ValidationContext &context,
                  const FeatureFlag *previous)
        : m_flag(flag), m_filters(flag.filters), m_context(context), m_previous(previous)
    {
    }

    QList<ValidationError> run()
    {
        // DRF reports field errors in the serializer's field order, then the object's.
        if (!m_previous || m_flag.key != m_previous->key)
            checkKey();
        const bool filtersChanged =
            !m_previous || m_filters.toJson() != m_previous->filters.toJson();
        if (filtersChanged)
            checkFilters();
        checkChoices();
        checkSettings();
        if (!filtersChanged)
            checkEnabling();
        return m_errors;
    }

private:
    void add(const QString &code, const QString &detail, const QString &attr)
    {
        m_errors.append({code, detail, attr});
    }

    void addFilters(const QString &detail, const QString &code = kInvalid)
    {
        add(code, detail, kFiltersAttr);
    }

    void checkKey()
    {
        const QString key = m_flag.key.trimmed();
        const QString attr = u"key"_s;
        if (key.isEmpty()) {
            if (!m_flag.record.had("key"_L1))
                add(u"required"_s, u"This field is required."_s, attr);
            else if (wasNull(m_flag.record, "key"_L1))
                add(u"null"_s, u"This field may not be null."_s, attr);
            else
                add(u"blank"_s, u"This field may not be blank."_s, attr);
            return;
        }
        if (key.size() > kMaxKeyLength) {
            add(u"max_length"_s,
                u"Ensure this field has no more than %1 characters."_s.arg(kMaxKeyLength), attr);
            return;
        }
        const qint64 selfId = m_previous ? m_previous->id : m_flag.id;
        const auto live = m_context.liveKeys.constFind(key);
        if (live != m_context.liveKeys.constEnd() && *live != selfId)
            add(u"unique"_s, u"There is already a feature flag with this key."_s, attr);
        static const QRegularExpression pattern(u"^[a-zA-Z0-9_-]+$"_s);
        if (!pattern.match(key).hasMatch())
            add(u"invalid_key"_s,
                u"Only letters, numbers, hyphens (-) & underscores (_) are allowed."_s, attr);
    }

    void checkFilters()
    {
        checkStructure();
        if (!m_previous && m_flag.record.had("filters"_L1) && m_filters.groups.isEmpty())
            addFilters(u"Feature flags must have at least one condition set (group)."_s);
        checkAggregation();
        if (std::any_of(m_filters.groups.begin(), m_filters.groups.end(),
                        [&](const Condition &c) { return !aggregationOf(c); }))
            checkDependencies(); // flag filters only work on person-aggregated conditions
        checkGroupTypes();
        checkVariants();
        checkConditions();
        checkPayloads();
    }

    // The shape and range checks PostHog applies before its other filter rules.
    void checkStructure()
    {
        const QList<Condition> &groups = m_filters.groups;
        for (qsizetype g = 0; g < groups.size(); ++g) {
            const std::optional<double> rollout = groups[g].rolloutPercentage;
            if (rollout && !(*rollout >= 0 && *rollout <= 100))
                addFilters(
                    u"groups[%1].rollout_percentage must be between 0 and 100, got %2"_s.arg(g).arg(
                        pythonNumber(*rollout)));
        }
        if (m_filters.variants) {
            const QList<Variant> &variants = *m_filters.variants;
            for (qsizetype i = 0; i < variants.size(); ++i) {
                const double share = variants[i].rolloutPercentage;
                if (!(share >= 0 && share <= 100))
                    addFilters(u"multivariate.variants[%1].rollout_percentage must be between "
                               u"0 and 100, got %2"_s.arg(i)
                                   .arg(pythonNumber(share)));
            }
        }
        for (qsizetype g = 0; g < groups.size(); ++g) {
            for (qsizetype p = 0; p < groups[g].properties.size(); ++p) {
                const PropertyFilter &filter = groups[g].properties[p];
                const QString path = propertyPath(g, p);
                if (!filter.op.isEmpty() && !isSupportedOperator(filter.op))
                    addFilters(path + u".operator: unsupported operator for feature flags"_s);
                if (filter.key.isEmpty())
                    checkPropertyKey(filter, path);
                if (!isKnownPropertyType(filter.type))
                    addFilters(path + u".type: invalid property type"_s);
            }
        }
        if (m_filters.holdout) {
            const double exclusion = m_filters.holdout->exclusionPercentage;
            if (exclusion > 100)
                addFilters(u"holdout.exclusion_percentage: Ensure this value is less than or "
                           u"equal to 100."_s,
                           u"structural.holdout.exclusion_percentage.max_value"_s);
            else if (exclusion < 0)
                addFilters(u"holdout.exclusion_percentage: Ensure this value is greater than or "
                           u"equal to 0."_s,
                           u"structural.holdout.exclusion_percentage.min_value"_s);
        }
    }

    // PostHog's structural tier reads a property's key as a non-blank string (DRF's CharField)
    // and reports each problem as "<path>: <message>" with the index-free rule as its code. An
    // empty key would match nobody, silently: it is refused however it came to be empty.
    void checkPropertyKey(const PropertyFilter &filter, const QString &path)
    {
        const QString rule = u"structural.groups[].properties[].key."_s;
        if (!filter.record.had("key"_L1))
            addFilters(path + u".key: This field is required."_s, rule + u"required"_s);
        else if (wasNull(filter.record, "key"_L1))
            addFilters(path + u".key: This field may not be null."_s, rule + u"null"_s);
        else
            addFilters(path + u".key: This field may not be blank."_s, rule + u"blank"_s);
    }

    // A condition's own index wins, even an explicit null (person); otherwise the flag's applies.
    std::optional<int> aggregationOf(const Condition &condition) const
    {
        if (condition.aggregationGroupTypeIndex ||
            condition.record.had("aggregation_group_type_index"_L1))
            return condition.aggregationGroupTypeIndex;
        return m_filters.aggregationGroupTypeIndex;
    }

    void checkAggregation()
    {
        bool personTypesValid = true;
        bool flagOperatorsValid = true;
        bool groupTypesValid = true;
        bool anyGroupCondition = false;
        for (const Condition &condition : m_filters.groups) {
            const std::optional<int> aggregation = aggregationOf(condition);
            anyGroupCondition = anyGroupCondition || aggregation;
            for (const PropertyFilter &p : condition.properties) {
                if (!isKnownPropertyType(p.type))
                    continue; // already reported
                if (!aggregation) {
                    personTypesValid = personTypesValid && isPersonAggregatedType(p.type);
                    flagOperatorsValid = flagOperatorsValid &&
                                         (!isFlagProperty(p) || p.op == "flag_evaluates_to"_L1);
                } else {
                    groupTypesValid =
                        groupTypesValid && p.type == "group"_L1 && p.groupTypeIndex == aggregation;
                }
            }
        }
        if (!personTypesValid)
            addFilters(
                u"Filters are not valid (can only use person, cohort, and flag properties)"_s);
        if (!flagOperatorsValid)
            addFilters(u"Flag properties must use the 'flag_evaluates_to' operator"_s);
        if (anyGroupCondition && m_previous && !m_previous->features.toArray().isEmpty())
            addFilters(u"Cannot change this flag to a group-based when linked to an Early Access "
                       u"Feature."_s);
        if (!groupTypesValid)
            addFilters(u"Filters are not valid (can only use group properties)"_s);
    }

    void checkGroupTypes()
    {
        QList<int> indices;
        if (m_filters.aggregationGroupTypeIndex)
            indices.append(*m_filters.aggregationGroupTypeIndex);
        for (const Condition &condition : m_filters.groups)
            if (condition.aggregationGroupTypeIndex)
                indices.append(*condition.aggregationGroupTypeIndex);
        QSet<int> reported;
        for (int index : indices) {
            if (m_context.groupTypeMapping.contains(index) || reported.contains(index))
                continue;
            reported.insert(index);
            addFilters(u"Group type with index %1 does not exist"_s.arg(index));
        }
    }

    const FeatureFlag *liveFlag(qint64 id) const
    {
        const auto it = m_context.flagsById.constFind(id);
        return it == m_context.flagsById.constEnd() || it->deleted ? nullptr : &*it;
    }

    // The live flags a stored flag's conditions name; broken references are no edges.
    QList<const FeatureFlag *> storedDependencies(const FeatureFlag &flag) const
    {
        QList<const FeatureFlag *> deps;
        for (const qint64 id : flagDependencyIds(flag))
            if (const FeatureFlag *dep = liveFlag(id))
                deps.append(dep);
        return deps;
    }

    // PostHog walks dependencies by key and reports the first path back into itself.
    std::optional<QStringList> findCycle(const FeatureFlag *flag, QStringList path)
    {
        if (const qsizetype at = path.indexOf(flag->key); at >= 0)
            return path.mid(at) << flag->key;
        if (m_acyclic.contains(flag->id))
            return std::nullopt;
        path.append(flag->key);
        for (const FeatureFlag *dep : storedDependencies(*flag))
            if (auto cycle = findCycle(dep, path))
                return cycle;
        // A flag explored without finding a cycle lies on none, whatever path leads to it.
        m_acyclic.insert(flag->id);
        return std::nullopt;
    }

    void checkDependencies()
    {
        const QString currentKey = m_previous ? m_previous->key : m_flag.key.trimmed();
        if (currentKey.isEmpty())
            return; // as PostHog, which has nothing to name the flag by
        const qint64 selfId = m_previous ? m_previous->id : m_flag.id;
        QList<const FeatureFlag *> deps;
        bool referencesValid = true;
        for (const Condition &condition : m_filters.groups) {
            for (const PropertyFilter &p : condition.properties) {
                if (!isFlagProperty(p) || p.key.isEmpty())
                    continue;
                const std::optional<qint64> id = pythonInt(p.key);
                if (!id) {
                    addFilters(u"Flag dependencies must reference flag IDs (integers), not flag "
                               u"keys. Invalid reference: '%1'"_s.arg(p.key));
                    referencesValid = false;
                    continue;
                }
                const FeatureFlag *dep = liveFlag(*id);
                if (!dep) {
                    addFilters(
                        u"Flag dependency references non-existent flag with ID %1"_s.arg(*id));
                    referencesValid = false;
                    continue;
                }
                if (!dep->active) {
                    addFilters(u"Cannot create dependency on disabled flag '%1' (ID: %2). Flag "
                               u"dependencies must reference active flags only."_s.arg(
                                   dep->key, QString::number(*id)));
                    referencesValid = false;
                    continue;
                }
                if (!deps.contains(dep))
                    deps.append(dep);
            }
        }
        if (!referencesValid)
            return; // PostHog stops at the first bad reference
        for (const FeatureFlag *dep : deps) {
            if (dep->key == currentKey || (selfId != 0 && dep->id == selfId)) {
                addFilters(u"Feature flag '%1' cannot depend on itself"_s.arg(currentKey));
                return;
            }
        }
        for (const FeatureFlag *dep : deps) {
            if (const auto cycle = findCycle(dep, {currentKey})) {
                addFilters(u"Circular dependency detected: "_s + cycle->join(u" → "_s));
                return;
            }
        }
    }

    void checkVariants()
    {
        if (!m_filters.variants || m_filters.variants->isEmpty())
            return;
        const QList<Variant> &variants = *m_filters.variants;
        double sum = 0;
        for (const Variant &v : variants)
            sum += v.rolloutPercentage;
        if (!(std::fabs(sum - 100) <= kPercentageTolerance))
            addFilters(
                u"Invalid variant definitions: Variant rollout percentages must sum to 100."_s,
                u"invalid_input"_s);
        QStringList seen;
        QStringList duplicated;
        for (const Variant &v : variants) {
            if (seen.contains(v.key) && !duplicated.contains(v.key))
                duplicated.append(v.key);
            seen.append(v.key);
        }
        if (!duplicated.isEmpty()) {
            duplicated.sort();
            addFilters(u"multivariate.variants: Variant keys must be unique, duplicated: %1."_s.arg(
                           duplicated.join(u", "_s)),
                       u"cross_field.variant_keys_not_unique"_s);
        }
        static const QRegularExpression pattern(u"^[a-zA-Z0-9_./-]+$"_s);
        for (qsizetype i = 0; i < variants.size(); ++i) {
            const QString &key = variants[i].key;
            const QString path = u"multivariate.variants[%1].key: "_s.arg(i);
            const QString rule = u"structural.multivariate.variants[].key."_s;
            if (key.isEmpty())
                addFilters(path + u"This field may not be blank."_s, rule + u"blank"_s);
            else if (key.size() > kMaxKeyLength)
                addFilters(path + u"Ensure this field has no more than %1 characters."_s.arg(
                                      kMaxKeyLength),
                           rule + u"max_length"_s);
            else if (!pattern.match(key).hasMatch())
                addFilters(path + u"Only letters, numbers, hyphens (-), underscores (_), dots (.) "
                                  u"& slashes (/) are allowed."_s,
                           rule + u"invalid"_s);
        }
    }

    void checkConditions()
    {
        const QList<Condition> &groups = m_filters.groups;
        for (qsizetype g = 0; g < groups.size(); ++g) {
            const std::optional<QString> &variant = groups[g].variant;
            if (variant && !variant->isEmpty() && !m_filters.findVariant(*variant))
                addFilters(u"Filters are not valid (variant override does not exist)"_s);
            for (qsizetype p = 0; p < groups[g].properties.size(); ++p)
                checkProperty(groups[g].properties[p], propertyPath(g, p));
        }
    }

    bool isStoredRegex(const QString &pattern) const
    {
        if (!m_previous)
            return false;
        for (const Condition &condition : m_previous->filters.groups)
            for (const PropertyFilter &p : condition.properties)
                if (familyOf(p.op) == OperatorFamily::Regex && p.value.isString() &&
                    p.value.toString() == pattern)
                    return true;
        return false;
    }

    void checkProperty(const PropertyFilter &p, const QString &path)
    {
        const QString &op = p.op;
        const QJsonValue &value = p.value;
        if (value.isArray() && value.toArray().size() > kMaxPropertyValues)
            addFilters(
                u"Property group expressions of type %1 cannot contain more than %2 values."_s.arg(
                    p.key, QString::number(kMaxPropertyValues)));
        if (p.type == "cohort"_L1)
            checkCohort(value);
        if (familyOf(op) == OperatorFamily::Date && !isDateValue(value))
            addFilters(u"Invalid date value: %1"_s.arg(pythonStr(value)), u"invalid_date"_s);
        if (requiresStringValue(operatorFromName(op)) && !value.isString())
            addFilters(u"Invalid value for operator %1: %2"_s.arg(op, pythonStr(value)),
                       u"invalid_value"_s);
        if (familyOf(op) == OperatorFamily::Cohort && p.type != "cohort"_L1)
            addFilters(u"The '%1' operator is only valid for cohort properties, not '%2' "
                       u"properties."_s.arg(op, p.type),
                       u"invalid_operator"_s);
        // A pattern already stored passes unchecked: PostHog's evaluators may accept it.
        if (familyOf(op) == OperatorFamily::Regex && value.isString() &&
            !QRegularExpression(value.toString()).isValid() && !isStoredRegex(value.toString()))
            addFilters(path + u".value: invalid regex pattern"_s);
        if (isPrefixSuffixOperator(op) && !value.isString())
            addFilters(path + u".value: Operator %1 requires a string value."_s.arg(op),
                       u"cross_field.operator_requires_string_value"_s);
        if (isListOperator(op) && !value.isArray())
            addFilters(path + u".value: Operator %1 requires a list of values."_s.arg(op),
                       u"cross_field.operator_requires_list_value"_s);
        if (familyOf(op) == OperatorFamily::Semver) {
            const QString rule = u"cross_field.semver_value_invalid"_s;
            if (!value.isString())
                addFilters(path + u".value: Invalid value for operator %1: expected a semver "
                                  u"string."_s.arg(op),
                           rule);
            else if (!isSemver(value.toString(), operatorFromName(op) == Operator::SemverWildcard))
                addFilters(path + u".value: Invalid semver value for operator %1: %2."_s.arg(
                                      op, value.toString()),
                           rule);
        }
    }

    void checkCohort(const QJsonValue &value)
    {
        const std::optional<qint64> id = pythonInt(pythonStr(value));
        const auto it = id ? m_context.cohorts.constFind(*id) : m_context.cohorts.constEnd();
        if (it == m_context.cohorts.constEnd()) {
            addFilters(u"Cohort with id %1 does not exist"_s.arg(pythonStr(value)),
                       u"cohort_does_not_exist"_s);
            return;
        }
        // Static cohorts hold a fixed list of persons; their stored criteria are never run.
        if (it->isStatic)
            return;
        QList<const Cohort *> cohorts{&*it};
        QSet<qint64> visited{it->id};
        for (qsizetype i = 0; i < cohorts.size(); ++i) {
            if (cohorts[i]->isStatic)
                continue;
            QList<qint64> references;
            collectCohortReferences(cohorts[i]->properties, references);
            for (qint64 ref : references) {
                const auto dep = m_context.cohorts.constFind(ref);
                if (dep != m_context.cohorts.constEnd() && !visited.contains(ref)) {
                    visited.insert(ref);
                    cohorts.append(&*dep);
                }
            }
        }
        for (const Cohort *cohort : cohorts) {
            if (!cohort->isStatic && hasBehavioralFilter(cohort->properties)) {
                addFilters(
                    u"Cohort '%1' with filters on events cannot be used in feature flags."_s.arg(
                        cohort->name),
                    u"behavioral_cohort_found"_s);
                return;
            }
        }
    }

    void checkPayloads()
    {
        const QJsonObject &payloads = m_filters.payloads;
        for (auto it = payloads.begin(); it != payloads.end(); ++it) {
            if (it.value().isString() && !isJsonText(it.value().toString())) {
                addFilters(u"Payload value is not valid JSON"_s);
                break;
            }
        }
        const QStringList keys = payloads.keys();
        // PostHog takes `multivariate` as present when it is a non-empty object.
        if (m_filters.writesMultivariate()) {
            if (!std::all_of(keys.begin(), keys.end(),
                             [&](const QString &k) { return m_filters.findVariant(k); }))
                addFilters(u"Payload keys must match a variant key for multivariate flags"_s);
        } else if (keys.size() > 1 || (keys.size() == 1 && keys.first() != "true"_L1)) {
            addFilters(u"Payload keys must be 'true' for boolean flags"_s);
        }
    }

    void checkChoice(const QString &value, const QString &attr,
                     std::initializer_list<QLatin1StringView> choices)
    {
        if (!value.isEmpty() && !isOneOf(value, choices))
            add(u"invalid_choice"_s, u"\"%1\" is not a valid choice."_s.arg(value), attr);
    }

    void checkChoices()
    {
        checkChoice(m_flag.creationContext, u"creation_context"_s,
                    {"feature_flags"_L1, "experiments"_L1, "surveys"_L1, "early_access_features"_L1,
                     "web_experiments"_L1, "product_tours"_L1});
        checkChoice(m_flag.evaluationRuntime, u"evaluation_runtime"_s,
                    {"server"_L1, "client"_L1, "all"_L1});
        checkChoice(m_flag.bucketingIdentifier, u"bucketing_identifier"_s,
                    {"distinct_id"_L1, "device_id"_L1});
    }

    void checkSettings()
    {
        // A flag that already combined the two may keep doing so.
        const bool alreadyCombined =
            m_previous && m_previous->bucketsByDeviceId() && m_previous->ensureExperienceContinuity;
        if (m_flag.bucketsByDeviceId() && m_flag.ensureExperienceContinuity && !alreadyCombined)
            add(kInvalid,
                u"Cannot enable 'persist across authentication steps' when using device ID "
                u"bucketing. These features are incompatible."_s,
                {});
        if (m_flag.hasEncryptedPayloads && !m_flag.isRemoteConfiguration)
            add(kInvalid, u"Encrypted payloads require the flag to be a remote configuration."_s,
                {});
    }

    // New or changed filters already had each dependency checked for being enabled.
    void checkEnabling()
    {
        if (!m_previous || m_previous->active || !m_flag.active)
            return;
        QList<const FeatureFlag *> disabled;
        for (const FeatureFlag *dep : storedDependencies(m_flag))
            if (!dep->active && !disabled.contains(dep))
                disabled.append(dep);
        if (disabled.isEmpty())
            return;
        add(kInvalid,
            u"Cannot enable this feature flag because it depends on disabled flags: %1. Please "
            u"enable the dependency flags first."_s.arg(listFlags(disabled)),
            {});
    }

    const FeatureFlag &m_flag;
    const FlagFilters &m_filters;
    const ValidationContext &m_context;
    const FeatureFlag *m_previous;
    QSet<qint64> m_acyclic;
    QList<ValidationError> m_errors;
};

} // namespace

QJsonObject ValidationError::toJson() const
{
    return {{u"type"_s, u"validation_error"_s},
            {u"code"_s, code},
            {u"detail"_s, detail},
            {u"attr"_s, attr.isEmpty() ? QJsonValue() : QJsonValue(attr)}};
}

bool isValidPayload(const QJsonValue &payload)
{
    return !payload.isString() || isJsonText(payload.toString());
}

QList<qint64> flagDependencyIds(const FeatureFlag &flag)
{
    QList<qint64> ids;
    for (const Condition &condition : flag.filters.groups)
        for (const PropertyFilter &p : condition.properties)
            if (isFlagProperty(p))
                if (const auto id = pythonInt(p.key); id && !ids.contains(*id))
                    ids.append(*id);
    return ids;
}

QList<qint64> cohortIds(const FeatureFlag &flag)
{
    QList<qint64> ids;
    for (const Condition &condition : flag.filters.groups)
        for (const PropertyFilter &p : condition.properties)
            if (p.type == "cohort"_L1)
                if (const auto id = pythonInt(pythonStr(p.value)); id && !ids.contains(*id))
                    ids.append(*id);
    return ids;
}

QList<qint64> cohortIds(const Cohort &cohort)
{
    QList<qint64> ids;
    if (!cohort.isStatic)
        collectCohortReferences(cohort.properties, ids);
    return ids;
}

QList<ValidationError> validateFlag(const FeatureFlag &flag, const ValidationContext &context,
                                    const FeatureFlag *previous)
{
    return FlagValidator(flag, context, previous).run();
}

std::optional<ValidationError> checkDependentsBeforeDisable(const FeatureFlag &flag,
                                                            const ValidationContext &context)
{
    const QString id = QString::number(flag.id);
    QList<const FeatureFlag *> dependents;
    for (auto it = context.flagsById.cbegin(); it != context.flagsById.cend(); ++it) {
        const FeatureFlag &other = *it;
        if (it.key() == flag.id || other.deleted || !other.active)
            continue;
        const bool dependsOnFlag = std::any_of(
            other.filters.groups.begin(), other.filters.groups.end(), [&](const Condition &c) {
                return std::any_of(
                    c.properties.begin(), c.properties.end(),
                    [&](const PropertyFilter &p) { return isFlagProperty(p) && p.key == id; });
            });
        if (dependsOnFlag)
            dependents.append(&other);
    }
    if (dependents.isEmpty())
        return std::nullopt;
    const QString verb = flag.deleted ? u"delete"_s : u"disable"_s;
    return ValidationError{
        kInvalid,
        u"Cannot %1 this feature flag because other flags depend on it: %2. "
        u"Please update or %1 the dependent flags first."_s.arg(verb, listFlags(dependents)),
        {}};
}

} // namespace bunting
