// The engine's flag-level behaviour: reasons and condition indexes as PostHog's flags service
// reports them, variants, payloads, groups, holdouts, early access, dependencies, cohorts,
// bucketing and explanations.
#include "engine.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace bunting;

namespace {

FeatureFlag flagFrom(const char *jsonText)
{
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(jsonText));
    Q_ASSERT(doc.isObject());
    return FeatureFlag::fromJson(doc.object());
}

Cohort cohortFrom(qint64 id, const char *treeJson, bool isStatic = false)
{
    Cohort c;
    c.id = id;
    c.isStatic = isStatic;
    c.properties = PropertyGroup::fromJson(QJsonDocument::fromJson(QByteArray(treeJson)).object());
    return c;
}

EvaluationContext person(const QString &id, const QJsonObject &properties = {})
{
    EvaluationContext c;
    c.distinctId = id;
    c.personProperties = PropertyMap(properties);
    return c;
}

EvaluationResult evaluateOne(const FeatureFlag &flag, const EvaluationContext &context,
                             Explanation *explanation = nullptr)
{
    const auto project = CompiledProject::compile({{flag}, {}, {{0, u"company"_s}}});
    return project->evaluate(0, context, explanation);
}

// A distinct id whose bucket for `key` is above (or at most) `bound`.
QString idWithBucket(const QString &key, double bound, bool above)
{
    for (int i = 0;; ++i) {
        const QString id = u"user-%1"_s.arg(i);
        const double h = bucketHash((key + u'.').toUtf8(), id.toUtf8());
        if ((h > bound) == above)
            return id;
    }
}

} // namespace

class TestEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void disabledFlag();
    void fullRollout();
    void firstMatchingConditionWins();
    void distinctIdIsAPersonProperty();
    void outOfRolloutOutranksNoMatch();
    void noMatchReportsLastCondition();
    void rolloutFollowsTheHash();
    void variantOverride();
    void payloads();
    void groupFlagWithoutGroup();
    void groupFlagBucketsByGroupKey();
    void mixedTargetingSkipsMissingGroups();
    void holdout();
    void featureEnrollment();
    void legacySuperGroups();
    void flagDependencies();
    void missingAndCyclicDependencies();
    void cohorts();
    void staticCohort();
    void deviceIdBucketing();
    void experienceContinuityOverride();
    void explanation();
    void evaluateAllSkipsDeletedFlags();
    void evaluateSomeFlagsInTheOrderAsked();
    void reasonCodes();
    void evaluatedPartKeepsWhatEvaluationReads();
};

void TestEngine::disabledFlag()
{
    const auto r = evaluateOne(
        flagFrom(
            R"({"id":1,"key":"off","active":false,"filters":{"groups":[{"rollout_percentage":100}]}})"),
        person(u"a"_s));
    QCOMPARE(r.value.toJson(), QJsonValue(false));
    QCOMPARE(r.reason, MatchReason::FlagDisabled);
    QVERIFY(!r.conditionIndex);
    QCOMPARE(r.description(), u"Feature flag is disabled"_s);
}

void TestEngine::fullRollout()
{
    const auto r = evaluateOne(
        flagFrom(
            R"({"id":1,"key":"on","active":true,"filters":{"groups":[{"properties":[],"rollout_percentage":100}]}})"),
        person(u"a"_s));
    QCOMPARE(r.value.toJson(), QJsonValue(true));
    QCOMPARE(r.reason, MatchReason::ConditionMatch);
    QCOMPARE(r.conditionIndex, 0);
    QCOMPARE(r.description(), u"Matched condition set 1"_s);
}

void TestEngine::firstMatchingConditionWins()
{
    const FeatureFlag flag = flagFrom(R"({"id":1,"key":"f","active":true,"filters":{"groups":[
        {"properties":[{"key":"plan","value":"enterprise","operator":"exact","type":"person"}]},
        {"properties":[{"key":"email","value":"@example.com","operator":"icontains","type":"person"}]},
        {"properties":[]}]}})");
    const auto r = evaluateOne(flag, person(u"a"_s, {{u"email"_s, u"ada@example.com"_s}}));
    QCOMPARE(r.value.toJson(), QJsonValue(true));
    QCOMPARE(r.conditionIndex, 1);
    QCOMPARE(r.description(), u"Matched condition set 2"_s);
}

