#include "storage/database.h"

#include "storage/migrations.h"

#include <QAtomicInt>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlRecord>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>
#include <fcntl.h>
#include <unistd.h>
#include <unordered_map>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcDatabase, "bunting.server.database")

namespace bunting::server {

namespace {

QAtomicInt instanceCounter;

// Each Database's transaction on this thread (each thread has its own connection, so its own
// transaction): how deep it is nested, and the notices waiting for its commit.
struct OpenTransaction
{
    int depth = 0;
    bool connectionLost = false; // the server rolled it back as the connection went
    std::vector<std::function<void()>> afterCommit;
};
thread_local std::unordered_map<const Database *, OpenTransaction> openTransactions;

bool isUniqueViolation(const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    if (code == "23505"_L1) // PostgreSQL's unique_violation
        return true;
    // SQLITE_CONSTRAINT (19), or its extended UNIQUE (2067) and PRIMARYKEY (1555) codes; the
    // plain code covers every kind of constraint, and only the message tells which.
    return (code == "19"_L1 || code == "2067"_L1 || code == "1555"_L1) &&
           error.databaseText().contains("UNIQUE constraint failed"_L1);
}

// Held while a server migrates and sets up a PostgreSQL database ("bunt" in ASCII).
constexpr qint64 setUpLockKey = 0x62756e74;

// PostgreSQL's SQLSTATEs for a connection that is gone or going: class 08 (connection
// exception) and admin_shutdown, crash_shutdown and cannot_connect_now. libpq reports a socket
// it found closed with no SQLSTATE at all.
bool mayBeConnectionLoss(const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    return error.type() == QSqlError::ConnectionError || code.isEmpty() ||
           code.startsWith("08"_L1) || code == "57P01"_L1 || code == "57P02"_L1 ||
           code == "57P03"_L1;
}

} // namespace

bool Database::connectionLost(const QSqlError &error) const
{
    if (!m_location.isPostgres() || !mayBeConnectionLoss(error))
        return false;
    // The same symptoms can come from a statement the driver refused on its own; a connection
    // that still answers is not lost.
    const QString name = connectionName();
    if (!QSqlDatabase::contains(name))
        return true;
    QSqlQuery probe(QSqlDatabase::database(name, false));
    return !probe.exec(u"SELECT 1"_s);
}

void Database::fail(const QString &what, const QSqlError &error) const
{
    m_errors.fetch_add(1, std::memory_order_relaxed);
    const std::string message = (what + u": "_s + error.text()).toStdString();
    if (isUniqueViolation(error))
        throw UniqueViolation(message);
    if (connectionLost(error)) {
        // The server rolled back any transaction with the connection: nothing is left to roll
        // back, and the thread's next statement connects again.
        if (const auto open = openTransactions.find(this); open != openTransactions.end())
            open->second.connectionLost = open->second.depth > 0;
        closeThreadConnection();
        throw DatabaseUnavailable(message);
    }
    throw DatabaseError(message);
}

bool Database::inTransaction() const
{
    const auto open = openTransactions.find(this);
    return open != openTransactions.end() && open->second.depth > 0;
}

DatabaseLocation DatabaseLocation::parse(const QString &text)
{
    DatabaseLocation location;
    if (text.startsWith("postgres://"_L1) || text.startsWith("postgresql://"_L1))
        location.postgresUrl = text;
    else
        location.sqlitePath = text;
    return location;
}

QString DatabaseLocation::describe() const
{
    if (!isPostgres())
        return u"sqlite:"_s + sqlitePath;
    QUrl url(postgresUrl);
    url.setPassword(QString());
    return url.toString();
}

Database::Database(DatabaseLocation location)
    : m_location(std::move(location)),
      m_prefix(u"bunting-db-%1-"_s.arg(instanceCounter.fetchAndAddRelaxed(1))),
      m_peerTag(QByteArray::number(QRandomGenerator::system()->generate64(), 36))
{
}

Database::~Database()
{
    m_statements.clear(); // before the connections they were prepared on go away
    // Connections of other threads end with those threads; this one's ends here.
    const QString name = connectionName();
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase::database(name, false).close();
        QSqlDatabase::removeDatabase(name);
    }
    openTransactions.erase(this);
}

