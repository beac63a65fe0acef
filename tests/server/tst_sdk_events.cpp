// The capture endpoints (/batch/, /e/, /capture/, /i/v0/e/) as posthog-node and posthog-js
// send to them, and what the queued events do to flag usage, persons and groups.
#include "storage/group_repository.h"
#include "test_server.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <zlib.h>

using namespace Qt::StringLiterals;
using namespace bunting::server;

namespace {

// gzip framing (header, deflate data, CRC and size trailer), as CompressionStream writes it.
QByteArray gzip(const QByteArray &data)
{
    z_stream stream{};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    QByteArray out(qsizetype(deflateBound(&stream, uLong(data.size()))) + 32, Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(qsizetype(stream.total_out));
    deflateEnd(&stream);
    return out;
}

QByteArray json(const QJsonValue &value)
{
    return compactJson(value).toUtf8();
}

QJsonObject sdkEvent(const QString &name, const QString &distinctId,
                     const QJsonObject &properties = {})
{
    return {{u"event"_s, name},
            {u"distinct_id"_s, distinctId},
            {u"properties"_s, properties},
            {u"timestamp"_s, u"2024-03-04T05:06:07.000Z"_s}};
}

QJsonObject flagCalled(const QString &key, const QJsonValue &response, const QString &distinctId)
{
    return sdkEvent(u"$feature_flag_called"_s, distinctId,
                    {{u"$feature_flag"_s, key}, {u"$feature_flag_response"_s, response}});
}

} // namespace

class TestSdkEvents : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_server.reset(); }

    void batchAnswersAsPostHog();
    void everyEndpointAndEncoding_data();
    void everyEndpointAndEncoding();
    void queueFlushesOnItsOwn();
    void flagCalledMovesUsageAndLastCalled();
    void setAndSetOnce();
    void identifyMergesPersons();
    void createAlias();
    void groupIdentify();
    void featureViewAndInteraction();
    void badTokens();
    void malformedBodies_data();
    void malformedBodies();
    void flushAtShutdown();

private:
    TestServer::Reply postRaw(const QString &path, const QByteArray &body,
                              const QList<QPair<QByteArray, QByteArray>> &headers = {
                                  {"Content-Type", "application/json"}})
    {
        return m_server->send("POST", path, body, headers);
    }
    TestServer::Reply batch(const QJsonArray &events)
    {
        return postRaw(u"/batch/"_s, json(QJsonObject{{u"api_key"_s, m_server->projectToken()},
                                                      {u"batch"_s, events}}));
    }
    QJsonObject personOf(const QString &distinctId)
    {
        const auto reply =
            m_server->get(u"/api/projects/%1/persons/?distinct_id=%2"_s.arg(m_server->projectId())
                              .arg(QString::fromLatin1(QUrl::toPercentEncoding(distinctId))));
        const QJsonArray results = reply.object().value("results"_L1).toArray();
        return results.size() == 1 ? results.first().toObject() : QJsonObject();
    }
    qint64 personCount()
    {
        return m_server->get(u"/api/projects/%1/persons/"_s.arg(m_server->projectId()))
            .object()
            .value("count"_L1)
            .toInteger();
    }
    void flush() { m_server->server().events().flush(); }

    std::unique_ptr<TestServer> m_server;
};

void TestSdkEvents::init()
{
    m_server = std::make_unique<TestServer>();
}

void TestSdkEvents::batchAnswersAsPostHog()
{
    const auto reply = batch({sdkEvent(u"$pageview"_s, u"u1"_s)});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), (QJsonObject{{u"status"_s, 1}}));
    QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
}

void TestSdkEvents::everyEndpointAndEncoding_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("encoding");
    for (const QString &path : {u"/batch/"_s, u"/e/"_s, u"/capture/"_s, u"/i/v0/e/"_s})
        for (const QString &encoding :
             {u"json"_s, u"gzip-header"_s, u"gzip-js-query"_s, u"base64-form"_s, u"json-form"_s,
              u"single-event"_s, u"js-list"_s, u"data-field"_s})
            QTest::addRow("%s %s", qPrintable(path), qPrintable(encoding)) << path << encoding;
}

