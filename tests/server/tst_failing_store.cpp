// A failing store: each write of a service is run with its first statement failing, then its
// second, and so on until it succeeds; after every failure the database must hold exactly what
// it held before (tst_failing_store_postgres runs the same on PostgreSQL).
#include "test_server.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>
#include <functional>

using namespace Qt::StringLiterals;
using namespace bunting::server;

namespace {

QJsonObject rollout(int percentage)
{
    return {{u"groups"_s, QJsonArray{QJsonObject{{u"rollout_percentage"_s, percentage}}}}};
}

} // namespace

class TestFailingStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup()
    {
        database().failStatement(0);
        m_server.reset();
    }

    void flagCreate();
    void flagUpdate();
    void bulkUpdateTags();
    void bulkDelete();
    void restoreVersion();
    void restoreDeleted();
    void cohortCreate();

private:
    Database &database() { return m_server->server().database(); }
    // Every row of every table, as sortable text.
    QStringList dump();
    // Runs `operation` with statement 1, 2, ... failing until the failure falls after a commit
    // (or never comes, and the operation answers `success`): every failure before that must
    // answer 500 and leave the database as it was. Each test then checks that the whole
    // operation is there, which fails for one written in several transactions, as its first
    // commit holds only part of it. The number of failures before the commit.
    int failEachStatement(const std::function<TestServer::Reply()> &operation, int success);

    std::unique_ptr<TestServer> m_server;
};

QStringList TestFailingStore::dump()
{
    const QSqlDatabase connection = database().connection();
    QStringList rows;
    for (const QString &table : connection.tables()) {
        QSqlQuery q(connection);
        if (!q.exec(u"SELECT * FROM "_s + table)) {
            qWarning("cannot read %s", qPrintable(table));
            return {};
        }
        while (q.next()) {
            const QSqlRecord record = q.record();
            QStringList fields{table};
            for (int i = 0; i < record.count(); ++i) {
                // Every request notes when its key was last used; that is the request's, not
                // the service's write.
                if (table == "personal_api_keys"_L1 && record.fieldName(i) == "last_used_at"_L1)
                    continue;
                fields.append(record.fieldName(i) + u'=' +
                              (record.isNull(i) ? u"NULL"_s : record.value(i).toString()));
            }
            rows.append(fields.join(u'|'));
        }
    }
    rows.sort();
    return rows;
}

int TestFailingStore::failEachStatement(const std::function<TestServer::Reply()> &operation,
                                        int success)
{
    const QStringList before = dump();
    [&] { QVERIFY(!before.isEmpty()); }();
    for (int n = 1; n <= 500; ++n) {
        database().failStatement(n);
        const TestServer::Reply reply = operation();
        const Database::InjectedFailure failure = database().injectedFailure();
        database().failStatement(0);
        const QStringList after = dump();
        if (!failure.fired || failure.commitsBefore > 0) {
            // Past the operation's commit: what fails now (a follow-up such as the usage
            // dashboard, or reading the answer back) finds the operation written, and whole.
            [&] {
                if (!failure.fired)
                    QCOMPARE(reply.status, success);
                QVERIFY(after != before);
            }();
            return n - 1;
        }
        [&] {
            QCOMPARE(reply.status, 500);
            QCOMPARE(reply.object().value("code"_L1), QJsonValue(u"database_error"_s));
            if (after != before) {
                QStringList written = after;
                written.removeIf([&](const QString &row) { return before.contains(row); });
                QStringList lost = before;
                lost.removeIf([&](const QString &row) { return after.contains(row); });
                qWarning("failing statement %d changed the database; new rows:\n%s\nlost "
                         "rows:\n%s",
                         n, qPrintable(written.join(u'\n')), qPrintable(lost.join(u'\n')));
            }
            QVERIFY(after == before);
        }();
        if (QTest::currentTestFailed())
            return n;
    }
    [] { QFAIL("the operation never committed"); }();
    return 0;
}

void TestFailingStore::flagCreate()
{
    const QJsonObject body{
        {u"key"_s, u"checkout"_s},
        {u"name"_s, u"New checkout"_s},
        {u"filters"_s,
         QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"rollout_percentage"_s, 50}}}}}}};
    const int failures =
        failEachStatement([&] { return m_server->post(m_server->flags(), body); }, 201);
    QVERIFY(failures >= 3);
    QCOMPARE(m_server->get(m_server->flags()).object().value("count"_L1), QJsonValue(1));
}

void TestFailingStore::flagUpdate()
{
    const qint64 id = m_server->createFlagId(
        u"checkout"_s,
        QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"rollout_percentage"_s, 10}}}}});
    // A new key too, so the usage dashboard's insights follow it after the commit.
    const QJsonObject changes{
        {u"key"_s, u"checkout-v2"_s},
        {u"active"_s, false},
        {u"filters"_s,
         QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"rollout_percentage"_s, 90}}}}}}};
    const int failures = failEachStatement([&] { return m_server->patchFlag(id, changes); }, 200);
    QVERIFY(failures >= 3);
    const QJsonObject flag = m_server->getFlag(id);
    QCOMPARE(flag.value("key"_L1), QJsonValue(u"checkout-v2"_s));
    QCOMPARE(flag.value("version"_L1), QJsonValue(2));
}

