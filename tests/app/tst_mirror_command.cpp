// Issue 16, `bunting-server mirror`: a second bunting-server plays PostHog (it speaks the same
// API), and the mirror copies its project, serves it under the remote's own project token, takes
// the remote's changes each cycle, keeps the changes made on the copy (listed by --status, put
// back by --reset), and goes on serving its copy when the remote is gone.
#include "server_process.h"
#include "test_builders.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace server_process;
using test_builders::everyone;

namespace {

constexpr int convergeMs = 15000;

// Each flag's enabled, variant and reason for one person: what must be the same from the copy
// (ids and versions are the copy's own).
QJsonObject answersFor(ServerProcess &server, const QString &token, const QString &distinctId)
{
    const Reply reply = request(
        "POST", server.base() + u"/flags?v=2"_s,
        QJsonDocument(QJsonObject{{u"token"_s, token},
                                  {u"distinct_id"_s, distinctId},
                                  {u"person_properties"_s, QJsonObject{{u"plan"_s, u"pro"_s}}}})
            .toJson(QJsonDocument::Compact));
    QJsonObject answers;
    const QJsonObject flags = reply.object().value("flags"_L1).toObject();
    for (auto it = flags.begin(); it != flags.end(); ++it) {
        const QJsonObject flag = it.value().toObject();
        answers.insert(
            it.key(),
            QJsonObject{{u"enabled"_s, flag.value("enabled"_L1)},
                        {u"variant"_s, flag.value("variant"_L1)},
                        {u"reason"_s, flag.value("reason"_L1).toObject().value("code"_L1)}});
    }
    return answers;
}

struct Finished
{
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class TestMirrorCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void theCopyAnswersAsTheRemote();
    void aRemoteChangeArrivesWithinACycle();
    void aChangeOnTheCopyIsKeptListedAndReset();
    void withTheRemoteGoneTheCopyIsServed();
    void theKeyNeverComesFromTheCommandLine();

private:
    std::unique_ptr<ServerProcess> mirror(const QStringList &extra = {},
                                          const QString &key = QStringLiteral("remote"));
    Finished runMirrorCommand(const QStringList &arguments);
    qint64 remoteFlag(const QString &key, const QJsonObject &filters);
    qint64 remoteId(const QString &key);
    // The id of the flag `key` in the list at `flagsPath` of `server`.
    static qint64 flagId(ServerProcess &server, const QString &flagsPath, const QString &key,
                         const QString &apiKey);
    // The copy's project id and a key of the copy's own server.
    qint64 mirroredProject();

    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_remote;
    std::unique_ptr<ServerProcess> m_mirror;
    Bootstrap m_remoteBoot;
    Bootstrap m_mirrorBoot;
    QString m_mirrorDb;
    int m_round = 0;
};

void TestMirrorCommand::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestMirrorCommand::init()
{
    ++m_round;
    const QString remoteDb = m_dir.filePath(u"remote-%1.sqlite"_s.arg(m_round));
    m_mirrorDb = m_dir.filePath(u"mirror-%1.sqlite"_s.arg(m_round));
    m_remote = std::make_unique<ServerProcess>(
        m_dir.path(), QStringList{u"serve"_s},
        QHash<QString, QString>{{u"BUNTING_DB"_s, remoteDb},
                                {u"BUNTING_LISTEN"_s, u"127.0.0.1:0"_s}});
    m_remote->start();
    QVERIFY(m_remote->waitUntilReady());
    m_remoteBoot = parseBootstrap(m_remote->out());
    QVERIFY(!m_remoteBoot.key.isEmpty());

    using namespace test_builders;
    const qint64 checkout = remoteFlag(u"checkout"_s, everyone());
    remoteFlag(u"half"_s, everyone(50));
    remoteFlag(u"pro-only"_s,
               flagFilters({condition(100, {personProperty(u"plan"_s, QJsonArray{u"pro"_s})})}));
    remoteFlag(u"colour"_s,
               flagFilters({condition(100)}, multivariate({{u"red"_s, 30}, {u"blue"_s, 70}})));
    remoteFlag(u"after-checkout"_s, flagFilters({condition(100, {flagDependency(checkout)})}));

    // A person the remote knows as a pro customer, made as SDKs make persons.
    const QJsonObject identify{
        {u"event"_s, u"$identify"_s},
        {u"distinct_id"_s, u"stored-pro"_s},
        {u"properties"_s, QJsonObject{{u"$set"_s, QJsonObject{{u"plan"_s, u"pro"_s}}}}}};
    QCOMPARE(m_remote
                 ->send("POST", u"/batch/"_s,
                        {{u"api_key"_s, m_remoteBoot.token}, {u"batch"_s, QJsonArray{identify}}},
                        {})
                 .status,
             200);
    QTRY_COMPARE_WITH_TIMEOUT(m_remote->get(u"/api/projects/1/persons/"_s, m_remoteBoot.key)
                                  .object()
                                  .value("results"_L1)
                                  .toArray()
                                  .size(),
                              1, convergeMs);

    m_mirror = mirror();
    QVERIFY(m_mirror->waitUntilReady());
    m_mirrorBoot = parseBootstrap(m_mirror->out());
    QVERIFY(m_mirror->out().contains("Mirroring project 1"_L1));
}

void TestMirrorCommand::cleanup()
{
    m_mirror.reset();
    m_remote.reset();
}

std::unique_ptr<ServerProcess> TestMirrorCommand::mirror(const QStringList &extra,
                                                         const QString &key)
{
    QHash<QString, QString> environment{{u"BUNTING_DB"_s, m_mirrorDb},
                                        {u"BUNTING_LISTEN"_s, u"127.0.0.1:0"_s}};
    if (key == "remote"_L1)
        environment.insert(u"BUNTING_REMOTE_KEY"_s, m_remoteBoot.key);
    auto process =
        std::make_unique<ServerProcess>(m_dir.path(),
                                        QStringList{u"mirror"_s, u"--from"_s, m_remote->base(),
                                                    u"--project"_s, u"1"_s, u"--every"_s, u"1s"_s} +
                                            extra,
                                        environment);
    process->start();
    return process;
}

Finished TestMirrorCommand::runMirrorCommand(const QStringList &arguments)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"BUNTING_DB"_s, m_mirrorDb);
    env.insert(u"HOME"_s, m_dir.path());
    env.remove(u"BUNTING_REMOTE_KEY"_s);
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(BUNTING_SERVER_EXECUTABLE), QStringList{u"mirror"_s} + arguments);
    if (!process.waitForFinished(60000))
        return {};
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

