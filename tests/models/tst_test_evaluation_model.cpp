// TestEvaluationModel against a real server through a real client: the headline and every
// condition's checks agree with core's engine evaluating the same definitions directly.
#include "client.h"
#include "engine.h"
#include "evaluation_reason_text.h"
#include "made_up_properties.h"
#include "test_builders.h"
#include "test_evaluation_model.h"
#include "test_server.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using models::TestEvaluationModel;
using models::TestEvaluationRequest;
using State = TestEvaluationModel::State;
using test_builders::condition;
using test_builders::Person;
using test_builders::personProperty;

namespace {

// Three condition sets over exact (a list), icontains, gt, lt, regex and is_not_set.
QJsonObject checkoutFlag()
{
    return {
        {u"key"_s, u"checkout"_s},
        {u"filters"_s,
         QJsonObject{
             {u"groups"_s,
              QJsonArray{
                  condition(100, {personProperty(u"email"_s, u"@acme"_s, u"icontains"_s)}),
                  condition(50, {personProperty(u"age"_s, u"30"_s, u"gt"_s),
                                 personProperty(u"plan"_s, QJsonArray{u"pro"_s, u"enterprise"_s},
                                                u"exact"_s)}),
                  condition(20, {personProperty(u"beta"_s, QJsonValue::Undefined, u"is_not_set"_s),
                                 personProperty(u"age"_s, u"60"_s, u"lt"_s)}),
              }},
             {u"payloads"_s, QJsonObject{{u"true"_s, u"{\"discount\": 10}"_s}}}}}};
}

QJsonObject variantFlag()
{
    QJsonObject filters = test_builders::flagFilters(
        {condition(100, {personProperty(u"plan"_s, u"enterprise"_s, u"exact"_s)}, u"test"_s),
         condition(70, {personProperty(u"email"_s, u"^[a-m]"_s, u"regex"_s)})},
        test_builders::multivariate({{u"control"_s, 50}, {u"test"_s, 50}}));
    filters.insert(u"payloads"_s, QJsonObject{{u"test"_s, u"\"green\""_s}});
    return {{u"key"_s, u"new-pricing"_s}, {u"filters"_s, filters}};
}

QList<Person> somePersons(int count)
{
    const QStringList plans{u"free"_s, u"pro"_s, u"enterprise"_s};
    const QStringList names{u"ann"_s, u"bob"_s, u"kim"_s, u"ned"_s, u"zoe"_s, u"tom"_s};
    QList<Person> persons;
    for (int i = 0; i < count; ++i) {
        Person p;
        p.distinctId = u"person-%1"_s.arg(i);
        p.properties.insert(u"plan"_s, plans.at(i % plans.size()));
        if (i % 5 != 0)
            p.properties.insert(u"age"_s, 18 + (i * 7) % 55);
        if (i % 4 != 3)
            p.properties.insert(u"email"_s, u"%1%2@%3.com"_s.arg(names.at(i % names.size()))
                                                .arg(i)
                                                .arg(i % 7 == 0 ? u"acme"_s : u"example"_s));
        if (i % 6 == 1)
            p.properties.insert(u"beta"_s, true);
        persons.append(p);
    }
    return persons;
}

QString stateName(State state)
{
    return QString::number(int(state));
}

} // namespace

class TestTestEvaluationModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void agreesWithTheEngine();
    void treeShowsExpectedBesideActual();
    void outOfRolloutIsShown();
    void unknownPersonHasNoProperties();
    void newerEvaluationDropsTheOlder();
    void timestampBeforeTheFlagIsTheServersError();
    void badTimestampFails();
    void timestampAfterCreationEvaluates();
    void unknownFlagFails();
    void unreachableServerFails();
    void reasonSentences();
    void madeUpPropertiesDecide();
    void saysWhetherThePersonIsKnown();
    void readsMadeUpProperties();

private:
    ProjectDefinitions serverProject();
    bool evaluate(qint64 flagId, const QString &distinctId, const QJsonObject &madeUp = {});

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<TestEvaluationModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestTestEvaluationModel::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(m_server->endpoint());
    m_model = std::make_unique<TestEvaluationModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_model->setClient(m_client.get());
}

void TestTestEvaluationModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_client.reset();
    m_server.reset();
}