void TestFailingStore::bulkUpdateTags()
{
    QJsonArray ids;
    for (const QString &key : {u"one"_s, u"two"_s, u"three"_s})
        ids.append(m_server->createFlagId(key, rollout(100)));
    const QJsonObject body{
        {u"ids"_s, ids}, {u"action"_s, u"add"_s}, {u"tags"_s, QJsonArray{u"cleanup"_s}}};
    const int failures = failEachStatement(
        [&] { return m_server->post(m_server->flags(u"bulk_update_tags/"_s), body); }, 200);
    // Three flags written one after another: a failure in the last undoes the first two.
    QVERIFY(failures >= 6);
    for (const QJsonValue &id : std::as_const(ids))
        QCOMPARE(m_server->getFlag(id.toInteger()).value("tags"_L1),
                 QJsonValue(QJsonArray{u"cleanup"_s}));
}

void TestFailingStore::bulkDelete()
{
    QJsonArray ids;
    for (const QString &key : {u"one"_s, u"two"_s, u"three"_s})
        ids.append(m_server->createFlagId(key, rollout(100)));
    const QJsonObject body{{u"ids"_s, ids}};
    const int failures = failEachStatement(
        [&] { return m_server->post(m_server->flags(u"bulk_delete/"_s), body); }, 200);
    QVERIFY(failures >= 6);
    QCOMPARE(m_server->get(m_server->flags()).object().value("count"_L1), QJsonValue(0));
}

void TestFailingStore::restoreVersion()
{
    const qint64 id = m_server->createFlagId(
        u"checkout"_s,
        QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"rollout_percentage"_s, 10}}}}});
    QCOMPARE(m_server
                 ->patchFlag(id, QJsonObject{{u"name"_s, u"Renamed"_s},
                                             {u"filters"_s,
                                              QJsonObject{{u"groups"_s,
                                                           QJsonArray{QJsonObject{
                                                               {u"rollout_percentage"_s, 80}}}}}}})
                 .status,
             200);
    // Restoring a version, as PostHog's history panel does: its content sent back as a PATCH.
    const QJsonObject first =
        m_server->get(m_server->flags(QString::number(id) + u"/versions/1/"_s)).object();
    const QJsonObject restore{{u"name"_s, first.value("name"_L1)},
                              {u"filters"_s, first.value("filters"_L1)},
                              {u"active"_s, first.value("active"_L1)}};
    const int failures = failEachStatement([&] { return m_server->patchFlag(id, restore); }, 200);
    QVERIFY(failures >= 3);
    const QJsonObject flag = m_server->getFlag(id);
    QCOMPARE(flag.value("version"_L1), QJsonValue(3));
    QCOMPARE(flag.value("filters"_L1), first.value("filters"_L1));
}

void TestFailingStore::restoreDeleted()
{
    const qint64 id = m_server->createFlagId(u"checkout"_s, rollout(100));
    QCOMPARE(m_server->patchFlag(id, QJsonObject{{u"deleted"_s, true}}).status, 200);
    const int failures = failEachStatement(
        [&] {
            return m_server->patchFlag(id, QJsonObject{{u"deleted"_s, false}});
        },
        200);
    QVERIFY(failures >= 3);
    QCOMPARE(m_server->getFlag(id).value("deleted"_L1), QJsonValue(false));
}

void TestFailingStore::cohortCreate()
{
    QVERIFY(m_server->addPersons({{u"pro-1"_s, QJsonObject{{u"plan"_s, u"pro"_s}}},
                                  {u"pro-2"_s, QJsonObject{{u"plan"_s, u"pro"_s}}}}));
    const QString path = u"/api/projects/%1/cohorts/"_s.arg(m_server->projectId());
    QJsonArray uuids;
    const QString persons = u"/api/projects/%1/persons/"_s.arg(m_server->projectId());
    for (const QJsonValue &person : m_server->get(persons).object().value("results"_L1).toArray())
        uuids.append(person["uuid"_L1]);
    QCOMPARE(uuids.size(), 2);
    // A static cohort: the cohort, its members and its activity entry.
    const QJsonObject body{{u"name"_s, u"Beta testers"_s},
                           {u"is_static"_s, true},
                           {u"_create_static_person_ids"_s, uuids}};
    const int failures = failEachStatement([&] { return m_server->post(path, body); }, 201);
    QVERIFY(failures >= 3);
    const QJsonArray cohorts = m_server->get(path).object().value("results"_L1).toArray();
    QCOMPARE(cohorts.size(), 1);
    QCOMPARE(cohorts.first()["count"_L1], QJsonValue(2));
}

QTEST_GUILESS_MAIN(TestFailingStore)
#include "tst_failing_store.moc"