void TestEngine::distinctIdIsAPersonProperty()
{
    // PostHog's flags service adds the request's distinct id to the person properties; the SDKs
    // do too, unless the caller sent a `distinct_id` property (evaluation-behaviour.md §4.1).
    const FeatureFlag flag = flagFrom(R"({"id":1,"key":"f","active":true,"filters":{"groups":[
        {"properties":[{"key":"distinct_id","value":["ada","bob"],"operator":"exact","type":"person"}],
         "rollout_percentage":100}]}})");
    QCOMPARE(evaluateOne(flag, person(u"ada"_s)).value.toJson(), QJsonValue(true));
    QCOMPARE(evaluateOne(flag, person(u"eve"_s)).value.toJson(), QJsonValue(false));
    QCOMPARE(evaluateOne(flag, person(u"eve"_s, {{u"distinct_id"_s, u"bob"_s}})).value.toJson(),
             QJsonValue(true));
    QCOMPARE(evaluateOne(flag, person(u"ada"_s, {{u"distinct_id"_s, u"eve"_s}})).value.toJson(),
             QJsonValue(false));
    // In a cohort's properties too.
    const FeatureFlag inCohort = flagFrom(R"({"id":2,"key":"c","active":true,"filters":{"groups":[
        {"properties":[{"key":"id","value":7,"type":"cohort"}],"rollout_percentage":100}]}})");
    const auto project = CompiledProject::compile(
        {{inCohort},
         {{7, cohortFrom(7, R"({"type":"AND","values":[{"key":"distinct_id","value":"ada",
             "operator":"exact","type":"person"}]})")}},
         {}});
    QCOMPARE(project->evaluate(0, person(u"ada"_s)).value.toJson(), QJsonValue(true));
    QCOMPARE(project->evaluate(0, person(u"bob"_s)).value.toJson(), QJsonValue(false));
}

void TestEngine::outOfRolloutOutranksNoMatch()
{
    const FeatureFlag flag = flagFrom(R"({"id":1,"key":"f","active":true,"filters":{"groups":[
        {"properties":[],"rollout_percentage":0},
        {"properties":[{"key":"plan","value":"x","type":"person"}]}]}})");
    const auto r = evaluateOne(flag, person(u"someone"_s));
    QCOMPARE(r.value.toJson(), QJsonValue(false));
    QCOMPARE(r.reason, MatchReason::OutOfRolloutBound);
    QCOMPARE(r.conditionIndex, 0);
    QCOMPARE(r.description(), u"Out of rollout bound"_s);
}

void TestEngine::noMatchReportsLastCondition()
{
    // Equal scores replace each other, so the last condition's index is reported.
    const FeatureFlag flag = flagFrom(R"({"id":1,"key":"f","active":true,"filters":{"groups":[
        {"properties":[{"key":"plan","value":"x","type":"person"}]},
        {"properties":[{"key":"plan","value":"y","type":"person"}]}]}})");
    const auto r = evaluateOne(flag, person(u"a"_s, {{u"plan"_s, u"z"_s}}));
    QCOMPARE(r.reason, MatchReason::NoConditionMatch);
    QCOMPARE(r.conditionIndex, 1);
    QCOMPARE(r.description(), u"No matching condition set"_s);
}

void TestEngine::rolloutFollowsTheHash()
{
    const FeatureFlag flag = flagFrom(
        R"({"id":1,"key":"rollout","active":true,"filters":{"groups":[{"rollout_percentage":30}]}})");
    const auto project = CompiledProject::compile({{flag}, {}, {}});
    for (int i = 0; i < 500; ++i) {
        const QString id = u"id-%1"_s.arg(i);
        const bool inside = bucketHash("rollout.", id.toUtf8()) <= 0.30;
        const auto r = project->evaluate(0, person(id));
        QCOMPARE(r.value.enabled, inside);
        QCOMPARE(r.reason, inside ? MatchReason::ConditionMatch : MatchReason::OutOfRolloutBound);
    }
    // No identifier buckets at 0, which every rollout above 0 includes.
    QCOMPARE(project->evaluate(0, person(QString())).value.enabled, true);
}

