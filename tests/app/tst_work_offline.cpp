// Issue 16, "Work offline": the real dialog copies a project of another real server (playing
// PostHog, spoken to over HTTP with the app's client) into the app's local server, with its
// progress; the copy becomes a connection of its own that lists the same flags and evaluates
// the copied persons as the remote does; cancelling while reading leaves nothing; copying again
// keeps what was changed in the copy, and merges PostHog's changes into a flag changed on both
// sides (asking where both changed the same field), which then still has its own change to
// push.
#include "client.h"
#include "connection_controller.h"
#include "local_server.h"
#include "local_session.h"
#include "profile_store.h"
#include "project_push.h"
#include "test_builders.h"
#include "test_server.h"
#include "work_offline_dialog.h"

#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using bunting::FeatureFlag;
using bunting::api::Client;
using bunting::api::ConnectionProfile;
using bunting::api::SecretStore;
using bunting::desktop::ConnectionController;
using bunting::desktop::WorkOfflineDialog;
using test_builders::everyone;

namespace {

constexpr int copyMs = 30000;

} // namespace

class TestWorkOffline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void theCopyIsAConnectionOfItsOwn();
    void cancellingWhileReadingLeavesNothing();
    void copyingAgainMergesWhatChangedOnBothSides();

private:
    std::unique_ptr<WorkOfflineDialog> dialog();
    // Clicks Copy and waits for the dialog to finish; its status line.
    QString copy(WorkOfflineDialog &dialog);
    QStringList localProjectNames();
    // On the current connection (the copy), through the app's client.
    bool updateLocal(const QString &key, const QJsonObject &changes);
    FeatureFlag localFlag(const QString &key);
    QList<bunting::server::PushItem> pushPlan();
    // The flags' keys of a project of the app's local server, through its HTTP API.
    QStringList localKeys(const QString &profileId);
    // "pro-only" for a person, from the current connection's /flags, nothing but the id sent.
    QJsonValue proOnlyFor(const QString &distinctId);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<TestServer> m_remote;
    std::unique_ptr<ConnectionController> m_controller;
    std::unique_ptr<Client> m_remoteClient;
    ConnectionProfile m_remoteProfile;
    qint64 m_checkout = 0; // on the remote
};

void TestWorkOffline::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings =
        std::make_unique<QSettings>(m_dir->filePath(u"settings.ini"_s), QSettings::IniFormat);
    m_remote = std::make_unique<TestServer>();
    m_checkout = m_remote->createFlagId(u"checkout"_s, everyone(), u"New checkout"_s);
    m_remote->createFlagId(
        u"pro-only"_s,
        test_builders::flagFilters({test_builders::condition(
            100, {test_builders::personProperty(u"plan"_s, QJsonArray{u"pro"_s})})}));
    for (int i = 0; i < 120; ++i) // more than one page of the client's list
        m_remote->createFlagId(u"bulk-%1"_s.arg(i), everyone());
    QVERIFY(m_remote->addPersons({{u"ann"_s, QJsonObject{{u"plan"_s, u"pro"_s}}},
                                  {u"bob"_s, QJsonObject{{u"plan"_s, u"free"_s}}}}));
    m_controller = std::make_unique<ConnectionController>(
        *m_settings, m_dir->filePath(u"local.sqlite"_s), m_dir->filePath(u"keys"_s),
        SecretStore::Mode::FallbackOnly);
    m_remoteClient = std::make_unique<Client>(m_remote->endpoint());
    m_remoteProfile.name = u"Shop staging"_s;
    m_remoteProfile.host = m_remote->endpoint().host;
    m_remoteProfile.projectId = QString::number(m_remote->projectId());
}

void TestWorkOffline::cleanup()
{
    m_remoteClient.reset();
    m_controller.reset();
    m_remote.reset();
    m_settings.reset();
    m_dir.reset();
}

std::unique_ptr<WorkOfflineDialog> TestWorkOffline::dialog()
{
    auto d = std::make_unique<WorkOfflineDialog>(*m_controller, *m_remoteClient, m_remoteProfile);
    d->show();
    return d;
}

