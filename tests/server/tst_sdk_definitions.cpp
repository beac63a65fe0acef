// Local evaluation definitions (/flags/definitions, /api/feature_flag/local_evaluation) with
// their ETag, 304 and auth answers, and posthog-js's remote config (/array/<token>/config).
#include "test_server.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting::server;

namespace {

QJsonObject personProperty(const QString &key, const QString &value, bool negation = false)
{
    QJsonObject property{{u"key"_s, key},
                         {u"type"_s, u"person"_s},
                         {u"value"_s, value},
                         {u"operator"_s, u"exact"_s}};
    if (negation)
        property.insert(u"negation"_s, true);
    return property;
}

QJsonObject cohortCondition(qint64 cohortId, int rollout = 100)
{
    return {{u"properties"_s,
             QJsonArray{QJsonObject{
                 {u"key"_s, u"id"_s}, {u"type"_s, u"cohort"_s}, {u"value"_s, cohortId}}}},
            {u"rollout_percentage"_s, rollout}};
}

} // namespace

class TestSdkDefinitions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_server.reset(); }

    void definitionsShape();
    void bothPathsServeTheSame();
    void etagAnd304();
    void withoutSendCohortsInlinesSimpleCohorts();
    void withoutSendCohortsKeepsOtherCohorts();
    void authentication();
    void remoteConfig();
    void remoteConfigScript();
    void remoteConfigBadTokens();
    void productsBuntingDoesNotServe_data();
    void productsBuntingDoesNotServe();

private:
    QString definitionsPath(bool sendCohorts = true) const
    {
        return u"/flags/definitions?token=%1%2"_s.arg(m_server->projectToken(),
                                                      sendCohorts ? u"&send_cohorts"_s : QString());
    }
    qint64 createCohort(const QString &name, const QJsonObject &properties)
    {
        const auto reply =
            m_server->post(u"/api/projects/%1/cohorts/"_s.arg(m_server->projectId()),
                           QJsonObject{{u"name"_s, name},
                                       {u"filters"_s, QJsonObject{{u"properties"_s, properties}}}});
        if (reply.status != 201)
            qWarning("creating a cohort answered %d: %s", reply.status, reply.body.constData());
        return reply.object().value("id"_L1).toInteger();
    }
    QJsonObject createFlag(const QString &key, const QJsonArray &groups)
    {
        return m_server->createFlag(
            {{u"key"_s, key}, {u"filters"_s, QJsonObject{{u"groups"_s, groups}}}});
    }
    TestServer::Reply getWith(const QString &path, const QString &key,
                              const QList<QPair<QByteArray, QByteArray>> &extra = {})
    {
        QList<QPair<QByteArray, QByteArray>> headers = extra;
        if (!key.isEmpty())
            headers.append({"Authorization", "Bearer " + key.toUtf8()});
        return m_server->send("GET", path, {}, headers);
    }
    static QJsonObject flagNamed(const QJsonObject &definitions, const QString &key)
    {
        for (const QJsonValue &flag : definitions.value("flags"_L1).toArray())
            if (flag["key"_L1].toString() == key)
                return flag.toObject();
        return {};
    }

    std::unique_ptr<TestServer> m_server;
};

void TestSdkDefinitions::init()
{
    m_server = std::make_unique<TestServer>();
}

void TestSdkDefinitions::definitionsShape()
{
    const qint64 cohort = createCohort(
        u"Pro"_s,
        {{u"type"_s, u"OR"_s},
         {u"values"_s, QJsonArray{QJsonObject{
                           {u"type"_s, u"AND"_s},
                           {u"values"_s, QJsonArray{personProperty(u"plan"_s, u"pro"_s)}}}}}});
    QVERIFY(cohort > 0);
    createFlag(u"pro-only"_s, {cohortCondition(cohort)});

    const auto reply = getWith(definitionsPath(), m_server->ownerKey());
    QCOMPARE(reply.status, 200);
    const QJsonObject body = reply.object();
    QCOMPARE(body.keys(), (QStringList{u"cohorts"_s, u"flags"_s, u"group_type_mapping"_s}));
    QCOMPARE(body.value("flags"_L1).toArray().size(), 1);
    const QJsonObject flag = flagNamed(body, u"pro-only"_s);
    QCOMPARE(flag.value("active"_L1), QJsonValue(true));
    QCOMPARE(flag["filters"_L1]["groups"_L1].toArray(), (QJsonArray{cohortCondition(cohort)}));
    QVERIFY(body.value("cohorts"_L1).toObject().contains(QString::number(cohort)));
    QCOMPARE(body.value("group_type_mapping"_L1).toObject(), QJsonObject());

    const QByteArray etag = reply.header("etag");
    QVERIFY2(etag.size() > 2 && etag.startsWith('"') && etag.endsWith('"'), etag.constData());
}