QString Database::connectionName() const
{
    return m_prefix + QString::number(quintptr(QThread::currentThreadId()), 16);
}

QSqlDatabase Database::connection() const
{
    const QString name = connectionName();
    if (QSqlDatabase::contains(name))
        return QSqlDatabase::database(name);
    // While a PostgreSQL server does not answer, every thread's statements fail at once rather
    // than each wait out the connection timeout.
    if (m_location.isPostgres() && QDeadlineTimer::current().deadline() < m_unreachableUntilMs)
        throw DatabaseUnavailable(
            u"the database %1 did not answer a moment ago"_s.arg(m_location.describe())
                .toStdString());

    QSqlDatabase db;
    if (m_location.isPostgres()) {
        db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
        const QUrl url(m_location.postgresUrl);
        db.setHostName(url.host().isEmpty() ? u"localhost"_s : url.host());
        db.setPort(url.port(5432));
        db.setDatabaseName(url.path().mid(1));
        db.setUserName(url.userName());
        db.setPassword(url.password());
        QUrlQuery query(url);
        // A server that is down or unreachable fails the statement at hand in seconds rather
        // than after TCP gives up, so the SDK endpoints fall back on their last snapshot soon.
        if (!query.hasQueryItem(u"connect_timeout"_s))
            query.addQueryItem(u"connect_timeout"_s, u"5"_s);
        // What pg_stat_activity shows for the server's connections.
        if (!query.hasQueryItem(u"application_name"_s))
            query.addQueryItem(u"application_name"_s, u"bunting-server"_s);
        db.setConnectOptions(query.toString(QUrl::FullyDecoded).replace(u'&', u';'));
    } else {
        // SQLite quietly opens a file it cannot write read-only; say so now, not at the first
        // write.
        const QFileInfo file(m_location.sqlitePath);
        if (file.exists() && !file.isWritable())
            throw DatabaseError(
                u"cannot open the database %1: the file is read-only"_s.arg(m_location.describe())
                    .toStdString());
        db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(m_location.sqlitePath);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    }
    // A connection that failed is forgotten, so the next call tries again instead of handing
    // out a closed one.
    const auto forget = [&](const QString &what, const QSqlError &error) {
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        m_errors.fetch_add(1, std::memory_order_relaxed);
        const std::string message =
            (what.arg(m_location.describe()) + u": "_s + error.text()).toStdString();
        // A PostgreSQL server that does not answer is one to wait for; a SQLite file that will
        // not open is a mistake to report.
        if (m_location.isPostgres()) {
            m_unreachableUntilMs = QDeadlineTimer::current().deadline() + 1000;
            throw DatabaseUnavailable(message);
        }
        throw DatabaseError(message);
    };
    if (!db.open())
        forget(u"cannot open the database %1"_s, db.lastError());
    if (m_location.isPostgres()) {
        // PostgreSQL's NOTICEs ("relation already exists, skipping") are not the server's to log.
        QSqlQuery setup(db);
        if (!setup.exec(u"SET client_min_messages TO warning"_s)) {
            const QSqlError error = setup.lastError();
            setup = QSqlQuery();
            forget(u"cannot configure the connection to %1"_s, error);
        }
    } else {
        QSqlQuery setup(db);
        for (const QString &pragma : {u"PRAGMA journal_mode=WAL"_s, u"PRAGMA foreign_keys=ON"_s,
                                      u"PRAGMA synchronous=NORMAL"_s}) {
            if (!setup.exec(pragma)) {
                const QSqlError error = setup.lastError();
                setup = QSqlQuery();
                forget(u"cannot use %1 as a SQLite database"_s, error);
            }
        }
    }
    return db;
}

