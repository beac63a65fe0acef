// StaleFlagsModel against a real server through the real client: the stale list as the server
// decides it, its columns, and cleanups that respect dependencies (a flag needed outside the
// selection is refused and untouched, a chain inside the selection goes dependents first) or
// that the server refuses (a key without write access), each checked through GET afterwards.
#include "client.h"
#include "flag_summary.h"
#include "stale_flags_model.h"
#include "test_builders.h"
#include "test_server.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::models::StaleFlagRefusal;
using bunting::models::StaleFlagsModel;
using bunting::models::StaleFlagsOutcome;
using test_builders::dependingOn;
using test_builders::everyone;

namespace {

constexpr int kTimeout = 15000;

QList<qint64> ids(const QList<api::FlagRef> &refs)
{
    QList<qint64> result;
    for (const api::FlagRef &ref : refs)
        result.append(ref.id);
    return result;
}

} // namespace

class TestStaleFlagsModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void listsWhatTheServerCallsStale();
    void columnsSayWhatAndWho();
    void checkingRows();
    void disableRefusesAFlagNeededOutsideTheSelection();
    void disableChainGoesDependentsFirst();
    void removeChainAndRefusal();
    void serverRefusalIsReported();
    void loadFailureIsReported();

private:
    // A flag fully rolled out, created 45 days ago and never called: stale by configuration.
    qint64 staleFlag(const QString &key, const QJsonObject &filters = everyone());
    // A flag last called 40 days ago: stale whatever its conditions.
    qint64 calledLongAgo(const QString &key, const QJsonObject &filters);
    qint64 freshFlag(const QString &key, const QJsonObject &filters);
    QJsonObject get(qint64 id);
    void load();
    StaleFlagsOutcome run(const std::function<void()> &action);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<StaleFlagsModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestStaleFlagsModel::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(m_server->endpoint());
    m_model = std::make_unique<StaleFlagsModel>();
    m_model->setClient(m_client.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestStaleFlagsModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_client.reset();
    m_server.reset();
}

qint64 TestStaleFlagsModel::staleFlag(const QString &key, const QJsonObject &filters)
{
    const qint64 id = m_server->createFlagId(key, filters, key.toUpper());
    m_server->setFlagCreatedAt(id, QDateTime::currentDateTimeUtc().addDays(-45));
    return id;
}

qint64 TestStaleFlagsModel::calledLongAgo(const QString &key, const QJsonObject &filters)
{
    const qint64 id = staleFlag(key, filters);
    m_server->sendEvents({test_builders::flagCalled(key, true, u"caller"_s,
                                                    QDateTime::currentDateTimeUtc().addDays(-40))});
    return id;
}

qint64 TestStaleFlagsModel::freshFlag(const QString &key, const QJsonObject &filters)
{
    return m_server->createFlagId(key, filters);
}

QJsonObject TestStaleFlagsModel::get(qint64 id)
{
    return m_server->getFlag(id);
}

void TestStaleFlagsModel::load()
{
    QSignalSpy loaded(m_model.get(), &StaleFlagsModel::loaded);
    m_model->reload();
    QVERIFY(m_model->isLoading());
    QVERIFY(loaded.wait(kTimeout));
    // The dependents arrive one flag after the other.
    QTRY_VERIFY_WITH_TIMEOUT(
        [this] {
            for (int row = 0; row < m_model->rowCount(); ++row)
                if (!m_model->dependentsAt(row))
                    return false;
            return true;
        }(),
        kTimeout);
}

StaleFlagsOutcome TestStaleFlagsModel::run(const std::function<void()> &action)
{
    QSignalSpy finished(m_model.get(), &StaleFlagsModel::actionFinished);
    QSignalSpy busy(m_model.get(), &StaleFlagsModel::busyChanged);
    action();
    if (!finished.wait(kTimeout))
        qWarning("the cleanup did not finish");
    if (busy.size() != 2)
        qWarning("busy changed %d times", int(busy.size()));
    return finished.isEmpty() ? StaleFlagsOutcome{}
                              : finished.first().first().value<StaleFlagsOutcome>();
}

void TestStaleFlagsModel::listsWhatTheServerCallsStale()
{
    const qint64 old = staleFlag(u"old-rollout"_s);
    const qint64 unused = calledLongAgo(u"unused"_s, dependingOn({old}));
    freshFlag(u"fresh"_s, everyone());
    // Old but only half rolled out and never called: not stale.
    const qint64 half = m_server->createFlagId(u"half"_s, everyone(50));
    m_server->setFlagCreatedAt(half, QDateTime::currentDateTimeUtc().addDays(-45));

    load();
    QCOMPARE(m_model->rowCount(), 2);
    QCOMPARE(m_model->index(0, 0).data(StaleFlagsModel::FlagIdRole).toLongLong(), old);
    QCOMPARE(m_model->index(1, 0).data(StaleFlagsModel::FlagIdRole).toLongLong(), unused);
}