void TestSdkDefinitions::bothPathsServeTheSame()
{
    createFlag(u"a"_s, {QJsonObject{{u"rollout_percentage"_s, 50}}});
    const auto current = getWith(definitionsPath(), m_server->ownerKey());
    const auto older = getWith(
        u"/api/feature_flag/local_evaluation?token=%1&send_cohorts"_s.arg(m_server->projectToken()),
        m_server->ownerKey());
    QCOMPARE(current.status, 200);
    QCOMPARE(older.status, 200);
    QCOMPARE(older.body, current.body);
    QCOMPARE(older.header("etag"), current.header("etag"));
    // Without a token the key's project is meant.
    const auto noToken =
        getWith(u"/api/feature_flag/local_evaluation/?send_cohorts"_s, m_server->ownerKey());
    QCOMPARE(noToken.status, 200);
    QCOMPARE(noToken.body, current.body);
}

void TestSdkDefinitions::etagAnd304()
{
    const QJsonObject flag = createFlag(u"a"_s, {QJsonObject{{u"rollout_percentage"_s, 50}}});
    const auto first = getWith(definitionsPath(), m_server->ownerKey());
    const QByteArray etag = first.header("etag");
    QVERIFY(!etag.isEmpty());

    const auto same = getWith(definitionsPath(), m_server->ownerKey(), {{"If-None-Match", etag}});
    QCOMPARE(same.status, 304);
    QCOMPARE(same.body, QByteArray());
    QCOMPARE(same.header("etag"), etag);
    const auto weak =
        getWith(definitionsPath(), m_server->ownerKey(), {{"If-None-Match", "\"x\", W/" + etag}});
    QCOMPARE(weak.status, 304);

    // A change gives a new ETag, and the old one no longer matches.
    const auto patched = m_server->patch(
        m_server->flags(QString::number(flag.value("id"_L1).toInteger())),
        QJsonObject{
            {u"filters"_s,
             QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"rollout_percentage"_s, 60}}}}}}});
    QCOMPARE(patched.status, 200);
    const auto changed =
        getWith(definitionsPath(), m_server->ownerKey(), {{"If-None-Match", etag}});
    QCOMPARE(changed.status, 200);
    QVERIFY(changed.header("etag") != etag);
    QCOMPARE(
        flagNamed(changed.object(), u"a"_s)["filters"_L1]["groups"_L1][0]["rollout_percentage"_L1]
            .toInt(),
        60);

    // The inlined variant has a tag of its own.
    const auto inlined = getWith(definitionsPath(false), m_server->ownerKey(),
                                 {{"If-None-Match", changed.header("etag")}});
    QCOMPARE(inlined.status, 200);
    QVERIFY(inlined.header("etag") != changed.header("etag"));
    QCOMPARE(getWith(definitionsPath(false), m_server->ownerKey(),
                     {{"If-None-Match", inlined.header("etag")}})
                 .status,
             304);
}

void TestSdkDefinitions::withoutSendCohortsInlinesSimpleCohorts()
{
    const qint64 andCohort = createCohort(
        u"Pro in FR"_s,
        {{u"type"_s, u"AND"_s},
         {u"values"_s, QJsonArray{QJsonObject{
                           {u"type"_s, u"AND"_s},
                           {u"values"_s, QJsonArray{personProperty(u"plan"_s, u"pro"_s),
                                                    personProperty(u"country"_s, u"FR"_s)}}}}}});
    const qint64 orCohort = createCohort(
        u"Pro or team"_s,
        {{u"type"_s, u"OR"_s},
         {u"values"_s, QJsonArray{QJsonObject{
                           {u"type"_s, u"OR"_s},
                           {u"values"_s, QJsonArray{personProperty(u"plan"_s, u"pro"_s),
                                                    personProperty(u"plan"_s, u"team"_s)}}}}}});
    createFlag(u"and-flag"_s, {cohortCondition(andCohort, 30)});
    const QJsonObject other{{u"properties"_s, QJsonArray{personProperty(u"beta"_s, u"yes"_s)}},
                            {u"rollout_percentage"_s, 100}};
    createFlag(u"or-flag"_s, {other, cohortCondition(orCohort, 100)});

    const auto reply = getWith(definitionsPath(false), m_server->ownerKey());
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value("cohorts"_L1).toObject(), QJsonObject());
    const QJsonArray andGroups =
        flagNamed(reply.object(), u"and-flag"_s)["filters"_L1]["groups"_L1].toArray();
    QCOMPARE(andGroups.size(), 1);
    QCOMPARE(andGroups[0]["rollout_percentage"_L1].toInt(), 30);
    const QJsonArray andProperties = andGroups[0]["properties"_L1].toArray();
    QCOMPARE(andProperties.size(), 2);
    QCOMPARE(andProperties[0]["key"_L1].toString(), u"plan"_s);
    QCOMPARE(andProperties[1]["key"_L1].toString(), u"country"_s);

    // An OR cohort becomes one condition per property, after the flag's other conditions.
    const QJsonArray orGroups =
        flagNamed(reply.object(), u"or-flag"_s)["filters"_L1]["groups"_L1].toArray();
    QCOMPARE(orGroups.size(), 3);
    QCOMPARE(orGroups[0].toObject(), other);
    QCOMPARE(orGroups[1]["properties"_L1][0]["value"_L1].toString(), u"pro"_s);
    QCOMPARE(orGroups[2]["properties"_L1][0]["value"_L1].toString(), u"team"_s);
    QCOMPARE(orGroups[2]["properties"_L1].toArray().size(), 1);
}

