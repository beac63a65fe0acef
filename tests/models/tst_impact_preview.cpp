// The impact preview: computeImpact against evaluating the engine person by person, and the
// asynchronous ImpactPreview against a real server holding the same persons.
#include "client.h"
#include "engine.h"
#include "impact_preview.h"
#include "test_server.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace bunting;

namespace {

const QDateTime now(QDate(2026, 11, 25), QTime(12, 0), QTimeZone::utc());

FeatureFlag flagFrom(const QString &json)
{
    return FeatureFlag::fromJson(QJsonDocument::fromJson(json.toUtf8()).object());
}

FeatureFlag rollout(double percentage, const QJsonArray &properties = {})
{
    QJsonObject condition{{u"properties"_s, properties}, {u"rollout_percentage"_s, percentage}};
    return FeatureFlag::fromJson(
        QJsonObject{{u"id"_s, 10},
                    {u"key"_s, u"checkout"_s},
                    {u"active"_s, true},
                    {u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{condition}}}}});
}

FeatureFlag variants(double control, double test)
{
    FeatureFlag flag = rollout(70);
    flag.filters.variants =
        QList<Variant>{{u"control"_s, {}, control, {}}, {u"test"_s, {}, test, {}}};
    return flag;
}

QJsonArray personProperty(const QString &key, const QJsonValue &value, const QString &op)
{
    return {QJsonObject{
        {u"key"_s, key}, {u"value"_s, value}, {u"operator"_s, op}, {u"type"_s, u"person"_s}}};
}

QJsonArray inCohort(qint64 id)
{
    return {QJsonObject{{u"key"_s, u"id"_s}, {u"value"_s, id}, {u"type"_s, u"cohort"_s}}};
}

ProjectDefinitions project()
{
    ProjectDefinitions p;
    p.flags.append(flagFrom(uR"({"id": 3, "key": "other", "active": true,
        "filters": {"groups": [{"properties": [], "rollout_percentage": 50}]}})"_s));
    p.flags.append(rollout(30));
    Cohort pro = Cohort::fromJson(QJsonDocument::fromJson(uR"({"id": 1, "name": "Paying",
        "filters": {"properties": {"type": "OR", "values": [{"type": "AND", "values": [
            {"key": "plan", "value": ["pro", "enterprise"], "operator": "exact",
             "type": "person"}]}]}}})"_s.toUtf8())
                                      .object());
    p.cohorts.insert(pro.id, pro);
    Cohort picked;
    picked.id = 2;
    picked.name = u"Hand-picked"_s;
    picked.isStatic = true;
    p.cohorts.insert(picked.id, picked);
    return p;
}

QList<KnownPerson> randomPersons(int count, quint32 seed)
{
    QRandomGenerator random(seed);
    const QStringList plans{u"free"_s, u"pro"_s, u"enterprise"_s};
    QList<KnownPerson> persons;
    for (int i = 0; i < count; ++i) {
        KnownPerson p;
        p.distinctId = u"user-%1-%2"_s.arg(i).arg(random.generate());
        p.properties.insert(u"plan"_s, plans.at(random.bounded(plans.size())));
        if (random.bounded(4) != 0)
            p.properties.insert(u"age"_s, random.bounded(15, 80));
        if (random.bounded(10) == 0)
            p.staticCohorts.insert(2);
        persons.append(p);
    }
    return persons;
}

// The same counts, by evaluating each side's project for each person by the flag's key.
ImpactSummary evaluateDirectly(const ProjectDefinitions &definitions, const FeatureFlag &before,
                               const FeatureFlag &after, const QList<KnownPerson> &persons)
{
    auto compiled = [&](const FeatureFlag &flag) {
        ProjectDefinitions p = definitions;
        p.flags.removeIf([&](const FeatureFlag &f) { return f.id == flag.id; });
        p.flags.append(flag);
        return CompiledProject::compile(p);
    };
    const auto old = compiled(before);
    const auto draft = compiled(after);
    ImpactSummary s;
    QHash<QString, int> counts;
    for (const KnownPerson &person : persons) {
        EvaluationContext context;
        context.distinctId = person.distinctId;
        context.personProperties = PropertyMap(person.properties);
        context.staticCohorts = person.staticCohorts;
        context.now = now;
        const FlagValue from = old->evaluate(before.key, context)->value;
        const FlagValue to = draft->evaluate(after.key, context)->value;
        ++s.total;
        if (from == to)
            ++s.unchanged;
        else if (!from.enabled)
            ++s.gaining;
        else if (!to.enabled)
            ++s.losing;
        else
            ++s.switching;
        if (from != to)
            ++counts[impactValueName(from) + u" -> "_s + impactValueName(to)];
    }
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        const QStringList parts = it.key().split(u" -> "_s);
        s.transitions.append({parts.at(0), parts.at(1), it.value()});
    }
    return s;
}

