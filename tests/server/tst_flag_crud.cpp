// Create, retrieve, update and (soft) delete feature flags over real HTTP; authentication,
// scopes and projects; bad input that must change nothing.
#include "test_server.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestFlagCrud : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void createWithKeyOnly();
    void createRetrieveUpdate();
    void trailingSlashAndCurrentProject();
    void tagsAreNormalized();
    void deleteIsNotAllowed();
    void softDeleteFreesTheKey();
    void everyChangeIsVersionedAndLogged();
    void unchangedPatchWritesNothing();
    void validationErrorsChangeNothing();
    void badBodies_data();
    void badBodies();
    void wrongTypesInAPatchChangeNothing();
    void anEmptyPropertyKeyIsRefused();
    void authentication();
    void scopes();
    void otherProjects();
    void unknownRoutes();
    void aTakenPortIsRefused();

private:
    qint64 countRows(const QString &table);
    std::unique_ptr<TestServer> m_server;
};

qint64 TestFlagCrud::countRows(const QString &table)
{
    return m_server->server()
        .database()
        .scalar(u"SELECT COUNT(*) FROM "_s + table)
        .value_or(0)
        .toLongLong();
}

void TestFlagCrud::createWithKeyOnly()
{
    const auto reply = m_server->post(m_server->flags(), QJsonObject{{u"key"_s, u"new-flag"_s}});
    QCOMPARE(reply.status, 201);
    const QJsonObject flag = reply.object();
    QCOMPARE(flag.value("key"_L1), QJsonValue(u"new-flag"_s));
    QCOMPARE(flag.value("version"_L1), QJsonValue(1));
    QCOMPARE(flag.value("active"_L1), QJsonValue(true));
    QCOMPARE(flag.value("deleted"_L1), QJsonValue(false));
    QVERIFY(flag.value("id"_L1).toInteger() > 0);
    QCOMPARE(flag.value("created_by"_L1).toObject().value("email"_L1),
             QJsonValue(u"owner@bunting.local"_s));
    QVERIFY(flag.value("created_at"_L1).toString().endsWith(u'Z'));
    // Off for everyone until someone sets a rollout.
    QCOMPARE(flag.value("filters"_L1)["groups"_L1][0]["rollout_percentage"_L1], QJsonValue(0));
}

void TestFlagCrud::createRetrieveUpdate()
{
    const QJsonObject created = m_server->createFlag(
        {{u"key"_s, u"checkout"_s},
         {u"name"_s, u"New checkout"_s},
         {u"tags"_s, QJsonArray{u"team-a"_s}},
         {u"filters"_s,
          QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray{}},
                                                           {u"rollout_percentage"_s, 20}}}}}}});
    const QString path = m_server->flags(QString::number(created.value("id"_L1).toInteger()));
    const auto fetched = m_server->get(path);
    QCOMPARE(fetched.status, 200);
    QCOMPARE(fetched.object(), created);

    const auto patched =
        m_server->patch(path, QJsonObject{{u"name"_s, u"Checkout v2"_s}, {u"version"_s, 1}});
    QCOMPARE(patched.status, 200);
    QCOMPARE(patched.object().value("name"_L1), QJsonValue(u"Checkout v2"_s));
    QCOMPARE(patched.object().value("version"_L1), QJsonValue(2));
    QCOMPARE(patched.object().value("tags"_L1), QJsonValue(QJsonArray{u"team-a"_s}));
    QCOMPARE(m_server->get(path).object(), patched.object());
}

void TestFlagCrud::trailingSlashAndCurrentProject()
{
    const QJsonObject flag = m_server->createFlag({{u"key"_s, u"slash"_s}});
    const QString id = QString::number(flag.value("id"_L1).toInteger());
    QCOMPARE(
        m_server->get(u"/api/projects/%1/feature_flags/%2"_s.arg(m_server->projectId()).arg(id))
            .status,
        200);
    QCOMPARE(m_server->get(u"/api/projects/@current/feature_flags/%1/"_s.arg(id)).status, 200);
    QCOMPARE(m_server->get(u"/api/projects/@current/feature_flags"_s).status, 200);
}

