// The client against a real local server over HTTP: each of the 19 flag endpoints with its typed
// result, filters and pages, PostHog's errors as the client reports them, cancellation and the
// context guard, and the people and dashboard calls the app needs besides.
#include "await_call.h"
#include "client.h"
#include "storage/group_repository.h"
#include "storage/person_repository.h"
#include "test_server.h"

#include <QJsonDocument>
#include <QPointer>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace bunting;
using namespace bunting::api;

namespace {

QStringList keysOf(const QList<FeatureFlag> &flags)
{
    QStringList keys;
    for (const FeatureFlag &flag : flags)
        keys.append(flag.key);
    return keys;
}

QJsonObject rolledOut(int percentage)
{
    return QJsonObject{
        {u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray()},
                                             {u"rollout_percentage"_s, percentage}}}}};
}

} // namespace

class TestClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void createGetUpdate();
    void listWithFiltersAndPages();
    void listFiltersCombine();
    void searchTextReachesTheServerIntact();
    void listAllFlagsFollowsPages();
    void deleteIsNotAllowed();
    void flagActivityPages();
    void projectActivity();
    void flagVersions();
    void staticCohortForFlag();
    void usageDashboard();
    void dependentFlags();
    void remoteConfig();
    void flagStatus();
    void testEvaluation();
    void evaluationReasons();
    void bulkKeys();
    void bulkUpdateTags();
    void bulkDelete();
    void listPersons();
    void listGroupTypes();

    void staleVersionIsAConflict();
    void validationErrorCarriesAttr();
    void badKeyIsUnauthenticated();
    void missingScopeIsForbidden();
    void otherProjectIsNotFound();
    void currentProject();

    void cancelGivesCanceled();
    void destroyedContextSuppressesTheCallback();
    void destroyedClientEndsItsCalls();
    void cancelingListAllFlagsStopsPaging();
    void callsReportThemselves();

private:
    Endpoint endpoint(const QString &key = {}) const;
    qint64 flag(const QString &key, QJsonObject body = {});
    void createNumberedFlags(int n);
    void setEnrichedAnalytics(qint64 flagId);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<Client> m_client;
};

void TestClient::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<Client>(endpoint());
}

void TestClient::cleanup()
{
    m_client.reset();
    m_server.reset();
}

Endpoint TestClient::endpoint(const QString &key) const
{
    return {QUrl(u"http://127.0.0.1:%1"_s.arg(m_server->port())),
            QString::number(m_server->projectId()), key.isEmpty() ? m_server->ownerKey() : key};
}

qint64 TestClient::flag(const QString &key, QJsonObject body)
{
    body.insert(u"key"_s, key);
    if (!body.contains("filters"_L1))
        body.insert(u"filters"_s, rolledOut(100));
    return m_server->createFlag(body).value("id"_L1).toInteger();
}

// flag-00 .. flag-NN; every fifth tagged "beta", every fourth (from flag-03) disabled.
void TestClient::createNumberedFlags(int n)
{
    for (int i = 0; i < n; ++i)
        flag(u"flag-%1"_s.arg(i, 2, 10, QChar(u'0')),
             {{u"tags"_s, i % 5 == 0 ? QJsonArray{u"beta"_s} : QJsonArray()},
              {u"active"_s, i % 4 != 3}});
}

void TestClient::setEnrichedAnalytics(qint64 flagId)
{
    const auto &db = m_server->server().database();
    QJsonObject document =
        QJsonDocument::fromJson(
            db.scalar(u"SELECT document FROM feature_flags WHERE id = ?"_s, {flagId})
                ->toString()
                .toUtf8())
            .object();
    document.insert(u"has_enriched_analytics"_s, true);
    db.exec(u"UPDATE feature_flags SET document = ? WHERE id = ?"_s,
            {QString::fromUtf8(QJsonDocument(document).toJson(QJsonDocument::Compact)), flagId});
}

void TestClient::createGetUpdate()
{
    const QJsonObject body{{u"key"_s, u"new-checkout"_s},
                           {u"name"_s, u"New checkout"_s},
                           {u"filters"_s, rolledOut(50)}};
    const auto created =
        await<FeatureFlag>([&](auto done) { return m_client->createFlag(body, this, done); });
    QVERIFY2(created.ok(), why(created));
    QVERIFY(created->id > 0);
    QCOMPARE(created->key, u"new-checkout"_s);
    QCOMPARE(created->name, u"New checkout"_s);
    QCOMPARE(created->version, 1);
    QCOMPARE(created->filters.groups.size(), 1);
    QVERIFY(created->createdBy);
    QCOMPARE(created->createdBy->email, u"owner@bunting.local"_s);

    const auto got =
        await<FeatureFlag>([&](auto done) { return m_client->getFlag(created->id, this, done); });
    QVERIFY2(got.ok(), why(got));
    QCOMPARE(got->id, created->id);
    QCOMPARE(got->name, u"New checkout"_s);

    const auto updated = await<FeatureFlag>([&](auto done) {
        return m_client->updateFlag(
            created->id, {{u"name"_s, u"Renamed checkout"_s}, {u"version"_s, 1}}, this, done);
    });
    QVERIFY2(updated.ok(), why(updated));
    QCOMPARE(updated->name, u"Renamed checkout"_s);
    QCOMPARE(updated->version, 2);
    QCOMPARE(updated->key, u"new-checkout"_s);
}

