// Database: the same calls behave the same on SQLite and on PostgreSQL (tst_database_postgres).
#include "test_server.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting::server;

namespace {

struct InnerFailure
{
};

} // namespace

class TestDatabase : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    Database &db() { return m_server->server().database(); }
    QStringList names()
    {
        QStringList out;
        QSqlQuery q = db().exec(u"SELECT name FROM scratch ORDER BY name"_s);
        while (q.next())
            out.append(q.value(0).toString());
        return out;
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<TestServer>();
        // No values: DDL, which PostgreSQL will not PREPARE.
        db().exec(u"CREATE TABLE scratch (name TEXT PRIMARY KEY, number BIGINT, flag INTEGER, "
                  "note TEXT)"_s);
    }
    void cleanup() { m_server.reset(); }

    void textRoundTrips_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("quotes") << u"it's \"quoted\""_s;
        QTest::newRow("backslashes") << u"C:\\path\\n\\'"_s;
        QTest::newRow("sql") << u"'); DROP TABLE scratch; --"_s;
        QTest::newRow("placeholder") << u"what? $1 :name"_s;
        QTest::newRow("unicode") << u"Grüße, ΣΊΣΥΦΟΣ, 旗, 🚩"_s;
        QTest::newRow("empty") << QString(u""_s);
        QTest::newRow("long") << QString(100000, u'x');
    }

    void textRoundTrips()
    {
        QFETCH(QString, text);
        db().exec(u"INSERT INTO scratch (name, note) VALUES (?, ?)"_s, {u"a"_s, text});
        const auto stored = db().scalar(u"SELECT note FROM scratch WHERE note = ?"_s, {text});
        QVERIFY(stored);
        QCOMPARE(stored->toString(), text);
        QVERIFY(!stored->isNull());
    }

    void nullAndNumbersRoundTrip()
    {
        const qint64 big = (qint64(1) << 53) + 1;
        db().exec(u"INSERT INTO scratch (name, number, note) VALUES (?, ?, ?)"_s,
                  {u"a"_s, big, QVariant()});
        QSqlQuery q = db().exec(u"SELECT number, note FROM scratch WHERE name = ?"_s, {u"a"_s});
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toLongLong(), big);
        QVERIFY(q.value(1).isNull());
        QVERIFY(!q.next());
        QVERIFY(!db().scalar(u"SELECT note FROM scratch WHERE name = ?"_s, {u"none"_s}));
    }

    // Booleans live in INTEGER columns; a bool bound as such must store and match as 1/0.
    void boolsBindAsIntegers()
    {
        db().exec(u"INSERT INTO scratch (name, flag) VALUES (?, ?), (?, ?)"_s,
                  {u"on"_s, true, u"off"_s, false});
        QCOMPARE(db().scalar(u"SELECT flag FROM scratch WHERE name = ?"_s, {u"on"_s})->toInt(), 1);
        QCOMPARE(db().scalar(u"SELECT flag FROM scratch WHERE name = ?"_s, {u"off"_s})->toInt(), 0);
        QCOMPARE(db().scalar(u"SELECT name FROM scratch WHERE flag = ?"_s, {true})->toString(),
                 u"on"_s);
    }

    void errorsAreDatabaseErrorsAndLeaveTheConnectionUsable()
    {
        QVERIFY_THROWS_EXCEPTION(DatabaseError, db().exec(u"SELECT nonsense FROM nowhere"_s));
        QVERIFY_THROWS_EXCEPTION(DatabaseError,
                                 db().exec(u"SELECT * FROM nowhere WHERE a = ?"_s, {1}));
        db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"a"_s});
        QVERIFY_THROWS_EXCEPTION(DatabaseError,
                                 db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"a"_s}));
        QCOMPARE(names(), QStringList{u"a"_s});
    }

    void transactionCommitsOrRollsBack()
    {
        db().transaction(
            [&] { db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"kept"_s}); });
        QVERIFY_THROWS_EXCEPTION(InnerFailure, db().transaction([&] {
            db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"lost"_s});
            throw InnerFailure();
        }));
        QCOMPARE(names(), QStringList{u"kept"_s});
    }

    // On PostgreSQL a failed statement poisons the whole transaction; a nested transaction is
    // a savepoint, so catching the inner failure leaves the outer one usable on both databases.
    void innerFailureUndoesOnlyTheInnerWork()
    {
        db().transaction([&] {
            db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"a"_s});
            try {
                db().transaction([&] {
                    db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"b"_s});
                    db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"a"_s}); // duplicate
                });
                QFAIL("the duplicate was accepted");
            } catch (const DatabaseError &) {
            }
            try {
                db().transaction([&] {
                    db().transaction(
                        [&] { db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"c"_s}); });
                    throw InnerFailure();
                });
            } catch (const InnerFailure &) {
            }
            db().transaction(
                [&] { db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"d"_s}); });
            db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"e"_s});
        });
        QCOMPARE(names(), (QStringList{u"a"_s, u"d"_s, u"e"_s}));
    }

    void outerRollbackUndoesCommittedInnerWork()
    {
        QVERIFY_THROWS_EXCEPTION(InnerFailure, db().transaction([&] {
            db().transaction(
                [&] { db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"inner"_s}); });
            throw InnerFailure();
        }));
        QCOMPARE(names(), QStringList());
        // And the next transaction starts from the top again.
        db().transaction(
            [&] { db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"after"_s}); });
        QCOMPARE(names(), QStringList{u"after"_s});
    }

    void failedCommitIsReported()
    {
        // A deferred foreign key is checked only at COMMIT; the failed transaction must end
        // (SQLite keeps it open after a failed COMMIT) so the next one can start.
        db().exec(u"CREATE TABLE parent (id INTEGER PRIMARY KEY)"_s);
        db().exec(u"CREATE TABLE child (parent_id INTEGER REFERENCES parent(id) DEFERRABLE "
                  "INITIALLY DEFERRED)"_s);
        QVERIFY_THROWS_EXCEPTION(DatabaseError, db().transaction([&] {
            db().exec(u"INSERT INTO child (parent_id) VALUES (?)"_s, {42});
        }));
        QCOMPARE(db().scalar(u"SELECT COUNT(*) FROM child"_s)->toInt(), 0);
        db().transaction([&] { db().exec(u"INSERT INTO parent (id) VALUES (?)"_s, {1}); });
        QCOMPARE(db().scalar(u"SELECT COUNT(*) FROM parent"_s)->toInt(), 1);
    }

    void schemaIsMigrated()
    {
        QVERIFY(db().schemaVersion() >= 1);
        const int before = db().schemaVersion();
        QCOMPARE(db().scalar(u"SELECT COUNT(*) FROM schema_migrations"_s)->toInt(), before);
    }

    void aNewerSchemaIsRefused()
    {
        // Issue 18: servers of several versions share a team's database; one older than the
        // schema must not run on it.
        const int known = db().schemaVersion();
        db().exec(u"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"_s,
                  {known + 1, u"from a newer bunting-server"_s, u"2027-01-01T00:00:00Z"_s});
        Database older(db().location());
        try {
            older.open();
            QFAIL("an older binary opened a newer schema");
        } catch (const DatabaseError &error) {
            const QString message = QString::fromUtf8(error.what());
            QVERIFY2(message.contains(
                         u"schema version %1, newer than the %2"_s.arg(known + 1).arg(known)),
                     qPrintable(message));
        }
    }

    void setUpRunsOnceAfterTheMigrations()
    {
        // The first project is made inside open(), under the lock that two servers started at
        // once take in turn (tst_team_server starts two processes).
        Database again(db().location());
        int ranWithVersion = -1;
        again.open([&] { ranWithVersion = again.schemaVersion(); });
        QCOMPARE(ranWithVersion, db().schemaVersion());
    }

    void noticeWaitsForTheOutermostCommit()
    {
        QStringList heard;
        db().transaction([&] {
            db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"outer"_s});
            db().afterCommit([&] { heard.append(u"outer"_s); });
            db().transaction([&] {
                db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"inner"_s});
                db().afterCommit([&] { heard.append(u"inner"_s); });
            });
            QVERIFY(heard.isEmpty()); // the savepoint released, but nothing is committed yet
        });
        QCOMPARE(heard, (QStringList{u"outer"_s, u"inner"_s}));
        // Outside a transaction every write has committed already.
        db().afterCommit([&] { heard.append(u"now"_s); });
        QCOMPARE(heard.last(), u"now"_s);
    }

    void noticeOfUndoneWorkIsDropped()
    {
        QStringList heard;
        QVERIFY_THROWS_EXCEPTION(InnerFailure, db().transaction([&] {
            db().afterCommit([&] { heard.append(u"outer"_s); });
            throw InnerFailure();
        }));
        QVERIFY(heard.isEmpty());

        db().transaction([&] {
            db().afterCommit([&] { heard.append(u"kept"_s); });
            try {
                db().transaction([&] {
                    db().afterCommit([&] { heard.append(u"undone"_s); });
                    throw InnerFailure();
                });
            } catch (const InnerFailure &) {
            }
        });
        QCOMPARE(heard, QStringList{u"kept"_s});
    }

    void failedCommitDropsNotices()
    {
        db().exec(u"CREATE TABLE parent (id INTEGER PRIMARY KEY)"_s);
        db().exec(u"CREATE TABLE child (parent_id INTEGER REFERENCES parent(id) DEFERRABLE "
                  "INITIALLY DEFERRED)"_s);
        bool heard = false;
        QVERIFY_THROWS_EXCEPTION(DatabaseError, db().transaction([&] {
            db().exec(u"INSERT INTO child (parent_id) VALUES (?)"_s, {42});
            db().afterCommit([&] { heard = true; });
        }));
        QVERIFY(!heard);
    }

    void noticeMayWriteInATransactionOfItsOwn()
    {
        db().transaction([&] {
            db().afterCommit([&] {
                db().transaction([&] {
                    db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"follow-up"_s});
                });
            });
        });
        QCOMPARE(names(), QStringList{u"follow-up"_s});
    }

    void injectedFailureFailsTheNthStatementOnce()
    {
        db().failStatement(2);
        db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"first"_s});
        QVERIFY_THROWS_EXCEPTION(
            DatabaseError, db().scalar(u"SELECT name FROM scratch WHERE name = ?"_s, {u"first"_s}));
        db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"third"_s});
        QCOMPARE(names(), (QStringList{u"first"_s, u"third"_s}));

        // A commit counts as a statement: failing it undoes the transaction.
        db().failStatement(2);
        QVERIFY_THROWS_EXCEPTION(DatabaseError, db().transaction([&] {
            db().exec(u"INSERT INTO scratch (name) VALUES (?)"_s, {u"uncommitted"_s});
        }));
        QCOMPARE(names(), (QStringList{u"first"_s, u"third"_s}));
    }
};

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
