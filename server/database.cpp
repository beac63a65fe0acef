#include "database.h"

#include "migrations.h"

#include <QAtomicInt>
#include <QDateTime>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlRecord>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcDatabase, "bunting.server.database")

namespace bunting::server {

namespace {

QAtomicInt instanceCounter;

[[noreturn]] void fail(const QString &what, const QSqlError &error)
{
    throw DatabaseError((what + u": "_s + error.text()).toStdString());
}

} // namespace

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
      m_prefix(u"bunting-db-%1-"_s.arg(instanceCounter.fetchAndAddRelaxed(1)))
{
}

Database::~Database()
{
    // Connections of other threads end with those threads; this one's ends here.
    const QString name = connectionName();
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase::database(name, false).close();
        QSqlDatabase::removeDatabase(name);
    }
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

    QSqlDatabase db;
    if (m_location.isPostgres()) {
        db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
        const QUrl url(m_location.postgresUrl);
        db.setHostName(url.host().isEmpty() ? u"localhost"_s : url.host());
        db.setPort(url.port(5432));
        db.setDatabaseName(url.path().mid(1));
        db.setUserName(url.userName());
        db.setPassword(url.password());
        const QString options = QUrlQuery(url).toString(QUrl::FullyDecoded).replace(u'&', u';');
        if (!options.isEmpty())
            db.setConnectOptions(options);
    } else {
        db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(m_location.sqlitePath);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    }
    if (!db.open())
        fail(u"cannot open the database %1"_s.arg(m_location.describe()), db.lastError());
    QSqlQuery setup(db);
    if (!m_location.isPostgres()) {
        for (const QString &pragma : {u"PRAGMA journal_mode=WAL"_s, u"PRAGMA foreign_keys=ON"_s,
                                      u"PRAGMA synchronous=NORMAL"_s})
            if (!setup.exec(pragma))
                fail(u"cannot configure SQLite"_s, setup.lastError());
    }
    return db;
}

QSqlQuery Database::exec(const QString &sql, const QVariantList &values) const
{
    QSqlQuery query(connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        fail(u"cannot prepare \"%1\""_s.arg(sql), query.lastError());
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        fail(u"cannot run \"%1\""_s.arg(sql), query.lastError());
    return query;
}

std::optional<QVariant> Database::scalar(const QString &sql, const QVariantList &values) const
{
    QSqlQuery query = exec(sql, values);
    if (!query.next())
        return std::nullopt;
    return query.value(0);
}

void Database::transaction(const std::function<void()> &work) const
{
    QSqlDatabase db = connection();
    if (!db.transaction())
        fail(u"cannot start a transaction"_s, db.lastError());
    try {
        work();
    } catch (...) {
        db.rollback();
        throw;
    }
    if (!db.commit()) {
        const QSqlError error = db.lastError();
        db.rollback();
        fail(u"cannot commit"_s, error);
    }
}

void Database::open()
{
    connection();
    migrate();
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