void TestClient::listWithFiltersAndPages()
{
    createNumberedFlags(25);
    const auto list = [&](const FlagListQuery &query, int offset, int limit) {
        return await<Page<FeatureFlag>>(
            [&](auto done) { return m_client->listFlags(query, offset, limit, this, done); });
    };

    QSet<QString> seen;
    const auto first = list({}, 0, 10);
    QVERIFY2(first.ok(), why(first));
    QCOMPARE(first->count, 25);
    QCOMPARE(first->results.size(), 10);
    QVERIFY(first->previous.isEmpty());
    QVERIFY(QUrlQuery(first->next).queryItemValue(u"offset"_s) == "10"_L1);
    const auto second = list({}, 10, 10);
    QVERIFY2(second.ok(), why(second));
    QCOMPARE(second->results.size(), 10);
    QVERIFY(!second->previous.isEmpty());
    QVERIFY(!second->next.isEmpty());
    const auto last = list({}, 20, 10);
    QVERIFY2(last.ok(), why(last));
    QCOMPARE(last->count, 25);
    QCOMPARE(last->results.size(), 5);
    QVERIFY(last->next.isEmpty());
    for (const auto *page : {&first, &second, &last})
        for (const FeatureFlag &f : (*page)->results)
            seen.insert(f.key);
    QCOMPARE(seen.size(), 25);

    FlagListQuery search;
    search.search = u"flag-1"_s;
    QCOMPARE(list(search, 0, 100)->count, 10);

    FlagListQuery beta;
    beta.tags = {u"beta"_s};
    const auto tagged = list(beta, 0, 100);
    QCOMPARE(tagged->count, 5);
    for (const FeatureFlag &f : tagged->results)
        QVERIFY(f.tags.contains(u"beta"_s));

    FlagListQuery disabled;
    disabled.active = u"false"_s;
    const auto off = list(disabled, 0, 100);
    QCOMPARE(off->count, 6);
    for (const FeatureFlag &f : off->results)
        QVERIFY(!f.active);

    FlagListQuery descending;
    descending.order = u"-key"_s;
    QCOMPARE(list(descending, 0, 1)->results.value(0).key, u"flag-24"_s);
    descending.order = u"key"_s;
    QCOMPARE(list(descending, 0, 1)->results.value(0).key, u"flag-00"_s);

    const qint64 owner = first->results.first().createdBy.value_or(UserBasic()).id;
    QVERIFY(owner > 0);
    FlagListQuery mine;
    mine.createdById = owner;
    QCOMPARE(list(mine, 0, 100)->count, 25);
    mine.createdById = owner + 1000;
    QCOMPARE(list(mine, 0, 100)->count, 0);

    FlagListQuery boolean;
    boolean.type = u"multivariant"_s;
    QCOMPARE(list(boolean, 0, 100)->count, 0);
    boolean.type = u"boolean"_s;
    QCOMPARE(list(boolean, 0, 100)->count, 25);
}

void TestClient::listFiltersCombine()
{
    createNumberedFlags(25);
    FlagListQuery q;
    q.search = u"flag-1"_s;
    q.tags = {u"beta"_s};
    q.order = u"key"_s;
    const auto page = await<Page<FeatureFlag>>(
        [&](auto done) { return m_client->listFlags(q, 0, 100, this, done); });
    QVERIFY2(page.ok(), why(page));
    QCOMPARE(keysOf(page->results), QStringList({u"flag-10"_s, u"flag-15"_s}));
}

void TestClient::searchTextReachesTheServerIntact()
{
    flag(u"plus-flag"_s, {{u"name"_s, u"C++ & 50% off #1"_s}});
    flag(u"space-flag"_s, {{u"name"_s, u"C   & 50% off #1"_s}});
    FlagListQuery q;
    q.search = u"C++ & 50%"_s;
    const auto page = await<Page<FeatureFlag>>(
        [&](auto done) { return m_client->listFlags(q, 0, 100, this, done); });
    QVERIFY2(page.ok(), why(page));
    QCOMPARE(keysOf(page->results), QStringList{u"plus-flag"_s});
}