void TestFlagCrud::tagsAreNormalized()
{
    // As PostHog's tagify(): trimmed, lower case, each once.
    const QJsonObject flag =
        m_server->createFlag({{u"key"_s, u"tagged"_s},
                              {u"tags"_s, QJsonArray{u" Team-B "_s, u"team-a"_s, u"TEAM-B"_s}}});
    QCOMPARE(flag.value("tags"_L1), QJsonValue(QJsonArray{u"team-a"_s, u"team-b"_s}));
}

void TestFlagCrud::deleteIsNotAllowed()
{
    const QJsonObject flag = m_server->createFlag({{u"key"_s, u"keep"_s}});
    const QString path = m_server->flags(QString::number(flag.value("id"_L1).toInteger()));
    const auto reply = m_server->del(path);
    // PostHog's ForbidDestroyModel: 405 and no body at all.
    QCOMPARE(reply.status, 405);
    QVERIFY2(reply.body.isEmpty(), reply.body.constData());
    QCOMPARE(m_server->get(path).object().value("deleted"_L1), QJsonValue(false));
}

void TestFlagCrud::softDeleteFreesTheKey()
{
    const QJsonObject flag = m_server->createFlag({{u"key"_s, u"reuse"_s}});
    const QString path = m_server->flags(QString::number(flag.value("id"_L1).toInteger()));
    QCOMPARE(m_server->post(m_server->flags(), QJsonObject{{u"key"_s, u"reuse"_s}}).status, 400);
    QCOMPARE(m_server->patch(path, QJsonObject{{u"deleted"_s, true}}).status, 200);
    QCOMPARE(m_server->get(path).object().value("deleted"_L1), QJsonValue(true));
    const auto again = m_server->post(m_server->flags(), QJsonObject{{u"key"_s, u"reuse"_s}});
    QCOMPARE(again.status, 201);
    QVERIFY(again.object().value("id"_L1) != flag.value("id"_L1));
}

void TestFlagCrud::everyChangeIsVersionedAndLogged()
{
    const QJsonObject flag = m_server->createFlag({{u"key"_s, u"audited"_s}});
    const QString path = m_server->flags(QString::number(flag.value("id"_L1).toInteger()));
    for (int rollout : {10, 20, 30})
        QCOMPARE(m_server
                     ->patch(path,
                             QJsonObject{{u"filters"_s,
                                          QJsonObject{{u"groups"_s,
                                                       QJsonArray{QJsonObject{
                                                           {u"properties"_s, QJsonArray{}},
                                                           {u"rollout_percentage"_s, rollout}}}}}}})
                     .status,
                 200);
    QCOMPARE(countRows(u"feature_flag_versions"_s), 4);
    QCOMPARE(countRows(u"activity_log"_s), 4);
    QCOMPARE(m_server->get(path).object().value("version"_L1), QJsonValue(4));
}

void TestFlagCrud::unchangedPatchWritesNothing()
{
    const QJsonObject flag = m_server->createFlag({{u"key"_s, u"same"_s}, {u"name"_s, u"n"_s}});
    const QString path = m_server->flags(QString::number(flag.value("id"_L1).toInteger()));
    const auto reply = m_server->patch(path, flag); // the whole flag sent back unchanged
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value("version"_L1), QJsonValue(1));
    QCOMPARE(countRows(u"feature_flag_versions"_s), 1);
    QCOMPARE(countRows(u"activity_log"_s), 1);
}

void TestFlagCrud::validationErrorsChangeNothing()
{
    const auto badKey = m_server->post(m_server->flags(), QJsonObject{{u"key"_s, u"no spaces"_s}});
    QCOMPARE(badKey.status, 400);
    QCOMPARE(badKey.object().value("type"_L1), QJsonValue(u"validation_error"_s));
    QCOMPARE(badKey.object().value("attr"_L1), QJsonValue(u"key"_s));
    QVERIFY(!badKey.object().value("detail"_L1).toString().isEmpty());

    const QJsonObject flag = m_server->createFlag({{u"key"_s, u"valid"_s}});
    const QString path = m_server->flags(QString::number(flag.value("id"_L1).toInteger()));
    const auto badRollout = m_server->patch(
        path,
        QJsonObject{
            {u"filters"_s,
             QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"rollout_percentage"_s, 150}}}}}}});
    QCOMPARE(badRollout.status, 400);
    QCOMPARE(badRollout.object().value("attr"_L1), QJsonValue(u"filters"_s));
    QCOMPARE(m_server->get(path).object(), flag);
    QCOMPARE(countRows(u"feature_flags"_s), 1);
    QCOMPARE(countRows(u"feature_flag_versions"_s), 1);
}

