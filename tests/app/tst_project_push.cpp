// Issue 16, "Push and pull": ProjectPush sends the changes of an offline copy to the project it
// copies. A real server plays PostHog (its PATCH applies PostHog's conflict rule, §3.4 of
// rest-api-behaviour.md), behind a proxy that fails as networks do; the copy is a second real
// server. Pinned: new flags are created, changed ones PATCHed with `version` and the copied
// object as `original_flag`, deleted ones soft-deleted; a flag PostHog changed in other fields
// goes through, one changed in the same fields asks; a push cut off by the host going away, or
// by an answer that never came, is safe to repeat (nothing lost, nothing written twice); a 429
// waits for its Retry-After; PostHog's refusals are told per flag.
#include "client.h"
#include "flaky_proxy.h"
#include "local_server.h"
#include "project_pull.h"
#include "project_push.h"
#include "test_builders.h"
#include "test_server.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using bunting::api::Client;
using bunting::desktop::ConflictChoice;
using bunting::desktop::ProjectPush;
using bunting::server::MirrorReport;
using bunting::server::PushItem;
using test_builders::everyone;
using State = ProjectPush::State;

class TestProjectPush : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void eachKindOfChangeReachesPostHog();
    void otherFieldsChangedThereGoThrough();
    void sameFieldsChangedThereAskWhichToKeep();
    void aPushCutOffByTheHostGoingAwayIsSafeToRepeat();
    void anAnswerThatNeverCameIsNotSentAgain();
    void aRateLimitWaitsForItsRetryAfter();
    void postHogsRefusalIsToldForThatFlagOnly();
    void theRoundTripWithNoNetworkInTheMiddle();

private:
    std::optional<MirrorReport> pull();
    // Runs a push of everything the copy would send; the flags' outcomes by key.
    QHash<QString, ProjectPush::Flag> push(ProjectPush::Resolver resolver = {},
                                           int longestWait = 120);
    qint64 copyId(const QString &key);
    qint64 remoteId(const QString &key);
    void patchCopy(const QString &key, const QJsonObject &changes);
    double rollout(const QJsonObject &flag) const;

    std::unique_ptr<TestServer> m_remote;
    std::unique_ptr<FlakyProxy> m_proxy;
    std::unique_ptr<Client> m_client;
    std::unique_ptr<TestServer> m_copy;
    qint64 m_project = 0; // the copy's project
    std::function<void(ProjectPush &)> m_whilePushing;
};

void TestProjectPush::init()
{
    m_remote = std::make_unique<TestServer>();
    for (const QString &key : {u"alpha"_s, u"beta"_s, u"gamma"_s, u"delta"_s})
        m_remote->createFlagId(key, everyone(50), u"Remote "_s + key);
    m_proxy = std::make_unique<FlakyProxy>(m_remote->endpoint().host);
    QVERIFY(m_proxy->listen());
    bunting::api::Endpoint endpoint = m_remote->endpoint();
    endpoint.host = m_proxy->url();
    m_client = std::make_unique<Client>(endpoint);
    Client::Options options;
    options.timeout = std::chrono::seconds(10);
    options.retries = 1;
    options.firstBackoff = std::chrono::milliseconds(50);
    m_client->setOptions(options);

    m_copy = std::make_unique<TestServer>();
    const std::optional<MirrorReport> report = pull();
    QVERIFY(report);
    m_project = report->projectId;
    QCOMPARE(report->created, 4);
}

std::optional<MirrorReport> TestProjectPush::pull()
{
    std::optional<MirrorReport> report;
    bool done = false;
    ProjectPull pull(
        *m_client, 0,
        [this](const bunting::server::RemoteProjectState &state, ProjectPull::Finished finish) {
            finish(m_copy->server().mirror().pull(state), {});
        },
        [&](const std::optional<MirrorReport> &written, const QString &error) {
            if (!written)
                qWarning() << "the pull failed:" << error;
            report = written;
            done = true;
        });
    pull.start();
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        qWarning("the pull did not finish");
    return report;
}

void TestProjectPush::cleanup()
{
    m_whilePushing = {};
    m_client.reset();
    m_proxy.reset();
    m_copy.reset();
    m_remote.reset();
}