void TestClient::listAllFlagsFollowsPages()
{
    createNumberedFlags(25);
    Client::Options options = m_client->options();
    options.pageSize = 10;
    m_client->setOptions(options);

    QList<std::pair<int, int>> progress;
    FlagListQuery all;
    all.order = u"key"_s;
    const auto flags = await<QList<FeatureFlag>>([&](auto done) {
        return m_client->listAllFlags(
            all, this,
            [&](int loaded, int count) {
                progress.append({loaded, count});
            },
            done);
    });
    QVERIFY2(flags.ok(), why(flags));
    QCOMPARE(flags->size(), 25);
    QCOMPARE(flags->first().key, u"flag-00"_s);
    QCOMPARE(flags->last().key, u"flag-24"_s);
    const QStringList keys = keysOf(*flags);
    QCOMPARE(QSet<QString>(keys.begin(), keys.end()).size(), 25);
    QCOMPARE(progress, (QList<std::pair<int, int>>{{10, 25}, {20, 25}, {25, 25}}));
}

void TestClient::deleteIsNotAllowed()
{
    const qint64 id = flag(u"kept"_s);
    const auto deleted =
        await<Done>([&](auto done) { return m_client->deleteFlag(id, this, done); });
    QVERIFY(!deleted.ok());
    QCOMPARE(deleted.error().kind, ApiError::Kind::Http);
    QCOMPARE(deleted.error().status, 405);
    // No body (as PostHog's), so the client says it in its own words.
    QCOMPARE(deleted.error().message(), u"The server does not allow this action."_s);
}

void TestClient::flagActivityPages()
{
    const qint64 id = flag(u"audited"_s);
    QCOMPARE(m_server->patch(m_server->flags(QString::number(id)), QJsonObject{{u"name"_s, u"A"_s}})
                 .status,
             200);
    QCOMPARE(m_server->patch(m_server->flags(QString::number(id)), QJsonObject{{u"name"_s, u"B"_s}})
                 .status,
             200);

    const auto first = await<Page<ActivityEntry>>(
        [&](auto done) { return m_client->flagActivity(id, 1, 2, this, done); });
    QVERIFY2(first.ok(), why(first));
    QCOMPARE(first->count, 3);
    QCOMPARE(first->results.size(), 2);
    QVERIFY(!first->next.isEmpty());
    QVERIFY(first->previous.isEmpty());
    const auto second = await<Page<ActivityEntry>>(
        [&](auto done) { return m_client->flagActivity(id, 2, 2, this, done); });
    QVERIFY2(second.ok(), why(second));
    QCOMPARE(second->results.size(), 1);
    QVERIFY(second->next.isEmpty());
    QVERIFY(!second->previous.isEmpty());

    QStringList activities;
    for (const auto *page : {&first, &second})
        for (const ActivityEntry &entry : (*page)->results) {
            activities.append(entry.activity);
            QCOMPARE(entry.scope, u"FeatureFlag"_s);
            QCOMPARE(entry.itemId, QString::number(id));
            QVERIFY(!entry.id.isEmpty());
            QVERIFY(!entry.createdAt.isEmpty());
            QVERIFY(entry.user);
            QCOMPARE(entry.user->email, u"owner@bunting.local"_s);
        }
    activities.sort();
    QCOMPARE(activities, QStringList({u"created"_s, u"updated"_s, u"updated"_s}));
    const ActivityEntry &newest = first->results.first();
    const QJsonArray changes = newest.detail.value("changes"_L1).toArray();
    QVERIFY(!changes.isEmpty());
    QCOMPARE(changes.first()["field"_L1], QJsonValue(u"name"_s));
    QCOMPARE(changes.first()["after"_L1], QJsonValue(u"B"_s));

    const auto unknown = await<Page<ActivityEntry>>(
        [&](auto done) { return m_client->flagActivity(id + 100, 1, 2, this, done); });
    QVERIFY(!unknown.ok());
    QVERIFY(unknown.error().isNotFound());
    QCOMPARE(unknown.error().message(), u"Not found."_s);
}

void TestClient::projectActivity()
{
    flag(u"one"_s);
    flag(u"two"_s);
    const auto page = await<Page<ActivityEntry>>(
        [&](auto done) { return m_client->projectActivity(1, 10, this, done); });
    QVERIFY2(page.ok(), why(page));
    QCOMPARE(page->count, 2);
    QStringList names;
    for (const ActivityEntry &entry : page->results)
        names.append(entry.detail.value("name"_L1).toString());
    names.sort();
    QCOMPARE(names, QStringList({u"one"_s, u"two"_s}));
}