void TestStaleFlagsModel::columnsSayWhatAndWho()
{
    const qint64 old = staleFlag(u"old-rollout"_s);
    calledLongAgo(u"unused"_s, dependingOn({old}));
    load();
    QCOMPARE(m_model->columnCount(), 5);
    QCOMPARE(m_model->headerData(StaleFlagsModel::DependentsColumn, Qt::Horizontal).toString(),
             u"Depended on by"_s);
    QCOMPARE(m_model->index(0, StaleFlagsModel::KeyColumn).data().toString(), u"old-rollout"_s);
    QCOMPARE(m_model->index(0, StaleFlagsModel::NameColumn).data().toString(), u"OLD-ROLLOUT"_s);
    QCOMPARE(m_model->index(0, StaleFlagsModel::LastCalledColumn).data().toString(), u"never"_s);
    QCOMPARE(m_model->index(0, StaleFlagsModel::RolloutColumn).data().toString(),
             models::rolloutSummary(FeatureFlag::fromJson(get(old))));
    QVERIFY(
        m_model->index(0, StaleFlagsModel::RolloutColumn).data().toString().contains(u"100%"_s));
    QCOMPARE(m_model->index(0, StaleFlagsModel::DependentsColumn).data().toString(),
             u"1: unused"_s);
    QCOMPARE(m_model->index(0, 0).data(StaleFlagsModel::DependentKeysRole).toStringList(),
             QStringList{u"unused"_s});
    QCOMPARE(m_model->index(1, StaleFlagsModel::DependentsColumn).data().toString(), u"none"_s);
    // Called 40 days ago: a date, not "never".
    const QString lastCalled =
        m_model->index(1, StaleFlagsModel::LastCalledColumn).data().toString();
    QVERIFY2(!lastCalled.isEmpty() && lastCalled != u"never"_s, qPrintable(lastCalled));
}

