// Flag evaluation against stored people: test_evaluation (value, reason, and the explanation of
// every condition and property) for each reason, evaluation_reasons across flags, and
// create_static_cohort_for_flag, whose members must be exactly those core's engine finds.
#include "engine.h"
#include "storage/cohort_repository.h"
#include "storage/group_repository.h"
#include "storage/person_repository.h"
#include "test_server.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting::server;

namespace {

QJsonObject prop(const QString &key, const QJsonValue &value, const QString &op = u"exact"_s)
{
    return {{u"key"_s, key}, {u"type"_s, u"person"_s}, {u"value"_s, value}, {u"operator"_s, op}};
}

QJsonObject condition(const QJsonArray &properties, double rollout = 100)
{
    return {{u"properties"_s, properties}, {u"rollout_percentage"_s, rollout}};
}

QJsonObject flagBody(const QString &key, const QJsonArray &conditions,
                     const QJsonObject &extra = {})
{
    QJsonObject filters = extra;
    filters.insert(u"groups"_s, conditions);
    return {{u"key"_s, key}, {u"filters"_s, filters}};
}

QJsonObject cohortProp(qint64 id)
{
    return {{u"key"_s, u"id"_s}, {u"type"_s, u"cohort"_s}, {u"value"_s, id}};
}

double bucketOf(const QString &flagKey, const QString &distinctId)
{
    return bunting::bucketHash((flagKey + u'.').toUtf8(), distinctId.toUtf8());
}

QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace

class TestFlagEvaluation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_server.reset(); }

    void conditionMatchExplained();
    void noConditionMatch();
    void rolloutBound();
    void disabledAndDeletedFlags();
    void cohortConditions();
    void groupFlag();
    void variantsAndPayloads();
    void flagDependency();
    void unknownDistinctIdAndRequestProperties();
    void byPersonId();
    void atATimestamp();
    void badRequests_data();
    void badRequests();
    void evaluationReasonsAcrossFlags();
    void evaluationReasonsRequests();
    void staticCohortForFlagMatchesTheEngine();
    void staticCohortForFlagWithNobody();
    void staticCohortForFlagUsesStaticCohorts();
    void scopes();
    void otherProjects();

private:
    QString flagPath(qint64 id, const QString &action) const
    {
        return m_server->flags(u"%1/%2/"_s.arg(id).arg(action));
    }
    qint64 createFlag(const QJsonObject &body)
    {
        const QJsonObject flag = m_server->createFlag(body);
        return flag.value("id"_L1).toInteger();
    }
    QJsonObject testEvaluation(qint64 flag, const QJsonObject &body, int status = 200);
    qint64 createCohort(const QJsonObject &body);
    QString reasons(const QString &query) const
    {
        return m_server->flags(u"evaluation_reasons/?"_s + query);
    }

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<PersonRepository> m_persons;
    std::unique_ptr<GroupRepository> m_groups;
    Person m_alice;
    Person m_bob;
};

void TestFlagEvaluation::init()
{
    m_server = std::make_unique<TestServer>();
    m_persons = std::make_unique<PersonRepository>(m_server->server().database());
    m_groups = std::make_unique<GroupRepository>(m_server->server().database());
    // This repository is not the server's, so its new group types reach the SDK endpoints'
    // snapshot as the server's own repository's would: through a notice.
    m_groups->typeAdded.listen(
        [this](qint64 projectId) { m_server->server().snapshots().invalidate(projectId); });
    const qint64 project = m_server->projectId();
    m_alice = m_persons->create(
        project, {u"alice"_s, u"alice-phone"_s},
        {{u"email"_s, u"alice@acme.com"_s}, {u"plan"_s, u"pro"_s}, {u"age"_s, 30}});
    m_bob = m_persons->create(project, {u"bob"_s},
                              {{u"email"_s, u"bob@other.com"_s}, {u"plan"_s, u"free"_s}});
}

QJsonObject TestFlagEvaluation::testEvaluation(qint64 flag, const QJsonObject &body, int status)
{
    const auto reply = m_server->post(flagPath(flag, u"test_evaluation"_s), body);
    if (reply.status != status)
        qWarning("test_evaluation answered %d: %s", reply.status, reply.body.constData());
    return reply.status == status ? reply.object() : QJsonObject{{u"unexpected"_s, reply.status}};
}

qint64 TestFlagEvaluation::createCohort(const QJsonObject &body)
{
    const auto reply =
        m_server->post(u"/api/projects/%1/cohorts/"_s.arg(m_server->projectId()), body);
    if (reply.status != 201)
        qWarning("creating a cohort answered %d: %s", reply.status, reply.body.constData());
    return reply.object().value("id"_L1).toInteger();
}

