#pragma once

#include <QHash>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace bunting::server {

// Where the data lives: a SQLite file (the default) or a PostgreSQL URL for teams.
struct DatabaseLocation
{
    QString sqlitePath;  // empty for PostgreSQL
    QString postgresUrl; // postgres://user:password@host:port/dbname

    // "postgres://..." or "postgresql://..." is PostgreSQL; anything else a SQLite file.
    static DatabaseLocation parse(const QString &text);
    bool isPostgres() const { return !postgresUrl.isEmpty(); }
    QString describe() const; // for logs and /_health, without any password
};

// Creates `dir` and any missing parents; those it creates are readable by their owner only, as
// they hold databases of person properties and key hashes. False when it cannot.
bool makePrivateDirectory(const QString &dir);

class DatabaseError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// The database cannot be reached (PostgreSQL down, restarting, or the connection cut): what a
// caller may retry later, unlike a statement the database refused. The thread's connection is
// dropped with it, so the next statement connects again.
class DatabaseUnavailable : public DatabaseError
{
public:
    using DatabaseError::DatabaseError;
};

// A write refused by a UNIQUE constraint or index: on SQLite and PostgreSQL alike, so a
// service can answer it as the conflict it is (two writers raced past a check) and not as a
// failure of the server.
class UniqueViolation : public DatabaseError
{
public:
    using DatabaseError::DatabaseError;
    // Whether the constraint is `name` (PostgreSQL names the index; SQLite its columns, so a
    // caller passes both forms).
    bool concerns(QLatin1StringView name) const { return QLatin1StringView(what()).contains(name); }
};

// One QtSql connection per thread over the same database; schema migrations run at open.
// The same SQL serves SQLite and PostgreSQL: ids come from RETURNING, JSON is stored as text,
// booleans as integers and timestamps as ISO 8601 UTC text.
class Database
{
public:
    explicit Database(DatabaseLocation location);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Opens, configures and migrates, then runs `setUp` (the first project of an empty
    // database); throws DatabaseError with a readable message. On PostgreSQL both run under an
    // advisory lock, so servers started together on one database migrate and set up once.
    // A schema newer than this build knows is refused.
    void open(const std::function<void()> &setUp = {});
    const DatabaseLocation &location() const { return m_location; }
    bool isPostgres() const { return m_location.isPostgres(); }
    int schemaVersion() const;

    // This thread's connection.
    QSqlDatabase connection() const;
    // Closes this thread's connection, before a worker thread ends.
    void closeThreadConnection() const;

    // Runs `work` in one transaction: committed when it returns, rolled back when it throws.
    // Nested calls are savepoints, so an inner failure that is caught undoes only the inner work
    // and leaves the outer transaction usable, on PostgreSQL as on SQLite.
    void transaction(const std::function<void()> &work) const;
    // Runs `notice` once the outermost transaction of this thread commits, and never when it
    // (or the savepoint `notice` was given in) rolls back; at once outside a transaction, where
    // every write has committed already. Change notices go through here, so that whoever
    // hears one reads what was committed.
    void afterCommit(std::function<void()> notice) const;

    // For tests of what a failure leaves behind: the `n`th statement from now (counting each
    // exec(), scalar() and commit, 1 for the next) throws DatabaseError instead of running;
    // 0 injects none. It fails `times` statements in a row, then none; as DatabaseUnavailable
    // (the connection lost, as while PostgreSQL restarts) when `connectionLost`.
    void failStatement(int n, bool connectionLost = false, int times = 1);
    struct InjectedFailure
    {
        bool fired = false;
        int commitsBefore = 0; // transactions committed between failStatement() and the failure
    };
    // What became of the failure failStatement() asked for.
    InjectedFailure injectedFailure() const;
    // How many statements (and commits) have run since the database opened, on every thread:
    // for tests that pin what an operation costs as the project grows.
    int statementsRun() const { return m_statementsRun.load(); }

    // Tells the other server processes on this PostgreSQL database of a change to a project,
    // on the project's channel (peerChannel): inside a transaction it is sent when that commits,
    // and never if it rolls back. Nothing on SQLite, which one process serves.
    void notifyPeers(qint64 projectId, const QByteArray &message) const;
    static QString peerChannel(qint64 projectId);
    // Starts every message this process sends, so that its own listener can tell them apart.
    const QByteArray &peerTag() const { return m_peerTag; }
    // Statements the database failed, connection losses included, for /metrics.
    quint64 errorsSeen() const { return m_errors.load(); }

    // Prepares, binds positionally and executes; throws DatabaseError on failure.
    QSqlQuery exec(const QString &sql, const QVariantList &values = {}) const;
    // The first column of the first row, or nullopt.
    std::optional<QVariant> scalar(const QString &sql, const QVariantList &values = {}) const;

private:
    // Throws the error, as DatabaseUnavailable (dropping this thread's connection) when the
    // connection is gone.
    [[noreturn]] void fail(const QString &what, const QSqlError &error) const;
    bool connectionLost(const QSqlError &error) const;
    bool inTransaction() const;
    template<typename Run> auto retryingARead(const QString &sql, Run run) const;
    QSqlQuery execOnce(const QString &sql, const QVariantList &values) const;
    std::optional<QVariant> scalarOnce(const QString &sql, const QVariantList &values) const;
    void countStatement(const QString &sql) const;
    std::shared_ptr<QSqlQuery> preparedStatement(const QString &sql) const;
    void forgetStatement(const QString &sql) const;

    void migrate();
    QString connectionName() const;

    DatabaseLocation m_location;
    QString m_prefix;
    QByteArray m_peerTag;
    mutable QMutex m_statementsMutex;
    // Per connection and statement text; held by pointer so that one thread inserting its
    // statements (and the hash growing) never moves a statement another thread is running.
    mutable QHash<QString, std::shared_ptr<QSqlQuery>> m_statements;
    mutable std::atomic<int> m_failAt{0};
    std::atomic<bool> m_failAsLostConnection{false};
    int m_failTimes = 1;
    mutable std::atomic<int> m_statementsRun{0};
    mutable std::atomic<int> m_commits{0};
    int m_statementsWhenArmed = 0;
    int m_commitsWhenArmed = 0;
    mutable std::atomic<int> m_commitsAtFailure{-1}; // -1 until the injected failure fires
    mutable std::atomic<quint64> m_errors{0};
    mutable std::atomic<qint64> m_unreachableUntilMs{0}; // steady clock
};

// What /_health tells of the database (which one, and whether it answers), without handing
// out the database itself.
class DatabaseStatus
{
public:
    explicit DatabaseStatus(const Database &db) : m_db(db) {}
    bool isPostgres() const { return m_db.isPostgres(); }
    QString describe() const { return m_db.location().describe(); }
    // Throws DatabaseError when the database does not answer.
    int schemaVersion() const { return m_db.schemaVersion(); }
    quint64 errorsSeen() const { return m_db.errorsSeen(); }

private:
    const Database &m_db;
};

} // namespace bunting::server