ProjectDefinitions TestTestEvaluationModel::serverProject()
{
    ProjectDefinitions p;
    const auto flags = m_server->get(m_server->flags(u"?limit=1000"_s)).object();
    for (const QJsonValue &f : flags.value("results"_L1).toArray())
        p.flags.append(FeatureFlag::fromJson(f.toObject()));
    return p;
}

bool TestTestEvaluationModel::evaluate(qint64 flagId, const QString &distinctId,
                                       const QJsonObject &madeUp)
{
    QSignalSpy evaluated(m_model.get(), &TestEvaluationModel::evaluated);
    QSignalSpy failed(m_model.get(), &TestEvaluationModel::failed);
    TestEvaluationRequest request;
    request.distinctId = distinctId;
    request.personProperties = madeUp;
    m_model->evaluate(flagId, request);
    if (!m_model->isLoading())
        return false;
    if (!QTest::qWaitFor([&] { return !evaluated.isEmpty() || !failed.isEmpty(); }, 10000))
        return false;
    return !evaluated.isEmpty();
}

void TestTestEvaluationModel::agreesWithTheEngine()
{
    const QList<Person> persons = somePersons(60);
    QVERIFY(m_server->addPersons(persons));
    const qint64 checkout = m_server->createFlag(checkoutFlag()).value("id"_L1).toInteger();
    const qint64 pricing = m_server->createFlag(variantFlag()).value("id"_L1).toInteger();
    QVERIFY(checkout > 0 && pricing > 0);
    const auto compiled = CompiledProject::compile(serverProject());

    QList<Person> subjects = persons;
    for (int i = 0; i < 6; ++i)
        subjects.append({u"never-seen-%1"_s.arg(i), {}});
    QHash<QString, int> reasons;
    for (const auto &[flagId, key] :
         {std::pair{checkout, u"checkout"_s}, std::pair{pricing, u"new-pricing"_s}}) {
        for (const Person &person : subjects) {
            QVERIFY2(evaluate(flagId, person.distinctId), qPrintable(person.distinctId));
            EvaluationContext context;
            context.distinctId = person.distinctId;
            context.personProperties = PropertyMap(person.properties);
            Explanation explanation;
            const auto expected = compiled->evaluate(key, context, &explanation);
            QVERIFY(expected);
            const QString where = person.distinctId + u" / "_s + key;
            QVERIFY2(m_model->value() == expected->value.toJson(), qPrintable(where));
            QCOMPARE(m_model->reason(), reasonCode(expected->reason));
            QCOMPARE(m_model->conditionIndex(), expected->conditionIndex);
            QCOMPARE(m_model->reasonText(), expected->description());
            QCOMPARE(m_model->isOn(), expected->value.enabled);
            QCOMPARE(m_model->flagKey(), key);
            QCOMPARE(m_model->payload(),
                     expected->payload.isUndefined() ? QJsonValue() : expected->payload);
            ++reasons[m_model->reason()];

            // Every condition set, and every property check of it, as the engine explains it.
            const FeatureFlag &flag = compiled->flag(compiled->indexOfKey(key));
            QCOMPARE(m_model->rowCount(), int(flag.filters.groups.size()));
            for (const ConditionExplanation &e : explanation.conditions) {
                const QModelIndex row = m_model->index(e.index, 0);
                const auto state = row.data(TestEvaluationModel::StateRole).value<State>();
                switch (e.outcome) {
                case ConditionOutcome::Matched:
                    QCOMPARE(stateName(state), stateName(State::Matched));
                    QVERIFY(row.data(TestEvaluationModel::WinningRole).toBool());
                    break;
                case ConditionOutcome::OutOfRollout:
                    QCOMPARE(stateName(state), stateName(State::OutOfRollout));
                    break;
                case ConditionOutcome::PropertiesDidNotMatch:
                    QCOMPARE(stateName(state), stateName(State::NotMatched));
                    break;
                default:
                    QVERIFY(state != State::Matched);
                }
                QCOMPARE(row.data(TestEvaluationModel::WinningRole).toBool(),
                         expected->reason == MatchReason::ConditionMatch &&
                             expected->conditionIndex == e.index);
                QCOMPARE(m_model->rowCount(row), int(e.checks.size()));
                for (qsizetype c = 0; c < e.checks.size(); ++c) {
                    const PropertyCheck &check = e.checks.at(c);
                    const QModelIndex child = m_model->index(int(c), 0, row);
                    QCOMPARE(child.data(TestEvaluationModel::PropertyKeyRole).toString(),
                             check.filter.key);
                    QCOMPARE(child.data(TestEvaluationModel::MatchedRole).toBool(), check.matched);
                    const QJsonValue actual =
                        child.data(TestEvaluationModel::ActualValueRole).value<QJsonValue>();
                    QCOMPARE(actual, check.actual.isUndefined() ? QJsonValue() : check.actual);
                    QCOMPARE(
                        child.siblingAtColumn(TestEvaluationModel::ActualColumn).data().toString(),
                        check.actual.isUndefined() ? u"not set"_s
                                                   : models::propertyValueText(check.actual));
                }
            }
        }
    }
    // The persons were made to reach every outcome.
    QVERIFY(reasons.value(u"condition_match"_s) > 10);
    QVERIFY(reasons.value(u"out_of_rollout_bound"_s) > 0);
    QVERIFY(reasons.value(u"no_condition_match"_s) > 0);
}

