// ConnectionController on its own: profiles in a temporary QSettings, keys in the file store,
// the local profile's embedded server on a temporary SQLite file. Remote profiles point at a
// host never called: a switch only builds the client.
#include "client.h"
#include "connection_controller.h"
#include "local_session.h"
#include "profile_store.h"

#include <QPointer>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using bunting::api::Client;
using bunting::api::ConnectionProfile;
using bunting::api::SecretStore;
using bunting::desktop::ConnectionController;

class TestConnectionController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void startsOnTheLocalProfileWithoutAClient();
    void switchingToTheLocalProfileStartsItsServer();
    void addingARemoteProfileStoresItsKeyAndSwitches();
    void aRemoteProfileWithoutAKeyConnectsWithoutOne();
    void editingARemoteProfileStoresTheNewKey();
    void removingARemoteProfileForgetsItsKeyAndGoesLocal();
    void anIncompleteProfileIsRefused();
    void theLeaveCheckKeepsTheConnection();
    void aLaterSwitchWinsOverAKeyStillBeingRead();
    void anUnknownProfileChangesNothing();
    void anOfflineCopyIsALocalProjectKeptAcrossStarts();

private:
    std::unique_ptr<ConnectionController> makeController();
    static ConnectionProfile staging();
    // What the key store holds for the profile, read as the next start of the app would.
    SecretStore::Result storedKey(const QString &profileId);
    // Waits for the client the controller builds next.
    Client *nextClient(QSignalSpy &clientChanged);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<ConnectionController> m_controller;
};

std::unique_ptr<ConnectionController> TestConnectionController::makeController()
{
    return std::make_unique<ConnectionController>(*m_settings, m_dir->filePath(u"local.db"_s),
                                                  m_dir->filePath(u"keys"_s),
                                                  SecretStore::Mode::FallbackOnly);
}

ConnectionProfile TestConnectionController::staging()
{
    ConnectionProfile profile;
    profile.name = u"Staging"_s;
    profile.host = QUrl(u"https://flags.example.com"_s);
    profile.projectId = u"7"_s;
    return profile;
}

SecretStore::Result TestConnectionController::storedKey(const QString &profileId)
{
    SecretStore store(m_dir->filePath(u"keys"_s), SecretStore::Mode::FallbackOnly);
    std::optional<SecretStore::Result> read;
    store.readKey(profileId, nullptr, [&read](const SecretStore::Result &r) { read = r; });
    (void)QTest::qWaitFor([&read] { return read.has_value(); }, 5000);
    return read.value_or(SecretStore::Result{SecretStore::Result::Status::Failed, {}, u"no"_s});
}

Client *TestConnectionController::nextClient(QSignalSpy &clientChanged)
{
    if (clientChanged.isEmpty() && !clientChanged.wait(5000))
        return nullptr;
    return clientChanged.takeFirst().at(0).value<Client *>();
}

void TestConnectionController::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings =
        std::make_unique<QSettings>(m_dir->filePath(u"settings.ini"_s), QSettings::IniFormat);
    m_controller = makeController();
}

void TestConnectionController::cleanup()
{
    m_controller.reset();
    m_settings.reset();
    m_dir.reset();
}

void TestConnectionController::startsOnTheLocalProfileWithoutAClient()
{
    QCOMPARE(m_controller->client(), nullptr);
    QCOMPARE(m_controller->localSession(), nullptr);
    QCOMPARE(m_controller->current().id, ConnectionProfile::localId);
    QCOMPARE(m_controller->profiles()->profiles().size(), 1);
}

void TestConnectionController::switchingToTheLocalProfileStartsItsServer()
{
    QSignalSpy switching(m_controller.get(), &ConnectionController::switching);
    QSignalSpy clientChanged(m_controller.get(), &ConnectionController::clientChanged);
    m_controller->switchTo(ConnectionProfile::localId);

    QCOMPARE(switching.size(), 1);
    QVERIFY(m_controller->localSession() && m_controller->localSession()->isRunning());
    QCOMPARE(clientChanged.size(), 1);
    QCOMPARE(clientChanged.at(0).at(1).value<ConnectionProfile>().id, ConnectionProfile::localId);
    Client *client = nextClient(clientChanged);
    QCOMPARE(client, m_controller->client());
    QCOMPARE(client->endpoint().host, m_controller->localSession()->endpoint().host);
    QVERIFY(m_controller->location(m_controller->current()).startsWith(u"Local server · "_s));
    QVERIFY(m_controller->location(m_controller->current()).endsWith(u"local.db"_s));
}

