// Issue 16, "Flags between projects": flags read from one real server (with the cohorts they use
// and the keys of the flags they name), written to an export file and read back, then sent to a
// second real server through the push machinery. Pinned: the round trip is exact (every field a
// client writes, with cohorts matched by name and flag dependencies by key, since ids are each
// project's own); a flag equal there is not sent again; one that differs is PATCHed with the
// target's version and object (PostHog's conflict rule, rest-api-behaviour.md §3.4); what the
// target lacks is that flag's problem; a file that is not an export is refused with a reason.
#include "client.h"
#include "flag_transfer.h"
#include "test_builders.h"
#include "test_server.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using bunting::api::Client;
using bunting::desktop::FlagBundle;
using bunting::desktop::FlagTransfer;
using bunting::desktop::ProjectPush;
using bunting::server::MirrorOverride;
using bunting::server::MirrorService;
using test_builders::everyone;
using State = ProjectPush::State;

namespace {

QJsonObject corpCohort()
{
    return {{u"name"_s, u"Corp"_s},
            {u"filters"_s,
             QJsonObject{{u"properties"_s,
                          QJsonObject{{u"type"_s, u"OR"_s},
                                      {u"values"_s, QJsonArray{QJsonObject{
                                                        {u"key"_s, u"email"_s},
                                                        {u"type"_s, u"person"_s},
                                                        {u"value"_s, u"@corp.example"_s},
                                                        {u"operator"_s, u"icontains"_s}}}}}}}}};
}

QJsonObject conditionOn(const QString &type, const QString &key, const QJsonValue &value,
                        const QString &op)
{
    return {{u"type"_s, type}, {u"key"_s, key}, {u"value"_s, value}, {u"operator"_s, op}};
}

} // namespace

class TestFlagTransfer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void anExportImportedElsewhereIsTheSameFlags();
    void aFlagThereShowsWhatWouldChangeAndWhatIsMissing();
    void aFileThatIsNotAnExportIsRefused();
    void aWholeProjectTravelsAPageAtATime();

private:
    std::optional<FlagBundle> load(const bunting::desktop::FlagChoice &choice);
    std::optional<FlagTransfer::Plan> plan(FlagTransfer &transfer);
    QList<ProjectPush::Flag> send(FlagTransfer &transfer, const FlagTransfer::Plan &plan);
    qint64 cohortId(TestServer &server, const QJsonObject &body);
    QJsonObject flagByKey(TestServer &server, const QString &key);

    std::unique_ptr<TestServer> m_source;
    std::unique_ptr<TestServer> m_target;
    std::unique_ptr<Client> m_sourceClient;
    std::unique_ptr<Client> m_targetClient;
    QList<qint64> m_ids; // base, depends, corp on the source
};

void TestFlagTransfer::init()
{
    m_source = std::make_unique<TestServer>();
    m_target = std::make_unique<TestServer>();
    const qint64 corp = cohortId(*m_source, corpCohort());
    // Ids differ between the projects: the target has a cohort and a flag made before.
    cohortId(*m_target,
             QJsonObject{{u"name"_s, u"Other"_s}, {u"filters"_s, corpCohort()["filters"_L1]}});
    QVERIFY(cohortId(*m_target, corpCohort()) != corp);
    m_target->createFlagId(u"made-there-first"_s, everyone());

    QJsonObject multivariate{
        {u"variants"_s,
         QJsonArray{QJsonObject{{u"key"_s, u"control"_s}, {u"rollout_percentage"_s, 50}},
                    QJsonObject{{u"key"_s, u"test"_s}, {u"rollout_percentage"_s, 50}}}}};
    const qint64 base =
        m_source
            ->createFlag(QJsonObject{
                {u"key"_s, u"base"_s},
                {u"name"_s, u"Base"_s},
                {u"tags"_s, QJsonArray{u"checkout"_s}},
                {u"filters"_s,
                 QJsonObject{{u"groups"_s, QJsonArray{test_builders::condition(30)}},
                             {u"multivariate"_s, multivariate},
                             {u"payloads"_s,
                              QJsonObject{{u"test"_s, u"{\"color\": \"red\"}"_s}}}}}})["id"_L1]
            .toInteger();
    const qint64 depends = m_source->createFlagId(
        u"depends"_s,
        test_builders::flagFilters({test_builders::condition(
            100, {conditionOn(u"flag"_s, QString::number(base), true, u"flag_evaluates_to"_s)})}),
        u"Depends on base"_s);
    const qint64 corpFlag = m_source->createFlagId(
        u"corp"_s,
        test_builders::flagFilters(
            {test_builders::condition(100, {conditionOn(u"cohort"_s, u"id"_s, corp, u"in"_s)})}),
        u"Corp only"_s);
    m_ids = {depends, corpFlag, base}; // a dependent before what it depends on
    m_sourceClient = std::make_unique<Client>(m_source->endpoint());
    m_targetClient = std::make_unique<Client>(m_target->endpoint());
}

