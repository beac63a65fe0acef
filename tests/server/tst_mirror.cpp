// MirrorService, what `bunting-server mirror` writes with: a PostHog project's state taken into
// a local project of a real server, then checked over HTTP. The copy answers the SDKs under the
// remote's own token; cohort ids and the flag ids of flag dependencies (PostHog's
// {"type": "flag", "key": "<flag id>"}) are rewritten to the local ones; a pull that finds
// nothing changed writes nothing; changes made here are kept until reset.
#include "services/mirror_service.h"
#include "test_server.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting::server;

namespace {

const QString kToken = u"phc_remote_mirror_test"_s;

QJsonObject condition(const QJsonArray &properties, double percentage = 100)
{
    return {{u"properties"_s, properties}, {u"rollout_percentage"_s, percentage}};
}

QJsonObject remoteFlag(qint64 id, const QString &key, const QJsonArray &properties, int version = 1)
{
    return {{u"id"_s, id},
            {u"key"_s, key},
            {u"name"_s, u"Remote "_s + key},
            {u"active"_s, true},
            {u"deleted"_s, false},
            {u"version"_s, version},
            {u"tags"_s, QJsonArray{u"remote"_s}},
            {u"analytics_dashboards"_s, QJsonArray{9001}},
            {u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{condition(properties)}}}}};
}

QJsonObject emailEndsWith(const QString &suffix)
{
    return {{u"key"_s, u"email"_s},
            {u"type"_s, u"person"_s},
            {u"value"_s, suffix},
            {u"operator"_s, u"icontains"_s}};
}

QJsonObject cohortIs(qint64 id)
{
    return {{u"key"_s, u"id"_s}, {u"type"_s, u"cohort"_s}, {u"value"_s, id}};
}

// A PostHog project: "base" for everyone, "depends" on base, "corp" for cohort 502, which
// includes cohort 501 (emails at corp.example).
RemoteProjectState remoteProject()
{
    RemoteProjectState remote;
    remote.host = u"https://posthog.example"_s;
    remote.projectId = 42;
    remote.name = u"Shop"_s;
    remote.apiToken = kToken;
    remote.cohorts = {
        QJsonObject{{u"id"_s, 501},
                    {u"name"_s, u"Corp"_s},
                    {u"is_static"_s, false},
                    {u"filters"_s,
                     QJsonObject{{u"properties"_s,
                                  QJsonObject{{u"type"_s, u"OR"_s},
                                              {u"values"_s,
                                               QJsonArray{emailEndsWith(u"@corp.example"_s)}}}}}}},
        QJsonObject{
            {u"id"_s, 502},
            {u"name"_s, u"Corp, again"_s},
            {u"is_static"_s, false},
            {u"filters"_s, QJsonObject{{u"properties"_s,
                                        QJsonObject{{u"type"_s, u"OR"_s},
                                                    {u"values"_s, QJsonArray{cohortIs(501)}}}}}}},
    };
    // "depends" comes first, before the flag it names.
    remote.flags = {
        remoteFlag(102, u"depends"_s,
                   QJsonArray{QJsonObject{{u"key"_s, u"101"_s},
                                          {u"type"_s, u"flag"_s},
                                          {u"value"_s, true},
                                          {u"operator"_s, u"flag_evaluates_to"_s}}}),
        remoteFlag(101, u"base"_s, {}),
        remoteFlag(103, u"corp"_s, QJsonArray{cohortIs(502)}),
    };
    remote.persons = {QJsonObject{{u"id"_s, 77},
                                  {u"distinct_ids"_s, QJsonArray{u"ann"_s, u"anon-ann"_s}},
                                  {u"properties"_s, QJsonObject{{u"email"_s, u"ann@corp.example"_s},
                                                                {u"plan"_s, u"pro"_s}}}}};
    remote.groupTypes = {QJsonObject{{u"group_type"_s, u"company"_s},
                                     {u"group_type_index"_s, 0},
                                     {u"name_singular"_s, u"Company"_s}}};
    return remote;
}

} // namespace

