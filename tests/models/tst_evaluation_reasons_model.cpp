// EvaluationReasonsModel against a real server: every flag's row agrees with core's engine
// evaluating the same definitions for the same person, as stored or with made-up properties.
#include "client.h"
#include "engine.h"
#include "evaluation_reason_text.h"
#include "evaluation_reasons_model.h"
#include "test_builders.h"
#include "test_server.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using models::EvaluationReasonsModel;
using test_builders::condition;
using test_builders::personProperty;

namespace {

QJsonObject flag(const QString &key, const QJsonArray &conditions, bool active = true,
                 const QJsonObject &variants = {})
{
    return {{u"key"_s, key},
            {u"active"_s, active},
            {u"filters"_s, test_builders::flagFilters(conditions, variants)}};
}

const QList<test_builders::Person> persons{
    {u"ann"_s, {{u"plan"_s, u"pro"_s}, {u"email"_s, u"ann@acme.com"_s}}},
    {u"bob"_s, {{u"plan"_s, u"free"_s}, {u"email"_s, u"bob@example.com"_s}}},
    {u"cy"_s, {{u"plan"_s, u"enterprise"_s}}},
    {u"dee"_s, {}},
};

} // namespace

class TestEvaluationReasonsModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void agreesWithTheEngine();
    void rowsAndRoles();
    void filterNarrows();
    void newerLoadDropsTheOlder();
    void blankIdFails();
    void madeUpPropertiesDecide();
    void madeUpPropertiesAgreeWithTheEngine();
    void aProjectWithoutTokenFails();
    void anUnreachableServerFails();

private:
    bool load(const QString &distinctId, const models::MadeUpProperties &madeUp = {});
    ProjectDefinitions flagDefinitions();
    void createProject();

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<EvaluationReasonsModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestEvaluationReasonsModel::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(m_server->endpoint());
    m_model = std::make_unique<EvaluationReasonsModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_model->setClient(m_client.get());
}

void TestEvaluationReasonsModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_client.reset();
    m_server.reset();
}

void TestEvaluationReasonsModel::createProject()
{
    QVERIFY(m_server->addPersons(persons));

    m_server->createFlag(flag(u"zebra-mode"_s, {condition(100)}));
    m_server->createFlag(
        flag(u"annual-pricing"_s,
             {condition(100, {personProperty(u"plan"_s, u"free"_s, u"is_not"_s)}), condition(30)}));
    m_server->createFlag(
        flag(u"Beta-dashboard"_s,
             {condition(100, {personProperty(u"email"_s, u"acme"_s, u"icontains"_s)}),
              condition(0, {personProperty(u"plan"_s, u"enterprise"_s)})}));
    m_server->createFlag(flag(u"kill-switch"_s, {condition(100)}, false));
    m_server->createFlag(
        flag(u"new-onboarding"_s, {condition(50)}, true,
             test_builders::multivariate({{u"control"_s, 34}, {u"short"_s, 33}, {u"long"_s, 33}})));
}

bool TestEvaluationReasonsModel::load(const QString &distinctId,
                                      const models::MadeUpProperties &madeUp)
{
    QSignalSpy loaded(m_model.get(), &EvaluationReasonsModel::loaded);
    QSignalSpy failed(m_model.get(), &EvaluationReasonsModel::failed);
    m_model->load(distinctId, {}, madeUp);
    if (!m_model->isLoading())
        return false;
    return QTest::qWaitFor([&] { return !loaded.isEmpty() || !failed.isEmpty(); }, 10000) &&
           !loaded.isEmpty();
}