void TestTestEvaluationModel::treeShowsExpectedBesideActual()
{
    QVERIFY(m_server->addPersons({{u"ann"_s,
                                   {{u"email"_s, u"ann@example.com"_s},
                                    {u"age"_s, 44},
                                    {u"plan"_s, u"free"_s},
                                    {u"beta"_s, true}}}}));
    const qint64 id = m_server->createFlag(checkoutFlag()).value("id"_L1).toInteger();
    QVERIFY(evaluate(id, u"ann"_s));

    // Nothing matches her: email lacks "@acme", plan is free, beta is set.
    QCOMPARE(m_model->value(), QJsonValue(false));
    QCOMPARE(m_model->reason(), u"no_condition_match"_s);
    QCOMPARE(m_model->payload(), QJsonValue());
    QCOMPARE(m_model->personProperties(), (QJsonObject{{u"email"_s, u"ann@example.com"_s},
                                                       {u"age"_s, 44},
                                                       {u"plan"_s, u"free"_s},
                                                       {u"beta"_s, true}}));
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_model->columnCount(), 5);
    auto cell = [&](int row, int child, int column) {
        return m_model->index(child, column, m_model->index(row, 0)).data().toString();
    };
    QCOMPARE(m_model->index(0, 0).data().toString(), u"Condition set 1"_s);
    QCOMPARE(m_model->index(1, TestEvaluationModel::ExpectedColumn).data().toString(),
             u"rollout 50%"_s);
    QCOMPARE(cell(0, 0, TestEvaluationModel::CheckColumn), u"email"_s);
    QCOMPARE(cell(0, 0, TestEvaluationModel::OperatorColumn), u"contains"_s);
    QCOMPARE(cell(0, 0, TestEvaluationModel::ExpectedColumn), u"@acme"_s);
    QCOMPARE(cell(0, 0, TestEvaluationModel::ActualColumn), u"ann@example.com"_s);
    QCOMPARE(cell(0, 0, TestEvaluationModel::ResultColumn), u"Not matched"_s);
    // Age 44 > 30 matches; the plan is not one of the two.
    QCOMPARE(cell(1, 0, TestEvaluationModel::ActualColumn), u"44"_s);
    QCOMPARE(cell(1, 0, TestEvaluationModel::ResultColumn), u"Matched"_s);
    QCOMPARE(cell(1, 1, TestEvaluationModel::ExpectedColumn), u"pro, enterprise"_s);
    QCOMPARE(cell(1, 1, TestEvaluationModel::ActualColumn), u"free"_s);
    QCOMPARE(cell(1, 1, TestEvaluationModel::ResultColumn), u"Not matched"_s);
    QCOMPARE(cell(2, 0, TestEvaluationModel::OperatorColumn), u"is not set"_s);
    QCOMPARE(cell(2, 0, TestEvaluationModel::ActualColumn), u"true"_s);
    for (int row = 0; row < 3; ++row) {
        const QModelIndex index = m_model->index(row, 0);
        QCOMPARE(stateName(index.data(TestEvaluationModel::StateRole).value<State>()),
                 stateName(State::NotMatched));
        QVERIFY(!index.data(TestEvaluationModel::WinningRole).toBool());
        QVERIFY(!index.data(TestEvaluationModel::ExplanationRole).toString().isEmpty());
        QVERIFY(!m_model->index(row, TestEvaluationModel::ResultColumn)
                     .data(Qt::DecorationRole)
                     .value<QIcon>()
                     .isNull());
    }
}