void TestClient::flagVersions()
{
    const qint64 id = flag(u"versioned"_s, {{u"name"_s, u"First"_s}});
    QCOMPARE(
        m_server->patch(m_server->flags(QString::number(id)), QJsonObject{{u"name"_s, u"Second"_s}})
            .status,
        200);
    const auto first =
        await<FeatureFlag>([&](auto done) { return m_client->flagVersion(id, 1, this, done); });
    QVERIFY2(first.ok(), why(first));
    QCOMPARE(first->id, id);
    QCOMPARE(first->version, 1);
    QCOMPARE(first->name, u"First"_s);
    QVERIFY(first->createdBy);
    QVERIFY(first->createdBy->id > 0);
    QVERIFY(!first->updatedAt.isEmpty());
    const auto second =
        await<FeatureFlag>([&](auto done) { return m_client->flagVersion(id, 2, this, done); });
    QVERIFY2(second.ok(), why(second));
    QCOMPARE(second->name, u"Second"_s);
    const auto missing =
        await<FeatureFlag>([&](auto done) { return m_client->flagVersion(id, 9, this, done); });
    QVERIFY(!missing.ok());
    QVERIFY(missing.error().isNotFound());
    QCOMPARE(missing.error().message(), u"Version 9 not found (current version is 2)"_s);
}

void TestClient::staticCohortForFlag()
{
    const qint64 id = flag(u"cohort-source"_s);
    const auto cohort = await<QJsonObject>(
        [&](auto done) { return m_client->createStaticCohortForFlag(id, this, done); });
    QVERIFY2(cohort.ok(), why(cohort));
    QVERIFY(cohort->value("id"_L1).toInteger() > 0);
    QCOMPARE(cohort->value("is_static"_L1), QJsonValue(true));

    const auto cohorts = await<Page<QJsonObject>>(
        [&](auto done) { return m_client->listCohorts(0, 10, this, done); });
    QVERIFY2(cohorts.ok(), why(cohorts));
    QCOMPARE(cohorts->count, 1);
    QCOMPARE(cohorts->results.first().value("id"_L1), cohort->value("id"_L1));
}

void TestClient::usageDashboard()
{
    const qint64 id = flag(u"dashboarded"_s, {{u"_should_create_usage_dashboard"_s, false}});
    const auto notYet = await<QJsonObject>(
        [&](auto done) { return m_client->enrichUsageDashboard(id, this, done); });
    QVERIFY(!notYet.ok());
    QCOMPARE(notYet.error().status, 400);
    QCOMPARE(notYet.error().message(), u"Usage dashboard not found"_s);

    const auto withDashboard = await<FeatureFlag>(
        [&](auto done) { return m_client->createUsageDashboard(id, this, done); });
    QVERIFY2(withDashboard.ok(), why(withDashboard));
    QCOMPARE(withDashboard->id, id);
    QVERIFY(withDashboard->usageDashboard);

    const auto dashboard = await<QJsonObject>([&](auto done) {
        return m_client->getDashboard(*withDashboard->usageDashboard, this, done);
    });
    QVERIFY2(dashboard.ok(), why(dashboard));
    QCOMPARE(dashboard->value("id"_L1).toInteger(), *withDashboard->usageDashboard);
    QCOMPARE(dashboard->value("tiles"_L1).toArray().size(), 2);

    setEnrichedAnalytics(id);
    const auto enriched = await<QJsonObject>(
        [&](auto done) { return m_client->enrichUsageDashboard(id, this, done); });
    QVERIFY2(enriched.ok(), why(enriched));
    QCOMPARE(*enriched, QJsonObject({{u"success"_s, true}}));
}

void TestClient::dependentFlags()
{
    const qint64 base = flag(u"base"_s);
    const QJsonObject dependsOnBase{
        {u"groups"_s,
         QJsonArray{QJsonObject{
             {u"properties"_s, QJsonArray{QJsonObject{{u"key"_s, QString::number(base)},
                                                      {u"type"_s, u"flag"_s},
                                                      {u"value"_s, true},
                                                      {u"operator"_s, u"flag_evaluates_to"_s}}}},
             {u"rollout_percentage"_s, 100}}}}};
    const qint64 dependent =
        flag(u"dependent"_s, {{u"name"_s, u"Needs base"_s}, {u"filters"_s, dependsOnBase}});
    flag(u"unrelated"_s);

    const auto refs = await<QList<FlagRef>>(
        [&](auto done) { return m_client->dependentFlags(base, this, done); });
    QVERIFY2(refs.ok(), why(refs));
    QCOMPARE(refs->size(), 1);
    QCOMPARE(refs->first().id, dependent);
    QCOMPARE(refs->first().key, u"dependent"_s);
    QCOMPARE(refs->first().name, u"Needs base"_s);
    const auto none = await<QList<FlagRef>>(
        [&](auto done) { return m_client->dependentFlags(dependent, this, done); });
    QVERIFY2(none.ok(), why(none));
    QVERIFY(none->isEmpty());
}