void TestSdkDefinitions::withoutSendCohortsKeepsOtherCohorts()
{
    const qint64 negated = createCohort(
        u"Not pro"_s, {{u"type"_s, u"AND"_s},
                       {u"values"_s, QJsonArray{personProperty(u"plan"_s, u"pro"_s, true)}}});
    const qint64 plain =
        createCohort(u"Pro"_s, {{u"type"_s, u"AND"_s},
                                {u"values"_s, QJsonArray{personProperty(u"plan"_s, u"pro"_s)}}});
    // Negation is not inlined; two cohorts on one flag are not either; nor a cohort sharing its
    // condition with another property.
    createFlag(u"negated"_s, {cohortCondition(negated)});
    createFlag(u"two"_s, {cohortCondition(negated), cohortCondition(plain)});
    QJsonObject shared = cohortCondition(plain);
    QJsonArray sharedProperties = shared.value("properties"_L1).toArray();
    sharedProperties.append(personProperty(u"beta"_s, u"yes"_s));
    shared.insert(u"properties"_s, sharedProperties);
    createFlag(u"shared"_s, {shared});

    const auto reply = getWith(definitionsPath(false), m_server->ownerKey());
    QCOMPARE(reply.status, 200);
    QCOMPARE(flagNamed(reply.object(), u"negated"_s)["filters"_L1]["groups"_L1].toArray(),
             (QJsonArray{cohortCondition(negated)}));
    QCOMPARE(flagNamed(reply.object(), u"two"_s)["filters"_L1]["groups"_L1].toArray(),
             (QJsonArray{cohortCondition(negated), cohortCondition(plain)}));
    QCOMPARE(flagNamed(reply.object(), u"shared"_s)["filters"_L1]["groups"_L1].toArray(),
             (QJsonArray{shared}));
}

void TestSdkDefinitions::authentication()
{
    createFlag(u"a"_s, {QJsonObject{{u"rollout_percentage"_s, 50}}});
    const auto none = getWith(definitionsPath(), QString());
    QCOMPARE(none.status, 401);
    QCOMPARE(none.object().value("code"_L1).toString(), u"not_authenticated"_s);

    const auto invalid = getWith(definitionsPath(), u"phx_not_a_key"_s);
    QCOMPARE(invalid.status, 401);
    QCOMPARE(invalid.object().value("code"_L1).toString(), u"authentication_failed"_s);

    const auto scopeless = getWith(definitionsPath(), m_server->keyWithScopes({u"cohort:read"_s}));
    QCOMPARE(scopeless.status, 403);
    QCOMPARE(scopeless.object(),
             (QJsonObject{{u"type"_s, u"authentication_error"_s},
                          {u"code"_s, u"permission_denied"_s},
                          {u"detail"_s, u"API key missing required scope 'feature_flag:read'"_s},
                          {u"attr"_s, QJsonValue()}}));

    const qint64 other = m_server->createProject(u"Other"_s);
    const auto elsewhere =
        getWith(definitionsPath(), m_server->keyWithScopes({u"feature_flag:read"_s}, {other}));
    QCOMPARE(elsewhere.status, 403);
    QCOMPARE(elsewhere.object().value("code"_L1).toString(), u"permission_denied"_s);

    const auto unknownToken =
        getWith(u"/flags/definitions?token=phc_unknown&send_cohorts"_s, m_server->ownerKey());
    QCOMPARE(unknownToken.status, 401);
    QCOMPARE(unknownToken.object().value("code"_L1).toString(), u"invalid_api_key"_s);

    // A read-only key on this project, and a write key (which implies read), are enough.
    const QString reader =
        m_server->keyWithScopes({u"feature_flag:read"_s}, {m_server->projectId()});
    QCOMPARE(getWith(definitionsPath(), reader).status, 200);
    QCOMPARE(getWith(definitionsPath(), m_server->keyWithScopes({u"feature_flag:write"_s})).status,
             200);
}

