// Connection profiles in QSettings: the local profile always first, remote ones added, edited and
// removed, the current one remembered across instances (one instance per start of the app).
#include "profile_store.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using bunting::api::ConnectionProfile;
using bunting::api::ProfileStore;

namespace {

ConnectionProfile remote(const QString &name, const QString &host, const QString &project)
{
    ConnectionProfile p;
    p.name = name;
    p.kind = ConnectionProfile::Kind::Remote;
    p.host = QUrl(host);
    p.projectId = project;
    return p;
}

} // namespace

class TestProfileStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_settings =
            std::make_unique<QSettings>(m_dir->filePath(u"bunting.ini"_s), QSettings::IniFormat);
    }
    void cleanup()
    {
        m_settings.reset();
        m_dir.reset();
    }

    void localProfileAlwaysExists()
    {
        ProfileStore store(*m_settings);
        const QList<ConnectionProfile> profiles = store.profiles();
        QCOMPARE(profiles.size(), 1);
        QCOMPARE(profiles.first().id, u"local"_s);
        QVERIFY(profiles.first().isLocal());
        QCOMPARE(store.currentId(), u"local"_s);
        QVERIFY(store.current().isLocal());
        QVERIFY(store.profile(u"local"_s).has_value());
    }

    void addedProfilesFollowLocalInOrder()
    {
        ProfileStore store(*m_settings);
        QSignalSpy changed(&store, &ProfileStore::profilesChanged);
        const QString us = store.add(remote(u"Prod"_s, u"https://us.posthog.com"_s, u"1234"_s));
        const QString eu = store.add(remote(u"EU"_s, u"https://eu.posthog.com"_s, u"77"_s));
        QVERIFY(!us.isEmpty());
        QVERIFY(!eu.isEmpty());
        QVERIFY(us != eu);
        QCOMPARE(changed.count(), 2);

        const QList<ConnectionProfile> profiles = store.profiles();
        QCOMPARE(profiles.size(), 3);
        QVERIFY(profiles.at(0).isLocal());
        QCOMPARE(profiles.at(1).id, us);
        QCOMPARE(profiles.at(1).name, u"Prod"_s);
        QCOMPARE(profiles.at(1).projectId, u"1234"_s);
        QCOMPARE(profiles.at(2).id, eu);
        QCOMPARE(profiles.at(2).kind, ConnectionProfile::Kind::Remote);
    }

    void profilesSurviveARestart()
    {
        QString id;
        {
            ProfileStore store(*m_settings);
            id = store.add(remote(u"Self-hosted"_s, u"http://ph.example.com:8000/"_s, u"3"_s));
            QVERIFY(store.setCurrentId(id));
        }
        QSettings reopened(m_dir->filePath(u"bunting.ini"_s), QSettings::IniFormat);
        ProfileStore store(reopened);
        QCOMPARE(store.profiles().size(), 2);
        QCOMPARE(store.currentId(), id);
        const ConnectionProfile p = store.current();
        QCOMPARE(p.name, u"Self-hosted"_s);
        // Stored normalized: the trailing slash would double the client's path separators.
        QCOMPARE(p.host, QUrl(u"http://ph.example.com:8000"_s));
        QCOMPARE(p.projectId, u"3"_s);
        QVERIFY(m_settings->childGroups().contains(u"profiles"_s));
    }

    void productionIsRemembered()
    {
        QString id;
        {
            ProfileStore store(*m_settings);
            ConnectionProfile p = remote(u"Live"_s, u"https://eu.posthog.com"_s, u"9"_s);
            p.production = true;
            id = store.add(p);
            store.add(remote(u"Staging"_s, u"https://eu.posthog.com"_s, u"10"_s));
        }
        QSettings reopened(m_dir->filePath(u"bunting.ini"_s), QSettings::IniFormat);
        ProfileStore store(reopened);
        QVERIFY(store.profile(id)->production);
        QVERIFY(!store.profiles().last().production);
        QVERIFY(!store.profile(ConnectionProfile::localId)->production);
    }

    void invalidProfilesAreRefused()
    {
        ProfileStore store(*m_settings);
        QSignalSpy changed(&store, &ProfileStore::profilesChanged);
        QVERIFY(store.add(remote(u"x"_s, u"https://us.posthog.com"_s, u"abc"_s)).isEmpty());
        QVERIFY(store.add(remote(u"x"_s, u"ftp://us.posthog.com"_s, u"1"_s)).isEmpty());
        QVERIFY(store.add(remote(u"x"_s, u""_s, u"1"_s)).isEmpty());
        QCOMPARE(changed.count(), 0);
        QCOMPARE(store.profiles().size(), 1);
    }

    void addingCannotReplaceLocalOrAnotherProfile()
    {
        ProfileStore store(*m_settings);
        ConnectionProfile p = remote(u"A"_s, u"https://us.posthog.com"_s, u"1"_s);
        p.id = u"local"_s;
        const QString first = store.add(p);
        QVERIFY(first != u"local"_s);
        p.id = first;
        const QString second = store.add(p);
        QVERIFY(second != first);
        QCOMPARE(store.profiles().size(), 3);
        QVERIFY(store.profiles().first().isLocal());
    }

    void editReplacesTheProfile()
    {
        ProfileStore store(*m_settings);
        const QString id = store.add(remote(u"A"_s, u"https://us.posthog.com"_s, u"1"_s));
        QSignalSpy changed(&store, &ProfileStore::profilesChanged);
        ConnectionProfile edited = *store.profile(id);
        edited.name = u"B"_s;
        edited.host = QUrl(u"https://eu.posthog.com"_s);
        edited.projectId = u"2"_s;
        QVERIFY(store.update(edited));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(*store.profile(id), edited);
        // An unchanged profile is no change.
        QVERIFY(store.update(edited));
        QCOMPARE(changed.count(), 1);
    }

    void editRefusesLocalUnknownAndInvalid()
    {
        ProfileStore store(*m_settings);
        const QString id = store.add(remote(u"A"_s, u"https://us.posthog.com"_s, u"1"_s));
        QVERIFY(!store.update(ConnectionProfile::local()));
        ConnectionProfile unknown = remote(u"A"_s, u"https://us.posthog.com"_s, u"1"_s);
        unknown.id = u"nope"_s;
        QVERIFY(!store.update(unknown));
        ConnectionProfile invalid = *store.profile(id);
        invalid.projectId.clear();
        QVERIFY(!store.update(invalid));
        QCOMPARE(store.profile(id)->projectId, u"1"_s);
    }

    void removingTheCurrentProfileFallsBackToLocal()
    {
        ProfileStore store(*m_settings);
        const QString id = store.add(remote(u"A"_s, u"https://us.posthog.com"_s, u"1"_s));
        QVERIFY(store.setCurrentId(id));
        QSignalSpy changed(&store, &ProfileStore::profilesChanged);
        QSignalSpy current(&store, &ProfileStore::currentChanged);
        QVERIFY(store.remove(id));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(current.count(), 1);
        QCOMPARE(current.first().first().toString(), u"local"_s);
        QCOMPARE(store.currentId(), u"local"_s);
        QCOMPARE(store.profiles().size(), 1);
        QVERIFY(!store.profile(id));

        ProfileStore reopened(*m_settings);
        QCOMPARE(reopened.profiles().size(), 1);
        QCOMPARE(reopened.currentId(), u"local"_s);
    }

    void localCannotBeRemoved()
    {
        ProfileStore store(*m_settings);
        QVERIFY(!store.remove(u"local"_s));
        QVERIFY(!store.remove(u"unknown"_s));
        QCOMPARE(store.profiles().size(), 1);
    }

    void currentIdMustNameAProfile()
    {
        ProfileStore store(*m_settings);
        const QString id = store.add(remote(u"A"_s, u"https://us.posthog.com"_s, u"1"_s));
        QSignalSpy current(&store, &ProfileStore::currentChanged);
        QVERIFY(!store.setCurrentId(u"missing"_s));
        QCOMPARE(current.count(), 0);
        QVERIFY(store.setCurrentId(id));
        QVERIFY(store.setCurrentId(id));
        QCOMPARE(current.count(), 1);
        QVERIFY(store.setCurrentId(u"local"_s));
        QCOMPARE(current.count(), 2);
    }

    void aStaleCurrentIdMeansLocal()
    {
        m_settings->setValue(u"profiles/current"_s, u"gone"_s);
        ProfileStore store(*m_settings);
        QCOMPARE(store.currentId(), u"local"_s);
    }

    void summaries_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("project");
        QTest::addColumn<QString>("summary");
        QTest::newRow("us") << u"https://us.posthog.com"_s << u"1234"_s
                            << u"PostHog US · project 1234"_s;
        QTest::newRow("us, former name")
            << u"https://app.posthog.com"_s << u"5"_s << u"PostHog US · project 5"_s;
        QTest::newRow("eu") << u"https://eu.posthog.com"_s << u"9"_s << u"PostHog EU · project 9"_s;
        QTest::newRow("self-hosted")
            << u"https://ph.example.com"_s << u"7"_s << u"ph.example.com · project 7"_s;
        QTest::newRow("port") << u"http://127.0.0.1:8010"_s << u"1"_s
                              << u"127.0.0.1:8010 · project 1"_s;
        QTest::newRow("current") << u"https://eu.posthog.com"_s << u"@current"_s
                                 << u"PostHog EU · the key's project"_s;
    }
    void summaries()
    {
        QFETCH(QString, host);
        QFETCH(QString, project);
        QFETCH(QString, summary);
        ConnectionProfile p = remote({}, host, project);
        QCOMPARE(p.summary(), summary);
        QCOMPARE(p.title(), summary);
        p.name = u"Mine"_s;
        QCOMPARE(p.title(), u"Mine"_s);
        QCOMPARE(ConnectionProfile::local().summary(), u"Local server"_s);
    }

    void hostsAreNormalized_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("host");
        QTest::newRow("bare name") << u"eu.posthog.com"_s << u"https://eu.posthog.com"_s;
        QTest::newRow("slashes") << u" https://US.posthog.com// "_s << u"https://us.posthog.com"_s;
        QTest::newRow("path prefix")
            << u"https://proxy.example.com/posthog/"_s << u"https://proxy.example.com/posthog"_s;
        QTest::newRow("http port") << u"http://localhost:8000"_s << u"http://localhost:8000"_s;
        QTest::newRow("empty") << u""_s << u""_s;
        QTest::newRow("other scheme") << u"ftp://eu.posthog.com"_s << u""_s;
        QTest::newRow("query") << u"https://eu.posthog.com/?a=1"_s << u""_s;
        QTest::newRow("no host") << u"https://"_s << u""_s;
    }
    void hostsAreNormalized()
    {
        QFETCH(QString, typed);
        QFETCH(QString, host);
        QCOMPARE(bunting::api::normalizedHost(typed).toString(), host);
    }

    void projectIds()
    {
        using bunting::api::isValidProjectId;
        QVERIFY(isValidProjectId(u"1"_s));
        QVERIFY(isValidProjectId(u"123456"_s));
        QVERIFY(isValidProjectId(u"@current"_s));
        QVERIFY(!isValidProjectId(u""_s));
        QVERIFY(!isValidProjectId(u"0"_s));
        QVERIFY(!isValidProjectId(u"-3"_s));
        QVERIFY(!isValidProjectId(u"+3"_s));
        QVERIFY(!isValidProjectId(u" 3"_s));
        QVERIFY(!isValidProjectId(u"12a"_s));
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
};

QTEST_GUILESS_MAIN(TestProfileStore)
#include "tst_profile_store.moc"