void TestTestEvaluationModel::outOfRolloutIsShown()
{
    // Properties that match only the second set (rollout 50%); the bucket decides, computed here
    // with PostHog's hash, independently of the server.
    QString inside, outside;
    for (int i = 0; (inside.isEmpty() || outside.isEmpty()) && i < 200; ++i) {
        const QString id = u"roller-%1"_s.arg(i);
        const double bucket = bucketHash("checkout.", id.toUtf8());
        (bucket < 0.5 ? inside : outside) = id;
    }
    const QJsonObject properties{
        {u"age"_s, 50}, {u"plan"_s, u"pro"_s}, {u"beta"_s, true}, {u"email"_s, u"x@y.z"_s}};
    QVERIFY(m_server->addPersons({{inside, properties}, {outside, properties}}));
    const qint64 id = m_server->createFlag(checkoutFlag()).value("id"_L1).toInteger();

    QVERIFY(evaluate(id, outside));
    QCOMPARE(m_model->value(), QJsonValue(false));
    QCOMPARE(m_model->reason(), u"out_of_rollout_bound"_s);
    QCOMPARE(m_model->conditionIndex(), 1);
    const QModelIndex second = m_model->index(1, 0);
    QCOMPARE(stateName(second.data(TestEvaluationModel::StateRole).value<State>()),
             stateName(State::OutOfRollout));
    QCOMPARE(second.siblingAtColumn(TestEvaluationModel::ActualColumn).data().toString(),
             u"outside the rollout"_s);
    QCOMPARE(m_model->rowCount(second), 2);
    QVERIFY(m_model->index(0, 0, second).data(TestEvaluationModel::MatchedRole).toBool());
    QVERIFY(m_model->index(1, 0, second).data(TestEvaluationModel::MatchedRole).toBool());

    QVERIFY(evaluate(id, inside));
    QCOMPARE(m_model->value(), QJsonValue(true));
    QCOMPARE(m_model->reason(), u"condition_match"_s);
    QCOMPARE(m_model->reasonText(), u"Matched condition set 2"_s);
    QCOMPARE(m_model->payload(), QJsonValue(u"{\"discount\": 10}"_s));
    QVERIFY(m_model->index(1, 0).data(TestEvaluationModel::WinningRole).toBool());
    QCOMPARE(m_model->index(1, TestEvaluationModel::ResultColumn).data().toString(),
             u"Matched: decides the flag"_s);
}

void TestTestEvaluationModel::unknownPersonHasNoProperties()
{
    const qint64 id = m_server->createFlag(checkoutFlag()).value("id"_L1).toInteger();
    QVERIFY(evaluate(id, u"nobody-knows-me"_s));
    QVERIFY(m_model->personProperties().isEmpty());
    QCOMPARE(m_model->answer().value("evaluation_distinct_id"_L1).toString(), u"nobody-knows-me"_s);
    const QModelIndex first = m_model->index(0, 0);
    QCOMPARE(m_model->index(0, TestEvaluationModel::ActualColumn, first).data().toString(),
             u"not set"_s);
    QCOMPARE(m_model->index(0, TestEvaluationModel::ActualColumn, first)
                 .data(TestEvaluationModel::ActualValueRole)
                 .value<QJsonValue>(),
             QJsonValue());
}

void TestTestEvaluationModel::madeUpPropertiesDecide()
{
    const qint64 id = m_server->createFlagId(
        u"pro-only"_s, test_builders::flagFilters(
                           {condition(100, {personProperty(u"plan"_s, u"pro"_s, u"exact"_s)})}));
    QVERIFY(evaluate(id, u"nobody-knows-me"_s));
    QVERIFY(!m_model->isOn());
    QVERIFY(evaluate(id, u"nobody-knows-me"_s, {{u"plan"_s, u"pro"_s}}));
    QVERIFY(m_model->isOn());
    QCOMPARE(m_model->personProperties().value("plan"_L1).toString(), u"pro"_s);

    TestEvaluationRequest request;
    request.distinctId = u"x"_s;
    request.personProperties = {{u"plan"_s, u"pro"_s}};
    request.groupProperties = {{u"organization"_s, QJsonObject{{u"size"_s, 50}}}};
    const QJsonObject body = request.toJson();
    QCOMPARE(body.value("person_properties"_L1).toObject(), request.personProperties);
    QCOMPARE(body.value("group_properties"_L1).toObject(), request.groupProperties);
    request.personProperties = {};
    request.groupProperties = {};
    QVERIFY(!request.toJson().contains("person_properties"_L1));
}