void TestFlagCrud::badBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("attr");
    QTest::newRow("not json") << QByteArray("{\"key\": ") << 400 << QString();
    QTest::newRow("array") << QByteArray("[1, 2]") << 400 << QString();
    QTest::newRow("no key") << QByteArray(R"({"name": "x"})") << 400 << u"key"_s;
    QTest::newRow("key not a string") << QByteArray(R"({"key": 5})") << 400 << u"key"_s;
    QTest::newRow("active not a bool")
        << QByteArray(R"({"key": "k", "active": "yes"})") << 400 << u"active"_s;
    QTest::newRow("filters not an object")
        << QByteArray(R"({"key": "k", "filters": []})") << 400 << u"filters"_s;
    QTest::newRow("tags not strings")
        << QByteArray(R"({"key": "k", "tags": [1]})") << 400 << u"tags"_s;
    // Wrong JSON types inside `filters`, refused before parsing could read them as defaults
    // (a rollout of "0" as no rollout, that is everyone).
    QTest::newRow("rollout as text")
        << QByteArray(
               R"({"key": "k", "filters": {"groups": [{"properties": [], "rollout_percentage": "0"}]}})")
        << 400 << u"filters"_s;
    QTest::newRow("rollout as a bool")
        << QByteArray(R"({"key": "k", "filters": {"groups": [{"rollout_percentage": true}]}})")
        << 400 << u"filters"_s;
    QTest::newRow("groups of numbers")
        << QByteArray(R"({"key": "k", "filters": {"groups": [1]}})") << 400 << u"filters"_s;
    QTest::newRow("properties as text")
        << QByteArray(R"({"key": "k", "filters": {"groups": [{"properties": "x"}]}})") << 400
        << u"filters"_s;
    QTest::newRow("operator as a number")
        << QByteArray(
               R"({"key": "k", "filters": {"groups": [{"properties": [{"key": "a", "value": "b", "operator": 5}]}]}})")
        << 400 << u"filters"_s;
    QTest::newRow("variants as text")
        << QByteArray(
               R"({"key": "k", "filters": {"groups": [{}], "multivariate": {"variants": "x"}}})")
        << 400 << u"filters"_s;
    QTest::newRow("payloads as text")
        << QByteArray(R"({"key": "k", "filters": {"groups": [{}], "payloads": "x"}})") << 400
        << u"filters"_s;
    QTest::newRow("huge body") << QByteArray(R"({"key": "k", "name": ")" +
                                             QByteArray(11 * 1024 * 1024, 'x') + "\"}")
                               << 413 << QString();
}

void TestFlagCrud::badBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, attr);
    const auto reply =
        m_server->send("POST", m_server->flags(), body,
                       {{"Content-Type", "application/json"},
                        {"Authorization", "Bearer " + m_server->ownerKey().toUtf8()}});
    QCOMPARE(reply.status, status);
    const QJsonObject error = reply.object();
    QVERIFY2(error.contains("type"_L1) && error.contains("code"_L1) &&
                 error.contains("detail"_L1) && error.contains("attr"_L1),
             reply.body.left(300).constData());
    QCOMPARE(error.value("attr"_L1).toString(), attr);
    QCOMPARE(countRows(u"feature_flags"_s), 0);
}

void TestFlagCrud::wrongTypesInAPatchChangeNothing()
{
    const QJsonObject group{{u"properties"_s, QJsonArray()}, {u"rollout_percentage"_s, 30}};
    const QJsonObject flag = m_server->createFlag(
        {{u"key"_s, u"careful"_s}, {u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{group}}}}});
    const QString path = m_server->flags(QString::number(flag.value("id"_L1).toInteger()));
    const QJsonObject text{{u"properties"_s, QJsonArray()}, {u"rollout_percentage"_s, u"0"_s}};
    const auto reply = m_server->patch(
        path, QJsonObject{{u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{text}}}}});
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value("detail"_L1),
             QJsonValue(u"groups[0].rollout_percentage must be a number or null, got str"_s));
    const QJsonObject now = m_server->get(path).object();
    QCOMPARE(now.value("version"_L1).toInt(), 1);
    QCOMPARE(now["filters"_L1]["groups"_L1][0]["rollout_percentage"_L1].toInt(), 30);
}