void TestStaleFlagsModel::checkingRows()
{
    const qint64 a = staleFlag(u"a"_s);
    const qint64 b = staleFlag(u"b"_s);
    load();
    QSignalSpy checked(m_model.get(), &StaleFlagsModel::checkedChanged);
    QVERIFY(m_model->flags(m_model->index(0, 0)).testFlag(Qt::ItemIsUserCheckable));
    QVERIFY(!m_model->flags(m_model->index(0, 1)).testFlag(Qt::ItemIsUserCheckable));
    QVERIFY(m_model->setData(m_model->index(1, 0), Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(m_model->checkedIds(), QList<qint64>{b});
    QCOMPARE(m_model->index(1, 0).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
    m_model->setAllChecked(true);
    QCOMPARE(m_model->checkedIds(), (QList<qint64>{a, b}));
    m_model->setAllChecked(false);
    QVERIFY(m_model->checkedIds().isEmpty());
    QCOMPARE(checked.size(), 3);
}

void TestStaleFlagsModel::disableRefusesAFlagNeededOutsideTheSelection()
{
    const qint64 needed = staleFlag(u"checkout"_s);
    freshFlag(u"cart"_s, dependingOn({needed}));
    freshFlag(u"banner"_s, dependingOn({needed}));
    const qint64 loose = staleFlag(u"loose"_s);
    load();

    const StaleFlagsOutcome outcome = run([&] { m_model->disable({needed, loose}); });
    QCOMPARE(outcome.action, StaleFlagsOutcome::Action::Disable);
    QCOMPARE(ids(outcome.done), QList<qint64>{loose});
    QCOMPARE(outcome.refused.size(), 1);
    QCOMPARE(outcome.refused.first().id, needed);
    QCOMPARE(outcome.refused.first().key, u"checkout"_s);
    QCOMPARE(outcome.refused.first().reason, u"2 flags depend on it: banner, cart"_s);

    QCOMPARE(get(needed).value(u"active"_s).toBool(), true);
    QCOMPARE(get(loose).value(u"active"_s).toBool(), false);
    // The disabled row stays, updated; the refused one is untouched.
    const int looseRow = m_model->rowOf(loose);
    QVERIFY(looseRow >= 0);
    QCOMPARE(m_model->index(looseRow, 0).data(StaleFlagsModel::ActiveRole).toBool(), false);
    QCOMPARE(m_model->index(looseRow, StaleFlagsModel::RolloutColumn).data().toString(),
             models::rolloutSummary(FeatureFlag::fromJson(get(loose))));
    QCOMPARE(m_model->index(m_model->rowOf(needed), 0).data(StaleFlagsModel::ActiveRole).toBool(),
             true);
}

void TestStaleFlagsModel::disableChainGoesDependentsFirst()
{
    const qint64 base = staleFlag(u"base"_s);
    const qint64 middle = calledLongAgo(u"middle"_s, dependingOn({base}));
    const qint64 top = calledLongAgo(u"top"_s, dependingOn({middle}));
    load();
    QCOMPARE(m_model->rowCount(), 3);

    // Asked in the order the server would refuse: what others depend on first.
    const StaleFlagsOutcome outcome = run([&] { m_model->disable({base, middle, top}); });
    QVERIFY2(outcome.refused.isEmpty(),
             qPrintable(outcome.refused.isEmpty() ? QString() : outcome.refused.first().reason));
    QCOMPARE(ids(outcome.done), (QList<qint64>{top, middle, base}));
    for (qint64 id : {base, middle, top})
        QCOMPARE(get(id).value(u"active"_s).toBool(), false);
}

void TestStaleFlagsModel::removeChainAndRefusal()
{
    const qint64 base = staleFlag(u"base"_s);
    const qint64 child = calledLongAgo(u"child"_s, dependingOn({base}));
    const qint64 needed = staleFlag(u"needed"_s);
    freshFlag(u"user-of-needed"_s, dependingOn({needed}));
    // Inside the selection, but it depends on `kept`, which must stay: so `kept` stays too, and
    // it is refused for that reason rather than by the server.
    const qint64 kept = staleFlag(u"kept"_s);
    const qint64 keeper = calledLongAgo(u"keeper"_s, dependingOn({kept}));
    freshFlag(u"user-of-keeper"_s, dependingOn({keeper}));
    load();
    QCOMPARE(m_model->rowCount(), 5);

    const StaleFlagsOutcome outcome = run([&] {
        m_model->remove({base, child, needed, kept, keeper});
    });
    QCOMPARE(outcome.action, StaleFlagsOutcome::Action::Remove);
    QCOMPARE(ids(outcome.done), (QList<qint64>{child, base}));
    QCOMPARE(outcome.refused.size(), 3);
    QHash<qint64, QString> reasons;
    for (const StaleFlagRefusal &r : outcome.refused)
        reasons.insert(r.id, r.reason);
    QCOMPARE(reasons.value(needed), u"1 flag depends on it: user-of-needed"_s);
    QCOMPARE(reasons.value(keeper), u"1 flag depends on it: user-of-keeper"_s);
    QCOMPARE(reasons.value(kept), u"keeper depends on it and was not changed"_s);

    QCOMPARE(get(base).value(u"deleted"_s).toBool(), true);
    QCOMPARE(get(child).value(u"deleted"_s).toBool(), true);
    for (qint64 id : {needed, kept, keeper})
        QCOMPARE(get(id).value(u"deleted"_s).toBool(), false);
    // Deleted rows are gone.
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_model->rowOf(base), -1);
    QCOMPARE(m_model->rowOf(child), -1);
}

void TestStaleFlagsModel::serverRefusalIsReported()
{
    const qint64 id = staleFlag(u"locked"_s);
    load();
    // A key that may read but not write: the server answers 403, and the model says so.
    m_client->setEndpoint(m_server->endpoint(m_server->keyWithScopes({u"feature_flag:read"_s})));
    const StaleFlagsOutcome outcome = run([&] { m_model->disable({id}); });
    QVERIFY(outcome.done.isEmpty());
    QCOMPARE(outcome.refused.size(), 1);
    QCOMPARE(outcome.refused.first().key, u"locked"_s);
    QVERIFY2(!outcome.refused.first().reason.isEmpty(), "the server's reason is kept");
    QVERIFY2(outcome.refused.first().reason.contains(u"scope"_s, Qt::CaseInsensitive) ||
                 outcome.refused.first().reason.contains(u"permission"_s, Qt::CaseInsensitive),
             qPrintable(outcome.refused.first().reason));
    QCOMPARE(get(id).value(u"active"_s).toBool(), true);

    const StaleFlagsOutcome removal = run([&] { m_model->remove({id}); });
    QVERIFY(removal.done.isEmpty());
    QCOMPARE(removal.refused.size(), 1);
    QCOMPARE(get(id).value(u"deleted"_s).toBool(), false);
    QCOMPARE(m_model->rowCount(), 1);
}

void TestStaleFlagsModel::loadFailureIsReported()
{
    m_client->setEndpoint(m_server->endpoint(u"phx_wrong"_s));
    QSignalSpy failed(m_model.get(), &StaleFlagsModel::loadFailed);
    m_model->reload();
    QVERIFY(failed.wait(kTimeout));
    QCOMPARE(failed.first().first().value<api::ApiError>().status, 401);
    QVERIFY(!m_model->isLoading());
    QCOMPARE(m_model->rowCount(), 0);
}

QTEST_MAIN(TestStaleFlagsModel)
#include "tst_stale_flags_model.moc"
