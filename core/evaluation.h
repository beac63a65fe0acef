#pragma once

#include "cohort.h"
#include "feature_flag.h"
#include "match_reason.h"
#include "property_map.h"

#include <QDateTime>
#include <QHash>
#include <QJsonValue>
#include <QList>
#include <QSet>
#include <QString>
#include <optional>

namespace bunting {

// Everything evaluation knows about the one person (and their groups) it evaluates for.
struct EvaluationContext
{
    QString distinctId;
    PropertyMap personProperties;
    QHash<QString, QString> groups;                  // group type name -> group key
    QHash<QString, PropertyMap> groupProperties;     // group type name -> its properties
    QString deviceId;                                // else the person property `$device_id`
    QHash<QString, QString> hashKeyOverrides;        // flag key -> identifier (continuity)
    QString anonDistinctId;                          // the request's `$anon_distinct_id`
    QSet<qint64> staticCohorts;                      // static cohorts the person belongs to
    QDateTime now = QDateTime::currentDateTimeUtc(); // what relative dates count back from
};

// What one project defines: the input of every evaluation.
// `flag` cut down to what evaluation and the SDK endpoints' answers read: id, key, name,
// version, active and deleted, filters, experience continuity, runtime, evaluation contexts,
// bucketing, and whether it is a remote configuration or has encrypted payloads. Everything
// else (authors, timestamps, tags, dashboards, and at every level the JSON it was read from,
// which only writing it back needs) is left out, so a compiled project of 100,000 flags keeps
// only what it uses.
FeatureFlag evaluatedPart(const FeatureFlag &flag);
FeatureFlag evaluatedPart(FeatureFlag &&flag); // takes what it keeps rather than copy it

struct ProjectDefinitions
{
    QList<FeatureFlag> flags;
    QHash<qint64, Cohort> cohorts;
    QHash<int, QString> groupTypeMapping; // group type index -> group type name
};

// A flag's value: `false`, `true` or a variant key.
struct FlagValue
{
    bool enabled = false;
    QString variant;

    static FlagValue fromJson(const QJsonValue &value);
    QJsonValue toJson() const;
    friend bool operator==(const FlagValue &, const FlagValue &) = default;
};

struct EvaluationResult
{
    QString key;
    qsizetype flagIndex = -1; // the flag's place in the CompiledProject that evaluated it
    qint64 flagId = 0;
    int flagVersion = 0;
    FlagValue value;
    MatchReason reason = MatchReason::NoConditionMatch;
    std::optional<int> conditionIndex;
    QJsonValue payload = QJsonValue::Undefined; // as stored (often a JSON string); see below

    // The payload as the SDKs hand it out: a JSON string is parsed, anything else kept.
    QJsonValue parsedPayload() const;
    QString description() const { return reasonDescription(reason, conditionIndex); }
};

// How one property filter of a condition fared, for "why does this user see that?".
struct PropertyCheck
{
    PropertyFilter filter;
    QJsonValue actual = QJsonValue::Undefined; // undefined: the property is not set
    bool matched = false;
};

enum class ConditionOutcome {
    Matched,
    PropertiesDidNotMatch,
    OutOfRollout,
    SkippedNoGroup,    // the condition aggregates by a group the request did not name
    SkippedNoDeviceId, // device-id bucketing without a device id
    NotEvaluated,      // an earlier condition, a super condition or the holdout decided
};

struct ConditionExplanation
{
    int index = 0;
    ConditionOutcome outcome = ConditionOutcome::NotEvaluated;
    QList<PropertyCheck> checks;
    double rolloutPercentage = 100;
    std::optional<double> bucket; // the person's hash in [0, 1], when the rollout was checked
};

// Filled in on request alongside a result; the same code path computes both.
struct Explanation
{
    QList<ConditionExplanation> conditions;
    bool inHoldout = false;
    bool superConditionDecided = false;
};

} // namespace bunting