void TestTestEvaluationModel::saysWhetherThePersonIsKnown()
{
    QVERIFY(m_server->addPersons({{u"known-one"_s, {{u"plan"_s, u"pro"_s}}}}));
    const qint64 id = m_server->createFlag(checkoutFlag()).value("id"_L1).toInteger();
    QSignalSpy lookedUp(m_model.get(), &TestEvaluationModel::personLookedUp);
    QVERIFY(evaluate(id, u"nobody-knows-me"_s));
    QTRY_VERIFY(!lookedUp.isEmpty());
    QCOMPARE(m_model->isPersonKnown(), std::optional<bool>(false));

    lookedUp.clear();
    QVERIFY(evaluate(id, u"known-one"_s));
    QTRY_VERIFY(!lookedUp.isEmpty());
    QCOMPARE(m_model->isPersonKnown(), std::optional<bool>(true));
    m_model->clear();
    QVERIFY(!m_model->isPersonKnown().has_value());
}

void TestTestEvaluationModel::readsMadeUpProperties()
{
    using models::parseMadeUpProperties;
    const auto parsed = parseMadeUpProperties(
        u"plan=pro, age = 30,\nbeta=true, code=\"30\", organization.size=50, a.b=c"_s,
        {u"organization"_s});
    QVERIFY(parsed.isValid());
    QCOMPARE(parsed.person, (QJsonObject{{u"plan"_s, u"pro"_s},
                                         {u"age"_s, 30},
                                         {u"beta"_s, true},
                                         {u"code"_s, u"30"_s},
                                         {u"a.b"_s, u"c"_s}}));
    QCOMPARE(parsed.groups, (QJsonObject{{u"organization"_s, QJsonObject{{u"size"_s, 50}}}}));
    QVERIFY(parseMadeUpProperties(u"  "_s).isEmpty());
    QVERIFY(!parseMadeUpProperties(u"plan"_s).isValid());
    QVERIFY(!parseMadeUpProperties(u"=pro"_s).isValid());
}

void TestTestEvaluationModel::newerEvaluationDropsTheOlder()
{
    QVERIFY(m_server->addPersons({{u"first"_s, {{u"email"_s, u"a@acme.com"_s}}},
                                  {u"second"_s, {{u"email"_s, u"b@other.com"_s}}}}));
    const qint64 id = m_server->createFlag(checkoutFlag()).value("id"_L1).toInteger();
    QSignalSpy evaluated(m_model.get(), &TestEvaluationModel::evaluated);
    QSignalSpy loading(m_model.get(), &TestEvaluationModel::loadingChanged);
    m_model->evaluate(id, {u"first"_s, {}, std::nullopt, {}, {}});
    m_model->evaluate(id, {u"second"_s, {}, std::nullopt, {}, {}});
    QTRY_COMPARE_WITH_TIMEOUT(evaluated.size(), 1, 10000);
    QTest::qWait(200); // an answer to the first call, if it were not dropped, would come now
    QCOMPARE(evaluated.size(), 1);
    QCOMPARE(m_model->answer().value("evaluation_distinct_id"_L1).toString(), u"second"_s);
    QCOMPARE(m_model->personProperties(), (QJsonObject{{u"email"_s, u"b@other.com"_s}}));
    QVERIFY(!m_model->isLoading());
    QCOMPARE(loading.last().first().toBool(), false);
}