void TestSdkEvents::everyEndpointAndEncoding()
{
    QFETCH(QString, path);
    QFETCH(QString, encoding);
    const QString token = m_server->projectToken();
    const QJsonObject one =
        sdkEvent(u"$set"_s, u"enc-user"_s,
                 {{u"$set"_s, QJsonObject{{u"via"_s, encoding}}}, {u"token"_s, token}});
    const QByteArray batchBody =
        json(QJsonObject{{u"api_key"_s, token}, {u"batch"_s, QJsonArray{one}}});

    TestServer::Reply reply;
    if (encoding == "json"_L1) {
        reply = postRaw(path, batchBody);
    } else if (encoding == "gzip-header"_L1) {
        reply = postRaw(path, gzip(batchBody),
                        {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}});
    } else if (encoding == "gzip-js-query"_L1) {
        // posthog-js: the event list (its token in the properties), gzip, text/plain.
        reply = postRaw(path + u"?ip=0&_=1700000000000&ver=1.200.0&compression=gzip-js"_s,
                        gzip(json(QJsonArray{one})), {{"Content-Type", "text/plain"}});
    } else if (encoding == "base64-form"_L1) {
        const QByteArray data = json(QJsonArray{one}).toBase64();
        reply = postRaw(path + u"?compression=base64"_s,
                        "data=" + QUrl::toPercentEncoding(QString::fromLatin1(data)),
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
    } else if (encoding == "json-form"_L1) {
        reply = postRaw(path, "data=" + QUrl::toPercentEncoding(QString::fromUtf8(json(one))),
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
    } else if (encoding == "single-event"_L1) {
        reply = postRaw(path, json(one));
    } else if (encoding == "js-list"_L1) {
        reply = postRaw(path, json(QJsonArray{one}));
    } else if (encoding == "data-field"_L1) {
        reply = postRaw(path, json(QJsonObject{{u"api_key"_s, token}, {u"data"_s, one}}));
    }
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), (QJsonObject{{u"status"_s, 1}}));
    flush();
    QCOMPARE(personOf(u"enc-user"_s).value("properties"_L1).toObject(),
             (QJsonObject{{u"via"_s, encoding}}));
}

void TestSdkEvents::queueFlushesOnItsOwn()
{
    QCOMPARE(
        batch({sdkEvent(u"$set"_s, u"timer"_s, {{u"$set"_s, QJsonObject{{u"a"_s, 1}}}})}).status,
        200);
    // Not written inside the request: the queue holds it until its timer fires.
    QTRY_COMPARE_WITH_TIMEOUT(m_server->server().events().pending(), 0, 5000);
    QCOMPARE(personOf(u"timer"_s).value("properties"_L1).toObject(), (QJsonObject{{u"a"_s, 1}}));
}

void TestSdkEvents::flagCalledMovesUsageAndLastCalled()
{
    const QJsonObject flag = m_server->createFlag(
        {{u"key"_s, u"checkout"_s},
         {u"filters"_s,
          QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"rollout_percentage"_s, 100}}}},
                      {u"multivariate"_s,
                       QJsonObject{{u"variants"_s,
                                    QJsonArray{QJsonObject{{u"key"_s, u"blue"_s},
                                                           {u"rollout_percentage"_s, 50}},
                                               QJsonObject{{u"key"_s, u"red"_s},
                                                           {u"rollout_percentage"_s, 50}}}}}}}}});
    const QString flagPath = m_server->flags(QString::number(flag.value("id"_L1).toInteger()));
    QCOMPARE(m_server->get(flagPath).object().value("last_called_at"_L1), QJsonValue());

    QJsonObject late = flagCalled(u"checkout"_s, u"red"_s, u"u2"_s);
    late.insert(u"timestamp"_s, u"2024-03-05T10:00:00.000Z"_s);
    QCOMPARE(batch({flagCalled(u"checkout"_s, u"blue"_s, u"u1"_s),
                    flagCalled(u"checkout"_s, u"blue"_s, u"u1"_s),
                    flagCalled(u"checkout"_s, true, u"u3"_s),
                    flagCalled(u"checkout"_s, false, u"u4"_s), late,
                    // An unknown flag's calls are kept under its key, harmlessly.
                    flagCalled(u"nope"_s, true, u"u1"_s)})
                 .status,
             200);
    flush();

    QCOMPARE(m_server->get(flagPath).object().value("last_called_at"_L1).toString(),
             u"2024-03-05T10:00:00.000000Z"_s);
    const auto perDay = m_server->server().flagUsage().callsPerDay(
        m_server->projectId(), u"checkout"_s, QDate(2024, 3, 4), QDate(2024, 3, 5));
    QCOMPARE(perDay.value(u"blue"_s), (QList<qint64>{2, 0}));
    QCOMPARE(perDay.value(u"red"_s), (QList<qint64>{0, 1}));
    QCOMPARE(perDay.value(u""_s), (QList<qint64>{1, 0}));
    QCOMPARE(perDay.value(u"false"_s), (QList<qint64>{1, 0}));
    QCOMPARE(perDay.size(), 4);
}