void TestConnectionController::addingARemoteProfileStoresItsKeyAndSwitches()
{
    m_controller->switchTo(ConnectionProfile::localId);
    QPointer<Client> local = m_controller->client();
    QSignalSpy connecting(m_controller.get(), &ConnectionController::connecting);
    QSignalSpy clientChanged(m_controller.get(), &ConnectionController::clientChanged);
    // The old client is still there when the new one is announced, so users can move over.
    bool oldClientAliveWhenAnnounced = false;
    connect(m_controller.get(), &ConnectionController::clientChanged, this,
            [&] { oldClientAliveWhenAnnounced = !local.isNull(); });

    m_controller->addRemote(staging(), u"phx_staging"_s);
    Client *client = nextClient(clientChanged);
    QVERIFY(client);
    QCOMPARE(connecting.size(), 1);
    QCOMPARE(connecting.at(0).at(0).value<ConnectionProfile>().name, u"Staging"_s);
    QCOMPARE(client->endpoint().apiKey, u"phx_staging"_s);
    QCOMPARE(client->endpoint().host, QUrl(u"https://flags.example.com"_s));
    QCOMPARE(client->endpoint().projectId, u"7"_s);
    QVERIFY(oldClientAliveWhenAnnounced);
    QVERIFY(local.isNull());

    const QString id = m_controller->current().id;
    QCOMPARE(m_controller->current().name, u"Staging"_s);
    QCOMPARE(storedKey(id).key, u"phx_staging"_s);
    for (const QString &key : m_settings->allKeys())
        QVERIFY(!m_settings->value(key).toString().contains(u"phx_staging"_s));
    // The next start of the app finds the profile, current.
    m_controller.reset();
    const auto again = makeController();
    QCOMPARE(again->current().id, id);
}

void TestConnectionController::aRemoteProfileWithoutAKeyConnectsWithoutOne()
{
    const QString id = m_controller->profiles()->add(staging());
    QSignalSpy keyUnavailable(m_controller.get(), &ConnectionController::keyUnavailable);
    QSignalSpy clientChanged(m_controller.get(), &ConnectionController::clientChanged);
    m_controller->switchTo(id);
    Client *client = nextClient(clientChanged);
    QVERIFY(client);
    QCOMPARE(keyUnavailable.size(), 1);
    QCOMPARE(keyUnavailable.at(0).at(1).toString(), u"No API key is stored for Staging."_s);
    QVERIFY(client->endpoint().apiKey.isEmpty());
    QCOMPARE(m_controller->current().id, id);
}

void TestConnectionController::editingARemoteProfileStoresTheNewKey()
{
    QSignalSpy clientChanged(m_controller.get(), &ConnectionController::clientChanged);
    m_controller->addRemote(staging(), u"phx_old"_s);
    QVERIFY(nextClient(clientChanged));
    ConnectionProfile edited = m_controller->current();
    edited.name = u"Staging EU"_s;
    edited.host = QUrl(u"https://eu.posthog.com"_s);

    m_controller->updateRemote(edited, u"phx_new"_s);
    Client *client = nextClient(clientChanged);
    QVERIFY(client);
    QCOMPARE(client->endpoint().apiKey, u"phx_new"_s);
    QCOMPARE(client->endpoint().host, QUrl(u"https://eu.posthog.com"_s));
    QCOMPARE(m_controller->current().name, u"Staging EU"_s);
    QCOMPARE(storedKey(edited.id).key, u"phx_new"_s);
}

void TestConnectionController::removingARemoteProfileForgetsItsKeyAndGoesLocal()
{
    QSignalSpy clientChanged(m_controller.get(), &ConnectionController::clientChanged);
    m_controller->addRemote(staging(), u"phx_staging"_s);
    QVERIFY(nextClient(clientChanged));
    const QString id = m_controller->current().id;

    m_controller->removeRemote(id);
    Client *client = nextClient(clientChanged);
    QVERIFY(client);
    QCOMPARE(m_controller->current().id, ConnectionProfile::localId);
    QCOMPARE(m_controller->profiles()->profiles().size(), 1);
    QCOMPARE(client->endpoint().host, m_controller->localSession()->endpoint().host);
    QCOMPARE(storedKey(id).status, SecretStore::Result::Status::NotFound);
    // The local profile cannot be removed.
    m_controller->removeRemote(ConnectionProfile::localId);
    QCOMPARE(m_controller->profiles()->profiles().size(), 1);
}