QString TestWorkOffline::copy(WorkOfflineDialog &dialog)
{
    auto *button = dialog.findChild<QPushButton *>(u"copyButton"_s);
    button->click();
    if (!QTest::qWaitFor([&] { return button->isEnabled(); }, copyMs))
        return u"did not finish"_s;
    return dialog.findChild<QLabel *>(u"copyStatus"_s)->text();
}

QStringList TestWorkOffline::localProjectNames()
{
    QStringList names;
    bunting::server::LocalServer *server = m_controller->localSession()->server();
    for (const QJsonValue &project : server->auth().projectsJson({}))
        names.append(project.toObject().value("name"_L1).toString());
    return names;
}

QStringList TestWorkOffline::localKeys(const QString &profileId)
{
    QSignalSpy changed(m_controller.get(), &ConnectionController::clientChanged);
    m_controller->switchTo(profileId);
    if (changed.isEmpty() && !changed.wait(5000))
        return {};
    QStringList keys;
    bool done = false;
    m_controller->client()->listAllFlags({}, this, {},
                                         [&](const bunting::api::Result<QList<FeatureFlag>> &r) {
                                             if (r)
                                                 for (const FeatureFlag &flag : *r)
                                                     keys.append(flag.key);
                                             done = true;
                                         });
    (void)QTest::qWaitFor([&] { return done; }, copyMs);
    keys.sort();
    return keys;
}

QJsonValue TestWorkOffline::proOnlyFor(const QString &distinctId)
{
    QJsonValue value(QJsonValue::Undefined);
    bunting::api::SdkFlagsRequest request;
    request.distinctId = distinctId;
    m_controller->client()->sdkFlags(m_remote->projectToken(), request, this,
                                     [&](const bunting::api::Result<bunting::api::SdkFlags> &r) {
                                         value = QJsonValue(u"failed"_s);
                                         if (r)
                                             for (const auto &flag : r->flags)
                                                 if (flag.key == "pro-only"_L1)
                                                     value = flag.value();
                                     });
    (void)QTest::qWaitFor([&] { return !value.isUndefined(); }, copyMs);
    return value;
}

void TestWorkOffline::theCopyIsAConnectionOfItsOwn()
{
    auto d = dialog();
    QSignalSpy openCopy(d.get(), &WorkOfflineDialog::openCopy);
    const QString status = copy(*d);
    QVERIFY2(status.startsWith(u"Copied 122 flags and 2 persons into local project 2."_s),
             qPrintable(status));
    const QString id = d->copyProfileId();
    QCOMPARE(id, ConnectionProfile::offlineCopyId(2));
    QCOMPARE(m_controller->profiles()->profile(id)->title(), u"Offline copy of Shop staging"_s);

    auto *open = d->findChild<QPushButton *>(u"openCopyButton"_s);
    QVERIFY(open->isVisible());
    open->click();
    QCOMPARE(openCopy.size(), 1);
    QCOMPARE(openCopy.at(0).at(0).toString(), id);

    const QStringList keys = localKeys(id);
    QCOMPARE(keys.size(), 122);
    QVERIFY(keys.contains(u"checkout"_s) && keys.contains(u"pro-only"_s));
    // The Local project beside it keeps none of them.
    QCOMPARE(localKeys(ConnectionProfile::localId), QStringList());

    // A copied person is evaluated with their stored properties, as on the remote, under the
    // remote's own project token.
    QCOMPARE(proOnlyFor(u"ann"_s), QJsonValue(true));
    QCOMPARE(proOnlyFor(u"bob"_s), QJsonValue(false));
}

void TestWorkOffline::cancellingWhileReadingLeavesNothing()
{
    auto d = dialog();
    d->findChild<QPushButton *>(u"copyButton"_s)->click();
    d->reject(); // at once: the flags are still being read
    QTest::qWait(500);
    QCOMPARE(localProjectNames(), QStringList{u"Default project"_s});
    QCOMPARE(m_controller->profiles()->profiles().size(), 1);
}