void TestEngine::variantOverride()
{
    const FeatureFlag flag = flagFrom(R"({"id":1,"key":"mv","active":true,"filters":{
        "groups":[{"properties":[{"key":"beta","value":true,"type":"person"}],"variant":"test"},
                  {"properties":[],"rollout_percentage":100,"variant":"no-such-variant"}],
        "multivariate":{"variants":[{"key":"control","rollout_percentage":50},
                                    {"key":"test","rollout_percentage":50}]}}})");
    QCOMPARE(evaluateOne(flag, person(u"a"_s, {{u"beta"_s, true}})).value.toJson(),
             QJsonValue(u"test"_s));
    // An override naming no variant falls back to the hashed variant.
    for (const QString &id : {u"a"_s, u"b"_s, u"c"_s, u"d"_s}) {
        const auto r = evaluateOne(flag, person(id));
        const double h = bucketHash("mv.", id.toUtf8(), "variant");
        QCOMPARE(r.value.variant, h < 0.5 ? u"control"_s : u"test"_s);
        QCOMPARE(r.conditionIndex, 1);
    }
}

void TestEngine::payloads()
{
    const FeatureFlag boolean = flagFrom(R"({"id":1,"key":"b","active":true,"filters":{
        "groups":[{"rollout_percentage":100}],"payloads":{"true":"{\"color\": \"blue\"}"}}})");
    const auto r = evaluateOne(boolean, person(u"a"_s));
    QCOMPARE(r.payload, QJsonValue(u"{\"color\": \"blue\"}"_s));
    QCOMPARE(r.parsedPayload(), QJsonValue(QJsonObject{{u"color"_s, u"blue"_s}}));

    const FeatureFlag variants = flagFrom(R"({"id":2,"key":"v","active":true,"filters":{
        "groups":[{"rollout_percentage":100,"variant":"b"}],
        "multivariate":{"variants":[{"key":"a","rollout_percentage":50},{"key":"b","rollout_percentage":50}]},
        "payloads":{"a":"1","b":"not json {","true":"ignored"}}})");
    const auto v = evaluateOne(variants, person(u"a"_s));
    QCOMPARE(v.value.toJson(), QJsonValue(u"b"_s));
    // A payload that is no JSON stays the string it is.
    QCOMPARE(v.parsedPayload(), QJsonValue(u"not json {"_s));

    const FeatureFlag off = flagFrom(R"({"id":3,"key":"o","active":true,"filters":{
        "groups":[{"rollout_percentage":0}],"payloads":{"true":"5"}}})");
    QVERIFY(evaluateOne(off, person(u"a"_s)).payload.isUndefined());
}

void TestEngine::groupFlagWithoutGroup()
{
    const FeatureFlag flag = flagFrom(R"({"id":1,"key":"g","active":true,"filters":{
        "aggregation_group_type_index":0,
        "groups":[{"properties":[],"rollout_percentage":100},{"properties":[]}]}})");
    const auto r = evaluateOne(flag, person(u"a"_s));
    QCOMPARE(r.value.toJson(), QJsonValue(false));
    QCOMPARE(r.reason, MatchReason::NoGroupType);
    QCOMPARE(r.conditionIndex, 1);
    QCOMPARE(r.description(), u"No group type"_s);
}

void TestEngine::groupFlagBucketsByGroupKey()
{
    const FeatureFlag flag = flagFrom(R"({"id":1,"key":"g","active":true,"filters":{
        "aggregation_group_type_index":0,
        "groups":[{"properties":[{"key":"size","value":100,"operator":"gte","type":"group","group_type_index":0}],
                   "rollout_percentage":50}]}})");
    for (int i = 0; i < 50; ++i) {
        EvaluationContext c = person(u"same-person"_s);
        const QString company = u"company-%1"_s.arg(i);
        c.groups.insert(u"company"_s, company);
        c.groupProperties.insert(u"company"_s, PropertyMap({{u"size"_s, 250}}));
        const bool inside = bucketHash("g.", company.toUtf8()) <= 0.5;
        QCOMPARE(evaluateOne(flag, c).value.enabled, inside);
    }
    EvaluationContext small = person(u"p"_s);
    small.groups.insert(u"company"_s, u"tiny"_s);
    small.groupProperties.insert(u"company"_s, PropertyMap({{u"size"_s, 3}}));
    QCOMPARE(evaluateOne(flag, small).reason, MatchReason::NoConditionMatch);
}