class TestMirror : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void theCopyAnswersUnderTheRemotesToken()
    {
        const MirrorReport report = mirror().pull(remoteProject());
        QVERIFY2(report.problems.isEmpty(), qPrintable(report.problems.join(u'\n')));
        QVERIFY(report.projectCreated);
        QCOMPARE(report.created, 3);
        QCOMPARE(report.cohortsWritten, 2);
        QVERIFY(report.projectId != m_server->projectId());

        const QJsonObject project =
            m_server->get(u"/api/projects/%1/"_s.arg(report.projectId)).object();
        QCOMPARE(project.value("api_token"_L1).toString(), kToken);
        QVERIFY(project.value("name"_L1).toString().startsWith("Shop (mirror of"_L1));

        QJsonObject corp = sdkFlags(u"someone"_s, u"a@corp.example"_s);
        QCOMPARE(corp.value("base"_L1), QJsonValue(true));
        QCOMPARE(corp.value("depends"_L1), QJsonValue(true));
        QCOMPARE(corp.value("corp"_L1), QJsonValue(true));
        QCOMPARE(sdkFlags(u"other"_s, u"b@elsewhere.example"_s).value("corp"_L1),
                 QJsonValue(false));

        // What the copy stored names local ids, not the remote's.
        const QJsonArray flags = listFlags(report.projectId);
        QCOMPARE(flags.size(), 3);
        for (const QJsonValue &flag : flags) {
            const QJsonObject f = flag.toObject();
            QCOMPARE(f.value("tags"_L1).toArray(), QJsonArray{u"remote"_s});
            QVERIFY(f.value("analytics_dashboards"_L1).toArray().isEmpty());
            const QByteArray filters =
                QJsonDocument(f.value("filters"_L1).toObject()).toJson(QJsonDocument::Compact);
            QVERIFY2(!filters.contains("\"101\"") && !filters.contains("502"), filters.constData());
        }
        QCOMPARE(m_server->get(u"/api/projects/%1/groups_types/"_s.arg(report.projectId))
                     .json.toArray()
                     .first()
                     .toObject()
                     .value("name_singular"_L1)
                     .toString(),
                 u"Company"_s);
    }

    void storedPersonsAnswerAsThere()
    {
        RemoteProjectState remote = remoteProject();
        QCOMPARE(mirror().pull(remote).personsWritten, 1);
        // No properties sent: PostHog evaluates with the stored ones, and so does the copy.
        QCOMPARE(sdkFlags(u"ann"_s, {}).value("corp"_L1), QJsonValue(true));
        QCOMPARE(sdkFlags(u"anon-ann"_s, {}).value("corp"_L1), QJsonValue(true));
        QCOMPARE(sdkFlags(u"bob"_s, {}).value("corp"_L1), QJsonValue(false));

        // Changed there: properties replaced, the one gone there gone here too.
        remote.persons[0].insert(u"properties"_s,
                                 QJsonObject{{u"email"_s, u"ann@elsewhere.example"_s}});
        QCOMPARE(mirror().pull(remote).personsWritten, 1);
        QCOMPARE(sdkFlags(u"ann"_s, {}).value("corp"_L1), QJsonValue(false));
        QCOMPARE(mirror().pull(remote).personsWritten, 0);
    }

    void aPullThatFindsNothingChangedWritesNothing()
    {
        const qint64 project = mirror().pull(remoteProject()).projectId;
        const QByteArray before = projectState(project);
        const MirrorReport again = mirror().pull(remoteProject());
        QCOMPARE(again.written(), 0);
        QCOMPARE(again.unchanged, 3);
        QVERIFY(!again.projectCreated);
        QCOMPARE(again.projectId, project);
        QCOMPARE(projectState(project), before);
    }

    void aRemoteChangeIsTaken()
    {
        RemoteProjectState remote = remoteProject();
        const qint64 project = mirror().pull(remote).projectId;
        // Off there, with its dependent: here the dependent must go first (PostHog refuses to
        // disable a flag that active flags depend on), though the remote lists it first.
        remote.flags[1] = remoteFlag(101, u"base"_s, {}, 2);
        remote.flags[1].insert(u"active"_s, false);
        remote.flags[0].insert(u"active"_s, false);
        remote.flags[0].insert(u"version"_s, 2);
        const MirrorReport report = mirror().pull(remote);
        QVERIFY2(report.problems.isEmpty(), qPrintable(report.problems.join(u'\n')));
        QCOMPARE(report.kept, 0);
        QCOMPARE(report.updated, 2);
        QCOMPARE(report.unchanged, 1);
        const QJsonObject base = flagByKey(project, u"base"_s);
        QCOMPARE(base.value("active"_L1), QJsonValue(false));
        QCOMPARE(base.value("version"_L1).toInt(), 2);
        // Inactive flags are left out of /flags, as PostHog leaves them out.
        QVERIFY(!sdkFlags(u"someone"_s, {}).contains("base"_L1));
    }

    void aFlagGoneFromTheRemoteIsDeletedHereUnlessTheListWasIncomplete()
    {
        RemoteProjectState remote = remoteProject();
        const qint64 project = mirror().pull(remote).projectId;
        remote.flags.removeLast(); // "corp"
        remote.complete = false;
        QCOMPARE(mirror().pull(remote).removed, 0);
        QVERIFY(!flagByKey(project, u"corp"_s).isEmpty());
        remote.complete = true;
        QCOMPARE(mirror().pull(remote).removed, 1);
        QVERIFY(flagByKey(project, u"corp"_s).isEmpty());
    }

    void aLocalChangeIsKeptUntilReset()
    {
        RemoteProjectState remote = remoteProject();
        const qint64 project = mirror().pull(remote).projectId;
        const qint64 base = flagByKey(project, u"base"_s).value("id"_L1).toInteger();
        QCOMPARE(m_server
                     ->patch(u"/api/projects/%1/feature_flags/%2/"_s.arg(project).arg(base),
                             QJsonObject{{u"name"_s, u"Changed here"_s}})
                     .status,
                 200);
        const auto local = m_server->post(
            u"/api/projects/%1/feature_flags/"_s.arg(project),
            QJsonObject{{u"key"_s, u"local-only"_s},
                        {u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{condition({})}}}}});
        QCOMPARE(local.status, 201);

        // The remote changes the same flag: the local change stands.
        remote.flags[1] = remoteFlag(101, u"base"_s, {}, 2);
        remote.flags[1].insert(u"name"_s, u"Changed there"_s);
        const MirrorReport report = mirror().pull(remote);
        QCOMPARE(report.kept, 1);
        QCOMPARE(report.updated, 0);
        QCOMPARE(flagByKey(project, u"base"_s).value("name"_L1).toString(), u"Changed here"_s);

        const QList<MirrorOverride> overrides = mirror().overrides(project);
        QCOMPARE(overrides.size(), 2);
        QCOMPARE(overrides.at(0).key, u"base"_s);
        QCOMPARE(overrides.at(0).kind, MirrorOverride::Kind::Changed);
        QCOMPARE(overrides.at(1).key, u"local-only"_s);
        QCOMPARE(overrides.at(1).kind, MirrorOverride::Kind::Created);

        // Reset takes the remote's flag as the last pull saw it, and drops the local one.
        QCOMPARE(mirror().reset(project), 2);
        QCOMPARE(flagByKey(project, u"base"_s).value("name"_L1).toString(), u"Changed there"_s);
        QVERIFY(flagByKey(project, u"local-only"_s).isEmpty());
        QVERIFY(mirror().overrides(project).isEmpty());
        QCOMPARE(mirror().pull(remote).written(), 0);
    }

    void aFlagDeletedHereIsAnOverrideAndResetBringsItBack()
    {
        const qint64 project = mirror().pull(remoteProject()).projectId;
        const qint64 corp = flagByKey(project, u"corp"_s).value("id"_L1).toInteger();
        QCOMPARE(m_server
                     ->patch(u"/api/projects/%1/feature_flags/%2/"_s.arg(project).arg(corp),
                             QJsonObject{{u"deleted"_s, true}})
                     .status,
                 200);
        QCOMPARE(mirror().pull(remoteProject()).kept, 1);
        QVERIFY(flagByKey(project, u"corp"_s).isEmpty());
        QCOMPARE(mirror().overrides(project).first().kind, MirrorOverride::Kind::Deleted);
        QCOMPARE(mirror().reset(project), 1);
        QCOMPARE(flagByKey(project, u"corp"_s).value("id"_L1).toInteger(), corp);
    }

    void aFlagTheCopyRefusesIsNamedAndTheRestIsCopied()
    {
        RemoteProjectState remote = remoteProject();
        QJsonObject broken = remoteFlag(104, u"broken"_s, {});
        broken.insert(u"filters"_s, QJsonObject{{u"groups"_s, u"not a list"_s}});
        remote.flags.append(broken);
        const MirrorReport report = mirror().pull(remote);
        QCOMPARE(report.created, 3);
        QCOMPARE(report.problems.size(), 1);
        QVERIFY2(report.problems.first().startsWith("flag 'broken'"_L1),
                 qPrintable(report.problems.first()));
    }

    // A remote is not trusted further than a client: cohorts that name each other in a circle
    // (which PostHog refuses) must not take the copy's evaluation down.
    void cohortsInACircleAreRefused()
    {
        RemoteProjectState remote = remoteProject();
        const auto naming = [](qint64 id, qint64 other) {
            return QJsonObject{
                {u"id"_s, id},
                {u"name"_s, u"Circle %1"_s.arg(id)},
                {u"is_static"_s, false},
                {u"filters"_s,
                 QJsonObject{
                     {u"properties"_s, QJsonObject{{u"type"_s, u"OR"_s},
                                                   {u"values"_s, QJsonArray{cohortIs(other)}}}}}}};
        };
        remote.cohorts.append(naming(601, 602));
        remote.cohorts.append(naming(602, 601));
        remote.flags.append(remoteFlag(105, u"circle"_s, QJsonArray{cohortIs(601)}));
        const MirrorReport report = mirror().pull(remote);
        const QString problems = report.problems.join(u'\n');
        QVERIFY2(problems.contains("cohort 'Circle 601'"_L1) &&
                     problems.contains("cohort 'Circle 602'"_L1) &&
                     problems.contains("flag 'circle'"_L1),
                 qPrintable(problems));
        // The rest is copied and answers.
        QCOMPARE(report.created, 3);
        QCOMPARE(sdkFlags(u"someone"_s, u"a@corp.example"_s).value("corp"_L1), QJsonValue(true));
    }

    // A push compares the local flag with the remote's object it started from, not with the
    // newest one a later pull saw: otherwise it would send back, as the user's, the remote's
    // own later changes.
    void aPullKeepsWhereALocalChangeStarted()
    {
        RemoteProjectState remote = remoteProject();
        const qint64 project = mirror().pull(remote).projectId;
        const qint64 base = flagByKey(project, u"base"_s).value("id"_L1).toInteger();
        patchFlag(project, base, {{u"name"_s, u"Changed here"_s}});
        remote.flags[1] = remoteFlag(101, u"base"_s, {}, 2);
        remote.flags[1].insert(u"active"_s, false);
        const MirrorReport report = mirror().pull(remote);
        QCOMPARE(report.changedOnBothSides, QList<qint64>{base});

        const QList<PushItem> plan = mirror().pushPlan(project);
        QCOMPARE(plan.size(), 1);
        QCOMPARE(plan[0].remoteId, 101);
        QCOMPARE(plan[0].baseVersion, 1);
        QCOMPARE(plan[0].base.value("active"_L1), QJsonValue(true));
        QCOMPARE(plan[0].base.value("name"_L1).toString(), u"Remote base"_s);
        QCOMPARE(plan[0].mine.value("name"_L1).toString(), u"Changed here"_s);
        QVERIFY(plan[0].problem.isEmpty());
    }

    // The remote knows its own ids only: a cohort or a dependency is sent by the remote's id,
    // and a flag naming one the remote does not have yet cannot be sent until it is.
    void aPushSendsTheRemotesIds()
    {
        const qint64 project = mirror().pull(remoteProject()).projectId;
        const qint64 corp = flagByKey(project, u"corp"_s).value("id"_L1).toInteger();
        const qint64 localCohort =
            flagByKey(project, u"corp"_s)
                .value("filters"_L1)["groups"_L1][0]["properties"_L1][0]["value"_L1]
                .toInteger();
        QVERIFY(localCohort != 502);
        patchFlag(project, corp, {{u"name"_s, u"Corp people"_s}});
        const auto made = m_server->post(
            u"/api/projects/%1/feature_flags/"_s.arg(project),
            QJsonObject{{u"key"_s, u"made-here"_s},
                        {u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{condition({})}}}}});
        QCOMPARE(made.status, 201);
        const qint64 madeId = made.object().value("id"_L1).toInteger();
        const auto dependent = m_server->post(
            u"/api/projects/%1/feature_flags/"_s.arg(project),
            QJsonObject{
                {u"key"_s, u"a-dependent"_s},
                {u"filters"_s,
                 QJsonObject{{u"groups"_s, QJsonArray{condition(QJsonArray{QJsonObject{
                                               {u"key"_s, QString::number(madeId)},
                                               {u"type"_s, u"flag"_s},
                                               {u"value"_s, true},
                                               {u"operator"_s, u"flag_evaluates_to"_s}}})}}}}});
        QCOMPARE(dependent.status, 201);

        const QList<PushItem> plan = mirror().pushPlan(project);
        QStringList keys;
        for (const PushItem &item : plan)
            keys.append(item.key);
        // The dependent after the flag it names, though its key sorts first.
        QCOMPARE(keys, (QStringList{u"corp"_s, u"made-here"_s, u"a-dependent"_s}));
        QCOMPARE(plan[0]
                     .mine.value("filters"_L1)["groups"_L1][0]["properties"_L1][0]["value"_L1]
                     .toInteger(),
                 502);
        QVERIFY(plan[0].problem.isEmpty());
        QCOMPARE(plan[1].remoteId, 0);
        QVERIFY(plan[1].base.isEmpty());
        QCOMPARE(plan[2].problem,
                 u"It uses flag 'made-here', which the remote does not have yet."_s);

        // Once "made-here" is on the remote as flag 900, the dependent names it so.
        QJsonObject sent = plan[1].mine;
        sent.insert(u"id"_s, 900);
        sent.insert(u"version"_s, 1);
        mirror().adopt(project, plan[1], sent);
        const auto again = mirror().pushItem(project, dependent.object()["id"_L1].toInteger());
        QVERIFY(again);
        QVERIFY(again->problem.isEmpty());
        QCOMPARE(again->mine.value("filters"_L1)["groups"_L1][0]["properties"_L1][0]["key"_L1]
                     .toString(),
                 u"900"_s);
        QVERIFY(!mirror().pushItem(project, madeId));
    }

    // After a push the copy is in step with what the remote answered (a merge may have made it
    // differ from the local flag); an edit made while the push ran stays a change to send.
    void adoptingTheRemotesAnswerPutsTheCopyInStep()
    {
        const qint64 project = mirror().pull(remoteProject()).projectId;
        const qint64 base = flagByKey(project, u"base"_s).value("id"_L1).toInteger();
        patchFlag(project, base, {{u"name"_s, u"Mine"_s}});
        PushItem item = mirror().pushPlan(project).first();
        QJsonObject answer = item.mine;
        answer.insert(u"id"_s, 101);
        answer.insert(u"version"_s, 3);
        answer.insert(u"tags"_s, QJsonArray{u"theirs"_s}); // someone else's change, merged there
        mirror().adopt(project, item, answer);
        QVERIFY(mirror().overrides(project).isEmpty());
        QCOMPARE(flagByKey(project, u"base"_s).value("tags"_L1), QJsonArray{u"theirs"_s});
        QCOMPARE(flagByKey(project, u"base"_s).value("name"_L1).toString(), u"Mine"_s);

        // Edited again while a push of the older edit was on its way.
        patchFlag(project, base, {{u"name"_s, u"Mine, again"_s}});
        item = mirror().pushPlan(project).first();
        QCOMPARE(item.baseVersion, 3);
        patchFlag(project, base, {{u"name"_s, u"Mine, a third time"_s}});
        answer = item.mine;
        answer.insert(u"id"_s, 101);
        answer.insert(u"version"_s, 4);
        mirror().adopt(project, item, answer);
        QCOMPARE(flagByKey(project, u"base"_s).value("name"_L1).toString(),
                 u"Mine, a third time"_s);
        const QList<PushItem> left = mirror().pushPlan(project);
        QCOMPARE(left.size(), 1);
        QCOMPARE(left[0].baseVersion, 4);
        QCOMPARE(left[0].base.value("name"_L1).toString(), u"Mine, again"_s);

        // Gone from the remote: gone here, and no longer a copy of anything.
        const qint64 corp = flagByKey(project, u"corp"_s).value("id"_L1).toInteger();
        patchFlag(project, corp, {{u"name"_s, u"Corp people"_s}});
        mirror().adopt(project, *mirror().pushItem(project, corp), {});
        QVERIFY(flagByKey(project, u"corp"_s).isEmpty());
        QCOMPARE(mirror().overrides(project).size(), 1);
    }

    void theSameRemoteProjectIsOneLocalProject()
    {
        const qint64 first = mirror().pull(remoteProject()).projectId;
        QCOMPARE(mirror().find(u"https://posthog.example"_s, 42)->projectId, first);
        QVERIFY(!mirror().find(u"https://posthog.example"_s, 43));
        QVERIFY(!mirror().find(u"https://other.example"_s, 42));
    }

