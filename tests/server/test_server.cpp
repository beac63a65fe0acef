#include "test_server.h"

#include "endpoint.h"
#include "storage/timestamps.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QUrl>

using namespace Qt::StringLiterals;
using namespace bunting::server;

namespace {

// Runs one statement on PostgreSQL's administrative database (CREATE/DROP DATABASE).
void pgAdmin(const QString &adminUrl, const QString &statement)
{
    const QString name = u"bunting-test-admin"_s;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
        const QUrl url(adminUrl);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setDatabaseName(url.path().mid(1));
        db.setUserName(url.userName());
        db.setPassword(url.password());
        if (!db.open())
            qFatal("cannot reach BUNTING_TEST_PG: %s", qPrintable(db.lastError().text()));
        QSqlQuery q(db);
        if (!q.exec(statement))
            qFatal("%s failed: %s", qPrintable(statement), qPrintable(q.lastError().text()));
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

} // namespace

QString compactJson(const QJsonValue &value)
{
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.mid(1, text.size() - 2));
}

QByteArray TestServer::Reply::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

TestServer::TestServer()
{
    DatabaseLocation location;
    m_pgAdminUrl = qEnvironmentVariable("BUNTING_TEST_PG");
    if (!m_pgAdminUrl.isEmpty()) {
        m_pgDatabase = u"bunting_test_%1"_s.arg(QRandomGenerator::global()->generate64(), 0, 36);
        pgAdmin(m_pgAdminUrl, u"CREATE DATABASE "_s + m_pgDatabase);
        QUrl url(m_pgAdminUrl);
        url.setPath(u"/"_s + m_pgDatabase);
        location.postgresUrl = url.toString();
    } else {
        location.sqlitePath = m_dir.filePath(u"test.sqlite"_s);
    }
    m_server = std::make_unique<LocalServer>(location);
    const auto first = m_server->open();
    if (!first)
        qFatal("a new test database was not bootstrapped");
    m_ownerKey = first->ownerKey.value;
    m_projectToken = first->projectToken;
    m_projectId = first->projectId;
    // Two threads, as on a developer's machine: SDK calls run on either, every other request
    // is handed to the main thread, and each suite exercises both paths.
    m_port = m_server->listen(QHostAddress::LocalHost, 0, 2);
    if (!m_port)
        qFatal("the test server cannot listen");
    // Each test starts from a compiled project, as a server does once /_ready says ready.
    QDeadlineTimer deadline(30'000);
    while (!m_server->snapshots().ready() && !deadline.hasExpired())
        QThread::msleep(1);
    if (!m_server->snapshots().ready())
        qFatal("the test server did not get ready");
}

TestServer::~TestServer()
{
    m_server.reset();
    if (!m_pgDatabase.isEmpty())
        pgAdmin(m_pgAdminUrl, u"DROP DATABASE "_s + m_pgDatabase + u" WITH (FORCE)"_s);
}

TestServer::Reply TestServer::send(const QByteArray &method, const QString &path,
                                   const QByteArray &body,
                                   const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path)));
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    Reply r;
    if (!reply->isFinished()) {
        reply->abort();
        qWarning("request %s %s timed out", method.constData(), qPrintable(path));
    }
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.headers = reply->rawHeaderPairs();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson("[" + r.body + "]", &error);
    if (error.error == QJsonParseError::NoError && doc.array().size() == 1)
        r.json = doc.array().first();
    reply->deleteLater();
    return r;
}

namespace {

QList<QPair<QByteArray, QByteArray>> authHeaders(const QString &key, const QString &owner)
{
    QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/json"}};
    const QString effective = key == TestServer::ownerKeyMarker() ? owner : key;
    if (!effective.isEmpty())
        headers.append({"Authorization", "Bearer " + effective.toUtf8()});
    return headers;
}

QByteArray bodyOf(const QJsonValue &value)
{
    return compactJson(value).toUtf8();
}

} // namespace

TestServer::Reply TestServer::get(const QString &path, const QString &key)
{
    return send("GET", path, {}, authHeaders(key, m_ownerKey));
}