void TestEvaluationReasonsModel::agreesWithTheEngine()
{
    createProject();
    ProjectDefinitions definitions;
    const auto list = m_server->get(m_server->flags(u"?limit=1000"_s)).object();
    for (const QJsonValue &f : list.value("results"_L1).toArray())
        definitions.flags.append(FeatureFlag::fromJson(f.toObject()));
    QCOMPARE(definitions.flags.size(), 5);
    const auto compiled = CompiledProject::compile(definitions);

    QList<test_builders::Person> subjects = persons;
    for (int i = 0; i < 30; ++i)
        subjects.append({u"visitor-%1"_s.arg(i), {}});
    int onSeen = 0;
    for (const auto &[id, properties] : subjects) {
        QVERIFY2(load(id), qPrintable(id));
        QCOMPARE(m_model->distinctId(), id);
        QCOMPARE(m_model->rowCount(), 5);
        EvaluationContext context;
        context.distinctId = id;
        context.personProperties = PropertyMap(properties);
        int on = 0;
        for (qsizetype i = 0; i < compiled->flagCount(); ++i) {
            const FeatureFlag &f = compiled->flag(i);
            const EvaluationResult expected = compiled->evaluate(i, context);
            const int row = m_model->rowOfKey(f.key);
            QVERIFY(row >= 0);
            const QModelIndex index = m_model->index(row, 0);
            const QString where = id + u" / "_s + f.key;
            QCOMPARE(index.data(EvaluationReasonsModel::FlagKeyRole).toString(), f.key);
            // PostHog reports a disabled flag as "disabled" without evaluating it.
            const QString code = f.active ? reasonCode(expected.reason) : u"disabled"_s;
            QCOMPARE(index.data(EvaluationReasonsModel::ReasonCodeRole).toString(), code);
            const QJsonValue value = f.active ? expected.value.toJson() : QJsonValue(false);
            QVERIFY2(index.data(EvaluationReasonsModel::ValueRole).value<QJsonValue>() == value,
                     qPrintable(where));
            QCOMPARE(index.siblingAtColumn(EvaluationReasonsModel::ValueColumn).data().toString(),
                     models::flagValueText(value));
            QCOMPARE(index.data(EvaluationReasonsModel::MatchedRole).toBool(),
                     f.active && expected.value.enabled);
            const std::optional<int> condition = f.active ? expected.conditionIndex : std::nullopt;
            QCOMPARE(index.data(EvaluationReasonsModel::ConditionIndexRole),
                     condition ? QVariant(*condition) : QVariant());
            QCOMPARE(
                index.siblingAtColumn(EvaluationReasonsModel::ConditionColumn).data().toString(),
                condition ? u"Set %1"_s.arg(*condition + 1) : QString());
            QCOMPARE(index.siblingAtColumn(EvaluationReasonsModel::ReasonColumn).data().toString(),
                     models::reasonSentence(code, condition));
            on += f.active && expected.value.enabled;
        }
        QCOMPARE(m_model->onCount(), on);
        onSeen += on;
    }
    QVERIFY(onSeen > 0);
}

void TestEvaluationReasonsModel::rowsAndRoles()
{
    createProject();
    QVERIFY(load(u"ann"_s));
    QStringList keys;
    for (int row = 0; row < m_model->rowCount(); ++row)
        keys.append(m_model->index(row, 0).data().toString());
    // By key, without regard to case.
    QCOMPARE(keys, (QStringList{u"annual-pricing"_s, u"Beta-dashboard"_s, u"kill-switch"_s,
                                u"new-onboarding"_s, u"zebra-mode"_s}));
    QCOMPARE(m_model->columnCount(), 4);
    QCOMPARE(m_model->headerData(2, Qt::Horizontal).toString(), u"Reason"_s);

    const QModelIndex beta = m_model->index(m_model->rowOfKey(u"Beta-dashboard"_s), 0);
    QCOMPARE(beta.siblingAtColumn(1).data().toString(), u"true"_s);
    QCOMPARE(beta.siblingAtColumn(2).data().toString(), u"Matched condition set 1"_s);
    QCOMPARE(beta.siblingAtColumn(3).data().toString(), u"Set 1"_s);
    const QModelIndex kill = m_model->index(m_model->rowOfKey(u"kill-switch"_s), 0);
    QCOMPARE(kill.siblingAtColumn(1).data().toString(), u"false"_s);
    QCOMPARE(kill.siblingAtColumn(2).data().toString(), u"The flag is disabled"_s);
    QCOMPARE(kill.siblingAtColumn(3).data().toString(), QString());
    QVERIFY(!kill.data(EvaluationReasonsModel::MatchedRole).toBool());
    // Ann's plan is not free: the first set of annual-pricing matches at 100%.
    const QModelIndex annual = m_model->index(m_model->rowOfKey(u"annual-pricing"_s), 0);
    QCOMPARE(annual.data(EvaluationReasonsModel::ReasonCodeRole).toString(), u"condition_match"_s);
    QCOMPARE(annual.siblingAtColumn(3).data().toString(), u"Set 1"_s);
}