void TestWorkOffline::copyingAgainMergesWhatChangedOnBothSides()
{
    auto d = dialog();
    QVERIFY(copy(*d).startsWith(u"Copied"_s));
    const QString id = d->copyProfileId();
    QVERIFY(localKeys(id).contains(u"checkout"_s));

    // In the copy: "checkout" renamed, "pro-only" tagged. On PostHog: "checkout" renamed too
    // and switched off, and a new flag.
    QVERIFY(updateLocal(u"checkout"_s, {{u"name"_s, u"Renamed offline"_s}}));
    QVERIFY(updateLocal(u"pro-only"_s, {{u"tags"_s, QJsonArray{u"offline"_s}}}));
    QCOMPARE(
        m_remote->patchFlag(m_checkout, {{u"name"_s, u"Renamed there"_s}, {u"active"_s, false}})
            .status,
        200);
    m_remote->createFlagId(u"new-there"_s, everyone());

    // Both renamed it: asked, and the merge keeps the copy's name with PostHog's switch.
    QStringList asked;
    d->setResolver(
        [&asked](const bunting::models::FlagRebase &rebase, const QString &key, auto answer) {
            asked.append(key);
            QCOMPARE(rebase.conflicts().size(), 1);
            QCOMPARE(rebase.conflicts().first().path, u"name"_s);
            answer(bunting::desktop::ConflictChoice::Merge);
        });
    const QString again = copy(*d);
    QCOMPARE(asked, QStringList{u"checkout"_s});
    QVERIFY2(again.contains(u"1 flag changed in the copy was kept as it is."_s), qPrintable(again));
    QVERIFY2(again.contains(u"1 flag changed on both sides was merged."_s), qPrintable(again));
    QCOMPARE(d->copyProfileId(), id);
    QVERIFY(localKeys(id).contains(u"new-there"_s));
    const FeatureFlag checkout = localFlag(u"checkout"_s);
    QCOMPARE(checkout.name, u"Renamed offline"_s);
    QVERIFY(!checkout.active);

    // Still changed, from PostHog's new version: a push sends the name only.
    const auto plan = pushPlan();
    QCOMPARE(plan.size(), 2);
    const bunting::server::PushItem &item = plan.first();
    QCOMPARE(item.key, u"checkout"_s);
    QCOMPARE(item.base.value("name"_L1).toString(), u"Renamed there"_s);
    QCOMPARE(bunting::desktop::ProjectPush::changedFields(item.mine, item.base).keys(),
             QStringList{u"name"_s});
}

bool TestWorkOffline::updateLocal(const QString &key, const QJsonObject &changes)
{
    const FeatureFlag flag = localFlag(key);
    bool updated = false;
    bool done = false;
    m_controller->client()->updateFlag(flag.id, changes, this,
                                       [&](const bunting::api::Result<FeatureFlag> &u) {
                                           updated = bool(u);
                                           done = true;
                                       });
    return QTest::qWaitFor([&] { return done; }, copyMs) && updated;
}

FeatureFlag TestWorkOffline::localFlag(const QString &key)
{
    FeatureFlag found;
    bool done = false;
    m_controller->client()->listAllFlags({}, this, {},
                                         [&](const bunting::api::Result<QList<FeatureFlag>> &r) {
                                             for (const FeatureFlag &flag : *r)
                                                 if (flag.key == key)
                                                     found = flag;
                                             done = true;
                                         });
    if (!QTest::qWaitFor([&] { return done; }, copyMs))
        qWarning("the local server did not answer");
    return found;
}

QList<bunting::server::PushItem> TestWorkOffline::pushPlan()
{
    auto plan = std::make_shared<QList<bunting::server::PushItem>>();
    bool done = false;
    const qint64 project = m_controller->current().projectId.toLongLong();
    m_controller->localSession()->post(
        [plan, project](bunting::server::LocalServer &server) {
            *plan = server.mirror().pushPlan(project);
        },
        this, [&done] { done = true; });
    if (!QTest::qWaitFor([&] { return done; }, copyMs))
        qWarning("the local server did not answer");
    return *plan;
}

QTEST_MAIN(TestWorkOffline)
#include "tst_work_offline.moc"