void TestFlagEvaluation::conditionMatchExplained()
{
    const qint64 id = createFlag(flagBody(
        u"checkout"_s, {condition({prop(u"email"_s, u"@acme.com"_s, u"icontains"_s)}),
                        condition({prop(u"plan"_s, QJsonArray{u"pro"_s, u"enterprise"_s})})}));
    const QJsonObject answer = testEvaluation(id, {{u"distinct_id"_s, u"alice"_s}});
    const QJsonObject expected{
        {u"flag_key"_s, u"checkout"_s},
        {u"result"_s, true},
        {u"reason"_s, u"condition_match"_s},
        {u"reason_description"_s, u"Matched condition set 1"_s},
        {u"condition_index"_s, 0},
        {u"payload"_s, QJsonValue()},
        // Only what the flag reads: not the age.
        {u"person_properties"_s,
         QJsonObject{{u"email"_s, u"alice@acme.com"_s}, {u"plan"_s, u"pro"_s}}},
        {u"evaluation_distinct_id"_s, u"alice"_s},
        {u"conditions"_s,
         QJsonArray{
             QJsonObject{
                 {u"index"_s, 0},
                 {u"matched"_s, true},
                 {u"properties_matched"_s, true},
                 {u"explanation"_s, u"All 1 property filter(s) matched and the identifier is "
                                    "inside the 100% rollout."_s},
                 {u"rollout_percentage"_s, 100},
                 {u"rollout_excluded"_s, false},
                 {u"variant"_s, QJsonValue()},
                 {u"properties"_s,
                  QJsonArray{QJsonObject{{u"key"_s, u"email"_s},
                                         {u"operator"_s, u"icontains"_s},
                                         {u"value"_s, u"@acme.com"_s},
                                         {u"type"_s, u"person"_s},
                                         {u"actual_value"_s, u"alice@acme.com"_s},
                                         {u"matched"_s, true},
                                         {u"explanation"_s,
                                          u"'email' is \u0022alice@acme.com\u0022, which matches "
                                          "icontains \u0022@acme.com\u0022."_s}}}}},
             QJsonObject{
                 {u"index"_s, 1},
                 {u"matched"_s, false},
                 {u"properties_matched"_s, true},
                 {u"explanation"_s,
                  u"Properties matched, but condition set 1 decided the flag first."_s},
                 {u"rollout_percentage"_s, 100},
                 {u"rollout_excluded"_s, false},
                 {u"variant"_s, QJsonValue()},
                 {u"properties"_s,
                  QJsonArray{QJsonObject{{u"key"_s, u"plan"_s},
                                         {u"operator"_s, u"exact"_s},
                                         {u"value"_s, QJsonArray{u"pro"_s, u"enterprise"_s}},
                                         {u"type"_s, u"person"_s},
                                         {u"actual_value"_s, u"pro"_s},
                                         {u"matched"_s, true},
                                         {u"explanation"_s,
                                          u"'plan' is \u0022pro\u0022, which matches exact "
                                          "[\u0022pro\u0022,\u0022enterprise\u0022]."_s}}}}}}},
    };
    QCOMPARE(answer, expected);
}

void TestFlagEvaluation::noConditionMatch()
{
    const qint64 id = createFlag(
        flagBody(u"checkout"_s,
                 {condition({prop(u"email"_s, u"@acme.com"_s, u"icontains"_s)}),
                  condition({prop(u"plan"_s, u"pro"_s), prop(u"age"_s, u"18"_s, u"gte"_s)})}));
    const QJsonObject answer = testEvaluation(id, {{u"distinct_id"_s, u"bob"_s}});
    QCOMPARE(answer.value("result"_L1), QJsonValue(false));
    QCOMPARE(answer.value("reason"_L1), QJsonValue(u"no_condition_match"_s));
    QCOMPARE(answer.value("reason_description"_L1), QJsonValue(u"No matching condition set"_s));
    const QJsonArray conditions = answer.value("conditions"_L1).toArray();
    QCOMPARE(conditions.size(), 2);
    for (const QJsonValue &c : conditions) {
        QCOMPARE(c["matched"_L1], QJsonValue(false));
        QCOMPARE(c["properties_matched"_L1], QJsonValue(false));
        QCOMPARE(c["rollout_excluded"_L1], QJsonValue(false));
    }
    QCOMPARE(conditions[0]["explanation"_L1],
             QJsonValue(u"Did not match: 'email' did not match."_s));
    QCOMPARE(conditions[1]["explanation"_L1],
             QJsonValue(u"Did not match: 'plan', 'age' did not match."_s));
    // Every property is explained, even after the first that failed.
    QCOMPARE(conditions[1]["properties"_L1][1].toObject(),
             (QJsonObject{{u"key"_s, u"age"_s},
                          {u"operator"_s, u"gte"_s},
                          {u"value"_s, u"18"_s},
                          {u"type"_s, u"person"_s},
                          {u"actual_value"_s, QJsonValue()},
                          {u"matched"_s, false},
                          {u"explanation"_s,
                           u"'age' is not set, so gte \u002218\u0022 does not match."_s}}));
    QCOMPARE(conditions[1]["properties"_L1][0]["actual_value"_L1], QJsonValue(u"free"_s));
}

void TestFlagEvaluation::rolloutBound()
{
    const qint64 id = createFlag(flagBody(u"half"_s, {condition({}, 50)}));
    QString inside;
    QString outside;
    for (int i = 0; i < 50 && (inside.isEmpty() || outside.isEmpty()); ++i) {
        const QString candidate = u"user-%1"_s.arg(i);
        (bucketOf(u"half"_s, candidate) <= 0.5 ? inside : outside) = candidate;
    }
    QVERIFY(!inside.isEmpty() && !outside.isEmpty());

    const QJsonObject in = testEvaluation(id, {{u"distinct_id"_s, inside}});
    QCOMPARE(in.value("reason"_L1), QJsonValue(u"condition_match"_s));
    QCOMPARE(in.value("result"_L1), QJsonValue(true));
    const QJsonObject out = testEvaluation(id, {{u"distinct_id"_s, outside}});
    QCOMPARE(out.value("result"_L1), QJsonValue(false));
    QCOMPARE(out.value("reason"_L1), QJsonValue(u"out_of_rollout_bound"_s));
    QCOMPARE(out.value("reason_description"_L1), QJsonValue(u"Out of rollout bound"_s));
    QCOMPARE(out.value("condition_index"_L1), QJsonValue(0));
    const QJsonObject c = out.value("conditions"_L1)[0].toObject();
    QCOMPARE(c.value("matched"_L1), QJsonValue(false));
    QCOMPARE(c.value("properties_matched"_L1), QJsonValue(true));
    QCOMPARE(c.value("rollout_excluded"_L1), QJsonValue(true));
    QCOMPARE(c.value("rollout_percentage"_L1), QJsonValue(50));
    QCOMPARE(c.value("explanation"_L1),
             QJsonValue(u"The condition has no property filters, but the identifier is outside "
                        "the 50% (bucket %1%) rollout."_s.arg(
                            QString::number(bucketOf(u"half"_s, outside) * 100, 'f', 2))));
    // A rollout of 0 leaves everyone out.
    const qint64 none =
        createFlag(flagBody(u"none"_s, {condition({prop(u"plan"_s, u"pro"_s)}, 0)}));
    QCOMPARE(testEvaluation(none, {{u"distinct_id"_s, u"alice"_s}}).value("reason"_L1),
             QJsonValue(u"out_of_rollout_bound"_s));
}

