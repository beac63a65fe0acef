// The projects of one server over real HTTP: GET /api/projects/ lists those the key reaches,
// paginated as every PostHog list (DRF's LimitOffsetPagination: count, next, previous, results);
// POST /api/projects/ makes one beside the others, with its own public token and flags; GET
// /api/projects/:id/ shows one. A key limited to some projects sees only those (PostHog's
// scoped_teams) and may not create one.
#include "test_server.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

class TestProjects : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void theListHasTheFirstProject()
    {
        const auto reply = m_server->get(u"/api/projects/"_s);
        QCOMPARE(reply.status, 200);
        const QJsonObject list = reply.object();
        QCOMPARE(list.value("count"_L1).toInt(), 1);
        QVERIFY(list.value("next"_L1).isNull());
        QVERIFY(list.value("previous"_L1).isNull());
        const QJsonObject first = list.value("results"_L1).toArray().first().toObject();
        QCOMPARE(first.value("id"_L1).toInteger(), m_server->projectId());
        QCOMPARE(first.value("api_token"_L1).toString(), m_server->projectToken());
    }

    void aNewProjectHasItsOwnTokenAndFlags()
    {
        const auto created =
            m_server->post(u"/api/projects/"_s, QJsonObject{{u"name"_s, u"Staging"_s}});
        QCOMPARE(created.status, 201);
        const qint64 id = created.object().value("id"_L1).toInteger();
        const QString token = created.object().value("api_token"_L1).toString();
        QVERIFY(id != m_server->projectId());
        QVERIFY(token.startsWith("phc_"_L1));
        QVERIFY(token != m_server->projectToken());
        QCOMPARE(created.object().value("name"_L1).toString(), u"Staging"_s);
        QCOMPARE(m_server->get(u"/api/projects/%1/"_s.arg(id)).object(), created.object());

        const auto flag = m_server->post(
            u"/api/projects/%1/feature_flags/"_s.arg(id),
            QJsonObject{{u"key"_s, u"staging-only"_s},
                        {u"filters"_s,
                         QJsonObject{{u"groups"_s,
                                      QJsonArray{QJsonObject{{u"rollout_percentage"_s, 100}}}}}}});
        QCOMPARE(flag.status, 201);
        QCOMPARE(m_server->get(m_server->flags()).object().value("count"_L1).toInt(), 0);

        // The SDKs reach it with its token at once, and the first project's token does not.
        const auto sdk = [&](const QString &apiKey) {
            return m_server
                ->post(u"/flags/?v=2"_s,
                       QJsonObject{{u"api_key"_s, apiKey}, {u"distinct_id"_s, u"u1"_s}}, {})
                .object()
                .value("flags"_L1)
                .toObject();
        };
        QVERIFY(sdk(token).contains("staging-only"_L1));
        QVERIFY(!sdk(m_server->projectToken()).contains("staging-only"_L1));

        const auto list = m_server->get(u"/api/projects/"_s).object();
        QCOMPARE(list.value("count"_L1).toInt(), 2);
    }

    void theListIsPaginated()
    {
        for (int i = 0; i < 3; ++i)
            QCOMPARE(m_server->post(u"/api/projects/"_s, QJsonObject{{u"name"_s, u"P%1"_s.arg(i)}})
                         .status,
                     201);
        const auto page = m_server->get(u"/api/projects/?limit=2&offset=1"_s).object();
        QCOMPARE(page.value("count"_L1).toInt(), 4);
        QCOMPARE(page.value("results"_L1).toArray().size(), 2);
        QVERIFY(page.value("next"_L1).toString().contains("offset=3"_L1));
        QVERIFY(page.value("previous"_L1).isString());
    }

    void badNamesChangeNothing_data()
    {
        QTest::addColumn<QJsonObject>("body");
        QTest::addColumn<QString>("code");
        QTest::newRow("missing") << QJsonObject{} << u"required"_s;
        QTest::newRow("number") << QJsonObject{{u"name"_s, 7}} << u"invalid"_s;
        QTest::newRow("null") << QJsonObject{{u"name"_s, QJsonValue::Null}} << u"invalid"_s;
        QTest::newRow("list") << QJsonObject{{u"name"_s, QJsonArray{u"a"_s}}} << u"invalid"_s;
        QTest::newRow("blank") << QJsonObject{{u"name"_s, u"   "_s}} << u"blank"_s;
        QTest::newRow("201 characters")
            << QJsonObject{{u"name"_s, QString(201, u'x')}} << u"max_length"_s;
    }
    void badNamesChangeNothing()
    {
        QFETCH(QJsonObject, body);
        QFETCH(QString, code);
        const auto reply = m_server->post(u"/api/projects/"_s, body);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.object().value("type"_L1).toString(), u"validation_error"_s);
        QCOMPARE(reply.object().value("code"_L1).toString(), code);
        QCOMPARE(reply.object().value("attr"_L1).toString(), u"name"_s);
        QCOMPARE(m_server->get(u"/api/projects/"_s).object().value("count"_L1).toInt(), 1);
    }

    void aBodyThatIsNotAnObjectIsRefused()
    {
        const auto reply =
            m_server->send("POST", u"/api/projects/"_s, "[1]",
                           {{"Authorization", "Bearer " + m_server->ownerKey().toUtf8()},
                            {"Content-Type", "application/json"}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(m_server->get(u"/api/projects/"_s).object().value("count"_L1).toInt(), 1);
    }

    void scopesAndProjectLimitsApply()
    {
        const qint64 second = m_server->server().auth().createProject(u"Second"_s).id;
        const QString limited =
            m_server->keyWithScopes({u"project:read"_s, u"project:write"_s}, {second});
        const auto list = m_server->get(u"/api/projects/"_s, limited).object();
        QCOMPARE(list.value("count"_L1).toInt(), 1);
        QCOMPARE(list.value("results"_L1).toArray().first().toObject().value("id"_L1).toInteger(),
                 second);
        QCOMPARE(m_server->get(u"/api/projects/%1/"_s.arg(m_server->projectId()), limited).status,
                 404);
        QCOMPARE(
            m_server->post(u"/api/projects/"_s, QJsonObject{{u"name"_s, u"X"_s}}, limited).status,
            403);

        const QString readOnly = m_server->keyWithScopes({u"project:read"_s});
        const auto refused =
            m_server->post(u"/api/projects/"_s, QJsonObject{{u"name"_s, u"X"_s}}, readOnly);
        QCOMPARE(refused.status, 403);
        QCOMPARE(m_server->get(u"/api/projects/"_s).object().value("count"_L1).toInt(), 2);
        QCOMPARE(m_server->get(u"/api/projects/"_s, {}).status, 401);
    }

    void aTokenIsNeverShared()
    {
        auto &auth = m_server->server().auth();
        QVERIFY_THROWS_EXCEPTION(bunting::server::ApiError,
                                 auth.createProject(u"Copy"_s, m_server->projectToken()));
        QVERIFY_THROWS_EXCEPTION(bunting::server::ApiError,
                                 auth.createProject(u"Copy"_s, u"has space"_s));
        QCOMPARE(auth.createProject(u"Mirror"_s, u"phc_remote123"_s).apiToken, u"phc_remote123"_s);
    }

private:
    std::unique_ptr<TestServer> m_server;
};

QTEST_GUILESS_MAIN(TestProjects)
#include "tst_projects.moc"