void TestSdkEvents::setAndSetOnce()
{
    // posthog-node's identify-less capture with $set in the properties.
    QCOMPARE(batch({sdkEvent(u"signed_up"_s, u"p1"_s,
                             {{u"$set"_s, QJsonObject{{u"plan"_s, u"free"_s}, {u"age"_s, 30}}},
                              {u"$set_once"_s, QJsonObject{{u"first_seen"_s, u"monday"_s}}}})})
                 .status,
             200);
    flush();
    QCOMPARE(personOf(u"p1"_s).value("properties"_L1).toObject(),
             (QJsonObject{{u"plan"_s, u"free"_s}, {u"age"_s, 30}, {u"first_seen"_s, u"monday"_s}}));

    // $set overwrites, $set_once keeps what is there, top-level updates count too, $unset
    // removes; events apply in the order sent.
    QJsonObject topLevel = sdkEvent(u"$set"_s, u"p1"_s);
    topLevel.insert(u"$set"_s, QJsonObject{{u"plan"_s, u"pro"_s}});
    topLevel.insert(u"$set_once"_s,
                    QJsonObject{{u"first_seen"_s, u"tuesday"_s}, {u"source"_s, u"ads"_s}});
    QCOMPARE(batch({topLevel, sdkEvent(u"$set"_s, u"p1"_s, {{u"$unset"_s, QJsonArray{u"age"_s}}})})
                 .status,
             200);
    flush();
    QCOMPARE(personOf(u"p1"_s).value("properties"_L1).toObject(),
             (QJsonObject{
                 {u"plan"_s, u"pro"_s}, {u"first_seen"_s, u"monday"_s}, {u"source"_s, u"ads"_s}}));

    // An event without person updates creates no person.
    QCOMPARE(batch({sdkEvent(u"$pageview"_s, u"nobody"_s)}).status, 200);
    flush();
    QCOMPARE(personCount(), 1);
}

void TestSdkEvents::identifyMergesPersons()
{
    const QString anon = u"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"_s;
    QCOMPARE(batch({sdkEvent(u"$pageview"_s, anon,
                             {{u"$set"_s, QJsonObject{{u"landing"_s, u"/pricing"_s}}}}),
                    sdkEvent(u"$set"_s, u"alice"_s,
                             {{u"$set"_s, QJsonObject{{u"email"_s, u"a@example.com"_s}}}})})
                 .status,
             200);
    flush();
    QCOMPARE(personCount(), 2);

    // posthog-js's identify: the anonymous id joins the identified person, with $set applied.
    QCOMPARE(batch({sdkEvent(u"$identify"_s, u"alice"_s,
                             {{u"$anon_distinct_id"_s, anon},
                              {u"$set"_s, QJsonObject{{u"plan"_s, u"pro"_s}}}})})
                 .status,
             200);
    flush();
    QCOMPARE(personCount(), 1);
    const QJsonObject person = personOf(anon);
    QCOMPARE(person.value("distinct_ids"_L1).toArray(), (QJsonArray{u"alice"_s, anon}));
    QCOMPARE(person.value("is_identified"_L1), QJsonValue(true));
    QCOMPARE(person.value("properties"_L1).toObject(),
             (QJsonObject{{u"email"_s, u"a@example.com"_s},
                          {u"landing"_s, u"/pricing"_s},
                          {u"plan"_s, u"pro"_s}}));
    QCOMPARE(personOf(u"alice"_s).value("uuid"_L1), person.value("uuid"_L1));
}

void TestSdkEvents::createAlias()
{
    // posthog-node's alias({distinctId, alias}).
    QCOMPARE(batch({sdkEvent(u"$create_alias"_s, u"user-1"_s,
                             {{u"distinct_id"_s, u"user-1"_s}, {u"alias"_s, u"legacy-1"_s}})})
                 .status,
             200);
    flush();
    QCOMPARE(personOf(u"legacy-1"_s).value("distinct_ids"_L1).toArray(),
             (QJsonArray{u"legacy-1"_s, u"user-1"_s}));
    QCOMPARE(personCount(), 1);
}