void TestFlagEvaluation::disabledAndDeletedFlags()
{
    QJsonObject body = flagBody(u"off"_s, {condition({prop(u"plan"_s, u"pro"_s)})});
    body.insert(u"active"_s, false);
    const qint64 off = createFlag(body);
    const QJsonObject answer = testEvaluation(off, {{u"distinct_id"_s, u"alice"_s}});
    QCOMPARE(answer.value("result"_L1), QJsonValue(false));
    QCOMPARE(answer.value("reason"_L1), QJsonValue(u"flag_disabled"_s));
    QCOMPARE(answer.value("reason_description"_L1), QJsonValue(u"Feature flag is disabled"_s));
    QCOMPARE(answer.value("condition_index"_L1), QJsonValue());
    QCOMPARE(answer.value("conditions"_L1)[0].toObject(),
             (QJsonObject{{u"index"_s, 0},
                          {u"matched"_s, false},
                          {u"properties_matched"_s, false},
                          {u"explanation"_s, u"Not evaluated: the flag is disabled."_s},
                          {u"rollout_percentage"_s, 100},
                          {u"rollout_excluded"_s, false},
                          {u"variant"_s, QJsonValue()},
                          {u"properties"_s, QJsonArray()}}));

    const qint64 gone = createFlag(flagBody(u"gone"_s, {condition({})}));
    QCOMPARE(
        m_server->patch(m_server->flags(QString::number(gone)), QJsonObject{{u"deleted"_s, true}})
            .status,
        200);
    const QJsonObject deleted = testEvaluation(gone, {{u"distinct_id"_s, u"alice"_s}});
    QCOMPARE(deleted.value("reason"_L1), QJsonValue(u"flag_disabled"_s));
    QCOMPARE(deleted.value("conditions"_L1)[0]["explanation"_L1],
             QJsonValue(u"Not evaluated: the flag is deleted."_s));
}

void TestFlagEvaluation::cohortConditions()
{
    const qint64 pro = createCohort(
        {{u"name"_s, u"Pro"_s},
         {u"filters"_s,
          QJsonObject{{u"properties"_s,
                       QJsonObject{{u"type"_s, u"AND"_s},
                                   {u"values"_s, QJsonArray{prop(u"plan"_s, u"pro"_s)}}}}}}});
    const qint64 picked = createCohort({{u"name"_s, u"Picked"_s},
                                        {u"is_static"_s, true},
                                        {u"_create_static_person_ids"_s, QJsonArray{m_bob.uuid}}});
    const qint64 id = createFlag(
        flagBody(u"cohorts"_s, {condition({cohortProp(pro)}), condition({cohortProp(picked)})}));

    const QJsonObject alice = testEvaluation(id, {{u"distinct_id"_s, u"alice-phone"_s}});
    QCOMPARE(alice.value("reason"_L1), QJsonValue(u"condition_match"_s));
    QCOMPARE(alice.value("condition_index"_L1), QJsonValue(0));
    // The properties the cohort reads are shown too.
    QCOMPARE(alice.value("person_properties"_L1), QJsonValue(QJsonObject{{u"plan"_s, u"pro"_s}}));
    QCOMPARE(alice.value("conditions"_L1)[0]["properties"_L1][0].toObject(),
             (QJsonObject{{u"key"_s, u"id"_s},
                          {u"operator"_s, u"in"_s},
                          {u"value"_s, pro},
                          {u"type"_s, u"cohort"_s},
                          {u"actual_value"_s, true},
                          {u"matched"_s, true},
                          {u"explanation"_s, u"The person is in cohort %1 (Pro); the condition "
                                             "wants them in it."_s.arg(pro)}}));
    QCOMPARE(alice.value("conditions"_L1)[1]["properties"_L1][0]["actual_value"_L1],
             QJsonValue(false));

    // Bob is in no dynamic cohort, but in the static one.
    const QJsonObject bob = testEvaluation(id, {{u"distinct_id"_s, u"bob"_s}});
    QCOMPARE(bob.value("reason"_L1), QJsonValue(u"condition_match"_s));
    QCOMPARE(bob.value("condition_index"_L1), QJsonValue(1));
    QCOMPARE(
        bob.value("conditions"_L1)[0]["properties"_L1][0]["explanation"_L1],
        QJsonValue(
            u"The person is not in cohort %1 (Pro); the condition wants them in it."_s.arg(pro)));
    QCOMPARE(bob.value("conditions"_L1)[1]["matched"_L1], QJsonValue(true));

    // Somebody unknown is in neither.
    QCOMPARE(testEvaluation(id, {{u"distinct_id"_s, u"carol"_s}}).value("reason"_L1),
             QJsonValue(u"no_condition_match"_s));
}