template<typename Run> auto Database::retryingARead(const QString &sql, Run run) const
{
    try {
        return run();
    } catch (const DatabaseUnavailable &) {
        // A connection found closed (the server restarted) is opened again once for a read;
        // a write outside a transaction may have been applied before the connection went, so
        // its caller hears of it instead.
        if (inTransaction() || !sql.startsWith("SELECT"_L1))
            throw;
        return run();
    }
}

QSqlQuery Database::exec(const QString &sql, const QVariantList &values) const
{
    return retryingARead(sql, [&] { return execOnce(sql, values); });
}

QSqlQuery Database::execOnce(const QString &sql, const QVariantList &values) const
{
    countStatement(sql);
    QSqlQuery query(connection());
    query.setForwardOnly(true);
    // The query lets go of the connection before fail() may close it.
    const auto failed = [&](const QString &what) {
        const QSqlError error = query.lastError();
        query = QSqlQuery();
        fail(what.arg(sql), error);
    };
    // QPSQL prepares through PREPARE, which PostgreSQL refuses for DDL, so a statement without
    // values runs directly.
    if (values.isEmpty()) {
        if (!query.exec(sql))
            failed(u"cannot run \"%1\""_s);
        return query;
    }
    if (!query.prepare(sql))
        failed(u"cannot prepare \"%1\""_s);
    for (const QVariant &value : values) {
        // QPSQL would send a bool as TRUE/FALSE, which PostgreSQL will not store in the INTEGER
        // columns that booleans live in.
        if (value.typeId() == QMetaType::Bool)
            query.addBindValue(value.toBool() ? 1 : 0);
        else
            query.addBindValue(value);
    }
    if (!query.exec())
        failed(u"cannot run \"%1\""_s);
    return query;
}

std::optional<QVariant> Database::scalar(const QString &sql, const QVariantList &values) const
{
    return retryingARead(sql, [&] { return scalarOnce(sql, values); });
}

std::optional<QVariant> Database::scalarOnce(const QString &sql, const QVariantList &values) const
{
    if (values.isEmpty()) {
        QSqlQuery query = exec(sql, values);
        if (!query.next())
            return std::nullopt;
        return query.value(0);
    }
    // The lookups on the SDK endpoints' path repeat the same few statements; preparing each once
    // per connection spares SQLite and PostgreSQL parsing it for every request. scalar() reads
    // its one value and finishes before returning, so a cached statement is never in use twice.
    countStatement(sql);
    const std::shared_ptr<QSqlQuery> statement = preparedStatement(sql);
    QSqlQuery &query = *statement;
    for (const QVariant &value : values)
        query.addBindValue(value.typeId() == QMetaType::Bool ? QVariant(value.toBool() ? 1 : 0)
                                                             : value);
    if (!query.exec()) {
        const QSqlError error = query.lastError();
        forgetStatement(sql);
        fail(u"cannot run \"%1\""_s.arg(sql), error);
    }
    std::optional<QVariant> result;
    if (query.next())
        result = query.value(0);
    query.finish();
    return result;
}

void Database::closeThreadConnection() const
{
    const QString name = connectionName();
    {
        QMutexLocker lock(&m_statementsMutex);
        m_statements.removeIf(
            [&](const auto &entry) { return entry.key().startsWith(name + u'\n'); });
    }
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase::database(name, false).close();
        QSqlDatabase::removeDatabase(name);
    }
}

std::shared_ptr<QSqlQuery> Database::preparedStatement(const QString &sql) const
{
    const QString key = connectionName() + u'\n' + sql;
    QMutexLocker lock(&m_statementsMutex);
    auto &statement = m_statements[key];
    if (!statement) {
        auto query = std::make_shared<QSqlQuery>(connection());
        query->setForwardOnly(true);
        if (!query->prepare(sql)) {
            const QSqlError error = query->lastError();
            m_statements.remove(key);
            query.reset();
            lock.unlock(); // fail() may close the connection, which takes the lock
            fail(u"cannot prepare \"%1\""_s.arg(sql), error);
        }
        statement = std::move(query);
    }
    return statement;
}