void TestClient::remoteConfig()
{
    const QJsonObject filters{
        {u"groups"_s, rolledOut(100).value("groups"_L1)},
        {u"payloads"_s, QJsonObject{{u"true"_s, u"{\"color\": \"blue\"}"_s}}}};
    const qint64 id =
        flag(u"theme"_s, {{u"is_remote_configuration"_s, true}, {u"filters"_s, filters}});
    const auto payload =
        await<QJsonValue>([&](auto done) { return m_client->remoteConfig(id, this, done); });
    QVERIFY2(payload.ok(), why(payload));
    QCOMPARE(*payload, QJsonValue(u"{\"color\": \"blue\"}"_s));

    const qint64 plain = flag(u"plain"_s);
    const auto none =
        await<QJsonValue>([&](auto done) { return m_client->remoteConfig(plain, this, done); });
    QVERIFY(!none.ok());
    QVERIFY(none.error().isNotFound());
}

void TestClient::flagStatus()
{
    const qint64 id = flag(u"fresh"_s);
    const auto status =
        await<FlagStatus>([&](auto done) { return m_client->flagStatus(id, this, done); });
    QVERIFY2(status.ok(), why(status));
    QCOMPARE(status->status, u"active"_s);
    QCOMPARE(status->reason, u"Flag has no usage data yet"_s);

    QCOMPARE(
        m_server->patch(m_server->flags(QString::number(id)), QJsonObject{{u"deleted"_s, true}})
            .status,
        200);
    const auto deleted =
        await<FlagStatus>([&](auto done) { return m_client->flagStatus(id, this, done); });
    QVERIFY2(deleted.ok(), why(deleted));
    QCOMPARE(deleted->status, u"deleted"_s);
}

void TestClient::testEvaluation()
{
    const qint64 id = flag(u"everyone"_s);
    const auto answer = await<QJsonObject>([&](auto done) {
        return m_client->testEvaluation(id, {{u"distinct_id"_s, u"user-1"_s}}, this, done);
    });
    QVERIFY2(answer.ok(), why(answer));
    QCOMPARE(answer->value("flag_key"_L1), QJsonValue(u"everyone"_s));
    QCOMPARE(answer->value("result"_L1), QJsonValue(true));
    QCOMPARE(answer->value("reason"_L1), QJsonValue(u"condition_match"_s));
    QCOMPARE(answer->value("evaluation_distinct_id"_L1), QJsonValue(u"user-1"_s));
}

void TestClient::evaluationReasons()
{
    flag(u"everyone"_s);
    flag(u"nobody"_s, {{u"filters"_s, rolledOut(0)}});
    const auto reasons = await<QJsonObject>([&](auto done) {
        return m_client->evaluationReasons(u"user+1@example.com"_s, {}, this, done);
    });
    QVERIFY2(reasons.ok(), why(reasons));
    QCOMPARE(reasons->size(), 2);
    QCOMPARE((*reasons)["everyone"_L1]["value"_L1], QJsonValue(true));
    QCOMPARE((*reasons)["everyone"_L1]["evaluation"_L1]["reason"_L1],
             QJsonValue(u"condition_match"_s));
    QCOMPARE((*reasons)["nobody"_L1]["value"_L1], QJsonValue(false));
    QCOMPARE((*reasons)["nobody"_L1]["evaluation"_L1]["reason"_L1],
             QJsonValue(u"out_of_rollout_bound"_s));
}

void TestClient::bulkKeys()
{
    const qint64 a = flag(u"alpha"_s);
    const qint64 b = flag(u"beta"_s);
    const auto keys = await<QHash<qint64, QString>>([&](auto done) {
        return m_client->bulkKeys({a, b, b + 1000}, this, done);
    });
    QVERIFY2(keys.ok(), why(keys));
    QCOMPARE(*keys, (QHash<qint64, QString>{{a, u"alpha"_s}, {b, u"beta"_s}}));
}