void TestFlagEvaluation::groupFlag()
{
    const qint64 project = m_server->projectId();
    const int company = *m_groups->ensureMapping(project, u"company"_s);
    m_groups->updateGroup(project, company, u"acme"_s, {{u"plan"_s, u"enterprise"_s}});
    m_groups->updateGroup(project, company, u"initech"_s, {{u"plan"_s, u"free"_s}});
    const QJsonObject groupProp{{u"key"_s, u"plan"_s},
                                {u"type"_s, u"group"_s},
                                {u"group_type_index"_s, company},
                                {u"value"_s, u"enterprise"_s},
                                {u"operator"_s, u"exact"_s}};
    const qint64 id = createFlag(flagBody(u"b2b"_s, {condition({groupProp})},
                                          {{u"aggregation_group_type_index"_s, company}}));

    const QJsonObject acme = testEvaluation(
        id, {{u"distinct_id"_s, u"bob"_s}, {u"groups"_s, QJsonObject{{u"company"_s, u"acme"_s}}}});
    QCOMPARE(acme.value("reason"_L1), QJsonValue(u"condition_match"_s));
    QCOMPARE(acme.value("result"_L1), QJsonValue(true));
    QCOMPARE(acme.value("person_properties"_L1), QJsonValue(QJsonObject()));
    const QJsonObject check = acme.value("conditions"_L1)[0]["properties"_L1][0].toObject();
    QCOMPARE(check.value("type"_L1), QJsonValue(u"group"_s));
    QCOMPARE(check.value("actual_value"_L1), QJsonValue(u"enterprise"_s));

    const QJsonObject initech =
        testEvaluation(id, {{u"distinct_id"_s, u"bob"_s},
                            {u"groups"_s, QJsonObject{{u"company"_s, u"initech"_s}}}});
    QCOMPARE(initech.value("reason"_L1), QJsonValue(u"no_condition_match"_s));

    const QJsonObject noGroup = testEvaluation(id, {{u"distinct_id"_s, u"bob"_s}});
    QCOMPARE(noGroup.value("result"_L1), QJsonValue(false));
    QCOMPARE(noGroup.value("reason"_L1), QJsonValue(u"no_group_type"_s));
    QCOMPARE(noGroup.value("conditions"_L1)[0].toObject(),
             (QJsonObject{{u"index"_s, 0},
                          {u"matched"_s, false},
                          {u"properties_matched"_s, false},
                          {u"explanation"_s, u"Not evaluated: the condition is for the group "
                                             "type 'company', and the request named no "
                                             "company."_s},
                          {u"rollout_percentage"_s, 100},
                          {u"rollout_excluded"_s, false},
                          {u"variant"_s, QJsonValue()},
                          {u"properties"_s, QJsonArray()}}));

    // A group the server has not seen, with the request's properties for it.
    const QJsonObject told = testEvaluation(
        id, {{u"distinct_id"_s, u"bob"_s},
             {u"groups"_s, QJsonObject{{u"company"_s, u"globex"_s}}},
             {u"group_properties"_s,
              QJsonObject{{u"company"_s, QJsonObject{{u"plan"_s, u"enterprise"_s}}}}}});
    QCOMPARE(told.value("reason"_L1), QJsonValue(u"condition_match"_s));
    // The request's properties win over the stored ones.
    const QJsonObject overridden = testEvaluation(
        id,
        {{u"distinct_id"_s, u"bob"_s},
         {u"groups"_s, QJsonObject{{u"company"_s, u"acme"_s}}},
         {u"group_properties"_s, QJsonObject{{u"company"_s, QJsonObject{{u"plan"_s, u"x"_s}}}}}});
    QCOMPARE(overridden.value("reason"_L1), QJsonValue(u"no_condition_match"_s));
}

void TestFlagEvaluation::variantsAndPayloads()
{
    const QString payload = jsonText({{u"color"_s, u"black"_s}});
    QJsonObject second = condition({prop(u"plan"_s, u"free"_s)});
    second.insert(u"variant"_s, u"light"_s);
    const qint64 id = createFlag(flagBody(
        u"theme"_s, {condition({prop(u"plan"_s, u"pro"_s)}), second},
        {{u"multivariate"_s,
          QJsonObject{
              {u"variants"_s,
               QJsonArray{QJsonObject{{u"key"_s, u"dark"_s}, {u"rollout_percentage"_s, 100}},
                          QJsonObject{{u"key"_s, u"light"_s}, {u"rollout_percentage"_s, 0}}}}}},
         {u"payloads"_s, QJsonObject{{u"dark"_s, payload}}}}));
    const QJsonObject alice = testEvaluation(id, {{u"distinct_id"_s, u"alice"_s}});
    QCOMPARE(alice.value("result"_L1), QJsonValue(u"dark"_s));
    QCOMPARE(alice.value("payload"_L1), QJsonValue(payload));
    QCOMPARE(alice.value("conditions"_L1)[0]["variant"_L1], QJsonValue(u"dark"_s));
    QCOMPARE(alice.value("conditions"_L1)[1]["variant"_L1], QJsonValue(u"light"_s));
    const QJsonObject bob = testEvaluation(id, {{u"distinct_id"_s, u"bob"_s}});
    QCOMPARE(bob.value("result"_L1), QJsonValue(u"light"_s));
    QCOMPARE(bob.value("condition_index"_L1), QJsonValue(1));
    QCOMPARE(bob.value("payload"_L1), QJsonValue());
}