void Database::forgetStatement(const QString &sql) const
{
    QMutexLocker lock(&m_statementsMutex);
    m_statements.remove(connectionName() + u'\n' + sql);
}

void Database::transaction(const std::function<void()> &work) const
{
    // A transaction inside another becomes a savepoint. Plain nesting would differ between the
    // drivers: SQLite refuses a second BEGIN, while PostgreSQL only warns and then lets the inner
    // COMMIT end the outer transaction early.
    OpenTransaction &open = openTransactions[this];
    if (open.depth > 0) {
        const QString savepoint = u"bunting_sp_%1"_s.arg(open.depth);
        exec(u"SAVEPOINT "_s + savepoint);
        // Notices of work the savepoint undoes are dropped with it.
        const std::size_t noticesBefore = open.afterCommit.size();
        ++open.depth;
        try {
            work();
        } catch (...) {
            --open.depth;
            open.afterCommit.resize(noticesBefore);
            if (open.connectionLost)
                throw;
            exec(u"ROLLBACK TO SAVEPOINT "_s + savepoint);
            exec(u"RELEASE SAVEPOINT "_s + savepoint);
            throw;
        }
        --open.depth;
        exec(u"RELEASE SAVEPOINT "_s + savepoint);
        return;
    }

    QSqlDatabase db = connection();
    if (!db.transaction()) {
        const QSqlError error = db.lastError();
        db = QSqlDatabase();
        try {
            fail(u"cannot start a transaction"_s, error);
        } catch (const DatabaseUnavailable &) {
            // Nothing was sent yet: a connection the server closed is opened again, once.
            db = connection();
            if (!db.transaction()) {
                const QSqlError again = db.lastError();
                db = QSqlDatabase();
                fail(u"cannot start a transaction"_s, again);
            }
        }
    }
    open.depth = 1;
    try {
        work();
        countStatement(u"COMMIT"_s);
    } catch (...) {
        open.depth = 0;
        open.afterCommit.clear();
        if (!std::exchange(open.connectionLost, false))
            db.rollback();
        throw;
    }
    open.depth = 0;
    // Taken out before they run, as a notice may itself write through another transaction.
    std::vector<std::function<void()>> notices;
    notices.swap(open.afterCommit);
    if (!db.commit()) {
        const QSqlError error = db.lastError();
        db.rollback();
        db = QSqlDatabase();
        fail(u"cannot commit"_s, error);
    }
    m_commits.fetch_add(1);
    for (const auto &notice : notices)
        notice();
}

void Database::afterCommit(std::function<void()> notice) const
{
    const auto open = openTransactions.find(this);
    if (open == openTransactions.end() || open->second.depth == 0) {
        notice();
        return;
    }
    open->second.afterCommit.push_back(std::move(notice));
}

void Database::failStatement(int n, bool connectionLost, int times)
{
    m_failAsLostConnection.store(connectionLost);
    m_failTimes = std::max(1, times);
    m_statementsWhenArmed = m_statementsRun.load();
    m_commitsWhenArmed = m_commits.load();
    m_commitsAtFailure.store(-1);
    m_failAt.store(n);
}

Database::InjectedFailure Database::injectedFailure() const
{
    const int commits = m_commitsAtFailure.load();
    if (commits < 0)
        return {};
    return {true, commits - m_commitsWhenArmed};
}