QHash<QString, ProjectPush::Flag> TestProjectPush::push(ProjectPush::Resolver resolver,
                                                        int longestWait)
{
    bunting::server::MirrorService &mirror = m_copy->server().mirror();
    ProjectPush::Copy copy;
    copy.read = [&mirror, this](qint64 flagId, auto done) {
        done(mirror.pushItem(m_project, flagId));
    };
    copy.adopt = [&mirror, this](const PushItem &item, const QJsonObject &remote, auto done) {
        try {
            mirror.adopt(m_project, item, remote);
            done(QString());
        } catch (const bunting::server::ApiError &error) {
            done(error.detail());
        }
    };
    ProjectPush run(*m_client, copy, mirror.pushPlan(m_project));
    run.setResolver(std::move(resolver));
    run.setLongestWait(longestWait);
    QSignalSpy finished(&run, &ProjectPush::finished);
    if (m_whilePushing)
        m_whilePushing(run);
    run.start();
    if (finished.isEmpty())
        finished.wait(30000);
    QHash<QString, ProjectPush::Flag> outcomes;
    for (const ProjectPush::Flag &flag : run.flags())
        outcomes.insert(flag.item.key, flag);
    return outcomes;
}

qint64 TestProjectPush::copyId(const QString &key)
{
    const auto list =
        m_copy->get(u"/api/projects/%1/feature_flags/?search=%2"_s.arg(m_project).arg(key));
    for (const QJsonValue &flag : list.object().value("results"_L1).toArray())
        if (flag["key"_L1].toString() == key)
            return flag["id"_L1].toInteger();
    return 0;
}

qint64 TestProjectPush::remoteId(const QString &key)
{
    const auto list = m_remote->get(m_remote->flags(u"?search=%1"_s.arg(key)));
    for (const QJsonValue &flag : list.object().value("results"_L1).toArray())
        if (flag["key"_L1].toString() == key)
            return flag["id"_L1].toInteger();
    return 0;
}

void TestProjectPush::patchCopy(const QString &key, const QJsonObject &changes)
{
    const auto reply = m_copy->patch(
        u"/api/projects/%1/feature_flags/%2/"_s.arg(m_project).arg(copyId(key)), changes);
    QVERIFY2(reply.status == 200, reply.body.constData());
}

double TestProjectPush::rollout(const QJsonObject &flag) const
{
    return flag["filters"_L1]["groups"_L1][0]["rollout_percentage"_L1].toDouble();
}

void TestProjectPush::eachKindOfChangeReachesPostHog()
{
    patchCopy(u"alpha"_s, {{u"filters"_s, everyone(80)}});
    patchCopy(u"gamma"_s, {{u"deleted"_s, true}});
    const auto made = m_copy->post(u"/api/projects/%1/feature_flags/"_s.arg(m_project),
                                   QJsonObject{{u"key"_s, u"made-offline"_s},
                                               {u"name"_s, u"Made on a train"_s},
                                               {u"filters"_s, everyone(10)}});
    QCOMPARE(made.status, 201);
    const int alphaVersion = m_remote->getFlag(remoteId(u"alpha"_s))["version"_L1].toInt();

    const auto outcomes = push();
    QCOMPARE(outcomes.size(), 3);
    for (const auto &flag : outcomes)
        QVERIFY2(flag.state == State::Sent, qPrintable(flag.item.key + u": "_s + flag.message));

    const QJsonObject alpha = m_remote->getFlag(remoteId(u"alpha"_s));
    QCOMPARE(rollout(alpha), 80.0);
    QCOMPARE(alpha["version"_L1].toInt(), alphaVersion + 1);
    QCOMPARE(remoteId(u"gamma"_s), 0); // soft-deleted: gone from the list
    const QJsonObject madeThere = m_remote->getFlag(remoteId(u"made-offline"_s));
    QCOMPARE(madeThere["name"_L1].toString(), u"Made on a train"_s);
    QCOMPARE(rollout(madeThere), 10.0);
    // In step: nothing left to send.
    QVERIFY(m_copy->server().mirror().overrides(m_project).isEmpty());
    QVERIFY(push().isEmpty());
}

// PostHog's rule: only fields both sides changed conflict (§3.4).
void TestProjectPush::otherFieldsChangedThereGoThrough()
{
    QCOMPARE(m_remote->patchFlag(remoteId(u"alpha"_s), {{u"name"_s, u"Renamed there"_s}}).status,
             200);
    patchCopy(u"alpha"_s, {{u"filters"_s, everyone(80)}});
    bool asked = false;
    const auto outcomes = push([&asked](const auto &, const auto &, auto answer) {
        asked = true;
        answer(ConflictChoice::Ask);
    });
    QVERIFY(!asked);
    QCOMPARE(outcomes[u"alpha"_s].state, State::Sent);
    const QJsonObject alpha = m_remote->getFlag(remoteId(u"alpha"_s));
    QCOMPARE(alpha["name"_L1].toString(), u"Renamed there"_s);
    QCOMPARE(rollout(alpha), 80.0);
    const QJsonObject copy =
        m_copy->get(u"/api/projects/%1/feature_flags/%2/"_s.arg(m_project).arg(copyId(u"alpha"_s)))
            .object();
    QCOMPARE(copy["name"_L1].toString(), u"Renamed there"_s);
    QVERIFY(m_copy->server().mirror().overrides(m_project).isEmpty());
}