void TestConnectionController::anIncompleteProfileIsRefused()
{
    QSignalSpy storeFailed(m_controller.get(), &ConnectionController::storeFailed);
    QSignalSpy switching(m_controller.get(), &ConnectionController::switching);
    ConnectionProfile noHost = staging();
    noHost.host = QUrl();
    m_controller->addRemote(noHost, u"phx_key"_s);
    QCOMPARE(storeFailed.size(), 1);
    QVERIFY(storeFailed.at(0).at(0).toString().contains(u"needs a host and a project"_s));
    QCOMPARE(m_controller->profiles()->profiles().size(), 1);
    QVERIFY(switching.isEmpty());
}

void TestConnectionController::theLeaveCheckKeepsTheConnection()
{
    m_controller->switchTo(ConnectionProfile::localId);
    Client *local = m_controller->client();
    const QString id = m_controller->profiles()->add(staging());
    QList<QString> asked;
    bool mayLeave = false;
    m_controller->setLeaveCheck([&](const ConnectionProfile &to) {
        asked.append(to.id);
        return mayLeave;
    });
    QSignalSpy switching(m_controller.get(), &ConnectionController::switching);

    m_controller->switchTo(id);
    QCOMPARE(asked, QList<QString>{id});
    QVERIFY(switching.isEmpty());
    QCOMPARE(m_controller->current().id, ConnectionProfile::localId);
    QCOMPARE(m_controller->client(), local);

    mayLeave = true;
    QSignalSpy clientChanged(m_controller.get(), &ConnectionController::clientChanged);
    m_controller->switchTo(id);
    QCOMPARE(switching.size(), 1);
    QVERIFY(nextClient(clientChanged));
    QCOMPARE(m_controller->current().id, id);
}

void TestConnectionController::aLaterSwitchWinsOverAKeyStillBeingRead()
{
    QSignalSpy clientChanged(m_controller.get(), &ConnectionController::clientChanged);
    m_controller->addRemote(staging(), u"phx_staging"_s);
    QVERIFY(nextClient(clientChanged));
    const QString remote = m_controller->current().id;
    m_controller->switchTo(ConnectionProfile::localId);
    QCOMPARE(clientChanged.size(), 1);
    clientChanged.clear();

    m_controller->switchTo(remote);                     // its key is read from the event loop...
    m_controller->switchTo(ConnectionProfile::localId); // ...after this switch
    QCOMPARE(clientChanged.size(), 1);
    QTest::qWait(200);
    QCOMPARE(clientChanged.size(), 1);
    QCOMPARE(m_controller->current().id, ConnectionProfile::localId);
    QCOMPARE(m_controller->client()->endpoint().host,
             m_controller->localSession()->endpoint().host);
}

void TestConnectionController::anUnknownProfileChangesNothing()
{
    QSignalSpy switching(m_controller.get(), &ConnectionController::switching);
    m_controller->switchTo(u"nobody"_s);
    QVERIFY(switching.isEmpty());
    QCOMPARE(m_controller->client(), nullptr);
    QCOMPARE(m_controller->current().id, ConnectionProfile::localId);
}

void TestConnectionController::anOfflineCopyIsALocalProjectKeptAcrossStarts()
{
    const QString id = m_controller->addOfflineCopy(2, u"Staging"_s);
    QCOMPARE(id, ConnectionProfile::offlineCopyId(2));
    // Made again (a refresh of the copy): the same connection, not a second one.
    QCOMPARE(m_controller->addOfflineCopy(2, u"Staging"_s), id);
    QCOMPARE(m_controller->profiles()->profiles().size(), 2);

    m_controller.reset();
    m_controller = makeController();
    const auto copy = m_controller->profiles()->profile(id);
    QVERIFY(copy);
    QVERIFY(copy->isLocal() && copy->isOfflineCopy());
    QCOMPARE(copy->projectId, u"2"_s);
    QCOMPARE(copy->title(), u"Offline copy of Staging"_s);

    QSignalSpy clientChanged(m_controller.get(), &ConnectionController::clientChanged);
    m_controller->switchTo(id);
    Client *client = nextClient(clientChanged);
    QVERIFY(client);
    QCOMPARE(client->endpoint().host, m_controller->localSession()->endpoint().host);
    QCOMPARE(client->endpoint().projectId, u"2"_s);
    QVERIFY(m_controller->location(*copy).endsWith(u"local project 2"_s));

    // A copy names its local project.
    QVERIFY(m_controller->profiles()->addOfflineCopy(ConnectionProfile{}).isEmpty());
}

QTEST_MAIN(TestConnectionController)
#include "tst_connection_controller.moc"