void TestEngine::mixedTargetingSkipsMissingGroups()
{
    const FeatureFlag flag = flagFrom(R"({"id":1,"key":"m","active":true,"filters":{"groups":[
        {"properties":[{"key":"plan","value":"pro","type":"person"}]},
        {"properties":[],"aggregation_group_type_index":0}]}})");
    const auto r = evaluateOne(flag, person(u"a"_s, {{u"plan"_s, u"free"_s}}));
    QCOMPARE(r.reason, MatchReason::NoConditionMatchGroupsNotEvaluated);
    QCOMPARE(reasonCode(r.reason), u"no_condition_match"_s);
    QVERIFY(r.description().contains(u"group conditions were not evaluated"_s));

    EvaluationContext withGroup = person(u"a"_s, {{u"plan"_s, u"free"_s}});
    withGroup.groups.insert(u"company"_s, u"acme"_s);
    const auto matched = evaluateOne(flag, withGroup);
    QCOMPARE(matched.value.enabled, true);
    QCOMPARE(matched.conditionIndex, 1);
}

void TestEngine::holdout()
{
    const FeatureFlag all = flagFrom(R"({"id":1,"key":"h","active":true,"filters":{
        "groups":[{"rollout_percentage":100}],"holdout":{"id":7,"exclusion_percentage":100},
        "payloads":{"holdout-7":"\"held\""}}})");
    const auto r = evaluateOne(all, person(u"a"_s));
    QCOMPARE(r.value.toJson(), QJsonValue(u"holdout-7"_s));
    QCOMPARE(r.reason, MatchReason::HoldoutConditionValue);
    QVERIFY(!r.conditionIndex);
    QCOMPARE(r.parsedPayload(), QJsonValue(u"held"_s));

    // Partial holdouts hash "holdout-<id>" with no salt; the rest see the conditions.
    const FeatureFlag part = flagFrom(R"({"id":1,"key":"h","active":true,"filters":{
        "groups":[{"rollout_percentage":100}],"holdout":{"id":7,"exclusion_percentage":20}}})");
    for (int i = 0; i < 200; ++i) {
        const QString id = u"u%1"_s.arg(i);
        const bool held = bucketHash("holdout-", id.toUtf8()) <= 0.2;
        QCOMPARE(evaluateOne(part, person(id)).value.variant, held ? u"holdout-7"_s : QString());
    }
}

void TestEngine::featureEnrollment()
{
    const FeatureFlag flag = flagFrom(R"({"id":1,"key":"beta-ui","active":true,"filters":{
        "feature_enrollment":true,"groups":[{"rollout_percentage":0}],"payloads":{"true":"1"}}})");
    const auto optedIn =
        evaluateOne(flag, person(u"a"_s, {{u"$feature_enrollment/beta-ui"_s, true}}));
    QCOMPARE(optedIn.value.toJson(), QJsonValue(true));
    QCOMPARE(optedIn.reason, MatchReason::SuperConditionValue);
    QCOMPARE(optedIn.conditionIndex, 0);
    QCOMPARE(optedIn.parsedPayload(), QJsonValue(1));
    const auto optedOut =
        evaluateOne(flag, person(u"a"_s, {{u"$feature_enrollment/beta-ui"_s, u"false"_s}}));
    QCOMPARE(optedOut.value.toJson(), QJsonValue(false));
    QCOMPARE(optedOut.reason, MatchReason::SuperConditionValue);
    QCOMPARE(evaluateOne(flag, person(u"a"_s)).reason, MatchReason::OutOfRolloutBound);
}

void TestEngine::legacySuperGroups()
{
    const FeatureFlag flag = flagFrom(R"({"id":1,"key":"early","active":true,"filters":{
        "groups":[{"rollout_percentage":0}],
        "super_groups":[{"properties":[{"key":"$feature_enrollment/early","value":["true"],
                                         "operator":"exact","type":"person"}],
                         "rollout_percentage":100}]}})");
    const auto in = evaluateOne(flag, person(u"a"_s, {{u"$feature_enrollment/early"_s, true}}));
    QCOMPARE(in.value.toJson(), QJsonValue(true));
    QCOMPARE(in.reason, MatchReason::SuperConditionValue);
    const auto out = evaluateOne(flag, person(u"a"_s, {{u"$feature_enrollment/early"_s, false}}));
    QCOMPARE(out.value.toJson(), QJsonValue(false));
    QCOMPARE(out.reason, MatchReason::SuperConditionValue);
    QCOMPARE(evaluateOne(flag, person(u"a"_s)).reason, MatchReason::OutOfRolloutBound);
}

