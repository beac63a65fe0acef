#pragma once

#include "local_server.h"
#include "test_builders.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <memory>

namespace bunting::api {
struct Endpoint;
}

// A real bunting server on a temporary database, spoken to over real HTTP on a loopback port.
// The database is a fresh SQLite file, or, when BUNTING_TEST_PG names a PostgreSQL server
// (postgres://user:password@host:port/postgres), a fresh database created there and dropped after.
class TestServer
{
public:
    TestServer();
    ~TestServer();

    struct Reply
    {
        int status = 0;
        QByteArray body;
        QJsonValue json; // Undefined when the body is not JSON
        QList<QPair<QByteArray, QByteArray>> headers;
        QJsonObject object() const { return json.toObject(); }
        QByteArray header(const QByteArray &name) const;
    };

    // `key` defaults to the owner's key with every scope; pass an empty string for none.
    Reply get(const QString &path, const QString &key = ownerKeyMarker());
    Reply post(const QString &path, const QJsonValue &body, const QString &key = ownerKeyMarker());
    Reply patch(const QString &path, const QJsonValue &body, const QString &key = ownerKeyMarker());
    Reply del(const QString &path, const QString &key = ownerKeyMarker());
    Reply send(const QByteArray &method, const QString &path, const QByteArray &body,
               const QList<QPair<QByteArray, QByteArray>> &headers = {});

    // "/api/projects/<project>/feature_flags/" + rest
    QString flags(const QString &rest = {}) const;
    // Creates a flag and returns it; fails the test on an unexpected status.
    QJsonObject createFlag(const QJsonObject &body);
    // Creates a flag from its key and filters (and name, when given) and returns its id.
    qint64 createFlagId(const QString &key, const QJsonObject &filters, const QString &name = {});
    // The flag as GET answers it now.
    QJsonObject getFlag(qint64 id);
    Reply patchFlag(qint64 id, const QJsonObject &changes);
    // A key with only these scopes (and these projects, when given).
    QString keyWithScopes(const QStringList &scopes, const QList<qint64> &projects = {});
    // A key with every scope for a new user of the owner's organization.
    QString keyForNewUser(const QString &email);
    // Moves a flag's creation time, in its row (what lists sort on) and in its document.
    void setFlagCreatedAt(qint64 id, const QDateTime &time);
    // A second project in the same organization.
    qint64 createProject(const QString &name);

    // Events sent to /batch/ with the project token, as SDKs send them, then applied: the server
    // takes events in a queue of its own. False, with the server's answer as a warning, when
    // refused.
    bool sendEvents(const QJsonArray &events);
    // Persons made the way SDKs make them: `$set` events through /batch/.
    bool addPersons(const QList<test_builders::Person> &persons);

    // Where an api::Client reaches this server's project, with `key` (the owner's by default).
    bunting::api::Endpoint endpoint(const QString &key = ownerKeyMarker()) const;

    bunting::server::LocalServer &server() { return *m_server; }
    const QString &ownerKey() const { return m_ownerKey; }
    const QString &projectToken() const { return m_projectToken; }
    qint64 projectId() const { return m_projectId; }
    quint16 port() const { return m_port; }
    bool onPostgres() const { return !m_pgDatabase.isEmpty(); }

    static QString ownerKeyMarker() { return QStringLiteral("\x01owner"); }

private:
    QTemporaryDir m_dir;
    QString m_pgAdminUrl;
    QString m_pgDatabase;
    std::unique_ptr<bunting::server::LocalServer> m_server;
    QNetworkAccessManager m_network;
    QString m_ownerKey;
    QString m_projectToken;
    qint64 m_projectId = 0;
    quint16 m_port = 0;
};

QString compactJson(const QJsonValue &value);
