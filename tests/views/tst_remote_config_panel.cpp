// RemoteConfigPanel against a real server: the payload of a remote config flag indented in the
// preview and copied by the Copy button, the notes for a flag without payload and for a flag
// that is not a remote config flag, and "Create static cohort…" confirmed (or declined) with
// the new cohort shown and signalled.
#include "client.h"
#include "message_bar.h"
#include "remote_config_panel.h"
#include "remote_config_preview.h"
#include "static_cohort_creator.h"
#include "test_builders.h"
#include "test_server.h"
#include "widget_test_support.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QJsonDocument>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::views::RemoteConfigPanel;
using widget_test::saveScreenshot;

namespace {

constexpr int kTimeout = 15000;

} // namespace

class TestRemoteConfigPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void jsonPayloadPreviewAndCopy();
    void remoteConfigWithoutPayload();
    void notARemoteConfigFlag();
    void createCohortAfterConfirmation();
    void declinedConfirmationCreatesNothing();
    void cohortFailureIsShown();

private:
    FeatureFlag create(const QString &key, const QJsonValue &payload, bool remote,
                       const QJsonArray &properties = {});
    void show(const FeatureFlag &flag);
    QPushButton *button(const QString &name) const;
    int cohortCount();

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<RemoteConfigPanel> m_panel;
    QStringList m_asked;
    bool m_answer = true;
};

void TestRemoteConfigPanel::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(m_server->endpoint());
    m_panel = std::make_unique<RemoteConfigPanel>();
    m_panel->setClient(m_client.get());
    m_asked.clear();
    m_answer = true;
    m_panel->setConfirmation([this](const QString &, const QString &question) {
        m_asked.append(question);
        return m_answer;
    });
    m_panel->resize(520, 440);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void TestRemoteConfigPanel::cleanup()
{
    m_panel.reset();
    m_client.reset();
    m_server.reset();
}

FeatureFlag TestRemoteConfigPanel::create(const QString &key, const QJsonValue &payload,
                                          bool remote, const QJsonArray &properties)
{
    return FeatureFlag::fromJson(
        m_server->createFlag(test_builders::payloadFlag(key, payload, remote, properties)));
}

void TestRemoteConfigPanel::show(const FeatureFlag &flag)
{
    QSignalSpy loaded(m_panel->preview(), &models::RemoteConfigPreview::loaded);
    m_panel->setFlag(flag);
    if (loaded.isEmpty())
        QVERIFY(loaded.wait(kTimeout));
}

QPushButton *TestRemoteConfigPanel::button(const QString &name) const
{
    return m_panel->findChild<QPushButton *>(name);
}

int TestRemoteConfigPanel::cohortCount()
{
    return m_server->get(u"/api/projects/%1/cohorts/"_s.arg(m_server->projectId()))
        .object()
        .value(u"count"_s)
        .toInt();
}

void TestRemoteConfigPanel::jsonPayloadPreviewAndCopy()
{
    const QJsonObject config{{u"theme"_s, u"dark"_s}, {u"limits"_s, QJsonArray{1, 2}}};
    const FeatureFlag flag =
        create(u"ui-config"_s,
               QString::fromUtf8(QJsonDocument(config).toJson(QJsonDocument::Compact)), true);
    show(flag);
    QCOMPARE(m_panel->noteText(), u"What SDKs receive for \"ui-config\" (JSON, indented here):"_s);
    QCOMPARE(QJsonDocument::fromJson(m_panel->previewText().toUtf8()).object(), config);
    QVERIFY(m_panel->previewText().count(u'\n') >= 4);
    auto *text = m_panel->findChild<QPlainTextEdit *>(u"payload"_s);
    QVERIFY(text->isVisible());
    QVERIFY(text->isReadOnly());
    QVERIFY(text->font().fixedPitch() ||
            text->font().family() == QFontDatabase::systemFont(QFontDatabase::FixedFont).family());
    QVERIFY(button(u"copy"_s)->isEnabled());
    QApplication::clipboard()->clear();
    QTest::mouseClick(button(u"copy"_s), Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), m_panel->previewText());
    saveScreenshot(m_panel.get(), u"remote_config_panel"_s);
}

void TestRemoteConfigPanel::remoteConfigWithoutPayload()
{
    show(create(u"empty-config"_s, QJsonValue(), true));
    QCOMPARE(m_panel->noteText(),
             u"No remote config: this remote config flag has no payload yet."_s);
    QVERIFY(m_panel->previewText().isEmpty());
    QVERIFY(!m_panel->findChild<QPlainTextEdit *>(u"payload"_s)->isVisible());
    QVERIFY(!button(u"copy"_s)->isEnabled());
}