void TestClient::bulkUpdateTags()
{
    const qint64 a = flag(u"alpha"_s);
    const qint64 b = flag(u"beta"_s, {{u"tags"_s, QJsonArray{u"old"_s}}});
    const qint64 missing = b + 1000;
    const auto tagsOf = [&](qint64 id) {
        return await<FeatureFlag>([&](auto done) { return m_client->getFlag(id, this, done); })
            ->tags;
    };

    const auto added = await<BulkTagsResult>([&](auto done) {
        return m_client->bulkUpdateTags({a, b, missing}, Client::TagAction::Add, {u"new"_s}, this,
                                        done);
    });
    QVERIFY2(added.ok(), why(added));
    QCOMPARE(QSet<qint64>(added->updated.begin(), added->updated.end()), (QSet<qint64>{a, b}));
    QCOMPARE(added->skipped.size(), 1);
    QCOMPARE(added->skipped.first().first, missing);
    QCOMPARE(added->skipped.first().second, u"Not found or no edit access"_s);
    QCOMPARE(tagsOf(a), QStringList{u"new"_s});
    QCOMPARE(tagsOf(b), QStringList({u"new"_s, u"old"_s}));

    const auto removed = await<BulkTagsResult>([&](auto done) {
        return m_client->bulkUpdateTags({b}, Client::TagAction::Remove, {u"old"_s}, this, done);
    });
    QVERIFY2(removed.ok(), why(removed));
    QCOMPARE(tagsOf(b), QStringList{u"new"_s});

    const auto set = await<BulkTagsResult>([&](auto done) {
        return m_client->bulkUpdateTags({a, b}, Client::TagAction::Set, {u"x"_s, u"y"_s}, this,
                                        done);
    });
    QVERIFY2(set.ok(), why(set));
    QCOMPARE(tagsOf(a), QStringList({u"x"_s, u"y"_s}));
    QCOMPARE(tagsOf(b), QStringList({u"x"_s, u"y"_s}));

    const auto refused = await<BulkTagsResult>([&](auto done) {
        return m_client->bulkUpdateTags({a}, Client::TagAction::Add, {}, this, done);
    });
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().status, 400);
    QCOMPARE(refused.error().attr, u"tags"_s);
}

void TestClient::bulkDelete()
{
    const qint64 base = flag(u"base"_s);
    const QJsonObject dependsOnBase{
        {u"groups"_s,
         QJsonArray{QJsonObject{
             {u"properties"_s, QJsonArray{QJsonObject{{u"key"_s, QString::number(base)},
                                                      {u"type"_s, u"flag"_s},
                                                      {u"value"_s, true},
                                                      {u"operator"_s, u"flag_evaluates_to"_s}}}},
             {u"rollout_percentage"_s, 100}}}}};
    flag(u"dependent"_s, {{u"filters"_s, dependsOnBase}});
    const qint64 loose = flag(u"loose"_s);
    const qint64 missing = loose + 1000;

    const auto result = await<BulkDeleteResult>([&](auto done) {
        return m_client->bulkDelete({base, loose, missing}, this, done);
    });
    QVERIFY2(result.ok(), why(result));
    QCOMPARE(result->deleted.size(), 1);
    QCOMPARE(result->deleted.first().id, loose);
    QCOMPARE(result->deleted.first().key, u"loose"_s);
    QCOMPARE(result->refused.size(), 2);
    QHash<qint64, BulkDeleteResult::Refused> refused;
    for (const auto &r : result->refused)
        refused.insert(r.id, r);
    QCOMPARE(refused.value(missing).reason, u"Flag not found"_s);
    QCOMPARE(refused.value(base).key, u"base"_s);
    QVERIFY2(refused.value(base).reason.contains("depend"_L1), qPrintable(refused[base].reason));

    const auto gone =
        await<FeatureFlag>([&](auto done) { return m_client->getFlag(loose, this, done); });
    QVERIFY(!gone.ok() || gone->deleted);

    const auto empty =
        await<BulkDeleteResult>([&](auto done) { return m_client->bulkDelete({}, this, done); });
    QVERIFY(!empty.ok());
    QCOMPARE(empty.error().status, 400);
    QCOMPARE(empty.error().message(), u"Must provide either filters or ids"_s);
}

void TestClient::listGroupTypes()
{
    const auto none =
        await<QList<GroupType>>([&](auto done) { return m_client->listGroupTypes(this, done); });
    QVERIFY2(none.ok(), why(none));
    QVERIFY(none->isEmpty());
    bunting::server::GroupRepository groups(m_server->server().database());
    groups.ensureMapping(m_server->projectId(), u"company"_s);
    groups.ensureMapping(m_server->projectId(), u"team"_s);
    const auto two =
        await<QList<GroupType>>([&](auto done) { return m_client->listGroupTypes(this, done); });
    QVERIFY2(two.ok(), why(two));
    QCOMPARE(two->size(), 2);
    QCOMPARE(two->at(0).index, 0);
    QCOMPARE(two->at(0).name, u"company"_s);
    QCOMPARE(two->at(1).index, 1);
    QCOMPARE(two->at(1).name, u"team"_s);
    // The names the project gives them, which an offline copy carries over.
    groups.updateNames(m_server->projectId(), 1, u"Squad"_s, u"Squads"_s);
    const auto named =
        await<QList<GroupType>>([&](auto done) { return m_client->listGroupTypes(this, done); });
    QVERIFY2(named.ok(), why(named));
    QCOMPARE(named->at(1).singularName, u"Squad"_s);
    QCOMPARE(named->at(1).pluralName, u"Squads"_s);
}