void TestFlagTransfer::cleanup()
{
    m_sourceClient.reset();
    m_targetClient.reset();
    m_source.reset();
    m_target.reset();
}

qint64 TestFlagTransfer::cohortId(TestServer &server, const QJsonObject &body)
{
    const auto reply = server.post(u"/api/projects/%1/cohorts/"_s.arg(server.projectId()), body);
    if (reply.status != 201)
        qWarning("creating a cohort answered %d: %s", reply.status, reply.body.constData());
    return reply.object().value("id"_L1).toInteger();
}

QJsonObject TestFlagTransfer::flagByKey(TestServer &server, const QString &key)
{
    const auto list = server.get(server.flags(u"?search=%1"_s.arg(key)));
    for (const QJsonValue &flag : list.object().value("results"_L1).toArray())
        if (flag["key"_L1].toString() == key)
            return server.getFlag(flag["id"_L1].toInteger());
    return {};
}

std::optional<FlagBundle> TestFlagTransfer::load(const bunting::desktop::FlagChoice &choice)
{
    std::optional<FlagBundle> loaded;
    bool done = false;
    bunting::desktop::loadBundle(
        *m_sourceClient, choice, this,
        [&](const std::optional<FlagBundle> &bundle, const QString &error) {
            if (!bundle)
                qWarning() << "loading failed:" << error;
            loaded = bundle;
            done = true;
        });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        qWarning("loading did not finish");
    return loaded;
}