int countWhere(const ImpactSummary &s, const QString &from, const QString &to)
{
    for (const ImpactTransition &t : s.transitions)
        if (t.from == from && t.to == to)
            return t.count;
    return 0;
}

} // namespace

class TestImpactPreview : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesTheEngine_data();
    void matchesTheEngine();
    void aFlagNotInTheProjectIsAdded();
    void groupFlagsAreNotApplicable_data();
    void groupFlagsAreNotApplicable();

    void initTestCase() { qRegisterMetaType<ImpactSummary>(); }
    void init();
    void cleanup();
    void previewLoadsFromTheServer();
    void cachedUntilRefresh();
    void cancelEndsSilently();
    void restartReplacesTheRunningPreview();
    void loadingFailureIsReported();
    void staticCohortsAreACaveat();

private:
    qint64 createPersons(int count);
    ProjectDefinitions serverProject();

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    QList<KnownPerson> m_persons;
};

void TestImpactPreview::matchesTheEngine_data()
{
    QTest::addColumn<FeatureFlag>("before");
    QTest::addColumn<FeatureFlag>("after");
    // Which of gaining, losing, switching must be zero: "g", "l", "s".
    QTest::addColumn<QString>("zero");

    QTest::newRow("raise 30 -> 60") << rollout(30) << rollout(60) << u"ls"_s;
    QTest::newRow("lower 60 -> 20") << rollout(60) << rollout(20) << u"gs"_s;
    QTest::newRow("add a property condition")
        << rollout(60) << rollout(60, personProperty(u"age"_s, 40, u"gte"_s)) << u"gs"_s;
    QTest::newRow("cohort instead of rollout")
        << rollout(40) << rollout(100, inCohort(1)) << u"s"_s;
    QTest::newRow("static cohort") << rollout(0) << rollout(100, inCohort(2)) << u"ls"_s;
    QTest::newRow("variants 50/50 -> 80/20") << variants(50, 50) << variants(80, 20) << u"gl"_s;
    QTest::newRow("boolean -> variants") << rollout(70) << variants(50, 50) << u"gl"_s;
    FeatureFlag inactive = rollout(45, personProperty(u"plan"_s, u"free"_s, u"is_not"_s));
    inactive.active = false;
    QTest::newRow("made inactive")
        << rollout(45, personProperty(u"plan"_s, u"free"_s, u"is_not"_s)) << inactive << u"gs"_s;
    QTest::newRow("unchanged") << rollout(30) << rollout(30) << u"gls"_s;
}

void TestImpactPreview::matchesTheEngine()
{
    QFETCH(FeatureFlag, before);
    QFETCH(FeatureFlag, after);
    QFETCH(QString, zero);
    const ProjectDefinitions p = project();
    const QList<KnownPerson> persons = randomPersons(500, 7);

    const ImpactSummary s = computeImpact(p, before, after, persons, now);
    const ImpactSummary expected = evaluateDirectly(p, before, after, persons);
    QVERIFY(s.applicable);
    QCOMPARE(s.total, 500);
    QCOMPARE(s.unchanged, expected.unchanged);
    QCOMPARE(s.gaining, expected.gaining);
    QCOMPARE(s.losing, expected.losing);
    QCOMPARE(s.switching, expected.switching);
    QCOMPARE(s.transitions.size(), expected.transitions.size());
    for (const ImpactTransition &t : expected.transitions)
        QCOMPARE(countWhere(s, t.from, t.to), t.count);

    int sum = 0;
    for (qsizetype i = 0; i < s.transitions.size(); ++i) {
        sum += s.transitions.at(i).count;
        if (i > 0)
            QVERIFY(s.transitions.at(i - 1).count >= s.transitions.at(i).count);
    }
    QCOMPARE(sum, s.changed());
    QCOMPARE(s.gaining == 0, zero.contains(u'g'));
    QCOMPARE(s.losing == 0, zero.contains(u'l'));
    QCOMPARE(s.switching == 0, zero.contains(u's'));
    if (!after.active) {
        // Everyone who had it loses it, and nothing else happens.
        QCOMPARE(s.losing, s.total - expected.unchanged);
        QCOMPARE(countWhere(s, u"on"_s, u"off"_s), s.losing);
    }
    if (after.filters.isMultivariate() && before.filters.isMultivariate()) {
        QCOMPARE(countWhere(s, u"control"_s, u"test"_s), 0);
        QVERIFY(countWhere(s, u"test"_s, u"control"_s) > 0);
    }
}