void TestEngine::flagDependencies()
{
    const FeatureFlag base = flagFrom(R"({"id":10,"key":"base","active":true,"filters":{
        "groups":[{"properties":[{"key":"plan","value":"pro","type":"person"}],"variant":"blue"}],
        "multivariate":{"variants":[{"key":"blue","rollout_percentage":100}]}}})");
    // PostHog stores the dependency's id as the key; local evaluation serves its key.
    const FeatureFlag byId = flagFrom(R"({"id":11,"key":"needs-true","active":true,"filters":{
        "groups":[{"properties":[{"key":"10","type":"flag","value":true,"operator":"flag_evaluates_to"}]}]}})");
    const FeatureFlag byKey = flagFrom(R"({"id":12,"key":"needs-blue","active":true,"filters":{
        "groups":[{"properties":[{"key":"base","type":"flag","value":"blue","operator":"flag_evaluates_to",
                                   "dependency_chain":["base"]}]}]}})");
    const FeatureFlag needsFalse =
        flagFrom(R"({"id":13,"key":"needs-false","active":true,"filters":{
        "groups":[{"properties":[{"key":"10","type":"flag","value":false,"operator":"flag_evaluates_to"}]}]}})");
    const auto project = CompiledProject::compile({{base, byId, byKey, needsFalse}, {}, {}});

    const auto pro = project->evaluateAll(person(u"a"_s, {{u"plan"_s, u"pro"_s}}));
    QCOMPARE(pro.size(), 4);
    QCOMPARE(pro[0].value.toJson(), QJsonValue(u"blue"_s));
    QCOMPARE(pro[1].value.toJson(), QJsonValue(true));
    QCOMPARE(pro[2].value.toJson(), QJsonValue(true));
    QCOMPARE(pro[3].value.toJson(), QJsonValue(false));

    const auto free = project->evaluateAll(person(u"a"_s, {{u"plan"_s, u"free"_s}}));
    QCOMPARE(free[1].value.toJson(), QJsonValue(false));
    QCOMPARE(free[2].value.toJson(), QJsonValue(false));
    QCOMPARE(free[3].value.toJson(), QJsonValue(true));

    // An inactive dependency counts as false.
    FeatureFlag inactive = base;
    inactive.active = false;
    const auto p2 = CompiledProject::compile({{inactive, byId, needsFalse}, {}, {}});
    const auto r = p2->evaluateAll(person(u"a"_s, {{u"plan"_s, u"pro"_s}}));
    QCOMPARE(r[1].value.toJson(), QJsonValue(false));
    QCOMPARE(r[2].value.toJson(), QJsonValue(true));
}

void TestEngine::missingAndCyclicDependencies()
{
    const FeatureFlag missing = flagFrom(R"({"id":1,"key":"orphan","active":true,"filters":{
        "groups":[{"properties":[{"key":"999","type":"flag","value":true,"operator":"flag_evaluates_to"}]}]}})");
    const auto r = evaluateOne(missing, person(u"a"_s));
    QCOMPARE(r.reason, MatchReason::MissingDependency);
    QCOMPARE(r.value.toJson(), QJsonValue(false));

    const FeatureFlag a = flagFrom(R"({"id":1,"key":"a","active":true,"filters":{
        "groups":[{"properties":[{"key":"2","type":"flag","value":true,"operator":"flag_evaluates_to"}]}]}})");
    const FeatureFlag b = flagFrom(R"({"id":2,"key":"b","active":true,"filters":{
        "groups":[{"properties":[{"key":"1","type":"flag","value":true,"operator":"flag_evaluates_to"}]}]}})");
    const auto project = CompiledProject::compile({{a, b}, {}, {}});
    const auto results = project->evaluateAll(person(u"x"_s));
    QCOMPARE(results.size(), 2);
    QCOMPARE(results[0].value.enabled, false);
    QCOMPARE(results[1].value.enabled, false);
}