std::optional<FlagTransfer::Plan> TestFlagTransfer::plan(FlagTransfer &transfer)
{
    std::optional<FlagTransfer::Plan> planned;
    bool done = false;
    transfer.plan([&](const std::optional<FlagTransfer::Plan> &p, const QString &error) {
        if (!p)
            qWarning() << "planning failed:" << error;
        planned = p;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        qWarning("planning did not finish");
    return planned;
}

QList<ProjectPush::Flag> TestFlagTransfer::send(FlagTransfer &transfer,
                                                const FlagTransfer::Plan &plan)
{
    ProjectPush push(*m_targetClient, transfer.copy(), plan.items);
    QSignalSpy finished(&push, &ProjectPush::finished);
    push.start();
    if (finished.isEmpty() && !finished.wait(10000))
        qWarning("the push did not finish");
    return push.flags();
}

void TestFlagTransfer::anExportImportedElsewhereIsTheSameFlags()
{
    const auto loaded = load({m_ids, std::nullopt});
    QVERIFY(loaded);
    QCOMPARE(loaded->flags.size(), 3);
    QCOMPARE(loaded->cohorts.size(), 1);
    // Written to a file and read back: the same bundle.
    QString error;
    const auto file = QJsonDocument::fromJson(QJsonDocument(loaded->toJson()).toJson());
    const auto bundle = FlagBundle::fromJson(file.object(), &error);
    QVERIFY2(bundle, qPrintable(error));
    QCOMPARE(bundle->toJson(), loaded->toJson());

    FlagTransfer transfer(*m_targetClient, *bundle);
    const auto planned = plan(transfer);
    QVERIFY(planned);
    QStringList keys;
    for (const auto &item : planned->items) {
        keys.append(item.key);
        QCOMPARE(item.kind, MirrorOverride::Kind::Created);
        QVERIFY2(item.problem.isEmpty(), qPrintable(item.problem));
    }
    QCOMPARE(keys, (QStringList{u"base"_s, u"depends"_s, u"corp"_s})); // base first
    for (const auto &flag : send(transfer, *planned))
        QVERIFY2(flag.state == State::Sent, qPrintable(flag.item.key + u": "_s + flag.message));

    // Field by field, but for the ids each project gives.
    const qint64 targetBase = flagByKey(*m_target, u"base"_s)["id"_L1].toInteger();
    for (const QJsonObject &source : bundle->flags) {
        QJsonObject there =
            MirrorService::copiedFields(flagByKey(*m_target, source["key"_L1].toString()));
        QJsonObject expected = MirrorService::copiedFields(source);
        if (source["key"_L1] == u"depends"_s) {
            QCOMPARE(there["filters"_L1]["groups"_L1][0]["properties"_L1][0]["key"_L1].toString(),
                     QString::number(targetBase));
            there.remove(u"filters"_s);
            expected.remove(u"filters"_s);
        }
        if (source["key"_L1] == u"corp"_s) {
            const qint64 cohort =
                there["filters"_L1]["groups"_L1][0]["properties"_L1][0]["value"_L1].toInteger();
            QCOMPARE(
                m_target
                    ->get(u"/api/projects/%1/cohorts/%2/"_s.arg(m_target->projectId()).arg(cohort))
                    .object()["name"_L1]
                    .toString(),
                u"Corp"_s);
            there.remove(u"filters"_s);
            expected.remove(u"filters"_s);
        }
        QCOMPARE(there, expected);
    }

    // Sent again: nothing to send.
    FlagTransfer again(*m_targetClient, *bundle);
    const auto second = plan(again);
    QVERIFY(second);
    QVERIFY(second->items.isEmpty());
    QCOMPARE(second->same.size(), 3);
}

void TestFlagTransfer::aFlagThereShowsWhatWouldChangeAndWhatIsMissing()
{
    const qint64 there = m_target->createFlagId(u"base"_s, everyone(20), u"Base there"_s);
    const int version = m_target->getFlag(there)["version"_L1].toInt();
    // A target with no cohort "Corp".
    auto empty = std::make_unique<TestServer>();
    const auto loaded = load({{m_ids[2], m_ids[1]}, std::nullopt}); // base, corp
    QVERIFY(loaded);

    FlagTransfer transfer(*m_targetClient, *loaded);
    const auto planned = plan(transfer);
    QVERIFY(planned);
    QCOMPARE(planned->items.size(), 2);
    const auto &base = planned->items[0];
    QCOMPARE(base.key, u"base"_s);
    QCOMPARE(base.kind, MirrorOverride::Kind::Changed);
    QCOMPARE(base.remoteId, there);
    QCOMPARE(base.baseVersion, version);
    QCOMPARE(base.base["name"_L1].toString(), u"Base there"_s);
    QCOMPARE(ProjectPush::changedFields(base.mine, base.base).keys(),
             (QStringList{u"filters"_s, u"name"_s, u"tags"_s}));
    const auto outcomes = send(transfer, *planned);
    QCOMPARE(outcomes[0].state, State::Sent);
    const QJsonObject after = m_target->getFlag(there);
    QCOMPARE(after["version"_L1].toInt(), version + 1);
    QCOMPARE(after["filters"_L1]["groups"_L1][0]["rollout_percentage"_L1].toDouble(), 30.0);
    QCOMPARE(after["filters"_L1]["multivariate"_L1]["variants"_L1].toArray().size(), 2);

    Client elsewhere(empty->endpoint());
    FlagTransfer missing(elsewhere, *loaded);
    const auto lacking = plan(missing);
    QVERIFY(lacking);
    QCOMPARE(lacking->items[1].key, u"corp"_s);
    QCOMPARE(lacking->items[1].problem,
             u"It uses cohort 'Corp', which the target project does not have."_s);
}

void TestFlagTransfer::aFileThatIsNotAnExportIsRefused()
{
    QString error;
    QVERIFY(!FlagBundle::fromJson(QJsonObject{{u"flags"_s, QJsonArray{}}}, &error));
    QCOMPARE(error, u"This is not a file of flags exported by Bunting."_s);
    QJsonObject file = FlagBundle{}.toJson();
    file.insert(u"version"_s, 99);
    QVERIFY(!FlagBundle::fromJson(file, &error));
    QCOMPARE(error, u"This file of flags is of version 99, which this Bunting does not read."_s);
    file = FlagBundle{}.toJson();
    const QJsonObject flag{{u"key"_s, u"twice"_s}, {u"filters"_s, QJsonObject{}}};
    file.insert(u"flags"_s, QJsonArray{flag, flag});
    QVERIFY(!FlagBundle::fromJson(file, &error));
    QCOMPARE(error, u"The file has the flag 'twice' twice."_s);
    file.insert(u"flags"_s, QJsonArray{QJsonObject{{u"key"_s, 3}}, u"text"_s});
    QVERIFY(!FlagBundle::fromJson(file, &error));
    QCOMPARE(error, u"Flag 1 of the file has no key or no filters."_s);
}

// A backup of a whole project: the source's list read a page at a time, and the target's too
// (more keys than it is worth searching one by one), not a request per flag.
void TestFlagTransfer::aWholeProjectTravelsAPageAtATime()
{
    for (int i = 0; i < 120; ++i)
        m_source->createFlagId(u"bulk-%1"_s.arg(i), everyone(i % 100));
    const auto loaded = load({{}, bunting::api::FlagListQuery{}});
    QVERIFY(loaded);
    QCOMPARE(loaded->flags.size(), 123);
    QCOMPARE(loaded->cohorts.size(), 1);

    FlagTransfer transfer(*m_targetClient, *loaded);
    const auto planned = plan(transfer);
    QVERIFY(planned);
    QCOMPARE(planned->items.size(), 123);
    for (const auto &flag : send(transfer, *planned))
        QVERIFY2(flag.state == State::Sent, qPrintable(flag.item.key + u": "_s + flag.message));
    QCOMPARE(m_target->get(m_target->flags()).object()["count"_L1].toInt(), 124);
    FlagTransfer again(*m_targetClient, *loaded);
    const auto second = plan(again);
    QVERIFY(second);
    QVERIFY(second->items.isEmpty());
    QCOMPARE(second->same.size(), 123);
}

QTEST_GUILESS_MAIN(TestFlagTransfer)
#include "tst_flag_transfer.moc"