void TestClient::listPersons()
{
    server::PersonRepository persons(m_server->server().database());
    persons.create(m_server->projectId(), {u"alice-id"_s}, {{u"email"_s, u"alice@example.com"_s}});
    persons.create(m_server->projectId(), {u"bob-id"_s}, {{u"email"_s, u"bob@example.com"_s}});

    const auto alice = await<Page<QJsonObject>>(
        [&](auto done) { return m_client->listPersons(u"alice@example"_s, 0, 10, this, done); });
    QVERIFY2(alice.ok(), why(alice));
    QCOMPARE(alice->count, 1);
    QCOMPARE(alice->results.first().value("distinct_ids"_L1),
             QJsonValue(QJsonArray{u"alice-id"_s}));

    const auto first = await<Page<QJsonObject>>(
        [&](auto done) { return m_client->listPersons({}, 0, 1, this, done); });
    QVERIFY2(first.ok(), why(first));
    QCOMPARE(first->count, 2);
    QCOMPARE(first->results.size(), 1);
    QVERIFY(!first->next.isEmpty());
}

void TestClient::staleVersionIsAConflict()
{
    // PostHog's rule: a stale `version` with the `original_flag` the change started from, and a
    // field someone else changed meanwhile, is 409 {"type": "server_error", "code": "conflict"}.
    const qint64 id = flag(u"contended"_s);
    const QJsonObject original = m_server->get(m_server->flags(QString::number(id))).object();
    QCOMPARE(
        m_server->patch(m_server->flags(QString::number(id)), QJsonObject{{u"name"_s, u"Theirs"_s}})
            .status,
        200);
    const auto mine = await<FeatureFlag>([&](auto done) {
        return m_client->updateFlag(
            id, {{u"name"_s, u"Mine"_s}, {u"version"_s, 1}, {u"original_flag"_s, original}}, this,
            done);
    });
    QVERIFY(!mine.ok());
    const ApiError &e = mine.error();
    QCOMPARE(e.kind, ApiError::Kind::Http);
    QVERIFY(e.isConflict());
    QCOMPARE(e.type, u"server_error"_s);
    QCOMPARE(e.code, u"conflict"_s);
    QVERIFY(e.attr.isEmpty());
    QVERIFY(e.detail.contains("since you started editing it"_L1));
    QCOMPARE(e.message(), e.detail);
}

void TestClient::validationErrorCarriesAttr()
{
    const auto bad = await<FeatureFlag>([&](auto done) {
        return m_client->createFlag({{u"key"_s, u"not a valid key!"_s}}, this, done);
    });
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().status, 400);
    QCOMPARE(bad.error().type, u"validation_error"_s);
    QCOMPARE(bad.error().attr, u"key"_s);
    QVERIFY(!bad.error().detail.isEmpty());
}

void TestClient::badKeyIsUnauthenticated()
{
    m_client->setEndpoint(endpoint(u"phx_not_a_key"_s));
    const auto page = await<Page<FeatureFlag>>(
        [&](auto done) { return m_client->listFlags({}, 0, 10, this, done); });
    QVERIFY(!page.ok());
    QCOMPARE(page.error().kind, ApiError::Kind::Http);
    QVERIFY(page.error().isAuthentication());
    QVERIFY(!page.error().message().isEmpty());
}

void TestClient::missingScopeIsForbidden()
{
    const qint64 id = flag(u"guarded"_s);
    m_client->setEndpoint(endpoint(m_server->keyWithScopes({u"feature_flag:read"_s})));
    const auto read =
        await<FeatureFlag>([&](auto done) { return m_client->getFlag(id, this, done); });
    QVERIFY2(read.ok(), why(read));
    const auto write = await<FeatureFlag>([&](auto done) {
        return m_client->updateFlag(id, {{u"name"_s, u"No"_s}}, this, done);
    });
    QVERIFY(!write.ok());
    QVERIFY(write.error().isPermission());
    QVERIFY(!write.error().message().isEmpty());
}

void TestClient::otherProjectIsNotFound()
{
    Endpoint elsewhere = endpoint();
    elsewhere.projectId = QString::number(m_server->projectId() + 1000);
    m_client->setEndpoint(elsewhere);
    const auto page = await<Page<FeatureFlag>>(
        [&](auto done) { return m_client->listFlags({}, 0, 10, this, done); });
    QVERIFY(!page.ok());
    QVERIFY(page.error().isNotFound());
}

void TestClient::currentProject()
{
    flag(u"mine"_s);
    Endpoint current = endpoint();
    current.projectId = u"@current"_s;
    m_client->setEndpoint(current);
    const auto page = await<Page<FeatureFlag>>(
        [&](auto done) { return m_client->listFlags({}, 0, 10, this, done); });
    QVERIFY2(page.ok(), why(page));
    QCOMPARE(keysOf(page->results), QStringList{u"mine"_s});
}