void TestImpactPreview::aFlagNotInTheProjectIsAdded()
{
    FeatureFlag before = rollout(0);
    before.id = 0;
    before.key = u"brand-new"_s;
    FeatureFlag after = before;
    after.filters.groups[0].rolloutPercentage = 25;
    const QList<KnownPerson> persons = randomPersons(400, 11);
    const ImpactSummary s = computeImpact(project(), before, after, persons, now);
    QCOMPARE(s.total, 400);
    QCOMPARE(s.losing, 0);
    QCOMPARE(s.switching, 0);
    int expected = 0;
    for (const KnownPerson &p : persons)
        expected += bucketHash("brand-new.", p.distinctId.toUtf8()) < 0.25;
    QCOMPARE(s.gaining, expected);
    QCOMPARE(s.transitions, (QList<ImpactTransition>{{u"off"_s, u"on"_s, expected}}));
}

void TestImpactPreview::groupFlagsAreNotApplicable_data()
{
    QTest::addColumn<bool>("flagLevel");
    QTest::newRow("flag aggregated by group") << true;
    QTest::newRow("one condition aggregated by group") << false;
}

void TestImpactPreview::groupFlagsAreNotApplicable()
{
    QFETCH(bool, flagLevel);
    FeatureFlag after = rollout(50);
    if (flagLevel)
        after.filters.aggregationGroupTypeIndex = 0;
    else
        after.filters.groups.append(Condition::fromJson(
            {{u"rollout_percentage"_s, 10}, {u"aggregation_group_type_index"_s, 1}}));
    const ImpactSummary s = computeImpact(project(), rollout(50), after, randomPersons(20, 3), now);
    QVERIFY(!s.applicable);
    QVERIFY(!s.notApplicableReason.isEmpty());
    QCOMPARE(s.unchanged + s.gaining + s.losing + s.switching, 0);
    QVERIFY(s.transitions.isEmpty());
}

void TestImpactPreview::init()
{
    // Only the suites of ImpactPreview need a server.
    const QByteArray name = QTest::currentTestFunction();
    if (name != "previewLoadsFromTheServer" && name != "cachedUntilRefresh" &&
        name != "cancelEndsSilently" && name != "restartReplacesTheRunningPreview" &&
        name != "loadingFailureIsReported" && name != "staticCohortsAreACaveat")
        return;
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(
        api::Endpoint{QUrl(u"http://127.0.0.1:%1"_s.arg(m_server->port())),
                      QString::number(m_server->projectId()), m_server->ownerKey()});
    m_persons.clear();
}

void TestImpactPreview::cleanup()
{
    m_client.reset();
    m_server.reset();
}

// Persons made the way SDKs make them: events with $set, through /batch/.
qint64 TestImpactPreview::createPersons(int count)
{
    const QList<KnownPerson> persons = randomPersons(count, quint32(m_persons.size() + 1));
    QJsonArray events;
    for (const KnownPerson &p : persons)
        events.append(QJsonObject{{u"event"_s, u"$set"_s},
                                  {u"distinct_id"_s, p.distinctId},
                                  {u"properties"_s, QJsonObject{{u"$set"_s, p.properties}}}});
    const auto reply = m_server->post(
        u"/batch/"_s, QJsonObject{{u"api_key"_s, m_server->projectToken()}, {u"batch"_s, events}},
        QString());
    if (reply.status != 200)
        qWarning("batch answered %d: %s", reply.status, reply.body.constData());
    m_server->server().events().flush();
    for (KnownPerson p : persons) {
        p.staticCohorts.clear();
        m_persons.append(p);
    }
    return reply.status;
}