void TestEngine::cohorts()
{
    // (country = DE AND NOT email icontains @test) OR in cohort 2 (plan = pro)
    const Cohort nested = cohortFrom(1, R"({"type":"OR","values":[
        {"type":"AND","values":[{"key":"country","value":"DE","type":"person"},
                                {"key":"email","value":"@test","operator":"icontains","type":"person","negation":true}]},
        {"type":"AND","values":[{"key":"id","value":2,"type":"cohort"}]}]})");
    const Cohort pro =
        cohortFrom(2, R"({"type":"AND","values":[{"key":"plan","value":"pro","type":"person"}]})");
    const Cohort self =
        cohortFrom(3, R"({"type":"AND","values":[{"key":"id","value":3,"type":"cohort"}]})");
    const FeatureFlag in = flagFrom(R"({"id":1,"key":"in","active":true,"filters":{
        "groups":[{"properties":[{"key":"id","value":1,"type":"cohort"}]}]}})");
    const FeatureFlag notIn = flagFrom(R"({"id":2,"key":"not-in","active":true,"filters":{
        "groups":[{"properties":[{"key":"id","value":1,"type":"cohort","operator":"not_in"}]}]}})");
    const FeatureFlag missingCohort = flagFrom(R"({"id":3,"key":"missing","active":true,"filters":{
        "groups":[{"properties":[{"key":"id","value":404,"type":"cohort"}]}]}})");
    const FeatureFlag selfRef = flagFrom(R"({"id":4,"key":"self","active":true,"filters":{
        "groups":[{"properties":[{"key":"id","value":"3","type":"cohort"}]}]}})");
    const auto project = CompiledProject::compile(
        {{in, notIn, missingCohort, selfRef}, {{1, nested}, {2, pro}, {3, self}}, {}});

    const auto values = [&](const QJsonObject &props) {
        QList<bool> out;
        for (const EvaluationResult &r : project->evaluateAll(person(u"p"_s, props)))
            out.append(r.value.enabled);
        return out;
    };
    QCOMPARE(values({{u"country"_s, u"DE"_s}, {u"email"_s, u"a@real.de"_s}}),
             (QList<bool>{true, false, false, false}));
    QCOMPARE(values({{u"country"_s, u"DE"_s}, {u"email"_s, u"a@test.de"_s}}),
             (QList<bool>{false, true, false, false}));
    QCOMPARE(values({{u"country"_s, u"FR"_s}, {u"plan"_s, u"pro"_s}}),
             (QList<bool>{true, false, false, false}));
    // A negated filter on a missing property matches: the person is not at a test address.
    QCOMPARE(values({{u"country"_s, u"DE"_s}}), (QList<bool>{true, false, false, false}));
}

void TestEngine::staticCohort()
{
    const Cohort listed = cohortFrom(5, R"({})", true);
    const FeatureFlag flag = flagFrom(R"({"id":1,"key":"s","active":true,"filters":{
        "groups":[{"properties":[{"key":"id","value":5,"type":"cohort"}]}]}})");
    const auto project = CompiledProject::compile({{flag}, {{5, listed}}, {}});
    EvaluationContext member = person(u"m"_s);
    member.staticCohorts.insert(5);
    QCOMPARE(project->evaluate(0, member).value.enabled, true);
    QCOMPARE(project->evaluate(0, person(u"n"_s)).value.enabled, false);
}

void TestEngine::deviceIdBucketing()
{
    const FeatureFlag flag = flagFrom(R"({"id":1,"key":"dev","active":true,
        "bucketing_identifier":"device_id","filters":{"groups":[{"rollout_percentage":50}]}})");
    const QString device = idWithBucket(u"dev"_s, 0.5, false);
    EvaluationContext c = person(idWithBucket(u"dev"_s, 0.5, true));
    c.deviceId = device;
    QCOMPARE(evaluateOne(flag, c).value.enabled, true);
    // The person property stands in when the request names no device.
    QCOMPARE(evaluateOne(flag, person(u"x"_s, {{u"$device_id"_s, device}})).value.enabled, true);
    const auto none = evaluateOne(flag, person(u"x"_s));
    QCOMPARE(none.value.enabled, false);
    QCOMPARE(none.reason, MatchReason::OutOfRolloutBound);
}