qint64 TestMirrorCommand::remoteFlag(const QString &key, const QJsonObject &filters)
{
    const Reply created =
        m_remote->send("POST", u"/api/projects/1/feature_flags/"_s,
                       {{u"key"_s, key}, {u"filters"_s, filters}}, m_remoteBoot.key);
    if (created.status != 201)
        qWarning() << "remote refused" << key << created.body;
    return created.object().value("id"_L1).toInteger();
}

qint64 TestMirrorCommand::flagId(ServerProcess &server, const QString &flagsPath,
                                 const QString &key, const QString &apiKey)
{
    const QJsonArray flags =
        server.get(flagsPath + u"?search="_s + key, apiKey).object().value("results"_L1).toArray();
    for (const QJsonValue &flag : flags)
        if (flag.toObject().value("key"_L1).toString() == key)
            return flag.toObject().value("id"_L1).toInteger();
    return 0;
}

qint64 TestMirrorCommand::remoteId(const QString &key)
{
    return flagId(*m_remote, u"/api/projects/1/feature_flags/"_s, key, m_remoteBoot.key);
}

qint64 TestMirrorCommand::mirroredProject()
{
    const QJsonArray projects =
        m_mirror->get(u"/api/projects/"_s, m_mirrorBoot.key).object().value("results"_L1).toArray();
    for (const QJsonValue &project : projects)
        if (project.toObject().value("api_token"_L1).toString() == m_remoteBoot.token)
            return project.toObject().value("id"_L1).toInteger();
    return 0;
}