void TestSdkEvents::groupIdentify()
{
    QCOMPARE(batch({sdkEvent(u"$groupidentify"_s, u"$company_acme"_s,
                             {{u"$group_type"_s, u"company"_s},
                              {u"$group_key"_s, u"acme"_s},
                              {u"$group_set"_s, QJsonObject{{u"plan"_s, u"enterprise"_s}}}}),
                    sdkEvent(u"$groupidentify"_s, u"$company_acme"_s,
                             {{u"$group_type"_s, u"company"_s},
                              {u"$group_key"_s, u"acme"_s},
                              {u"$group_set"_s, QJsonObject{{u"seats"_s, 40}}}})})
                 .status,
             200);
    flush();
    const auto types =
        m_server->get(u"/api/projects/%1/groups_types/"_s.arg(m_server->projectId()));
    QCOMPARE(types.status, 200);
    QCOMPARE(types.json.toArray().size(), 1);
    QCOMPARE(types.json[0]["group_type"_L1].toString(), u"company"_s);
    QCOMPARE(types.json[0]["group_type_index"_L1].toInt(), 0);
    GroupRepository groups(m_server->server().database());
    QCOMPARE(groups.groupProperties(m_server->projectId(), 0, u"acme"_s),
             (QJsonObject{{u"plan"_s, u"enterprise"_s}, {u"seats"_s, 40}}));
    // The new group type reaches the local evaluation definitions.
    const auto definitions =
        m_server->get(u"/flags/definitions?token=%1&send_cohorts"_s.arg(m_server->projectToken()));
    QCOMPARE(definitions.object().value("group_type_mapping"_L1).toObject(),
             (QJsonObject{{u"0"_s, u"company"_s}}));
}

void TestSdkEvents::featureViewAndInteraction()
{
    const QJsonObject flag = m_server->createFlag(
        {{u"key"_s, u"banner"_s},
         {u"filters"_s,
          QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"rollout_percentage"_s, 100}}}}}}});
    const QString flagPath = m_server->flags(QString::number(flag.value("id"_L1).toInteger()));
    QCOMPARE(m_server->get(flagPath).object().value("has_enriched_analytics"_L1),
             QJsonValue(false));
    QCOMPARE(
        batch({sdkEvent(u"$feature_view"_s, u"v1"_s, {{u"feature_flag"_s, u"banner"_s}}),
               sdkEvent(u"$feature_view"_s, u"v2"_s, {{u"feature_flag"_s, u"banner"_s}}),
               sdkEvent(u"$feature_interaction"_s, u"v1"_s, {{u"feature_flag"_s, u"banner"_s}})})
            .status,
        200);
    flush();
    QCOMPARE(m_server->get(flagPath).object().value("has_enriched_analytics"_L1), QJsonValue(true));
    FlagUsage &usage = m_server->server().flagUsage();
    const QDate day(2024, 3, 4);
    QCOMPARE(usage
                 .overRange(m_server->projectId(), u"banner"_s, FlagUsage::viewEvent,
                            FlagUsage::Math::UniqueUsers, day, day, false)
                 .value(u""_s),
             2);
    QCOMPARE(usage
                 .overRange(m_server->projectId(), u"banner"_s, FlagUsage::interactionEvent,
                            FlagUsage::Math::Total, day, day, false)
                 .value(u""_s),
             1);
}

void TestSdkEvents::badTokens()
{
    const QJsonArray events{sdkEvent(u"$set"_s, u"x"_s, {{u"$set"_s, QJsonObject{{u"a"_s, 1}}}})};
    const auto wrong = postRaw(
        u"/batch/"_s, json(QJsonObject{{u"api_key"_s, u"phc_wrong"_s}, {u"batch"_s, events}}));
    QCOMPARE(wrong.status, 401);
    QCOMPARE(wrong.object(),
             (QJsonObject{{u"type"_s, u"authentication_error"_s},
                          {u"code"_s, u"invalid_api_key"_s},
                          {u"detail"_s, u"Project API key invalid. You can find your project API "
                                        "key in PostHog project settings."_s},
                          {u"attr"_s, QJsonValue()}}));
    const auto missing = postRaw(u"/batch/"_s, json(QJsonObject{{u"batch"_s, events}}));
    QCOMPARE(missing.status, 401);
    QCOMPARE(missing.object().value("code"_L1).toString(), u"missing_api_key"_s);
    // A personal API key is not a project token.
    const auto personal = postRaw(
        u"/e/"_s, json(QJsonObject{{u"api_key"_s, m_server->ownerKey()}, {u"batch"_s, events}}));
    QCOMPARE(personal.status, 401);
    flush();
    QCOMPARE(m_server->server().events().pending(), 0);
    QCOMPARE(personCount(), 0);
}