void Database::countStatement(const QString &sql) const
{
    const int run = m_statementsRun.fetch_add(1, std::memory_order_relaxed) + 1;
    const int failAt = m_failAt.load();
    if (failAt <= 0)
        return;
    // `times` failures in a row per call of failStatement(), then none, so the rollback that
    // follows them runs.
    const int at = run - m_statementsWhenArmed;
    if (at >= failAt && at < failAt + m_failTimes) {
        if (at == failAt)
            m_commitsAtFailure.store(m_commits.load());
        if (at == failAt + m_failTimes - 1)
            m_failAt.store(0);
        const std::string message =
            u"cannot run \"%1\": failure injected at statement %2"_s.arg(sql)
                .arg(failAt)
                .toStdString();
        if (m_failAsLostConnection.load())
            throw DatabaseUnavailable(message);
        throw DatabaseError(message);
    }
}

bool makePrivateDirectory(const QString &dir)
{
    QStringList missing;
    for (QString at = QDir::cleanPath(QDir(dir).absolutePath()); !QFileInfo::exists(at);
         at = QFileInfo(at).path())
        missing.prepend(at);
    if (!QDir().mkpath(dir))
        return false;
    for (const QString &created : std::as_const(missing))
        QFile::setPermissions(created, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return true;
}

void Database::open(const std::function<void()> &setUp)
{
    // A new SQLite file is its owner's only; SQLite gives its -wal and -shm files the same mode.
    if (!m_location.isPostgres() && !QFileInfo::exists(m_location.sqlitePath)) {
        const int fd = ::open(QFile::encodeName(m_location.sqlitePath).constData(),
                              O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
            ::close(fd);
    }
    connection();
    if (!m_location.isPostgres()) {
        migrate();
        if (setUp)
            setUp();
        return;
    }
    // Session-level, so it holds across the migrations' own transactions; released by hand, or
    // by PostgreSQL when a server dies holding it.
    exec(u"SELECT pg_advisory_lock(?)"_s, {setUpLockKey});
    try {
        migrate();
        if (setUp)
            setUp();
    } catch (...) {
        try {
            exec(u"SELECT pg_advisory_unlock(?)"_s, {setUpLockKey});
        } catch (const DatabaseError &) {
            // The connection is gone, and the lock with it.
        }
        throw;
    }
    exec(u"SELECT pg_advisory_unlock(?)"_s, {setUpLockKey});
}

QString Database::peerChannel(qint64 projectId)
{
    return u"bunting_project_%1"_s.arg(projectId);
}

void Database::notifyPeers(qint64 projectId, const QByteArray &message) const
{
    if (!m_location.isPostgres())
        return;
    scalar(u"SELECT pg_notify(?, ?)"_s,
           {peerChannel(projectId), QString::fromUtf8(m_peerTag + ' ' + message)});
}

int Database::schemaVersion() const
{
    return scalar(u"SELECT COALESCE(MAX(version), 0) FROM schema_migrations"_s).value_or(0).toInt();
}

void Database::migrate()
{
    exec(u"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
         "name TEXT NOT NULL, applied_at TEXT NOT NULL)"_s);
    const int current = schemaVersion();
    const int known = migrations().isEmpty() ? 0 : migrations().constLast().version;
    if (current > known)
        throw DatabaseError(u"the database %1 has schema version %2, newer than the %3 this "
                            "bunting-server knows: upgrade bunting-server, or point it at another "
                            "database"_s.arg(m_location.describe())
                                .arg(current)
                                .arg(known)
                                .toStdString());
    const QString id = m_location.isPostgres() ? u"BIGSERIAL PRIMARY KEY"_s
                                               : u"INTEGER PRIMARY KEY AUTOINCREMENT"_s;
    for (const Migration &migration : migrations()) {
        if (migration.version <= current)
            continue;
        qCInfo(lcDatabase) << "applying migration" << migration.version << migration.name;
        transaction([&] {
            for (const QString &statement : migration.statements)
                exec(QString(statement).replace("{id}"_L1, id));
            exec(u"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"_s,
                 {migration.version, migration.name,
                  QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)});
        });
    }
}

} // namespace bunting::server