void TestProjectPush::sameFieldsChangedThereAskWhichToKeep()
{
    QCOMPARE(m_remote->patchFlag(remoteId(u"alpha"_s), {{u"filters"_s, everyone(30)}}).status, 200);
    QCOMPARE(m_remote
                 ->patchFlag(remoteId(u"beta"_s),
                             {{u"filters"_s, everyone(30)}, {u"name"_s, u"Theirs"_s}})
                 .status,
             200);
    const int betaVersion = m_remote->getFlag(remoteId(u"beta"_s))["version"_L1].toInt();
    patchCopy(u"alpha"_s, {{u"filters"_s, everyone(70)}, {u"name"_s, u"Mine"_s}});
    patchCopy(u"beta"_s, {{u"filters"_s, everyone(90)}});

    QStringList asked;
    const auto outcomes = push([&asked](const bunting::models::FlagRebase &rebase,
                                        const ProjectPush::Flag &flag, auto answer) {
        asked.append(flag.item.key);
        QVERIFY(rebase.hasConflicts());
        answer(flag.item.key == u"alpha"_s ? ConflictChoice::Merge : ConflictChoice::Reload);
    });
    QCOMPARE(asked, (QStringList{u"alpha"_s, u"beta"_s}));
    QCOMPARE(outcomes[u"alpha"_s].state, State::Sent);
    QCOMPARE(outcomes[u"beta"_s].state, State::TookTheirs);

    const QJsonObject alpha = m_remote->getFlag(remoteId(u"alpha"_s));
    QCOMPARE(rollout(alpha), 70.0); // the merge keeps the user's value where both changed
    QCOMPARE(alpha["name"_L1].toString(), u"Mine"_s);
    const QJsonObject beta = m_remote->getFlag(remoteId(u"beta"_s));
    QCOMPARE(beta["version"_L1].toInt(), betaVersion); // theirs: nothing sent
    const QJsonObject copyBeta =
        m_copy->get(u"/api/projects/%1/feature_flags/%2/"_s.arg(m_project).arg(copyId(u"beta"_s)))
            .object();
    QCOMPARE(rollout(copyBeta), 30.0);
    QCOMPARE(copyBeta["name"_L1].toString(), u"Theirs"_s);
    QVERIFY(m_copy->server().mirror().overrides(m_project).isEmpty());
}

void TestProjectPush::aPushCutOffByTheHostGoingAwayIsSafeToRepeat()
{
    for (const QString &key : {u"alpha"_s, u"beta"_s, u"delta"_s})
        patchCopy(key, {{u"filters"_s, everyone(90)}});
    QCOMPARE(m_copy
                 ->post(u"/api/projects/%1/feature_flags/"_s.arg(m_project),
                        QJsonObject{{u"key"_s, u"made-offline"_s}, {u"filters"_s, everyone(10)}})
                 .status,
             201);
    QHash<QString, int> versions;
    for (const QString &key : {u"alpha"_s, u"beta"_s, u"delta"_s})
        versions[key] = m_remote->getFlag(remoteId(key))["version"_L1].toInt();

    // The host goes away as the second PATCH arrives.
    int patches = 0;
    m_proxy->onRequest = [&](const QByteArray &method, const QByteArray &) {
        if (method == "PATCH" && ++patches == 2)
            m_proxy->close();
    };
    auto outcomes = push();
    QCOMPARE(outcomes[u"alpha"_s].state, State::Sent);
    QCOMPARE(outcomes[u"beta"_s].state, State::Failed);
    QVERIFY(outcomes[u"beta"_s].retryLater);
    QCOMPARE(outcomes[u"delta"_s].state, State::Skipped);
    QCOMPARE(outcomes[u"made-offline"_s].state, State::Skipped);
    QCOMPARE(rollout(m_remote->getFlag(remoteId(u"alpha"_s))), 90.0);
    QCOMPARE(rollout(m_remote->getFlag(remoteId(u"beta"_s))), 50.0);
    QCOMPARE(m_copy->server().mirror().overrides(m_project).size(), 3);

    // Back: the rest goes, and what went already is not sent again.
    m_proxy->onRequest = {};
    QVERIFY(m_proxy->listen());
    outcomes = push();
    QCOMPARE(outcomes.size(), 3);
    for (const auto &flag : outcomes)
        QVERIFY2(flag.state == State::Sent, qPrintable(flag.item.key + u": "_s + flag.message));
    for (const QString &key : {u"alpha"_s, u"beta"_s, u"delta"_s}) {
        const QJsonObject there = m_remote->getFlag(remoteId(key));
        QCOMPARE(rollout(there), 90.0);
        QCOMPARE(there["version"_L1].toInt(), versions[key] + 1);
    }
    QVERIFY(remoteId(u"made-offline"_s) != 0);
    QVERIFY(m_copy->server().mirror().overrides(m_project).isEmpty());
}