// The project as the server holds it, read back through its own REST answers.
ProjectDefinitions TestImpactPreview::serverProject()
{
    ProjectDefinitions p;
    const auto flags = m_server->get(m_server->flags(u"?limit=1000"_s)).object();
    for (const QJsonValue &f : flags.value("results"_L1).toArray())
        p.flags.append(FeatureFlag::fromJson(f.toObject()));
    const auto cohorts =
        m_server->get(u"/api/projects/%1/cohorts/?limit=1000"_s.arg(m_server->projectId()));
    for (const QJsonValue &c : cohorts.object().value("results"_L1).toArray()) {
        const Cohort cohort = Cohort::fromJson(c.toObject());
        p.cohorts.insert(cohort.id, cohort);
    }
    return p;
}

void TestImpactPreview::previewLoadsFromTheServer()
{
    QCOMPARE(createPersons(130), 200);
    const auto cohort = m_server->post(
        u"/api/projects/%1/cohorts/"_s.arg(m_server->projectId()),
        QJsonObject{{u"name"_s, u"Paying"_s},
                    {u"filters"_s,
                     QJsonObject{{u"properties"_s,
                                  QJsonObject{{u"type"_s, u"AND"_s},
                                              {u"values"_s, personProperty(u"plan"_s, u"pro"_s,
                                                                           u"exact"_s)}}}}}});
    QCOMPARE(cohort.status, 201);
    const qint64 cohortId = cohort.object().value("id"_L1).toInteger();
    m_server->createFlag(
        {{u"key"_s, u"other"_s},
         {u"filters"_s,
          QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"rollout_percentage"_s, 40}}}}}}});
    const FeatureFlag loaded = FeatureFlag::fromJson(m_server->createFlag(
        {{u"key"_s, u"checkout"_s}, {u"filters"_s, rollout(30).filters.toJson()}}));
    FeatureFlag draft = loaded;
    draft.filters = rollout(60, inCohort(cohortId)).filters;
    draft.filters.groups.append(rollout(20).filters.groups.first());

    ImpactPreview preview(m_client.get());
    preview.setPersonsPageSize(50);
    QSignalSpy finished(&preview, &ImpactPreview::finished);
    QSignalSpy progress(&preview, &ImpactPreview::progress);
    QSignalSpy failed(&preview, &ImpactPreview::failed);
    preview.start(loaded, draft);
    QVERIFY(preview.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QVERIFY(!preview.isRunning());
    QCOMPARE(failed.size(), 0);
    QCOMPARE(progress.size(), 3);
    QCOMPARE(progress.last().at(0).toInt(), 130);
    QCOMPARE(progress.last().at(1).toInt(), 130);

    const auto s = finished.first().first().value<ImpactSummary>();
    const ImpactSummary expected = computeImpact(serverProject(), loaded, draft, m_persons, now);
    QCOMPARE(s.total, 130);
    QVERIFY(s.changed() > 0);
    QCOMPARE(s.unchanged, expected.unchanged);
    QCOMPARE(s.gaining, expected.gaining);
    QCOMPARE(s.losing, expected.losing);
    QCOMPARE(s.switching, expected.switching);
    QCOMPARE(s.transitions, expected.transitions);
    QVERIFY(s.caveat.isEmpty());
}

void TestImpactPreview::cachedUntilRefresh()
{
    QCOMPARE(createPersons(40), 200);
    const FeatureFlag loaded = FeatureFlag::fromJson(m_server->createFlag(
        {{u"key"_s, u"checkout"_s}, {u"filters"_s, rollout(0).filters.toJson()}}));
    FeatureFlag draft = loaded;
    draft.filters = rollout(100).filters;

    ImpactPreview preview(m_client.get());
    QSignalSpy finished(&preview, &ImpactPreview::finished);
    preview.start(loaded, draft);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QCOMPARE(finished.last().first().value<ImpactSummary>().gaining, 40);
    QVERIFY(preview.hasLoadedData());

    QCOMPARE(createPersons(5), 200);
    preview.start(loaded, draft);
    QCOMPARE(m_client->runningCalls(), 0); // from what it loaded before
    QCOMPARE(finished.size(), 1);
    QTRY_COMPARE(finished.size(), 2);
    QCOMPARE(finished.last().first().value<ImpactSummary>().total, 40);

    preview.refresh();
    QVERIFY(!preview.hasLoadedData());
    preview.start(loaded, draft);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 20000);
    QCOMPARE(finished.last().first().value<ImpactSummary>().gaining, 45);
}