TestServer::Reply TestServer::post(const QString &path, const QJsonValue &body, const QString &key)
{
    return send("POST", path, bodyOf(body), authHeaders(key, m_ownerKey));
}

TestServer::Reply TestServer::patch(const QString &path, const QJsonValue &body, const QString &key)
{
    return send("PATCH", path, bodyOf(body), authHeaders(key, m_ownerKey));
}

TestServer::Reply TestServer::del(const QString &path, const QString &key)
{
    return send("DELETE", path, {}, authHeaders(key, m_ownerKey));
}

QString TestServer::flags(const QString &rest) const
{
    return u"/api/projects/%1/feature_flags/%2"_s.arg(m_projectId).arg(rest);
}

QJsonObject TestServer::createFlag(const QJsonObject &body)
{
    const Reply reply = post(flags(), body);
    if (reply.status != 201)
        qWarning("creating a flag answered %d: %s", reply.status, reply.body.constData());
    return reply.object();
}

qint64 TestServer::createFlagId(const QString &key, const QJsonObject &filters, const QString &name)
{
    QJsonObject body{{u"key"_s, key}, {u"filters"_s, filters}};
    if (!name.isEmpty())
        body.insert(u"name"_s, name);
    return createFlag(body).value(u"id"_s).toInteger();
}

QJsonObject TestServer::getFlag(qint64 id)
{
    const Reply reply = get(flags(u"%1/"_s.arg(id)));
    if (reply.status != 200)
        qWarning("reading flag %lld answered %d: %s", id, reply.status, reply.body.constData());
    return reply.object();
}

TestServer::Reply TestServer::patchFlag(qint64 id, const QJsonObject &changes)
{
    return patch(flags(u"%1/"_s.arg(id)), changes);
}

QString TestServer::keyWithScopes(const QStringList &scopes, const QList<qint64> &projects)
{
    AuthService &auth = m_server->auth();
    return auth.createKey(auth.ownerUserId(), u"test"_s, scopes, projects).value;
}

QString TestServer::keyForNewUser(const QString &email)
{
    const qint64 user = m_server->database()
                            .scalar(u"INSERT INTO users (uuid, distinct_id, first_name, last_name, "
                                    "email, created_at) VALUES (?, ?, ?, '', ?, "
                                    "'2026-01-01T00:00:00Z') RETURNING id"_s,
                                    {email, email, email.section(u'@', 0, 0), email})
                            ->toLongLong();
    return m_server->auth().createKey(user, u"test"_s, {u"*"_s}, {}).value;
}

void TestServer::setFlagCreatedAt(qint64 id, const QDateTime &time)
{
    const Database &db = m_server->database();
    QJsonObject document =
        QJsonDocument::fromJson(
            db.scalar(u"SELECT document FROM feature_flags WHERE id = ?"_s, {id})->toByteArray())
            .object();
    const QString stamp = formatApiTimestamp(time);
    document.insert(u"created_at"_s, stamp);
    db.exec(u"UPDATE feature_flags SET created_at = ?, document = ? WHERE id = ?"_s,
            {stamp, QString::fromUtf8(QJsonDocument(document).toJson(QJsonDocument::Compact)), id});
}

qint64 TestServer::createProject(const QString &name)
{
    return m_server->auth().createProject(name).id;
}

bool TestServer::sendEvents(const QJsonArray &events)
{
    const Reply reply =
        post(u"/batch/"_s, QJsonObject{{u"api_key"_s, m_projectToken}, {u"batch"_s, events}}, {});
    if (reply.status != 200) {
        qWarning("/batch/ answered %d: %s", reply.status, reply.body.constData());
        return false;
    }
    m_server->events().flush();
    return true;
}

bool TestServer::addPersons(const QList<test_builders::Person> &persons)
{
    return sendEvents(test_builders::personEvents(persons));
}

bunting::api::Endpoint TestServer::endpoint(const QString &key) const
{
    return bunting::api::Endpoint{QUrl(u"http://127.0.0.1:%1"_s.arg(m_port)),
                                  QString::number(m_projectId),
                                  key == ownerKeyMarker() ? m_ownerKey : key};
}