void TestMirrorCommand::theCopyAnswersAsTheRemote()
{
    QVERIFY(mirroredProject() > 1); // beside the mirror's own Local project
    for (int i = 0; i < 40; ++i) {
        const QString person = u"person-%1"_s.arg(i);
        const QJsonObject there = answersFor(*m_remote, m_remoteBoot.token, person);
        QCOMPARE(there.size(), 5);
        QCOMPARE(answersFor(*m_mirror, m_remoteBoot.token, person), there);
    }
    // A stored person, asked for with no properties: both evaluate with the stored ones.
    const auto bare = [](ServerProcess &server, const QString &token) {
        return request("POST", server.base() + u"/flags?v=2"_s,
                       QJsonDocument(
                           QJsonObject{{u"token"_s, token}, {u"distinct_id"_s, u"stored-pro"_s}})
                           .toJson(QJsonDocument::Compact))
            .object()
            .value("flags"_L1)
            .toObject()
            .value("pro-only"_L1)
            .toObject()
            .value("enabled"_L1);
    };
    QCOMPARE(bare(*m_remote, m_remoteBoot.token), QJsonValue(true));
    QCOMPARE(bare(*m_mirror, m_remoteBoot.token), QJsonValue(true));
    // The mirror's own project keeps its own token and flags.
    QCOMPARE(m_mirror->flagFor(m_mirrorBoot.token, u"checkout"_s), QJsonValue());
}

void TestMirrorCommand::aRemoteChangeArrivesWithinACycle()
{
    // Off on the remote, the dependent first as PostHog requires; the copy takes both.
    for (const QString &key : {u"after-checkout"_s, u"checkout"_s})
        QCOMPARE(m_remote
                     ->send("PATCH", u"/api/projects/1/feature_flags/%1/"_s.arg(remoteId(key)),
                            {{u"active"_s, false}}, m_remoteBoot.key)
                     .status,
                 200);
    // Inactive flags are left out of /flags, there and here.
    QTRY_COMPARE_WITH_TIMEOUT(m_mirror->flagFor(m_remoteBoot.token, u"checkout"_s), QJsonValue(),
                              convergeMs);
    QCOMPARE(m_mirror->flagFor(m_remoteBoot.token, u"after-checkout"_s), QJsonValue());
    QCOMPARE(answersFor(*m_mirror, m_remoteBoot.token, u"p9"_s),
             answersFor(*m_remote, m_remoteBoot.token, u"p9"_s));

    remoteFlag(u"new-there"_s, everyone());
    QTRY_COMPARE_WITH_TIMEOUT(m_mirror->flagFor(m_remoteBoot.token, u"new-there"_s),
                              QJsonValue(true), convergeMs);
}