void TestClient::cancelGivesCanceled()
{
    const qint64 id = flag(u"wanted"_s);
    QList<ApiError::Kind> outcomes;
    PendingCall *call = m_client->getFlag(id, this, [&](const Result<FeatureFlag> &r) {
        outcomes.append(r.ok() ? ApiError::Kind::Http : r.error().kind);
    });
    QPointer<PendingCall> pointer(call);
    QSignalSpy finished(call, &PendingCall::finished);
    QVERIFY(call->isRunning());
    QCOMPARE(m_client->runningCalls(), 1);
    call->cancel();
    QCOMPARE(outcomes, QList<ApiError::Kind>{ApiError::Kind::Canceled});
    QCOMPARE(finished.size(), 1);
    QCOMPARE(m_client->runningCalls(), 0);
    QTRY_VERIFY(pointer.isNull());
    QCOMPARE(outcomes.size(), 1);
}

void TestClient::destroyedContextSuppressesTheCallback()
{
    const qint64 id = flag(u"wanted"_s);
    auto context = std::make_unique<QObject>();
    int called = 0;
    PendingCall *call =
        m_client->getFlag(id, context.get(), [&](const Result<FeatureFlag> &) { ++called; });
    QPointer<PendingCall> pointer(call);
    QSignalSpy finished(call, &PendingCall::finished);
    context.reset();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(m_client->runningCalls(), 0);
    QTRY_VERIFY(pointer.isNull());
    QCOMPARE(called, 0);

    // A context that outlives its call changes nothing.
    auto living = std::make_unique<QObject>();
    const auto got =
        await<FeatureFlag>([&](auto done) { return m_client->getFlag(id, living.get(), done); });
    QVERIFY2(got.ok(), why(got));
}

void TestClient::destroyedClientEndsItsCalls()
{
    const qint64 id = flag(u"wanted"_s);
    int called = 0;
    PendingCall *call = m_client->getFlag(id, this, [&](const Result<FeatureFlag> &) { ++called; });
    QPointer<PendingCall> pointer(call);
    QSignalSpy finished(call, &PendingCall::finished);
    m_client.reset();
    QCOMPARE(finished.size(), 1);
    QTRY_VERIFY(pointer.isNull());
    QCOMPARE(called, 0);
}

void TestClient::cancelingListAllFlagsStopsPaging()
{
    createNumberedFlags(12);
    Client::Options options = m_client->options();
    options.pageSize = 2;
    m_client->setOptions(options);
    PendingCall *call = nullptr;
    int pages = 0;
    std::optional<Result<QList<FeatureFlag>>> result;
    call = m_client->listAllFlags(
        {}, this,
        [&](int, int) {
            if (++pages == 3)
                call->cancel();
        },
        [&](const Result<QList<FeatureFlag>> &r) { result.emplace(r); });
    QPointer<PendingCall> pointer(call);
    QTRY_VERIFY(result.has_value());
    QVERIFY(!result->ok());
    QCOMPARE(result->error().kind, ApiError::Kind::Canceled);
    QTRY_VERIFY(pointer.isNull());
    QCOMPARE(pages, 3);
}

void TestClient::callsReportThemselves()
{
    const qint64 id = flag(u"described"_s);
    QSignalSpy running(m_client.get(), &Client::runningCallsChanged);
    int answered = 0;
    const auto count = [&](const auto &) { ++answered; };
    PendingCall *get = m_client->getFlag(id, this, count);
    PendingCall *save = m_client->updateFlag(id, {{u"name"_s, u"Saved"_s}}, this, count);
    PendingCall *list = m_client->listFlags({}, 0, 10, this, count);
    PendingCall *all = m_client->listAllFlags({}, this, {}, count);
    QCOMPARE(get->description(), u"Loading flag %1"_s.arg(id));
    QCOMPARE(save->description(), u"Saving flag %1"_s.arg(id));
    QCOMPARE(list->description(), u"Loading flags"_s);
    QCOMPARE(all->description(), u"Loading all flags"_s);
    QCOMPARE(m_client->runningCalls(), 4);
    QTRY_COMPARE(answered, 4);
    QCOMPARE(m_client->runningCalls(), 0);
    QList<int> counts;
    for (const QList<QVariant> &signal : std::as_const(running))
        counts.append(signal.first().toInt());
    QCOMPARE(counts.mid(0, 4), QList<int>({1, 2, 3, 4}));
    QCOMPARE(counts.last(), 0);
    QCOMPARE(counts.size(), 8);
}

QTEST_GUILESS_MAIN(TestClient)
#include "tst_client.moc"