private:
    MirrorService &mirror() { return m_server->server().mirror(); }

    void patchFlag(qint64 project, qint64 id, const QJsonObject &changes)
    {
        const auto reply =
            m_server->patch(u"/api/projects/%1/feature_flags/%2/"_s.arg(project).arg(id), changes);
        QCOMPARE(reply.status, 200);
    }

    QJsonObject sdkFlags(const QString &distinctId, const QString &email)
    {
        QJsonObject body{{u"api_key"_s, kToken}, {u"distinct_id"_s, distinctId}};
        if (!email.isEmpty())
            body.insert(u"person_properties"_s, QJsonObject{{u"email"_s, email}});
        const auto reply = m_server->post(u"/flags/?v=2"_s, body, {});
        if (reply.status != 200)
            qWarning("/flags answered %d: %s", reply.status, reply.body.constData());
        QJsonObject values;
        const QJsonObject flags = reply.object().value("flags"_L1).toObject();
        for (auto it = flags.begin(); it != flags.end(); ++it)
            values.insert(it.key(), it.value().toObject().value("enabled"_L1));
        return values;
    }

    QJsonArray listFlags(qint64 project)
    {
        return m_server->get(u"/api/projects/%1/feature_flags/?limit=1000"_s.arg(project))
            .object()
            .value("results"_L1)
            .toArray();
    }

    QJsonObject flagByKey(qint64 project, const QString &key)
    {
        for (const QJsonValue &flag : listFlags(project))
            if (flag.toObject().value("key"_L1).toString() == key)
                return flag.toObject();
        return {};
    }

    // Every flag as served, and the project's activity: what a write would change.
    QByteArray projectState(qint64 project)
    {
        QJsonArray flags = listFlags(project);
        const auto activity =
            m_server->get(u"/api/projects/%1/feature_flags/activity/"_s.arg(project)).json;
        return QJsonDocument(QJsonArray{flags, activity}).toJson(QJsonDocument::Compact);
    }

    std::unique_ptr<TestServer> m_server;
};

QTEST_GUILESS_MAIN(TestMirror)
#include "tst_mirror.moc"
