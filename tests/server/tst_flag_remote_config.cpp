// GET feature_flags/:id/remote_config over real HTTP: a remote-config flag's payload, by id and
// by key, PostHog's bare 404 for flags it does not serve this way; scopes and projects.
#include "test_server.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QJsonObject filtersWithPayload(const QJsonValue &payload)
{
    QJsonObject payloads;
    if (!payload.isUndefined())
        payloads.insert(u"true"_s, payload);
    return {{u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray{}},
                                                 {u"rollout_percentage"_s, 100}}}},
            {u"payloads"_s, payloads}};
}

} // namespace

class TestFlagRemoteConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void payloadByIdAndByKey();
    void objectPayload();
    void encryptedPayloadIsServedInTheClear();
    void notARemoteConfiguration();
    void withoutPayload();
    void unknownAndDeletedFlags();
    void scopes();
    void otherProjects();

private:
    qint64 createFlag(const QString &key, const QJsonValue &payload, bool remote = true,
                      bool encrypted = false);
    QString remoteConfig(const QString &idOrKey) const
    {
        return m_server->flags(idOrKey + u"/remote_config"_s);
    }

    std::unique_ptr<TestServer> m_server;
};

qint64 TestFlagRemoteConfig::createFlag(const QString &key, const QJsonValue &payload, bool remote,
                                        bool encrypted)
{
    QJsonObject body{{u"key"_s, key},
                     {u"filters"_s, filtersWithPayload(payload)},
                     {u"is_remote_configuration"_s, remote}};
    if (encrypted)
        body.insert(u"has_encrypted_payloads"_s, true);
    const qint64 id = m_server->createFlag(body).value("id"_L1).toInteger();
    if (id <= 0)
        qWarning("flag %s was not created", qPrintable(key));
    return id;
}

void TestFlagRemoteConfig::payloadByIdAndByKey()
{
    // PostHog keeps a payload as JSON text and serves that text: SDKs decode it once more.
    const QString text = u"{\u0022color\u0022: \u0022blue\u0022, \u0022size\u0022: 3}"_s;
    const qint64 id = createFlag(u"theme"_s, text);

    const auto byId = m_server->get(remoteConfig(QString::number(id)));
    QCOMPARE(byId.status, 200);
    QCOMPARE(byId.json, QJsonValue(text));
    QCOMPARE(byId.header("Content-Type"), QByteArray("application/json"));

    const auto byKey =
        m_server->get(remoteConfig(u"theme"_s) + u"?token="_s + m_server->projectToken());
    QCOMPARE(byKey.status, 200);
    QCOMPARE(byKey.json, QJsonValue(text));

    const auto current =
        m_server->get(u"/api/projects/@current/feature_flags/theme/remote_config/"_s);
    QCOMPARE(current.status, 200);
    QCOMPARE(current.json, QJsonValue(text));
}

void TestFlagRemoteConfig::objectPayload()
{
    const QJsonObject payload{{u"limit"_s, 10}};
    const qint64 id = createFlag(u"limits"_s, payload);
    const auto reply = m_server->get(remoteConfig(QString::number(id)));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json, QJsonValue(payload));

    // A falsy payload reads as none, as PostHog's `payloads.get("true") or None` has it.
    const qint64 zero = createFlag(u"zero"_s, 0);
    const auto none = m_server->get(remoteConfig(QString::number(zero)));
    QCOMPARE(none.status, 200);
    QCOMPARE(none.body, QByteArray("null"));
}

void TestFlagRemoteConfig::encryptedPayloadIsServedInTheClear()
{
    const qint64 id = createFlag(u"secret"_s, u"\u0022s3cr3t\u0022"_s, true, true);
    const auto reply = m_server->get(remoteConfig(QString::number(id)));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json, QJsonValue(u"\u0022s3cr3t\u0022"_s));
}

void TestFlagRemoteConfig::notARemoteConfiguration()
{
    const qint64 id = createFlag(u"plain"_s, u"{\u0022a\u0022: 1}"_s, false);
    const auto byId = m_server->get(remoteConfig(QString::number(id)));
    QCOMPARE(byId.status, 404);
    QCOMPARE(byId.body, QByteArray());
    QCOMPARE(m_server->get(remoteConfig(u"plain"_s)).status, 404);
}

void TestFlagRemoteConfig::withoutPayload()
{
    const qint64 id = createFlag(u"empty"_s, QJsonValue::Undefined);
    const auto reply = m_server->get(remoteConfig(QString::number(id)));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("null"));
    QCOMPARE(reply.json, QJsonValue());
}

void TestFlagRemoteConfig::unknownAndDeletedFlags()
{
    QCOMPARE(m_server->get(remoteConfig(u"999999"_s)).status, 404);
    QCOMPARE(m_server->get(remoteConfig(u"no-such-key"_s)).status, 404);

    const qint64 id = createFlag(u"gone"_s, u"1"_s);
    QCOMPARE(m_server->get(remoteConfig(QString::number(id))).status, 200);
    QCOMPARE(
        m_server->patch(m_server->flags(QString::number(id)), QJsonObject{{u"deleted"_s, true}})
            .status,
        200);
    QCOMPARE(m_server->get(remoteConfig(QString::number(id))).status, 404);
    QCOMPARE(m_server->get(remoteConfig(u"gone"_s)).status, 404);

    // The key now names a new flag, which is the one served.
    createFlag(u"gone"_s, u"2"_s);
    const auto reborn = m_server->get(remoteConfig(u"gone"_s));
    QCOMPARE(reborn.status, 200);
    QCOMPARE(reborn.json, QJsonValue(u"2"_s));
}

void TestFlagRemoteConfig::scopes()
{
    const qint64 id = createFlag(u"scoped"_s, u"true"_s);
    const QString path = remoteConfig(QString::number(id));
    QCOMPARE(m_server->get(path, QString()).status, 401);
    const auto refused = m_server->get(path, m_server->keyWithScopes({u"dashboard:read"_s}));
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.object().value("detail"_L1),
             QJsonValue(u"API key missing required scope 'feature_flag:read'"_s));
    QCOMPARE(m_server->get(path, m_server->keyWithScopes({u"feature_flag:read"_s})).status, 200);
    QCOMPARE(m_server->get(path, m_server->keyWithScopes({u"feature_flag:write"_s})).status, 200);
}

void TestFlagRemoteConfig::otherProjects()
{
    const qint64 id = createFlag(u"mine"_s, u"1"_s);
    const qint64 second = m_server->createProject(u"Second"_s);
    const QString base = u"/api/projects/%1/feature_flags/"_s.arg(second);
    QCOMPARE(m_server->get(base + QString::number(id) + u"/remote_config"_s).status, 404);
    QCOMPARE(m_server->get(base + u"mine/remote_config"_s).status, 404);
    const QString limited = m_server->keyWithScopes({u"feature_flag:read"_s}, {second});
    QCOMPARE(m_server->get(remoteConfig(QString::number(id)), limited).status, 404);
}

QTEST_GUILESS_MAIN(TestFlagRemoteConfig)
#include "tst_flag_remote_config.moc"