void TestEvaluationReasonsModel::filterNarrows()
{
    createProject();
    QVERIFY(load(u"cy"_s));
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(m_model.get());
    proxy.setFilterKeyColumn(-1);
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy.setFilterFixedString(u"pricing"_s);
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data(EvaluationReasonsModel::FlagKeyRole).toString(),
             u"annual-pricing"_s);
    proxy.setFilterFixedString(u"disabled"_s); // the reason column
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data().toString(), u"kill-switch"_s);
    proxy.setFilterFixedString(QString());
    QCOMPARE(proxy.rowCount(), 5);
}

void TestEvaluationReasonsModel::newerLoadDropsTheOlder()
{
    createProject();
    QSignalSpy loaded(m_model.get(), &EvaluationReasonsModel::loaded);
    m_model->load(u"ann"_s, {});
    m_model->load(u"bob"_s, {});
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 10000);
    QTest::qWait(200);
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(m_model->distinctId(), u"bob"_s);
    // Bob's plan is free, so the first set of annual-pricing does not match him.
    const QModelIndex annual = m_model->index(m_model->rowOfKey(u"annual-pricing"_s), 0);
    QVERIFY(annual.siblingAtColumn(3).data().toString() != u"Set 1"_s);
}

void TestEvaluationReasonsModel::blankIdFails()
{
    createProject();
    QVERIFY(load(u"ann"_s));
    QSignalSpy failed(m_model.get(), &EvaluationReasonsModel::failed);
    QSignalSpy loading(m_model.get(), &EvaluationReasonsModel::loadingChanged);
    m_model->load(u"   "_s, {});
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
    const auto error = failed.first().first().value<api::ApiError>();
    QCOMPARE(error.status, 400);
    QCOMPARE(error.message(), u"This field may not be blank."_s);
    QCOMPARE(loading.size(), 2);
    QVERIFY(!m_model->isLoading());
    // What was shown stays: nothing is lost to a failed load.
    QCOMPARE(m_model->rowCount(), 5);
    QCOMPARE(m_model->distinctId(), u"ann"_s);
}

ProjectDefinitions TestEvaluationReasonsModel::flagDefinitions()
{
    ProjectDefinitions definitions;
    const auto list = m_server->get(m_server->flags(u"?limit=1000"_s)).object();
    for (const QJsonValue &f : list.value("results"_L1).toArray())
        definitions.flags.append(FeatureFlag::fromJson(f.toObject()));
    return definitions;
}

// Bob's plan is free; made up as pro, annual-pricing's first set matches him, and the rows say
// they are with made-up properties until a load without any.
void TestEvaluationReasonsModel::madeUpPropertiesDecide()
{
    createProject();
    const auto annualSet = [this] {
        return m_model->index(m_model->rowOfKey(u"annual-pricing"_s), 0)
            .siblingAtColumn(EvaluationReasonsModel::ConditionColumn)
            .data()
            .toString();
    };
    QVERIFY(load(u"bob"_s));
    QVERIFY(annualSet() != u"Set 1"_s);
    QVERIFY(m_model->madeUpProperties().isEmpty());

    models::MadeUpProperties pro;
    pro.person = {{u"plan"_s, u"pro"_s}};
    QVERIFY(load(u"bob"_s, pro));
    QCOMPARE(annualSet(), u"Set 1"_s);
    const QModelIndex annual = m_model->index(m_model->rowOfKey(u"annual-pricing"_s), 0);
    QCOMPARE(annual.data(EvaluationReasonsModel::ReasonCodeRole).toString(), u"condition_match"_s);
    QCOMPARE(annual.siblingAtColumn(EvaluationReasonsModel::ReasonColumn).data().toString(),
             u"Matched condition set 1"_s);
    QCOMPARE(annual.data(EvaluationReasonsModel::DescriptionRole).toString(),
             u"Matched condition set 1"_s);
    QCOMPARE(m_model->madeUpProperties().person, pro.person);
    QVERIFY(!m_model->hadErrors());

    QVERIFY(load(u"bob"_s));
    QVERIFY(annualSet() != u"Set 1"_s);
    QVERIFY(m_model->madeUpProperties().isEmpty());
}

