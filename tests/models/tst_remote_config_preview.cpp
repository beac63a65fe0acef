// RemoteConfigPreview against a real server, and remoteConfigText on its own: a JSON payload
// comes back indented, text stays text, a flag without payload or not a remote config flag says
// so, and a failure is reported.
#include "client.h"
#include "remote_config_preview.h"
#include "test_builders.h"
#include "test_server.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::models::RemoteConfigPreview;
using bunting::models::RemoteConfigText;

namespace {

constexpr int kTimeout = 15000;

} // namespace

class TestRemoteConfigPreview : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void textOfPayloads_data();
    void textOfPayloads();
    void jsonPayloadIsIndented();
    void remoteConfigWithoutPayload();
    void notARemoteConfigFlagAsksNothing();
    void failureIsReported();

private:
    FeatureFlag create(const QString &key, const QJsonValue &payload, bool remote);
    void load(const FeatureFlag &flag);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<RemoteConfigPreview> m_preview;
};

void TestRemoteConfigPreview::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(m_server->endpoint());
    m_preview = std::make_unique<RemoteConfigPreview>();
    m_preview->setClient(m_client.get());
}

void TestRemoteConfigPreview::cleanup()
{
    m_preview.reset();
    m_client.reset();
    m_server.reset();
}

FeatureFlag TestRemoteConfigPreview::create(const QString &key, const QJsonValue &payload,
                                            bool remote)
{
    return FeatureFlag::fromJson(
        m_server->createFlag(test_builders::payloadFlag(key, payload, remote)));
}

void TestRemoteConfigPreview::load(const FeatureFlag &flag)
{
    QSignalSpy loaded(m_preview.get(), &RemoteConfigPreview::loaded);
    m_preview->setFlag(flag);
    QVERIFY(m_preview->isLoading());
    QVERIFY(loaded.wait(kTimeout));
    QVERIFY(!m_preview->isLoading());
}

void TestRemoteConfigPreview::textOfPayloads_data()
{
    QTest::addColumn<QJsonValue>("payload");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("text");
    QTest::newRow("null") << QJsonValue() << int(RemoteConfigText::Kind::None) << QString();
    QTest::newRow("json text") << QJsonValue(u"{\"a\":[1,2]}"_s)
                               << int(RemoteConfigText::Kind::Json)
                               << u"{\n    \"a\": [\n        1,\n        2\n    ]\n}"_s;
    QTest::newRow("number text") << QJsonValue(u"42"_s) << int(RemoteConfigText::Kind::Json)
                                 << u"42"_s;
    QTest::newRow("quoted text") << QJsonValue(u"\"hi\""_s) << int(RemoteConfigText::Kind::Json)
                                 << u"\"hi\""_s;
    QTest::newRow("plain text") << QJsonValue(u"not { json"_s) << int(RemoteConfigText::Kind::Text)
                                << u"not { json"_s;
    QTest::newRow("object") << QJsonValue(QJsonObject{{u"x"_s, true}})
                            << int(RemoteConfigText::Kind::Json) << u"{\n    \"x\": true\n}"_s;
    QTest::newRow("bool") << QJsonValue(false) << int(RemoteConfigText::Kind::Json) << u"false"_s;
}

void TestRemoteConfigPreview::textOfPayloads()
{
    QFETCH(QJsonValue, payload);
    QFETCH(int, kind);
    QFETCH(QString, text);
    const RemoteConfigText result = models::remoteConfigText(payload);
    QCOMPARE(int(result.kind), kind);
    QCOMPARE(result.text, text);
}

void TestRemoteConfigPreview::jsonPayloadIsIndented()
{
    const QJsonObject config{{u"color"_s, u"blue"_s}, {u"size"_s, 3}};
    const QString stored = QString::fromUtf8(QJsonDocument(config).toJson(QJsonDocument::Compact));
    const FeatureFlag flag = create(u"theme"_s, stored, true);
    load(flag);
    QCOMPARE(m_preview->state(), RemoteConfigPreview::State::Loaded);
    QCOMPARE(m_preview->payload().kind, RemoteConfigText::Kind::Json);
    // The text parses back to what was stored, and is spread over lines.
    QCOMPARE(QJsonDocument::fromJson(m_preview->payload().text.toUtf8()).object(), config);
    QVERIFY(m_preview->payload().text.contains(u"\n    \"color\": \"blue\""_s));
}

void TestRemoteConfigPreview::remoteConfigWithoutPayload()
{
    const FeatureFlag flag = create(u"empty-config"_s, QJsonValue(), true);
    load(flag);
    QCOMPARE(m_preview->state(), RemoteConfigPreview::State::NoPayload);
    QCOMPARE(m_preview->payload().kind, RemoteConfigText::Kind::None);
}

void TestRemoteConfigPreview::notARemoteConfigFlagAsksNothing()
{
    const FeatureFlag flag = create(u"plain"_s, u"{\"a\":1}"_s, false);
    QSignalSpy loaded(m_preview.get(), &RemoteConfigPreview::loaded);
    QSignalSpy failed(m_preview.get(), &RemoteConfigPreview::failed);
    m_preview->setFlag(flag);
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(m_preview->state(), RemoteConfigPreview::State::NotRemoteConfig);
    QVERIFY(!m_preview->isLoading());
    QVERIFY(failed.isEmpty());
}

void TestRemoteConfigPreview::failureIsReported()
{
    FeatureFlag flag = create(u"theme"_s, u"{}"_s, true);
    // The server deleted it behind the app's back: PostHog answers 404.
    QCOMPARE(m_server->patchFlag(flag.id, {{u"deleted"_s, true}}).status, 200);
    QSignalSpy failed(m_preview.get(), &RemoteConfigPreview::failed);
    m_preview->setFlag(flag);
    QVERIFY(failed.wait(kTimeout));
    QCOMPARE(failed.first().first().value<api::ApiError>().status, 404);
    QCOMPARE(m_preview->state(), RemoteConfigPreview::State::Failed);
    QVERIFY(!m_preview->isLoading());
}

QTEST_MAIN(TestRemoteConfigPreview)
#include "tst_remote_config_preview.moc"