void TestEngine::experienceContinuityOverride()
{
    const FeatureFlag flag = flagFrom(R"({"id":1,"key":"ec","active":true,
        "ensure_experience_continuity":true,"filters":{"groups":[{"rollout_percentage":50}]}})");
    EvaluationContext c = person(idWithBucket(u"ec"_s, 0.5, true));
    QCOMPARE(evaluateOne(flag, c).value.enabled, false);
    c.hashKeyOverrides.insert(u"ec"_s, idWithBucket(u"ec"_s, 0.5, false));
    QCOMPARE(evaluateOne(flag, c).value.enabled, true);
    EvaluationContext anon = person(idWithBucket(u"ec"_s, 0.5, true));
    anon.anonDistinctId = idWithBucket(u"ec"_s, 0.5, false);
    QCOMPARE(evaluateOne(flag, anon).value.enabled, true);
}

void TestEngine::explanation()
{
    const FeatureFlag flag = flagFrom(R"({"id":1,"key":"why","active":true,"filters":{"groups":[
        {"properties":[{"key":"plan","value":"pro","type":"person"},
                       {"key":"email","value":"@corp","operator":"icontains","type":"person"}]},
        {"properties":[{"key":"email","value":"@corp","operator":"icontains","type":"person"}],
         "rollout_percentage":100},
        {"properties":[],"rollout_percentage":40}]}})");
    Explanation why;
    const auto r = evaluateOne(flag, person(u"a"_s, {{u"email"_s, u"x@corp.com"_s}}), &why);
    QCOMPARE(r.conditionIndex, 1);
    QCOMPARE(why.conditions.size(), 3);
    const ConditionExplanation &first = why.conditions[0];
    QCOMPARE(first.outcome, ConditionOutcome::PropertiesDidNotMatch);
    QCOMPARE(first.checks.size(), 2); // every property is shown, not only the first that failed
    QCOMPARE(first.checks[0].matched, false);
    QVERIFY(first.checks[0].actual.isUndefined());
    QCOMPARE(first.checks[1].matched, true);
    QCOMPARE(first.checks[1].actual, QJsonValue(u"x@corp.com"_s));
    QCOMPARE(why.conditions[1].outcome, ConditionOutcome::Matched);
    QCOMPARE(why.conditions[2].outcome, ConditionOutcome::NotEvaluated);
    QVERIFY(why.conditions[2].bucket.has_value());
    QCOMPARE(why.conditions[2].rolloutPercentage, 40.0);

    // The explanation never changes the answer.
    QCOMPARE(evaluateOne(flag, person(u"a"_s, {{u"email"_s, u"x@corp.com"_s}})).conditionIndex,
             r.conditionIndex);
}

void TestEngine::evaluateAllSkipsDeletedFlags()
{
    FeatureFlag old = flagFrom(R"({"id":1,"key":"k","active":true,"deleted":true,"filters":{}})");
    FeatureFlag current = flagFrom(
        R"({"id":2,"key":"k","active":true,"filters":{"groups":[{"rollout_percentage":100}]}})");
    const auto project = CompiledProject::compile({{old, current}, {}, {}});
    const auto all = project->evaluateAll(person(u"a"_s));
    QCOMPARE(all.size(), 1);
    QCOMPARE(all[0].flagId, 2);
    QCOMPARE(all[0].flagIndex, 1);
    QCOMPARE(project->indexOfKey(u"k"_s), 1);
    QVERIFY(!project->evaluate(u"nope"_s, person(u"a"_s)));
}

// What the SDK endpoints ask: a chosen few flags, in the order the request named them, each
// result saying which flag it is; a flag they depend on is evaluated for them, not reported.
void TestEngine::evaluateSomeFlagsInTheOrderAsked()
{
    const FeatureFlag base = flagFrom(
        R"({"id":1,"key":"base","active":true,"filters":{"groups":[{"rollout_percentage":100}]}})");
    const FeatureFlag child =
        flagFrom(R"({"id":2,"key":"child","active":true,"filters":{"groups":[{"properties":[)"
                 R"({"key":"1","type":"flag","operator":"flag_evaluates_to","value":true}],)"
                 R"("rollout_percentage":100}]}})");
    const FeatureFlag other = flagFrom(
        R"({"id":3,"key":"other","active":true,"filters":{"groups":[{"rollout_percentage":0}]}})");
    const auto project = CompiledProject::compile({{base, child, other}, {}, {}});
    const auto results = project->evaluate(QList<qsizetype>{2, 1}, person(u"a"_s));
    QCOMPARE(results.size(), 2);
    QCOMPARE(results[0].key, u"other"_s);
    QCOMPARE(results[0].flagIndex, 2);
    QCOMPARE(results[0].value.enabled, false);
    QCOMPARE(results[1].key, u"child"_s);
    QCOMPARE(results[1].flagIndex, 1);
    QCOMPARE(results[1].value.enabled, true);
    QVERIFY(project->evaluate(QList<qsizetype>{}, person(u"a"_s)).isEmpty());
}