void TestTestEvaluationModel::timestampBeforeTheFlagIsTheServersError()
{
    const qint64 id = m_server->createFlag(checkoutFlag()).value("id"_L1).toInteger();
    QSignalSpy failed(m_model.get(), &TestEvaluationModel::failed);
    QSignalSpy evaluated(m_model.get(), &TestEvaluationModel::evaluated);
    m_model->evaluate(id, {u"someone"_s, {}, QDateTime::currentDateTimeUtc().addDays(-3), {}, {}});
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
    const auto error = failed.first().first().value<api::ApiError>();
    QCOMPARE(error.status, 400);
    QCOMPARE(error.attr, u"timestamp"_s);
    QCOMPARE(error.message(),
             u"Feature flag 'checkout' did not exist at the specified timestamp."_s);
    QCOMPARE(evaluated.size(), 0);
    QVERIFY(!m_model->hasAnswer());
    QCOMPARE(m_model->rowCount(), 0);
    QVERIFY(!m_model->isLoading());
}

void TestTestEvaluationModel::badTimestampFails()
{
    const qint64 id = m_server->createFlag(checkoutFlag()).value("id"_L1).toInteger();
    QSignalSpy failed(m_model.get(), &TestEvaluationModel::failed);
    m_model->evaluate(id, {u"someone"_s, {}, QDateTime(), {}, {}});
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
    const auto error = failed.first().first().value<api::ApiError>();
    QCOMPARE(error.status, 400);
    QVERIFY2(error.message().startsWith(u"Datetime has wrong format."_s),
             qPrintable(error.message()));
}

void TestTestEvaluationModel::timestampAfterCreationEvaluates()
{
    QVERIFY(m_server->addPersons({{u"acme-person"_s, {{u"email"_s, u"z@acme.com"_s}}}}));
    const qint64 id = m_server->createFlag(checkoutFlag()).value("id"_L1).toInteger();
    // Off for everyone now; on for acme people a moment after creation.
    QCOMPARE(m_server->patchFlag(id, {{u"active"_s, false}}).status, 200);
    QSignalSpy evaluated(m_model.get(), &TestEvaluationModel::evaluated);
    m_model->evaluate(id,
                      {u"acme-person"_s, {}, QDateTime::currentDateTimeUtc().addSecs(60), {}, {}});
    QTRY_COMPARE_WITH_TIMEOUT(evaluated.size(), 1, 10000);
    QCOMPARE(m_model->value(), QJsonValue(false));
    QCOMPARE(m_model->reason(), u"flag_disabled"_s);
}

void TestTestEvaluationModel::unknownFlagFails()
{
    QSignalSpy failed(m_model.get(), &TestEvaluationModel::failed);
    m_model->evaluate(987654, {u"someone"_s, {}, std::nullopt, {}, {}});
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
    const auto error = failed.first().first().value<api::ApiError>();
    QCOMPARE(error.status, 404);
    QVERIFY(!error.message().isEmpty());
}

void TestTestEvaluationModel::unreachableServerFails()
{
    const quint16 port = m_server->port();
    m_server.reset();
    api::Client client(api::Endpoint{QUrl(u"http://127.0.0.1:%1"_s.arg(port)), u"1"_s, u"k"_s});
    client.setOptions({std::chrono::milliseconds(3000), 0, std::chrono::milliseconds(10), 100});
    m_model->setClient(&client);
    QSignalSpy failed(m_model.get(), &TestEvaluationModel::failed);
    m_model->evaluate(1, {u"someone"_s, {}, std::nullopt, {}, {}});
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
    const auto error = failed.first().first().value<api::ApiError>();
    QCOMPARE(error.kind, api::ApiError::Kind::Unreachable);
    QVERIFY(!error.message().isEmpty());
    m_model->setClient(nullptr);
}

void TestTestEvaluationModel::reasonSentences()
{
    QCOMPARE(models::reasonSentence(u"condition_match"_s, 1), u"Matched condition set 2"_s);
    QCOMPARE(models::reasonSentence(u"disabled"_s), u"The flag is disabled"_s);
    QCOMPARE(models::reasonSentence(u"flag_disabled"_s), u"The flag is disabled"_s);
    QCOMPARE(models::reasonSentence(u"something_new"_s), u"Something new"_s);
    for (const QString &code :
         {u"out_of_rollout_bound"_s, u"no_condition_match"_s, u"no_group_type"_s,
          u"super_condition_value"_s, u"holdout_condition_value"_s, u"missing_dependency"_s})
        QVERIFY(!models::reasonSentence(code).contains(u'_'));
}

QTEST_MAIN(TestTestEvaluationModel)
#include "tst_test_evaluation_model.moc"