void TestSdkDefinitions::remoteConfig()
{
    const QString path = u"/array/%1/config"_s.arg(m_server->projectToken());
    const auto empty = m_server->get(path, QString());
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.header("content-type"), QByteArray("application/json"));
    const QJsonObject expected{
        {u"token"_s, m_server->projectToken()},
        {u"supportedCompression"_s, QJsonArray{u"gzip"_s, u"gzip-js"_s}},
        {u"hasFeatureFlags"_s, false},
        {u"captureDeadClicks"_s, false},
        {u"capturePerformance"_s, false},
        {u"autocapture_opt_out"_s, false},
        {u"autocaptureExceptions"_s, false},
        {u"analytics"_s, QJsonObject{{u"endpoint"_s, u"/i/v0/e/"_s}}},
        {u"elementsChainAsString"_s, true},
        {u"sessionRecording"_s, false},
        {u"heatmaps"_s, false},
        {u"productTours"_s, false},
        {u"defaultIdentifiedOnly"_s, true},
        {u"siteApps"_s, QJsonArray()},
    };
    QCOMPARE(empty.object(), expected);

    createFlag(u"a"_s, {QJsonObject{{u"rollout_percentage"_s, 50}}});
    QCOMPARE(m_server->get(path, QString()).object().value("hasFeatureFlags"_L1), QJsonValue(true));
}

void TestSdkDefinitions::remoteConfigScript()
{
    const auto reply =
        m_server->get(u"/array/%1/config.js"_s.arg(m_server->projectToken()), QString());
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), QByteArray("application/javascript"));
    const QByteArray token = m_server->projectToken().toUtf8();
    QVERIFY2(reply.body.contains("window._POSTHOG_REMOTE_CONFIG[\"" + token + "\"] = {"),
             reply.body.constData());
    QVERIFY(reply.body.contains("\"supportedCompression\":[\"gzip\",\"gzip-js\"]"));
    QVERIFY(reply.body.contains("\"siteApps\":[]"));
}

void TestSdkDefinitions::remoteConfigBadTokens()
{
    const auto unknown = m_server->get(u"/array/phc_unknown/config"_s, QString());
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.object().value("code"_L1).toString(), u"not_found"_s);
    const auto malformed = m_server->get(u"/array/bad%20token!/config"_s, QString());
    QCOMPARE(malformed.status, 400);
    QCOMPARE(malformed.object().value("detail"_L1).toString(), u"Invalid token"_s);
    QCOMPARE(m_server->get(u"/array/phc_unknown/config.js"_s, QString()).status, 404);
}

void TestSdkDefinitions::productsBuntingDoesNotServe_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonObject>("answer");
    QTest::newRow("surveys") << u"/api/surveys/"_s
                             << QJsonObject{{u"surveys"_s, QJsonArray()},
                                            {u"survey_config"_s, QJsonValue::Null}};
    QTest::newRow("early access features") << u"/api/early_access_features/"_s
                                           << QJsonObject{{u"earlyAccessFeatures"_s, QJsonArray()}};
}

// posthog-js asks for surveys and early access features with the project token; PostHog answers
// a project without any with an empty list (posthog/api/survey.py, early_access_feature.py),
// and 401 missing_api_key / invalid_api_key without a known token.
void TestSdkDefinitions::productsBuntingDoesNotServe()
{
    QFETCH(QString, path);
    QFETCH(QJsonObject, answer);
    const auto reply = m_server->get(path + u"?token="_s + m_server->projectToken(), QString());
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), answer);

    const auto missing = m_server->get(path, QString());
    QCOMPARE(missing.status, 401);
    QCOMPARE(missing.object().value("code"_L1).toString(), u"missing_api_key"_s);
    const auto unknown = m_server->get(path + u"?token=phc_nobody"_s, QString());
    QCOMPARE(unknown.status, 401);
    QCOMPARE(unknown.object().value("code"_L1).toString(), u"invalid_api_key"_s);
}

QTEST_GUILESS_MAIN(TestSdkDefinitions)
#include "tst_sdk_definitions.moc"