void TestSdkEvents::malformedBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentEncoding");
    QTest::addColumn<QString>("detailStart");
    QTest::newRow("empty") << QByteArray() << QByteArray() << u"No data found"_s;
    QTest::newRow("not json") << QByteArray("{\"api_key\": ") << QByteArray()
                              << u"Malformed request data"_s;
    QTest::newRow("not base64") << QByteArray("hello world!") << QByteArray()
                                << u"Failed to decode"_s;
    QTest::newRow("bad gzip") << QByteArray("\x1f\x8b\x08\x00garbage") << QByteArray("gzip")
                              << u"Failed to decompress"_s;
    QTest::newRow("gzip header on plain json")
        << QByteArray("{\"batch\": []}") << QByteArray("gzip") << u"Failed to decompress"_s;
    QTest::newRow("batch not a list") << QByteArray("{\"api_key\": \"TOKEN\", \"batch\": 3}")
                                      << QByteArray() << u"The request must hold"_s;
    QTest::newRow("empty batch") << QByteArray("{\"api_key\": \"TOKEN\", \"batch\": []}")
                                 << QByteArray() << u"The batch holds no events"_s;
    QTest::newRow("event not object")
        << QByteArray("{\"api_key\": \"TOKEN\", \"batch\": [{\"event\": \"a\", \"distinct_id\": "
                      "\"d\", \"properties\": {\"$set\": {\"a\": 1}}}, 7]}")
        << QByteArray() << u"Event 1 of the batch is not an object"_s;
    QTest::newRow("no event name")
        << QByteArray("{\"api_key\": \"TOKEN\", \"batch\": [{\"distinct_id\": \"d\"}]}")
        << QByteArray() << u"Event 0 has no event name"_s;
    QTest::newRow("no distinct id")
        << QByteArray("{\"api_key\": \"TOKEN\", \"batch\": [{\"event\": \"$set\", \"properties\": "
                      "{\"$set\": {\"a\": 1}}}]}")
        << QByteArray() << u"Event 0 has no distinct_id"_s;
    QTest::newRow("properties not object")
        << QByteArray("{\"api_key\": \"TOKEN\", \"batch\": [{\"event\": \"e\", \"distinct_id\": "
                      "\"d\", \"properties\": [1]}]}")
        << QByteArray() << u"The properties of event 0"_s;
}

void TestSdkEvents::malformedBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentEncoding);
    QFETCH(QString, detailStart);
    body.replace("TOKEN", m_server->projectToken().toUtf8());
    QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/json"}};
    if (!contentEncoding.isEmpty())
        headers.append({"Content-Encoding", contentEncoding});
    for (const QString &path : {u"/batch/"_s, u"/e/"_s}) {
        const auto reply = postRaw(path, body, headers);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.object().value("type"_L1).toString(), u"validation_error"_s);
        QCOMPARE(reply.object().value("code"_L1).toString(), u"invalid_payload"_s);
        QVERIFY2(reply.object().value("detail"_L1).toString().startsWith(detailStart),
                 reply.body.constData());
    }
    QCOMPARE(m_server->server().events().pending(), 0);
    flush();
    QCOMPARE(personCount(), 0);
}

void TestSdkEvents::flushAtShutdown()
{
    // A server of its own on a SQLite file, so it can be closed and opened again.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto location = DatabaseLocation::parse(dir.filePath(u"shutdown.db"_s));
    qint64 projectId = 0;
    {
        LocalServer server(location);
        const auto bootstrap = server.open();
        QVERIFY(bootstrap);
        projectId = bootstrap->projectId;
        server.events().enqueue(
            projectId,
            {sdkEvent(u"$set"_s, u"last-words"_s, {{u"$set"_s, QJsonObject{{u"said"_s, true}}}})});
        QCOMPARE(server.events().pending(), 1);
    }
    LocalServer reopened(location);
    QVERIFY(!reopened.open());
    const auto person =
        PersonRepository(reopened.database()).findByDistinctId(projectId, u"last-words"_s);
    QVERIFY(person);
    QCOMPARE(person->properties, (QJsonObject{{u"said"_s, true}}));
}

QTEST_GUILESS_MAIN(TestSdkEvents)
#include "tst_sdk_events.moc"