void TestEngine::reasonCodes()
{
    for (MatchReason r : {MatchReason::SuperConditionValue, MatchReason::HoldoutConditionValue,
                          MatchReason::ConditionMatch, MatchReason::OutOfRolloutBound,
                          MatchReason::NoConditionMatch, MatchReason::NoGroupType,
                          MatchReason::FlagDisabled, MatchReason::MissingDependency})
        QCOMPARE(reasonFromCode(reasonCode(r)), r);
    QVERIFY(reasonScore(MatchReason::OutOfRolloutBound) >
            reasonScore(MatchReason::NoConditionMatch));
    QVERIFY(reasonScore(MatchReason::NoConditionMatch) > reasonScore(MatchReason::NoGroupType));
}

void TestEngine::evaluatedPartKeepsWhatEvaluationReads()
{
    // What the server's snapshot keeps of each flag (issue 21): what evaluation and the SDK
    // answers read, nothing of authors, dates, tags or unknown fields.
    const FeatureFlag whole = flagFrom(R"({
        "id": 7, "key": "checkout", "name": "New checkout", "version": 4, "active": true,
        "deleted": false, "ensure_experience_continuity": true, "evaluation_runtime": "server",
        "evaluation_contexts": ["web"], "bucketing_identifier": "device_id",
        "is_remote_configuration": false, "has_encrypted_payloads": false,
        "filters": {"groups": [{"properties": [], "rollout_percentage": 40}],
                    "payloads": {"true": "[1, 2]"}},
        "created_by": {"id": 1, "email": "a@example.com"}, "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-02T00:00:00Z", "tags": ["team"], "usage_dashboard": 3,
        "experiment_set": [5], "a_field_of_a_newer_posthog": {"x": 1}})");
    const FeatureFlag part = evaluatedPart(whole);
    QCOMPARE(part.id, whole.id);
    QCOMPARE(part.key, whole.key);
    QCOMPARE(part.name, whole.name);
    QCOMPARE(part.version, whole.version);
    QCOMPARE(part.active, whole.active);
    QCOMPARE(part.deleted, whole.deleted);
    QCOMPARE(part.filters.groups.size(), 1);
    QCOMPARE(part.filters.groups[0].rolloutPercentage, whole.filters.groups[0].rolloutPercentage);
    QCOMPARE(part.filters.payloads, whole.filters.payloads);
    QVERIFY(!part.filters.record.had("groups"_L1)); // the source JSON's bookkeeping is gone
    QCOMPARE(part.ensureExperienceContinuity, true);
    QCOMPARE(part.evaluationRuntime, u"server"_s);
    QCOMPARE(part.evaluationContexts, QStringList{u"web"_s});
    QVERIFY(part.bucketsByDeviceId());
    QVERIFY(!part.createdBy);
    QVERIFY(part.createdAt.isEmpty());
    QVERIFY(part.updatedAt.isEmpty());
    QVERIFY(part.tags.isEmpty());
    QVERIFY(!part.usageDashboard);
    QVERIFY(part.experimentSet.isEmpty());
    QVERIFY(part.record.extra().isEmpty());
    QVERIFY(!whole.record.extra().isEmpty());

    // And it evaluates as the whole flag does, for everyone.
    for (int i = 0; i < 200; ++i) {
        const EvaluationContext someone = person(u"user-%1"_s.arg(i));
        const EvaluationResult a = evaluateOne(whole, someone);
        const EvaluationResult b = evaluateOne(part, someone);
        QCOMPARE(b.value, a.value);
        QCOMPARE(b.reason, a.reason);
        QCOMPARE(b.payload, a.payload);
    }
}

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