// PostHog's structural tier reads a property key as a CharField that may not be blank
// (filters_schema.py, PropertyKeyField) and its write path reports it as "<path>: <message>"
// with the index-free rule id as the code. A filter with an empty key matches nobody, so the
// condition it is in silently stops matching: it is refused, as PostHog refuses it.
void TestFlagCrud::anEmptyPropertyKeyIsRefused()
{
    const QJsonObject group{{u"properties"_s, QJsonArray()}, {u"rollout_percentage"_s, 30}};
    const QJsonObject flag = m_server->createFlag(
        {{u"key"_s, u"emptykey"_s}, {u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{group}}}}});
    const QString path = m_server->flags(QString::number(flag.value("id"_L1).toInteger()));
    const QJsonObject blank{{u"key"_s, u""_s},
                            {u"type"_s, u"person"_s},
                            {u"operator"_s, u"exact"_s},
                            {u"value"_s, u""_s}};
    const QJsonObject withBlank{{u"properties"_s, QJsonArray{blank}},
                                {u"rollout_percentage"_s, 30}};
    const auto reply = m_server->patch(
        path, QJsonObject{{u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{withBlank}}}}});
    QCOMPARE(reply.status, 400);
    QCOMPARE(
        reply.object(),
        (QJsonObject{{u"type"_s, u"validation_error"_s},
                     {u"code"_s, u"structural.groups[].properties[].key.blank"_s},
                     {u"detail"_s, u"groups[0].properties[0].key: This field may not be blank."_s},
                     {u"attr"_s, u"filters"_s}}));
    QCOMPARE(m_server->get(path).object(), flag);
    QCOMPARE(countRows(u"feature_flag_versions"_s), 1);

    // On creation too.
    const auto created = m_server->post(
        m_server->flags(),
        QJsonObject{{u"key"_s, u"emptykey2"_s},
                    {u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{withBlank}}}}});
    QCOMPARE(created.status, 400);
    QCOMPARE(created.object().value("code"_L1),
             QJsonValue(u"structural.groups[].properties[].key.blank"_s));
    QCOMPARE(countRows(u"feature_flags"_s), 1);
}

void TestFlagCrud::authentication()
{
    const auto none = m_server->get(m_server->flags(), QString());
    QCOMPARE(none.status, 401);
    QCOMPARE(none.object().value("code"_L1), QJsonValue(u"not_authenticated"_s));
    const auto wrong = m_server->get(m_server->flags(), u"phx_not_a_real_key"_s);
    QCOMPARE(wrong.status, 401);
    QCOMPARE(wrong.object().value("code"_L1), QJsonValue(u"authentication_failed"_s));

    const QString key = m_server->keyWithScopes({u"feature_flag:read"_s});
    QCOMPARE(m_server->get(m_server->flags(), key).status, 200);
    // A read does not write: last_used_at moves at most once a minute per key (issue 20: two
    // servers on one file failed with "database is locked" on these writes).
    auto &db = m_server->server().database();
    const QString used = u"SELECT last_used_at FROM personal_api_keys ORDER BY id DESC LIMIT 1"_s;
    QVERIFY(!db.scalar(used).value_or(QVariant()).toString().isEmpty());
    db.exec(u"UPDATE personal_api_keys SET last_used_at = '2000-01-01T00:00:00Z'"_s);
    QCOMPARE(m_server->get(m_server->flags(), key).status, 200);
    QCOMPARE(db.scalar(used).value_or(QVariant()).toString(), u"2000-01-01T00:00:00Z"_s);
    // A key in the query string works, and the answer's links do not repeat it.
    m_server->createFlag({{u"key"_s, u"first"_s}});
    m_server->createFlag({{u"key"_s, u"second"_s}});
    const auto viaQuery =
        m_server->get(m_server->flags() + u"?limit=1&personal_api_key="_s + key, QString());
    QCOMPARE(viaQuery.status, 200);
    const QString next = viaQuery.object().value("next"_L1).toString();
    QVERIFY2(next.contains(u"offset=1"_s), qPrintable(next));
    QVERIFY2(!next.contains(key) && !next.contains(u"personal_api_key"_s), qPrintable(next));
    auto &auth = m_server->server().auth();
    const auto keys = auth.listKeys();
    QVERIFY(auth.revokeKey(keys.last().toObject().value("id"_L1).toInteger()));
    QCOMPARE(m_server->get(m_server->flags(), key).status, 401);
    // Keys are stored hashed: the clear value is nowhere in the database.
    QVERIFY(!m_server->server()
                 .database()
                 .scalar(u"SELECT id FROM personal_api_keys WHERE secure_value = ?"_s, {key})
                 .has_value());
}

