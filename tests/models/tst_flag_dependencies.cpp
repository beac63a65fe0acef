// FlagDependencies against a real server through the real client: status and reason as the
// server decides them, dependents and dependencies in both directions, a dependency on a deleted
// flag, and an unknown flag.
#include "client.h"
#include "flag_dependencies.h"
#include "test_builders.h"
#include "test_server.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::models::FlagDependencies;
using bunting::models::FlagLink;
using bunting::models::FlagLinkListModel;
using test_builders::dependingOn;
using test_builders::everyone;
using test_builders::flagDependency;

namespace {

constexpr int kTimeout = 15000;

QList<qint64> ids(const FlagLinkListModel *model)
{
    QList<qint64> result;
    for (int row = 0; row < model->rowCount(); ++row)
        result.append(model->index(row).data(FlagLinkListModel::FlagIdRole).toLongLong());
    return result;
}

QStringList texts(const FlagLinkListModel *model)
{
    QStringList result;
    for (int row = 0; row < model->rowCount(); ++row)
        result.append(model->index(row).data().toString());
    return result;
}

} // namespace

class TestFlagDependencies : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void dependencyKeysReadEveryCondition();
    void bothDirectionsOfAChain();
    void activeFlagStatus();
    void staleFlagStatusAndReason();
    void notCalledFor30DaysIsStale();
    void deletedDependencyShowsAsDeleted();
    void unknownFlagIsUnknownAndReportsTheFailure();
    void reloadDropsTheOldLoad();

private:
    FeatureFlag flag(qint64 id);
    void load(qint64 id);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<FlagDependencies> m_deps;
    std::unique_ptr<QAbstractItemModelTester> m_dependentsTester;
    std::unique_ptr<QAbstractItemModelTester> m_dependenciesTester;
};