void TestFlagEvaluation::flagDependency()
{
    const qint64 parent =
        createFlag(flagBody(u"parent"_s, {condition({prop(u"plan"_s, u"pro"_s)})}));
    const qint64 child = createFlag(
        flagBody(u"child"_s, {condition({QJsonObject{{u"key"_s, QString::number(parent)},
                                                     {u"type"_s, u"flag"_s},
                                                     {u"value"_s, true},
                                                     {u"operator"_s, u"flag_evaluates_to"_s}}})}));
    QVERIFY(child > 0);
    const QJsonObject alice = testEvaluation(child, {{u"distinct_id"_s, u"alice"_s}});
    QCOMPARE(alice.value("reason"_L1), QJsonValue(u"condition_match"_s));
    const QJsonObject check = alice.value("conditions"_L1)[0]["properties"_L1][0].toObject();
    QCOMPARE(check.value("type"_L1), QJsonValue(u"flag"_s));
    QCOMPARE(check.value("operator"_L1), QJsonValue(u"flag_evaluates_to"_s));
    QCOMPARE(check.value("actual_value"_L1), QJsonValue(true));
    QCOMPARE(check.value("explanation"_L1),
             QJsonValue(u"Flag parent evaluated to true; the condition wants true."_s));
    const QJsonObject bob = testEvaluation(child, {{u"distinct_id"_s, u"bob"_s}});
    QCOMPARE(bob.value("reason"_L1), QJsonValue(u"no_condition_match"_s));
    QCOMPARE(bob.value("conditions"_L1)[0]["properties"_L1][0]["actual_value"_L1],
             QJsonValue(false));
}

void TestFlagEvaluation::unknownDistinctIdAndRequestProperties()
{
    const qint64 id = createFlag(
        flagBody(u"acme"_s, {condition({prop(u"email"_s, u"@acme.com"_s, u"icontains"_s)})}));
    const QJsonObject stranger = testEvaluation(id, {{u"distinct_id"_s, u"stranger"_s}});
    QCOMPARE(stranger.value("result"_L1), QJsonValue(false));
    QCOMPARE(stranger.value("person_properties"_L1), QJsonValue(QJsonObject()));
    QCOMPARE(stranger.value("evaluation_distinct_id"_L1), QJsonValue(u"stranger"_s));
    const QJsonObject told =
        testEvaluation(id, {{u"distinct_id"_s, u"stranger"_s},
                            {u"person_properties"_s, QJsonObject{{u"email"_s, u"s@ACME.com"_s}}}});
    QCOMPARE(told.value("result"_L1), QJsonValue(true));
    QCOMPARE(told.value("person_properties"_L1),
             QJsonValue(QJsonObject{{u"email"_s, u"s@ACME.com"_s}}));
    // The request's properties win over the stored ones.
    const QJsonObject overridden = testEvaluation(
        id, {{u"distinct_id"_s, u"alice"_s},
             {u"person_properties"_s, QJsonObject{{u"email"_s, u"alice@elsewhere.org"_s}}}});
    QCOMPARE(overridden.value("result"_L1), QJsonValue(false));
    QCOMPARE(m_persons->findByDistinctId(m_server->projectId(), u"alice"_s)->properties,
             m_alice.properties);
}

void TestFlagEvaluation::byPersonId()
{
    const qint64 id = createFlag(flagBody(u"half"_s, {condition({prop(u"plan"_s, u"pro"_s)}, 50)}));
    // Alice's evaluation id is her smallest distinct id.
    const bool inside = bucketOf(u"half"_s, u"alice"_s) <= 0.5;
    for (const QString &personId : {m_alice.uuid, QString::number(m_alice.id)}) {
        const QJsonObject answer = testEvaluation(id, {{u"person_id"_s, personId}});
        QCOMPARE(answer.value("evaluation_distinct_id"_L1), QJsonValue());
        QCOMPARE(answer.value("result"_L1), QJsonValue(inside));
        QCOMPARE(answer.value("person_properties"_L1),
                 QJsonValue(QJsonObject{{u"plan"_s, u"pro"_s}}));
    }
    const auto missing = m_server->post(flagPath(id, u"test_evaluation"_s),
                                        QJsonObject{{u"person_id"_s, u"424242"_s}});
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.object().value("detail"_L1),
             QJsonValue(u"Person not found for person_id: 424242"_s));
    QCOMPARE(m_server
                 ->post(flagPath(id, u"test_evaluation"_s),
                        QJsonObject{{u"person_id"_s, u"not-a-uuid"_s}})
                 .status,
             404);
}

void TestFlagEvaluation::atATimestamp()
{
    const QJsonObject created =
        m_server->createFlag(flagBody(u"evolving"_s, {condition({prop(u"plan"_s, u"pro"_s)}, 0)}));
    const qint64 id = created.value("id"_L1).toInteger();
    const QString before = created.value("created_at"_L1).toString();
    QTest::qWait(5);
    QCOMPARE(m_server
                 ->patch(m_server->flags(QString::number(id)),
                         QJsonObject{
                             {u"filters"_s,
                              QJsonObject{{u"groups"_s, QJsonArray{condition(
                                                            {prop(u"plan"_s, u"pro"_s)}, 100)}}}}})
                 .status,
             200);
    QCOMPARE(testEvaluation(id, {{u"distinct_id"_s, u"alice"_s}}).value("reason"_L1),
             QJsonValue(u"condition_match"_s));
    const QJsonObject then =
        testEvaluation(id, {{u"distinct_id"_s, u"alice"_s}, {u"timestamp"_s, before}});
    QCOMPARE(then.value("reason"_L1), QJsonValue(u"out_of_rollout_bound"_s));
    QCOMPARE(then.value("conditions"_L1)[0]["rollout_percentage"_L1], QJsonValue(0));

    const auto tooEarly = m_server->post(
        flagPath(id, u"test_evaluation"_s),
        QJsonObject{{u"distinct_id"_s, u"alice"_s}, {u"timestamp"_s, u"2000-01-01T00:00:00Z"_s}});
    QCOMPARE(tooEarly.status, 400);
    QCOMPARE(tooEarly.object().value("detail"_L1),
             QJsonValue(u"Feature flag 'evolving' did not exist at the specified timestamp."_s));
    // A naive timestamp is UTC.
    QCOMPARE(testEvaluation(
                 id, {{u"distinct_id"_s, u"alice"_s}, {u"timestamp"_s, u"2999-01-01T00:00:00"_s}})
                 .value("reason"_L1),
             QJsonValue(u"condition_match"_s));
}