// Through /flags the live flags get the engine's value and reason for the stored properties
// with the made-up ones over them.
void TestEvaluationReasonsModel::madeUpPropertiesAgreeWithTheEngine()
{
    createProject();
    const auto compiled = CompiledProject::compile(flagDefinitions());
    models::MadeUpProperties madeUp;
    madeUp.person = {{u"email"_s, u"someone@acme.com"_s}, {u"plan"_s, u"enterprise"_s}};
    for (const auto &[id, properties] : persons) {
        QVERIFY2(load(id, madeUp), qPrintable(id));
        EvaluationContext context;
        context.distinctId = id;
        context.personProperties = PropertyMap(properties);
        context.personProperties.overlay(madeUp.person);
        for (qsizetype i = 0; i < compiled->flagCount(); ++i) {
            const FeatureFlag &f = compiled->flag(i);
            if (!f.active)
                continue; // PostHog's flags service leaves disabled flags out
            const EvaluationResult expected = compiled->evaluate(i, context);
            const int row = m_model->rowOfKey(f.key);
            QVERIFY2(row >= 0, qPrintable(f.key));
            const QModelIndex index = m_model->index(row, 0);
            QCOMPARE(index.data(EvaluationReasonsModel::ReasonCodeRole).toString(),
                     reasonCode(expected.reason));
            QVERIFY2(index.data(EvaluationReasonsModel::ValueRole).value<QJsonValue>() ==
                         expected.value.toJson(),
                     qPrintable(id + u" / "_s + f.key));
            QCOMPARE(index.data(EvaluationReasonsModel::ConditionIndexRole),
                     expected.conditionIndex ? QVariant(*expected.conditionIndex) : QVariant());
        }
    }
}

// /flags takes the project's public token: a project that gives none cannot be asked, and says
// why rather than showing everything off.
void TestEvaluationReasonsModel::aProjectWithoutTokenFails()
{
    createProject();
    m_server->server().database().exec(u"UPDATE projects SET api_token = '' WHERE id = ?"_s,
                                       {m_server->projectId()});
    QSignalSpy failed(m_model.get(), &EvaluationReasonsModel::failed);
    models::MadeUpProperties pro;
    pro.person = {{u"plan"_s, u"pro"_s}};
    m_model->load(u"bob"_s, {}, pro);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
    const auto error = failed.first().first().value<api::ApiError>();
    QVERIFY2(error.message().contains(u"api_token"_s), qPrintable(error.message()));
    QVERIFY(!m_model->isLoading());
    QVERIFY(!m_model->hasLoaded());
}

void TestEvaluationReasonsModel::anUnreachableServerFails()
{
    const quint16 port = m_server->port();
    api::Client::Options options;
    options.retries = 0;
    m_server.reset();
    api::Endpoint gone{QUrl(u"http://127.0.0.1:%1"_s.arg(port)), u"1"_s, u"phx_key"_s};
    api::Client client(gone);
    client.setOptions(options);
    m_model->setClient(&client);
    QSignalSpy failed(m_model.get(), &EvaluationReasonsModel::failed);
    models::MadeUpProperties pro;
    pro.person = {{u"plan"_s, u"pro"_s}};
    m_model->load(u"bob"_s, {}, pro);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
    QCOMPARE(failed.first().first().value<api::ApiError>().kind, api::ApiError::Kind::Unreachable);
    m_model->setClient(nullptr);
}

QTEST_MAIN(TestEvaluationReasonsModel)
#include "tst_evaluation_reasons_model.moc"