void TestFlagDependencies::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(m_server->endpoint());
    m_deps = std::make_unique<FlagDependencies>();
    m_deps->setClient(m_client.get());
    m_dependentsTester = std::make_unique<QAbstractItemModelTester>(
        m_deps->dependents(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_dependenciesTester = std::make_unique<QAbstractItemModelTester>(
        m_deps->dependencies(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestFlagDependencies::cleanup()
{
    m_dependentsTester.reset();
    m_dependenciesTester.reset();
    m_deps.reset();
    m_client.reset();
    m_server.reset();
}

FeatureFlag TestFlagDependencies::flag(qint64 id)
{
    return FeatureFlag::fromJson(m_server->getFlag(id));
}

void TestFlagDependencies::load(qint64 id)
{
    QSignalSpy loaded(m_deps.get(), &FlagDependencies::loaded);
    m_deps->setFlag(flag(id));
    QVERIFY(m_deps->isLoading());
    QVERIFY(loaded.wait(kTimeout));
    QVERIFY(!m_deps->isLoading());
}

void TestFlagDependencies::dependencyKeysReadEveryCondition()
{
    FeatureFlag f = FeatureFlag::fromJson(QJsonObject{
        {u"id"_s, 9},
        {u"key"_s, u"f"_s},
        {u"filters"_s,
         QJsonObject{
             {u"groups"_s,
              QJsonArray{
                  QJsonObject{{u"properties"_s, QJsonArray{flagDependency(3),
                                                           QJsonObject{{u"key"_s, u"email"_s},
                                                                       {u"type"_s, u"person"_s},
                                                                       {u"value"_s, u"x"_s}}}}},
                  QJsonObject{
                      {u"properties"_s, QJsonArray{flagDependency(5), flagDependency(3)}}}}}}}});
    QCOMPARE(models::flagDependencyKeys(f), (QStringList{u"3"_s, u"5"_s}));
}

void TestFlagDependencies::bothDirectionsOfAChain()
{
    const qint64 base = m_server->createFlagId(u"base"_s, everyone(), u"Base flag"_s);
    const qint64 middle = m_server->createFlagId(u"middle"_s, dependingOn({base}), u"Middle"_s);
    const qint64 top = m_server->createFlagId(u"top"_s, dependingOn({middle}));
    const qint64 other = m_server->createFlagId(u"another"_s, dependingOn({base}));

    load(middle);
    QCOMPARE(ids(m_deps->dependents()), QList<qint64>{top});
    QCOMPARE(ids(m_deps->dependencies()), QList<qint64>{base});
    QCOMPARE(texts(m_deps->dependencies()), QStringList{u"base (Base flag)"_s});
    QCOMPARE(m_deps->dependencies()->links().first().state, FlagLink::State::Active);

    load(base);
    // The server lists dependents by key.
    QCOMPARE(ids(m_deps->dependents()), (QList<qint64>{other, middle}));
    QCOMPARE(texts(m_deps->dependents()), (QStringList{u"another"_s, u"middle (Middle)"_s}));
    QCOMPARE(m_deps->dependencies()->rowCount(), 0);

    load(top);
    QCOMPARE(m_deps->dependents()->rowCount(), 0);
    QCOMPARE(ids(m_deps->dependencies()), QList<qint64>{middle});
}

void TestFlagDependencies::activeFlagStatus()
{
    const qint64 id = m_server->createFlagId(u"fresh"_s, everyone(50));
    load(id);
    QCOMPARE(m_deps->status(), u"active"_s);
    QCOMPARE(m_deps->statusReason(), u"Flag has no usage data yet"_s);
}

void TestFlagDependencies::staleFlagStatusAndReason()
{
    // Fully rolled out, older than 30 days and never called: what PostHog calls stale, with the
    // rollout as the reason.
    const qint64 id = m_server->createFlagId(u"old"_s, everyone());
    m_server->setFlagCreatedAt(id, QDateTime::currentDateTimeUtc().addDays(-45));
    const auto expected = m_server->get(m_server->flags(u"%1/status"_s.arg(id))).object();
    QCOMPARE(expected.value(u"status"_s).toString(), u"stale"_s);
    load(id);
    QCOMPARE(m_deps->status(), u"stale"_s);
    QCOMPARE(m_deps->statusReason(), u"This boolean flag will always evaluate to \"true\""_s);
}

void TestFlagDependencies::notCalledFor30DaysIsStale()
{
    const qint64 id = m_server->createFlagId(u"forgotten"_s, everyone(50));
    m_server->setFlagCreatedAt(id, QDateTime::currentDateTimeUtc().addDays(-60));
    QVERIFY(m_server->sendEvents({test_builders::flagCalled(
        u"forgotten"_s, true, u"caller"_s, QDateTime::currentDateTimeUtc().addDays(-40))}));
    load(id);
    QCOMPARE(m_deps->status(), u"stale"_s);
    QVERIFY2(m_deps->statusReason().startsWith(u"Flag has not been called in 4"_s),
             qPrintable(m_deps->statusReason()));
}

void TestFlagDependencies::deletedDependencyShowsAsDeleted()
{
    const qint64 gone = m_server->createFlagId(u"gone"_s, everyone());
    const qint64 orphan = m_server->createFlagId(u"orphan"_s, dependingOn({gone}));
    // Switched off first: the server refuses deleting a flag an active flag depends on.
    QCOMPARE(m_server->patchFlag(orphan, {{u"active"_s, false}}).status, 200);
    QCOMPARE(m_server->patchFlag(gone, {{u"deleted"_s, true}}).status, 200);

    load(orphan);
    QCOMPARE(ids(m_deps->dependencies()), QList<qint64>{gone});
    QCOMPARE(m_deps->dependencies()->links().first().state, FlagLink::State::Deleted);
    QCOMPARE(texts(m_deps->dependencies()), QStringList{u"gone (deleted)"_s});

    load(gone);
    QCOMPARE(m_deps->status(), u"deleted"_s);
    QCOMPARE(m_deps->statusReason(), u"Flag has been deleted"_s);
    QCOMPARE(m_deps->dependents()->rowCount(), 0); // an inactive dependent does not count
}

void TestFlagDependencies::unknownFlagIsUnknownAndReportsTheFailure()
{
    FeatureFlag missing;
    missing.id = 987654;
    missing.key = u"nowhere"_s;
    QSignalSpy loaded(m_deps.get(), &FlagDependencies::loaded);
    QSignalSpy failed(m_deps.get(), &FlagDependencies::failed);
    m_deps->setFlag(missing);
    QVERIFY(loaded.wait(kTimeout));
    QCOMPARE(m_deps->status(), u"unknown"_s);
    QCOMPARE(m_deps->statusReason(), u"Not found."_s);
    // dependent_flags of an unknown flag is a 404: reported once, not swallowed.
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().first().value<api::ApiError>().status, 404);
}

void TestFlagDependencies::reloadDropsTheOldLoad()
{
    const qint64 base = m_server->createFlagId(u"base"_s, everyone());
    const qint64 child = m_server->createFlagId(u"child"_s, dependingOn({base}));
    QSignalSpy loaded(m_deps.get(), &FlagDependencies::loaded);
    QSignalSpy loading(m_deps.get(), &FlagDependencies::loadingChanged);
    // Both read first: TestServer's own requests run an event loop the first load could finish in.
    const FeatureFlag first = flag(base);
    const FeatureFlag second = flag(child);
    m_deps->setFlag(first);
    m_deps->setFlag(second);
    QVERIFY(loaded.wait(kTimeout));
    QTest::qWait(200);
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(loading.size(), 2); // true once, false once
    QCOMPARE(ids(m_deps->dependencies()), QList<qint64>{base});
    QCOMPARE(m_deps->dependents()->rowCount(), 0);
}

QTEST_MAIN(TestFlagDependencies)
#include "tst_flag_dependencies.moc"