void TestFlagEvaluation::badRequests_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QString>("attr");
    QTest::newRow("neither id") << u"{}"_s << u"Either distinct_id or person_id must be provided"_s
                                << QString();
    QTest::newRow("both ids") << uR"({"distinct_id":"alice","person_id":"1"})"_s
                              << u"Cannot provide both distinct_id and person_id"_s << QString();
    QTest::newRow("blank id") << uR"({"distinct_id":"  "})"_s << u"This field may not be blank."_s
                              << u"distinct_id"_s;
    QTest::newRow("id of a wrong type")
        << uR"({"distinct_id":["alice"]})"_s << u"Not a valid string."_s << u"distinct_id"_s;
    QTest::newRow("groups not an object") << uR"({"distinct_id":"alice","groups":"acme"})"_s
                                          << u"groups must be a JSON object"_s << u"groups"_s;
    QTest::newRow("group key not a string")
        << uR"({"distinct_id":"alice","groups":{"company":{"id":1}}})"_s
        << u"The key of group 'company' must be a string."_s << u"groups"_s;
    QTest::newRow("person properties not an object")
        << uR"({"distinct_id":"alice","person_properties":[1]})"_s
        << u"Expected a dictionary of items."_s << u"person_properties"_s;
    QTest::newRow("bad timestamp")
        << uR"({"distinct_id":"alice","timestamp":"yesterday"})"_s
        << u"Datetime has wrong format. Use one of these formats instead: "
           "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."_s
        << u"timestamp"_s;
}

void TestFlagEvaluation::badRequests()
{
    QFETCH(QString, body);
    QFETCH(QString, detail);
    QFETCH(QString, attr);
    const qint64 id = createFlag(flagBody(u"any"_s, {condition({})}));
    const auto reply = m_server->post(flagPath(id, u"test_evaluation"_s),
                                      QJsonDocument::fromJson(body.toUtf8()).object());
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value("type"_L1), QJsonValue(u"validation_error"_s));
    QCOMPARE(reply.object().value("detail"_L1), QJsonValue(detail));
    QCOMPARE(reply.object().value("attr"_L1), attr.isEmpty() ? QJsonValue() : QJsonValue(attr));
}

void TestFlagEvaluation::evaluationReasonsAcrossFlags()
{
    const qint64 project = m_server->projectId();
    const int company = *m_groups->ensureMapping(project, u"company"_s);
    createFlag(flagBody(u"checkout"_s, {condition({prop(u"email"_s, u"@acme"_s, u"icontains"_s)}),
                                        condition({prop(u"plan"_s, u"pro"_s)})}));
    createFlag(flagBody(u"free-only"_s, {condition({prop(u"plan"_s, u"free"_s)})}));
    createFlag(flagBody(u"half"_s, {condition({}, 50)}));
    QJsonObject off = flagBody(u"off"_s, {condition({})});
    off.insert(u"active"_s, false);
    createFlag(off);
    const qint64 gone = createFlag(flagBody(u"gone"_s, {condition({})}));
    m_server->patch(m_server->flags(QString::number(gone)), QJsonObject{{u"deleted"_s, true}});
    createFlag(flagBody(
        u"theme"_s, {condition({})},
        {{u"multivariate"_s,
          QJsonObject{{u"variants"_s, QJsonArray{QJsonObject{{u"key"_s, u"dark"_s},
                                                             {u"rollout_percentage"_s, 100}}}}}}}));
    createFlag(flagBody(u"b2b"_s, {condition({})}, {{u"aggregation_group_type_index"_s, company}}));

    const auto reply = m_server->get(reasons(u"distinct_id=alice"_s));
    QCOMPARE(reply.status, 200);
    const bool halfOn = bucketOf(u"half"_s, u"alice"_s) <= 0.5;
    const auto evaluation = [](const QJsonValue &value, const QString &reason,
                               const QJsonValue &index, const QString &description) {
        return QJsonObject{{u"value"_s, value},
                           {u"evaluation"_s, QJsonObject{{u"reason"_s, reason},
                                                         {u"condition_index"_s, index},
                                                         {u"description"_s, description}}}};
    };
    const QJsonObject expected{
        {u"checkout"_s, evaluation(true, u"condition_match"_s, 0, u"Matched condition set 1"_s)},
        {u"free-only"_s,
         evaluation(false, u"no_condition_match"_s,
                    reply.object()["free-only"_L1]["evaluation"_L1]["condition_index"_L1],
                    u"No matching condition set"_s)},
        {u"half"_s,
         halfOn ? evaluation(true, u"condition_match"_s, 0, u"Matched condition set 1"_s)
                : evaluation(false, u"out_of_rollout_bound"_s, 0, u"Out of rollout bound"_s)},
        {u"off"_s,
         QJsonObject{{u"value"_s, false},
                     {u"evaluation"_s, QJsonObject{{u"reason"_s, u"disabled"_s},
                                                   {u"condition_index"_s, QJsonValue()}}}}},
        {u"theme"_s, evaluation(u"dark"_s, u"condition_match"_s, 0, u"Matched condition set 1"_s)},
        {u"b2b"_s, evaluation(false, u"no_group_type"_s, 0, u"No group type"_s)},
    };
    QCOMPARE(reply.object(), expected);

    // With the group named, the group flag is on.
    const auto withGroup = m_server->get(
        reasons(u"distinct_id=alice&groups="_s +
                QString::fromLatin1(QUrl::toPercentEncoding(uR"({"company":"acme"})"_s))));
    QCOMPARE(withGroup.object()["b2b"_L1]["value"_L1], QJsonValue(true));
    // Bob matches the second flag only among the conditional ones.
    const auto bob = m_server->get(reasons(u"distinct_id=bob"_s));
    QCOMPARE(bob.object()["checkout"_L1]["value"_L1], QJsonValue(false));
    QCOMPARE(bob.object()["free-only"_L1]["value"_L1], QJsonValue(true));
    // flag_keys narrows the answer.
    const auto some = m_server->get(reasons(u"distinct_id=alice&flag_keys=checkout,off"_s));
    QCOMPARE(some.object().keys(), (QStringList{u"checkout"_s, u"off"_s}));
}