void TestProjectPush::anAnswerThatNeverCameIsNotSentAgain()
{
    patchCopy(u"alpha"_s, {{u"filters"_s, everyone(90)}});
    const int version = m_remote->getFlag(remoteId(u"alpha"_s))["version"_L1].toInt();
    m_proxy->failNext("PATCH", FlakyProxy::Fault::LoseAnswer);
    auto outcomes = push();
    QCOMPARE(outcomes[u"alpha"_s].state, State::Failed);
    QCOMPARE(rollout(m_remote->getFlag(remoteId(u"alpha"_s))), 90.0); // written there
    QCOMPARE(m_copy->server().mirror().overrides(m_project).size(), 1);

    QCOMPARE(m_copy
                 ->post(u"/api/projects/%1/feature_flags/"_s.arg(m_project),
                        QJsonObject{{u"key"_s, u"made-offline"_s}, {u"filters"_s, everyone(10)}})
                 .status,
             201);
    m_proxy->failNext("POST", FlakyProxy::Fault::LoseAnswer);
    outcomes = push();
    QCOMPARE(outcomes[u"alpha"_s].state, State::AlreadyThere);
    QCOMPARE(outcomes[u"made-offline"_s].state, State::Failed);
    QVERIFY(remoteId(u"made-offline"_s) != 0); // written there

    outcomes = push();
    QCOMPARE(outcomes.size(), 1);
    QCOMPARE(outcomes[u"made-offline"_s].state, State::AlreadyThere);
    QCOMPARE(m_remote->getFlag(remoteId(u"alpha"_s))["version"_L1].toInt(), version + 1);
    QCOMPARE(m_proxy->forwarded("PATCH"), 1);
    QVERIFY(m_copy->server().mirror().overrides(m_project).isEmpty());
}

void TestProjectPush::aRateLimitWaitsForItsRetryAfter()
{
    patchCopy(u"alpha"_s, {{u"filters"_s, everyone(90)}});
    patchCopy(u"beta"_s, {{u"filters"_s, everyone(90)}});
    m_proxy->failNext("PATCH", FlakyProxy::Fault::RateLimit, 1, 1);
    QStringList messages;
    m_whilePushing = [&messages](ProjectPush &run) {
        connect(&run, &ProjectPush::flagChanged, &run,
                [&messages, &run](int index) { messages.append(run.flags().at(index).message); });
    };
    auto outcomes = push();
    QCOMPARE(outcomes[u"alpha"_s].state, State::Sent);
    QCOMPARE(outcomes[u"beta"_s].state, State::Sent);
    QVERIFY(messages.contains(u"PostHog's rate limit: waiting 1 s."_s));
    QCOMPARE(m_proxy->forwarded("PATCH"), 2);

    // Asked to wait longer than the push will: told, and left marked changed.
    m_whilePushing = {};
    patchCopy(u"alpha"_s, {{u"filters"_s, everyone(95)}});
    m_proxy->failNext("PATCH", FlakyProxy::Fault::RateLimit, 1, 3600);
    outcomes = push({}, 60);
    QCOMPARE(outcomes[u"alpha"_s].state, State::Failed);
    QVERIFY(outcomes[u"alpha"_s].retryLater);
    QCOMPARE(outcomes[u"alpha"_s].message,
             u"PostHog's rate limit asks to wait 3600 s, longer than a push waits. Not sent; it "
             "is still marked changed."_s);
    QCOMPARE(m_copy->server().mirror().overrides(m_project).size(), 1);
}

