// What a flag write costs as the project grows (issue 21): a create, an update or a disable runs
// the same statements in a project of 5 flags as in one of 1,005, because validation reads only
// what the write names (the key, the flags and cohorts its conditions name) and PostHog's
// "others depend on this flag" check reads only flags that name some flag. Counted in
// statements, not timed (bench/bench_flag_writes times them at 100,000 flags).
#include "services/flag_input.h"
#include "storage/flag_repository.h"
#include "test_server.h"

#include <QSqlQuery>
#include <QTest>
#include <functional>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::server;

namespace {

QJsonObject rollout(int percentage)
{
    return {{u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray()},
                                                 {u"rollout_percentage"_s, percentage}}}}};
}

// A condition on flag `id` being enabled: PostHog's flag dependency.
QJsonObject dependsOn(qint64 id)
{
    return {{u"groups"_s, QJsonArray{QJsonObject{
                              {u"properties"_s,
                               QJsonArray{QJsonObject{{u"key"_s, QString::number(id)},
                                                      {u"type"_s, u"flag"_s},
                                                      {u"value"_s, true},
                                                      {u"operator"_s, u"flag_evaluates_to"_s}}}},
                              {u"rollout_percentage"_s, 100}}}}};
}

} // namespace

class TestWriteCost : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_server.reset(); }

    void createCostsTheSameInALargeProject();
    void createWithADependencyCostsTheSame();
    void updateCostsTheSame();
    void disableCostsTheSame();
    void dependentsAreFoundThroughTheIndex();

private:
    Database &database() { return m_server->server().database(); }
    Principal owner() const { return {m_server->server().auth().ownerUserId(), 0, {u"*"_s}, {}}; }
    // Statements `write` runs, committing included.
    int statementsOf(const std::function<void()> &write);
    // Adds `count` flags straight through the repository, in one transaction.
    void grow(int count);

    std::unique_ptr<TestServer> m_server;
    int m_grown = 0;
};

void TestWriteCost::init()
{
    m_server = std::make_unique<TestServer>();
    m_grown = 0;
    grow(5);
}

int TestWriteCost::statementsOf(const std::function<void()> &write)
{
    const int before = database().statementsRun();
    write();
    return database().statementsRun() - before;
}

void TestWriteCost::grow(int count)
{
    FlagRepository repository(database());
    database().transaction([&] {
        for (int i = 0; i < count; ++i, ++m_grown) {
            QJsonObject flag = newFlagTemplate().toJson();
            flag.insert(u"key"_s, u"grown-%1"_s.arg(m_grown));
            flag.insert(u"filters"_s, rollout(m_grown % 100));
            flag.insert(u"version"_s, 1);
            flag.insert(u"created_at"_s, u"2026-01-01T00:00:00.000000Z"_s);
            flag.insert(u"updated_at"_s, u"2026-01-01T00:00:00.000000Z"_s);
            repository.insert(m_server->projectId(), FeatureFlag::fromJson(flag), owner().userId);
        }
    });
}

void TestWriteCost::createCostsTheSameInALargeProject()
{
    FlagService &flags = m_server->server().flagService();
    const qint64 project = m_server->projectId();
    const auto create = [&](const QString &key) {
        return statementsOf([&] {
            flags.create(project, owner(), {{u"key"_s, key}, {u"filters"_s, rollout(30)}});
        });
    };
    const int small = create(u"small"_s);
    grow(1000);
    QCOMPARE(create(u"large"_s), small);
    QVERIFY(small > 0);
}

void TestWriteCost::createWithADependencyCostsTheSame()
{
    // PostHog checks a new flag's dependencies for cycles, following the chain of flags it
    // names: that chain is read, and nothing else.
    FlagService &flags = m_server->server().flagService();
    const qint64 project = m_server->projectId();
    const qint64 base = m_server->createFlagId(u"base"_s, rollout(50));
    const qint64 middle = m_server->createFlagId(u"middle"_s, dependsOn(base));
    const auto create = [&](const QString &key) {
        return statementsOf([&] {
            flags.create(project, owner(), {{u"key"_s, key}, {u"filters"_s, dependsOn(middle)}});
        });
    };
    const int small = create(u"top-small"_s);
    grow(1000);
    QCOMPARE(create(u"top-large"_s), small);
}

void TestWriteCost::updateCostsTheSame()
{
    FlagService &flags = m_server->server().flagService();
    const qint64 project = m_server->projectId();
    const qint64 id = m_server->createFlagId(u"changing"_s, rollout(10));
    int percentage = 10;
    const auto update = [&] {
        return statementsOf([&] {
            flags.update(project, id, owner(), {{u"filters"_s, rollout(++percentage)}});
        });
    };
    const int small = update();
    grow(1000);
    QCOMPARE(update(), small);
}

void TestWriteCost::disableCostsTheSame()
{
    // Disabling asks which live flags depend on this one (PostHog refuses while any does).
    FlagService &flags = m_server->server().flagService();
    const qint64 project = m_server->projectId();
    const qint64 first = m_server->createFlagId(u"first"_s, rollout(10));
    const qint64 second = m_server->createFlagId(u"second"_s, rollout(10));
    m_server->createFlagId(u"names-another"_s, dependsOn(m_server->createFlagId(u"x"_s, {})));
    const auto disable = [&](qint64 id) {
        return statementsOf([&] { flags.update(project, id, owner(), {{u"active"_s, false}}); });
    };
    const int small = disable(first);
    grow(1000);
    QCOMPARE(disable(second), small);
}

void TestWriteCost::dependentsAreFoundThroughTheIndex()
{
    // The rows read, not only the statements: the dependents query's conditions are answered
    // by an index, so a project of flags without dependencies is not scanned.
    if (m_server->onPostgres())
        QSKIP("SQLite's query plan; PostgreSQL plans by its statistics");
    QSqlQuery plan(database().connection());
    QVERIFY(plan.exec(u"EXPLAIN QUERY PLAN SELECT id, document FROM feature_flags WHERE "
                      "project_id = 1 AND names_flags = 1 AND deleted = 0 AND active = 1 "
                      "ORDER BY key"_s));
    QString steps;
    while (plan.next())
        steps += plan.value(3).toString() + u'\n';
    QVERIFY2(steps.contains(u"feature_flags_naming"_s), qPrintable(steps));
}

QTEST_GUILESS_MAIN(TestWriteCost)
#include "tst_write_cost.moc"