void TestFlagEvaluation::evaluationReasonsRequests()
{
    createFlag(flagBody(u"any"_s, {condition({})}));
    const auto missing = m_server->get(m_server->flags(u"evaluation_reasons/"_s));
    QCOMPARE(missing.status, 400);
    QCOMPARE(missing.object(), (QJsonObject{{u"type"_s, u"validation_error"_s},
                                            {u"code"_s, u"required"_s},
                                            {u"detail"_s, u"This field is required."_s},
                                            {u"attr"_s, u"distinct_id"_s}}));
    QCOMPARE(m_server->get(reasons(u"distinct_id="_s)).status, 400);
    const auto notJson = m_server->get(reasons(u"distinct_id=alice&groups=%7Bnope"_s));
    QCOMPARE(notJson.status, 400);
    QCOMPARE(notJson.object().value("detail"_L1),
             QJsonValue(u"Invalid JSON in groups parameter"_s));
    const auto notObject = m_server->get(reasons(u"distinct_id=alice&groups=%5B1%5D"_s));
    QCOMPARE(notObject.status, 400);
    QCOMPARE(notObject.object().value("detail"_L1), QJsonValue(u"groups must be a JSON object"_s));
    // Nobody known: evaluated with no properties.
    const auto stranger = m_server->get(reasons(u"distinct_id=stranger"_s));
    QCOMPARE(stranger.status, 200);
    QCOMPARE(stranger.object()["any"_L1]["value"_L1], QJsonValue(true));
}

void TestFlagEvaluation::staticCohortForFlagMatchesTheEngine()
{
    const qint64 project = m_server->projectId();
    for (int i = 0; i < 40; ++i) {
        QJsonObject properties{{u"plan"_s, i % 2 ? u"pro"_s : u"free"_s}, {u"n"_s, i}};
        if (i % 7 == 0)
            properties.insert(u"email"_s, u"user%1@vip.example"_s.arg(i));
        QStringList ids{u"user-%1"_s.arg(i)};
        if (i % 5 == 0)
            ids.append(u"device-%1"_s.arg(i));
        m_persons->create(project, ids, properties);
    }
    const QJsonObject flagJson = m_server->createFlag(
        flagBody(u"rollout"_s, {condition({prop(u"plan"_s, u"pro"_s)}, 60),
                                condition({prop(u"email"_s, u"@vip"_s, u"icontains"_s)})}));
    const qint64 flagId = flagJson.value("id"_L1).toInteger();

    const auto reply =
        m_server->post(flagPath(flagId, u"create_static_cohort_for_flag"_s), QJsonObject{});
    QCOMPARE(reply.status, 201);
    QCOMPARE(reply.object().keys(), QStringList{u"cohort"_s});
    const QJsonObject cohort = reply.object().value("cohort"_L1).toObject();
    QCOMPARE(cohort.value("is_static"_L1), QJsonValue(true));
    QCOMPARE(cohort.value("is_calculating"_L1), QJsonValue(false));
    QCOMPARE(cohort.value("created_by"_L1)["email"_L1], QJsonValue(u"owner@bunting.local"_s));
    static const QRegularExpression name(
        u"^Users with feature flag rollout enabled at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$"_s);
    QVERIFY2(name.match(cohort.value("name"_L1).toString()).hasMatch(),
             qPrintable(cohort.value("name"_L1).toString()));

    // The engine, directly, over the same persons.
    bunting::ProjectDefinitions definitions;
    definitions.flags.append(bunting::FeatureFlag::fromJson(flagJson));
    const auto engine = bunting::CompiledProject::compile(definitions);
    QList<qint64> expected;
    int pro = 0;
    for (const Person &person : m_persons->all(project)) {
        bunting::EvaluationContext context;
        context.distinctId =
            *std::min_element(person.distinctIds.begin(), person.distinctIds.end());
        context.personProperties = bunting::PropertyMap(person.properties);
        if (engine->evaluate(0, context).value.enabled)
            expected.append(person.id);
        pro += person.properties.value("plan"_L1) == QJsonValue(u"pro"_s);
    }
    std::sort(expected.begin(), expected.end());
    // The rollout splits the pro persons, and the VIPs all get in.
    QVERIFY(expected.size() > 6);
    QVERIFY(expected.size() < pro + 6);

    CohortRepository cohorts(m_server->server().database());
    const qint64 cohortId = cohort.value("id"_L1).toInteger();
    QCOMPARE(cohorts.members(cohortId), expected);
    QCOMPARE(cohort.value("count"_L1), QJsonValue(expected.size()));
    const auto listed = m_server->get(
        u"/api/projects/%1/cohorts/%2/persons/?limit=1000"_s.arg(project).arg(cohortId));
    QCOMPARE(listed.object().value("count"_L1), QJsonValue(expected.size()));
}