void TestMirrorCommand::aChangeOnTheCopyIsKeptListedAndReset()
{
    const qint64 project = mirroredProject();
    const QString copyFlags = u"/api/projects/%1/feature_flags/"_s.arg(project);
    const qint64 local = flagId(*m_mirror, copyFlags, u"half"_s, m_mirrorBoot.key);
    // On the copy: "half" for everyone.
    QCOMPARE(m_mirror
                 ->send("PATCH", copyFlags + u"%1/"_s.arg(local), {{u"filters"_s, everyone()}},
                        m_mirrorBoot.key)
                 .status,
             200);
    // On the remote: "half" off.
    QCOMPARE(m_remote
                 ->send("PATCH", u"/api/projects/1/feature_flags/%1/"_s.arg(remoteId(u"half"_s)),
                        {{u"active"_s, false}}, m_remoteBoot.key)
                 .status,
             200);
    remoteFlag(u"marker"_s, everyone()); // seen by the copy: a pull ran after the change
    QTRY_COMPARE_WITH_TIMEOUT(m_mirror->flagFor(m_remoteBoot.token, u"marker"_s), QJsonValue(true),
                              convergeMs);
    QCOMPARE(m_mirror->flagFor(m_remoteBoot.token, u"half"_s), QJsonValue(true));

    const Finished status =
        runMirrorCommand({u"--from"_s, m_remote->base(), u"--project"_s, u"1"_s, u"--status"_s});
    QCOMPARE(status.exitCode, 0);
    QVERIFY2(status.out.contains("1 local override(s)"_L1), qPrintable(status.out));
    QVERIFY2(status.out.contains("half (flag %1): changed here"_L1.arg(QString::number(local))),
             qPrintable(status.out));

    // --reset from another process, while the mirror serves: its answers follow.
    const Finished reset =
        runMirrorCommand({u"--from"_s, m_remote->base(), u"--project"_s, u"1"_s, u"--reset"_s});
    QCOMPARE(reset.exitCode, 0);
    QVERIFY2(reset.out.contains("Reset 1 flag(s)"_L1), qPrintable(reset.out + reset.err));
    QTRY_COMPARE_WITH_TIMEOUT(m_mirror->flagFor(m_remoteBoot.token, u"half"_s), QJsonValue(),
                              convergeMs);
    QVERIFY(runMirrorCommand({u"--from"_s, m_remote->base(), u"--project"_s, u"1"_s, u"--status"_s})
                .out.contains("No local overrides"_L1));
}

void TestMirrorCommand::withTheRemoteGoneTheCopyIsServed()
{
    const QJsonObject before = answersFor(*m_mirror, m_remoteBoot.token, u"someone"_s);
    const QString remoteBase = m_remote->base();
    m_remote->stop();
    QTest::qWait(2500); // at least one pull fails
    QCOMPARE(answersFor(*m_mirror, m_remoteBoot.token, u"someone"_s), before);

    // Started again with no remote, it serves the copy of the last pull.
    m_mirror.reset();
    auto again = std::make_unique<ServerProcess>(
        m_dir.path(), QStringList{u"mirror"_s, u"--from"_s, remoteBase, u"--project"_s, u"1"_s},
        QHash<QString, QString>{{u"BUNTING_DB"_s, m_mirrorDb},
                                {u"BUNTING_LISTEN"_s, u"127.0.0.1:0"_s},
                                {u"BUNTING_REMOTE_KEY"_s, m_remoteBoot.key}});
    again->start();
    QVERIFY(again->waitUntilReady());
    QVERIFY2(again->out().contains("Serving the copy of an earlier pull"_L1),
             qPrintable(again->out()));
    QCOMPARE(answersFor(*again, m_remoteBoot.token, u"someone"_s), before);
}

void TestMirrorCommand::theKeyNeverComesFromTheCommandLine()
{
    const Finished noKey =
        runMirrorCommand({u"--from"_s, m_remote->base(), u"--project"_s, u"1"_s});
    QCOMPARE(noKey.exitCode, 2);
    QVERIFY2(noKey.err.contains("BUNTING_REMOTE_KEY"_L1), qPrintable(noKey.err));

    const Finished badHost = runMirrorCommand({u"--from"_s, u"ftp://x"_s, u"--project"_s, u"1"_s});
    QCOMPARE(badHost.exitCode, 2);
    QVERIFY(badHost.err.contains("--from"_L1));
    const Finished badProject =
        runMirrorCommand({u"--from"_s, m_remote->base(), u"--project"_s, u"abc"_s});
    QCOMPARE(badProject.exitCode, 2);
    const Finished badInterval = runMirrorCommand(
        {u"--from"_s, m_remote->base(), u"--project"_s, u"1"_s, u"--every"_s, u"0s"_s});
    QCOMPARE(badInterval.exitCode, 2);
    const Finished notMirrored =
        runMirrorCommand({u"--from"_s, m_remote->base(), u"--project"_s, u"7"_s, u"--status"_s});
    QCOMPARE(notMirrored.exitCode, 2);
    QVERIFY(notMirrored.err.contains("has not been mirrored"_L1));
}

QTEST_GUILESS_MAIN(TestMirrorCommand)
#include "tst_mirror_command.moc"