void TestProjectPush::postHogsRefusalIsToldForThatFlagOnly()
{
    m_remote->createFlagId(u"taken"_s, everyone(), u"Made there"_s);
    QCOMPARE(m_copy
                 ->post(u"/api/projects/%1/feature_flags/"_s.arg(m_project),
                        QJsonObject{{u"key"_s, u"taken"_s}, {u"filters"_s, everyone(10)}})
                 .status,
             201);
    patchCopy(u"alpha"_s, {{u"filters"_s, everyone(90)}});
    const auto outcomes = push();
    QCOMPARE(outcomes[u"taken"_s].state, State::Failed);
    QCOMPARE(outcomes[u"taken"_s].message,
             u"PostHog already has a flag with the key 'taken', made there. Rename this one, "
             "or delete one of the two."_s);
    QVERIFY(!outcomes[u"taken"_s].retryLater);
    QCOMPARE(outcomes[u"alpha"_s].state, State::Sent);
    QCOMPARE(m_remote->getFlag(remoteId(u"taken"_s))["name"_L1].toString(), u"Made there"_s);
}

// The round trip: PostHog out of reach while the copy is edited, then back; someone
// changed the same flag there meanwhile, which is merged; then a pull. What PostHog ends with is
// what the user meant, field by field, and the copy equals it.
void TestProjectPush::theRoundTripWithNoNetworkInTheMiddle()
{
    m_proxy->close();
    patchCopy(u"alpha"_s, {{u"filters"_s, everyone(80)}});
    patchCopy(u"beta"_s, {{u"name"_s, u"Named offline"_s}, {u"filters"_s, everyone(60)}});
    patchCopy(u"gamma"_s, {{u"deleted"_s, true}});
    QCOMPARE(m_copy
                 ->post(u"/api/projects/%1/feature_flags/"_s.arg(m_project),
                        QJsonObject{{u"key"_s, u"made-offline"_s},
                                    {u"name"_s, u"Made offline"_s},
                                    {u"filters"_s, everyone(5)}})
                 .status,
             201);
    // A push with no network: nothing sent, nothing lost.
    auto outcomes = push();
    QCOMPARE(outcomes.size(), 4);
    QCOMPARE(m_copy->server().mirror().overrides(m_project).size(), 4);

    // Meanwhile on PostHog: beta renamed (the same field), delta rolled out (untouched here).
    QCOMPARE(m_remote->patchFlag(remoteId(u"beta"_s), {{u"name"_s, u"Named there"_s}}).status, 200);
    QCOMPARE(m_remote->patchFlag(remoteId(u"delta"_s), {{u"filters"_s, everyone(70)}}).status, 200);
    QVERIFY(m_proxy->listen());
    QStringList asked;
    outcomes = push([&asked](const auto &, const ProjectPush::Flag &flag, auto answer) {
        asked.append(flag.item.key);
        answer(ConflictChoice::Merge); // the user's name, where both renamed it
    });
    QCOMPARE(asked, QStringList{u"beta"_s});
    for (const auto &flag : outcomes)
        QVERIFY2(flag.state == State::Sent, qPrintable(flag.item.key + u": "_s + flag.message));
    QVERIFY(pull());

    QCOMPARE(rollout(m_remote->getFlag(remoteId(u"alpha"_s))), 80.0);
    const QJsonObject beta = m_remote->getFlag(remoteId(u"beta"_s));
    QCOMPARE(beta["name"_L1].toString(), u"Named offline"_s);
    QCOMPARE(rollout(beta), 60.0);
    QCOMPARE(remoteId(u"gamma"_s), 0);
    QCOMPARE(rollout(m_remote->getFlag(remoteId(u"delta"_s))), 70.0);
    QCOMPARE(m_remote->getFlag(remoteId(u"made-offline"_s))["name"_L1].toString(),
             u"Made offline"_s);
    // The copy equals PostHog, every flag and field a client writes.
    const auto list = [](TestServer &server, const QString &path) {
        QHash<QString, QJsonObject> flags;
        for (const QJsonValue &flag : server.get(path).object()["results"_L1].toArray())
            flags.insert(flag["key"_L1].toString(),
                         bunting::server::MirrorService::copiedFields(flag.toObject()));
        return flags;
    };
    QCOMPARE(list(*m_copy, u"/api/projects/%1/feature_flags/?limit=100"_s.arg(m_project)),
             list(*m_remote, m_remote->flags(u"?limit=100"_s)));
    QVERIFY(m_copy->server().mirror().overrides(m_project).isEmpty());
}

QTEST_GUILESS_MAIN(TestProjectPush)
#include "tst_project_push.moc"