void TestFlagEvaluation::staticCohortForFlagWithNobody()
{
    QJsonObject off = flagBody(u"off"_s, {condition({})});
    off.insert(u"active"_s, false);
    const qint64 offId = createFlag(off);
    const auto inactive =
        m_server->post(flagPath(offId, u"create_static_cohort_for_flag"_s), QJsonObject{});
    QCOMPARE(inactive.status, 201);
    QCOMPARE(inactive.object()["cohort"_L1]["count"_L1], QJsonValue(0));

    const int company = *m_groups->ensureMapping(m_server->projectId(), u"company"_s);
    const qint64 groupId = createFlag(
        flagBody(u"b2b"_s, {condition({})}, {{u"aggregation_group_type_index"_s, company}}));
    const auto grouped =
        m_server->post(flagPath(groupId, u"create_static_cohort_for_flag"_s), QJsonObject{});
    QCOMPARE(grouped.status, 201);
    QCOMPARE(grouped.object()["cohort"_L1]["count"_L1], QJsonValue(0));

    const qint64 everyone = createFlag(flagBody(u"everyone"_s, {condition({})}));
    const auto all =
        m_server->post(flagPath(everyone, u"create_static_cohort_for_flag"_s), QJsonObject{});
    QCOMPARE(all.object()["cohort"_L1]["count"_L1], QJsonValue(2));
    QCOMPARE(
        m_server->post(flagPath(9999, u"create_static_cohort_for_flag"_s), QJsonObject{}).status,
        404);
}

void TestFlagEvaluation::staticCohortForFlagUsesStaticCohorts()
{
    const qint64 picked = createCohort({{u"name"_s, u"Picked"_s},
                                        {u"is_static"_s, true},
                                        {u"_create_static_person_ids"_s, QJsonArray{m_bob.uuid}}});
    const qint64 id = createFlag(flagBody(u"picked-only"_s, {condition({cohortProp(picked)})}));
    const auto reply =
        m_server->post(flagPath(id, u"create_static_cohort_for_flag"_s), QJsonObject{});
    QCOMPARE(reply.status, 201);
    CohortRepository cohorts(m_server->server().database());
    QCOMPARE(cohorts.members(reply.object()["cohort"_L1]["id"_L1].toInteger()),
             QList<qint64>{m_bob.id});
}

void TestFlagEvaluation::scopes()
{
    const qint64 id = createFlag(flagBody(u"any"_s, {condition({})}));
    const QString reader = m_server->keyWithScopes({u"feature_flag:read"_s});
    QCOMPARE(m_server
                 ->post(flagPath(id, u"test_evaluation"_s),
                        QJsonObject{{u"distinct_id"_s, u"alice"_s}}, reader)
                 .status,
             200);
    QCOMPARE(m_server->get(reasons(u"distinct_id=alice"_s), reader).status, 200);
    const auto refused =
        m_server->post(flagPath(id, u"create_static_cohort_for_flag"_s), QJsonObject{}, reader);
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.object().value("detail"_L1),
             QJsonValue(u"API key missing required scope 'feature_flag:write'"_s));
    const QString cohortWriter = m_server->keyWithScopes({u"cohort:write"_s, u"person:read"_s});
    QCOMPARE(m_server
                 ->post(flagPath(id, u"test_evaluation"_s),
                        QJsonObject{{u"distinct_id"_s, u"alice"_s}}, cohortWriter)
                 .status,
             403);
    QCOMPARE(m_server->get(reasons(u"distinct_id=alice"_s), cohortWriter).status, 403);
    QCOMPARE(
        m_server
            ->post(flagPath(id, u"create_static_cohort_for_flag"_s), QJsonObject{}, cohortWriter)
            .status,
        403);
    const QString writer = m_server->keyWithScopes({u"feature_flag:write"_s});
    QCOMPARE(m_server->post(flagPath(id, u"create_static_cohort_for_flag"_s), QJsonObject{}, writer)
                 .status,
             201);
    QCOMPARE(m_server->post(flagPath(id, u"test_evaluation"_s), QJsonObject{}, QString()).status,
             401);
}

void TestFlagEvaluation::otherProjects()
{
    const qint64 id = createFlag(flagBody(u"mine"_s, {condition({})}));
    const qint64 second = m_server->createProject(u"Second"_s);
    const QString elsewhere = u"/api/projects/%1/feature_flags/%2/"_s.arg(second).arg(id);
    QCOMPARE(
        m_server
            ->post(elsewhere + u"test_evaluation/"_s, QJsonObject{{u"distinct_id"_s, u"alice"_s}})
            .status,
        404);
    QCOMPARE(m_server->post(elsewhere + u"create_static_cohort_for_flag/"_s, QJsonObject{}).status,
             404);
    // The second project has neither the flag nor the persons.
    const auto reasonsThere = m_server->get(
        u"/api/projects/%1/feature_flags/evaluation_reasons/?distinct_id=alice"_s.arg(second));
    QCOMPARE(reasonsThere.status, 200);
    QCOMPARE(reasonsThere.object(), QJsonObject());
    QCOMPARE(m_server->get(u"/api/projects/%1/cohorts/"_s.arg(second)).object().value("count"_L1),
             QJsonValue(0));
    // Persons of another project are unknown here, even by person id.
    const Person elsewherePerson = m_persons->create(second, {u"zed"_s}, {});
    const auto unknown = m_server->post(flagPath(id, u"test_evaluation"_s),
                                        QJsonObject{{u"person_id"_s, elsewherePerson.uuid}});
    QCOMPARE(unknown.status, 404);
    // And a key limited to the second project cannot reach the first.
    const QString limited = m_server->keyWithScopes({u"*"_s}, {second});
    QCOMPARE(m_server
                 ->post(flagPath(id, u"test_evaluation"_s),
                        QJsonObject{{u"distinct_id"_s, u"alice"_s}}, limited)
                 .status,
             404);
}

QTEST_GUILESS_MAIN(TestFlagEvaluation)
#include "tst_flag_evaluation.moc"