void TestImpactPreview::cancelEndsSilently()
{
    QCOMPARE(createPersons(30), 200);
    const FeatureFlag loaded = FeatureFlag::fromJson(m_server->createFlag(
        {{u"key"_s, u"checkout"_s}, {u"filters"_s, rollout(0).filters.toJson()}}));
    FeatureFlag draft = loaded;
    draft.filters = rollout(100).filters;

    ImpactPreview preview(m_client.get());
    QSignalSpy finished(&preview, &ImpactPreview::finished);
    QSignalSpy failed(&preview, &ImpactPreview::failed);
    QSignalSpy canceled(&preview, &ImpactPreview::canceled);
    preview.start(loaded, draft);
    preview.cancel();
    QCOMPARE(canceled.size(), 1);
    QVERIFY(!preview.isRunning());
    QVERIFY(!preview.hasLoadedData());

    // A preview started after it is the only one that finishes.
    draft.filters = rollout(50).filters;
    preview.start(loaded, draft);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QCOMPARE(failed.size(), 0);
    const auto s = finished.first().first().value<ImpactSummary>();
    QCOMPARE(s.gaining, computeImpact(serverProject(), loaded, draft, m_persons, now).gaining);
    QVERIFY(s.gaining < 30);
}

void TestImpactPreview::restartReplacesTheRunningPreview()
{
    QCOMPARE(createPersons(60), 200);
    const FeatureFlag loaded = FeatureFlag::fromJson(m_server->createFlag(
        {{u"key"_s, u"checkout"_s}, {u"filters"_s, rollout(0).filters.toJson()}}));
    FeatureFlag first = loaded;
    first.filters = rollout(100).filters;
    FeatureFlag second = loaded;
    second.filters = rollout(35).filters;

    ImpactPreview preview(m_client.get());
    preview.setPersonsPageSize(20);
    QSignalSpy finished(&preview, &ImpactPreview::finished);
    QSignalSpy failed(&preview, &ImpactPreview::failed);
    // Restarted from its own progress signal, between two pages of persons.
    bool restarted = false;
    connect(&preview, &ImpactPreview::progress, this, [&] {
        if (!std::exchange(restarted, true))
            preview.start(loaded, second);
    });
    preview.start(loaded, first);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QCOMPARE(failed.size(), 0);
    QCOMPARE(m_client->runningCalls(), 0);
    const auto s = finished.first().first().value<ImpactSummary>();
    QCOMPARE(s.total, 60);
    QCOMPARE(s.gaining, computeImpact(serverProject(), loaded, second, m_persons, now).gaining);
    QVERIFY(s.gaining < 60);
}

void TestImpactPreview::loadingFailureIsReported()
{
    api::Client wrongKey(api::Endpoint{QUrl(u"http://127.0.0.1:%1"_s.arg(m_server->port())),
                                       QString::number(m_server->projectId()), u"phx_not_a_key"_s});
    ImpactPreview preview(&wrongKey);
    QSignalSpy finished(&preview, &ImpactPreview::finished);
    QSignalSpy failed(&preview, &ImpactPreview::failed);
    preview.start(rollout(0), rollout(10));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 20000);
    QCOMPARE(finished.size(), 0);
    QVERIFY(failed.first().first().value<api::ApiError>().isAuthentication());
    QVERIFY(!preview.isRunning());
    QVERIFY(!preview.hasLoadedData());
}

void TestImpactPreview::staticCohortsAreACaveat()
{
    QCOMPARE(createPersons(10), 200);
    const auto cohort =
        m_server->post(u"/api/projects/%1/cohorts/"_s.arg(m_server->projectId()),
                       QJsonObject{{u"name"_s, u"Picked"_s}, {u"is_static"_s, true}});
    QCOMPARE(cohort.status, 201);
    const FeatureFlag loaded = FeatureFlag::fromJson(m_server->createFlag(
        {{u"key"_s, u"checkout"_s}, {u"filters"_s, rollout(10).filters.toJson()}}));
    FeatureFlag draft = loaded;
    draft.filters = rollout(100, inCohort(cohort.object().value("id"_L1).toInteger())).filters;

    ImpactPreview preview(m_client.get());
    QSignalSpy finished(&preview, &ImpactPreview::finished);
    preview.start(loaded, draft);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QVERIFY(!finished.first().first().value<ImpactSummary>().caveat.isEmpty());
}

QTEST_GUILESS_MAIN(TestImpactPreview)
#include "tst_impact_preview.moc"