void TestFlagCrud::scopes()
{
    const QString reader = m_server->keyWithScopes({u"feature_flag:read"_s});
    QCOMPARE(m_server->get(m_server->flags(), reader).status, 200);
    const auto denied = m_server->post(m_server->flags(), QJsonObject{{u"key"_s, u"x"_s}}, reader);
    QCOMPARE(denied.status, 403);
    QCOMPARE(denied.object().value("detail"_L1),
             QJsonValue(u"API key missing required scope 'feature_flag:write'"_s));
    const QString writer = m_server->keyWithScopes({u"feature_flag:write"_s});
    QCOMPARE(m_server->post(m_server->flags(), QJsonObject{{u"key"_s, u"x"_s}}, writer).status,
             201);
    QCOMPARE(m_server->get(m_server->flags(), writer).status, 200); // write implies read
    const QString other = m_server->keyWithScopes({u"cohort:read"_s});
    QCOMPARE(m_server->get(m_server->flags(), other).status, 403);
}

void TestFlagCrud::otherProjects()
{
    const qint64 second = m_server->createProject(u"Second"_s);
    const QJsonObject flag = m_server->createFlag({{u"key"_s, u"mine"_s}});
    const QString id = QString::number(flag.value("id"_L1).toInteger());
    // Another project's flag is not there, whoever asks.
    QCOMPARE(m_server->get(u"/api/projects/%1/feature_flags/%2"_s.arg(second).arg(id)).status, 404);
    const QString limited = m_server->keyWithScopes({u"*"_s}, {second});
    QCOMPARE(m_server->get(m_server->flags(id), limited).status, 404);
    QCOMPARE(m_server->get(m_server->flags(), limited).status, 404);
    QCOMPARE(m_server->get(u"/api/projects/@current/feature_flags/"_s, limited).status, 200);
    QCOMPARE(m_server->get(u"/api/projects/999/feature_flags/"_s).status, 404);
    QCOMPARE(m_server->get(u"/api/projects/abc/feature_flags/"_s).status, 404);
}

void TestFlagCrud::unknownRoutes()
{
    const auto missing = m_server->get(u"/api/projects/1/nothing_here/"_s);
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.object().value("code"_L1), QJsonValue(u"not_found"_s));
    QCOMPARE(m_server->get(m_server->flags(u"not-a-number"_s)).status, 404);
    QCOMPARE(m_server->send("PUT", m_server->flags(), "{}").status, 405);
    const auto health = m_server->get(u"/_health"_s, QString());
    QCOMPARE(health.status, 200);
    QCOMPARE(health.object().value("status"_L1), QJsonValue(u"ok"_s));
}

void TestFlagCrud::aTakenPortIsRefused()
{
    // A second server must not quietly share the port (and split the traffic) with the first.
    QTemporaryDir dir;
    bunting::server::LocalServer second(
        bunting::server::DatabaseLocation::parse(dir.filePath(u"second.sqlite"_s)));
    second.open();
    QCOMPARE(second.listen(QHostAddress::LocalHost, m_server->port(), 2), quint16(0));
    QCOMPARE(second.listen(QHostAddress::LocalHost, m_server->port(), 1), quint16(0));
    QCOMPARE(m_server->get(u"/_health"_s, QString()).status, 200);
}

QTEST_GUILESS_MAIN(TestFlagCrud)
#include "tst_flag_crud.moc"