void TestRemoteConfigPanel::notARemoteConfigFlag()
{
    show(create(u"plain"_s, u"{\"a\":1}"_s, false));
    QVERIFY2(m_panel->noteText().startsWith(u"\"plain\" is not a remote config flag"_s),
             qPrintable(m_panel->noteText()));
    QVERIFY(!button(u"copy"_s)->isEnabled());
    saveScreenshot(m_panel.get(), u"remote_config_panel_not_remote"_s);
}

void TestRemoteConfigPanel::createCohortAfterConfirmation()
{
    // Two persons the flag is on for, one it is off for.
    QVERIFY(m_server->addPersons({{u"ann"_s, {{u"plan"_s, u"pro"_s}}},
                                  {u"bob"_s, {{u"plan"_s, u"pro"_s}}},
                                  {u"cid"_s, {{u"plan"_s, u"free"_s}}}}));
    const FeatureFlag flag =
        create(u"pro-feature"_s, QJsonValue(), false,
               {test_builders::personProperty(u"plan"_s, QJsonArray{u"pro"_s})});
    show(flag);

    QSignalSpy created(m_panel.get(), &RemoteConfigPanel::cohortCreated);
    QPushButton *createButton = button(u"createCohort"_s);
    QVERIFY(createButton->isEnabled());
    QTest::mouseClick(createButton, Qt::LeftButton);
    QCOMPARE(m_asked.size(), 1);
    QVERIFY2(m_asked.first().contains(u"snapshot"_s), qPrintable(m_asked.first()));
    QVERIFY(m_asked.first().contains(u"\"pro-feature\""_s));
    QCOMPARE(createButton->text(), u"Creating cohort…"_s);
    QVERIFY(!createButton->isEnabled());
    QVERIFY(created.wait(kTimeout));
    QVERIFY(createButton->isEnabled());

    const QJsonObject cohort = created.first().first().toJsonObject();
    const qint64 id = cohort.value(u"id"_s).toInteger();
    QVERIFY(id > 0);
    QCOMPARE(cohort.value(u"count"_s).toInt(), 2);
    QCOMPARE(
        m_panel->cohortText(),
        u"Created: %1 (cohort %2, 2 persons)"_s.arg(cohort.value(u"name"_s).toString()).arg(id));
    const QJsonObject members =
        m_server->get(u"/api/projects/%1/cohorts/%2/persons/"_s.arg(m_server->projectId()).arg(id))
            .object();
    QStringList ids;
    for (const QJsonValue &p : members.value(u"results"_s).toArray())
        ids += p.toObject().value(u"distinct_ids"_s).toVariant().toStringList();
    ids.sort();
    QCOMPARE(ids, (QStringList{u"ann"_s, u"bob"_s}));
    saveScreenshot(m_panel.get(), u"remote_config_panel_cohort"_s);
}

void TestRemoteConfigPanel::declinedConfirmationCreatesNothing()
{
    show(create(u"f"_s, QJsonValue(), false));
    m_answer = false;
    QTest::mouseClick(button(u"createCohort"_s), Qt::LeftButton);
    QCOMPARE(m_asked.size(), 1);
    QVERIFY(!m_panel->creator()->isBusy());
    QTest::qWait(100);
    QCOMPARE(cohortCount(), 0);
    QVERIFY(m_panel->cohortText().isEmpty());
}

void TestRemoteConfigPanel::cohortFailureIsShown()
{
    show(create(u"f"_s, QJsonValue(), false));
    // A key that may read flags but not write: PostHog wants feature_flag:write here.
    m_client->setEndpoint(m_server->endpoint(m_server->keyWithScopes({u"feature_flag:read"_s})));
    QSignalSpy failed(m_panel->creator(), &models::StaticCohortCreator::failed);
    QTest::mouseClick(button(u"createCohort"_s), Qt::LeftButton);
    QVERIFY(failed.wait(kTimeout));
    auto *bar = m_panel->findChild<views::MessageBar *>(u"messageBar"_s);
    QVERIFY(bar->isVisible());
    QCOMPARE(bar->kind(), views::MessageBar::Kind::Error);
    QVERIFY2(bar->text().startsWith(u"Could not create the cohort: "_s), qPrintable(bar->text()));
    QVERIFY(m_panel->cohortText().isEmpty());
    QCOMPARE(cohortCount(), 0);
}

QTEST_MAIN(TestRemoteConfigPanel)
#include "tst_remote_config_panel.moc"
