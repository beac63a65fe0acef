// The activity model against a real local server over HTTP, through the real client: a flag
// changed 30 times, its entries spread over three days by moving their timestamps in the
// database, paged through, rendered as sentences, and narrowed by every filter. A
// QAbstractItemModelTester watches every test for broken model signals.
#include "activity_model.h"
#include "client.h"
#include "test_builders.h"
#include "test_server.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::models::ActivityFilter;
using bunting::models::ActivityModel;

namespace {

constexpr int kTimeout = 15000;
constexpr int kChanges = 30;

// A rollout to everyone, split between control and test when `controlShare` is given.
QJsonObject withVariants(int percentage, int controlShare)
{
    if (controlShare == 0)
        return test_builders::everyone(percentage);
    return test_builders::flagFilters(
        {test_builders::condition(percentage)},
        test_builders::multivariate(
            {{u"control"_s, controlShare}, {u"test"_s, 100 - controlShare}}));
}

} // namespace

class TestActivityModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void groupsByDayAndPagesThroughEveryEntry();
    void entriesSayWhoAndWhat();
    void changesReadAsSentences();
    void filterByUser();
    void filterByKind();
    void filterByDateRange();
    void filterBySearch();
    void filterAppliesToPagesLoadedLater();
    void deletionAndRestore();
    void projectScopeShowsEveryFlag();
    void versionWhenTheEntryCarriesIt();
    void missingFlagReportsTheError();

private:
    qint64 createCheckout();
    // Moves the flag's oldest entries to earlier days: 10 to three days ago, 10 to yesterday.
    void spreadOverDays(qint64 flagId);
    qint64 addUser(const QString &firstName, const QString &email);
    void loadAll();
    QList<QModelIndex> entryIndexes() const;
    QStringList sentencesOf(const QModelIndex &entry) const;

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<ActivityModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestActivityModel::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(
        api::Endpoint{QUrl(u"http://127.0.0.1:%1"_s.arg(m_server->port())),
                      QString::number(m_server->projectId()), m_server->ownerKey()});
    m_model = std::make_unique<ActivityModel>();
    m_model->setPageSize(8);
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestActivityModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_client.reset();
    m_server.reset();
}

// One creation and 30 edits, each one kind: rollout, tags, active, name, variants.
qint64 TestActivityModel::createCheckout()
{
    const qint64 id = m_server
                          ->createFlag({{u"key"_s, u"checkout"_s},
                                        {u"name"_s, u"Checkout"_s},
                                        {u"filters"_s, test_builders::everyone(30)}})
                          .value(u"id"_s)
                          .toInteger();
    const QList<QJsonObject> edits = test_builders::cyclingEdits(kChanges, withVariants);
    for (qsizetype i = 0; i < edits.size(); ++i) {
        const TestServer::Reply reply =
            m_server->patch(m_server->flags(u"%1/"_s.arg(id)), edits.at(i));
        if (reply.status != 200)
            qWarning("edit %d answered %d: %s", int(i), reply.status, reply.body.constData());
    }
    return id;
}

void TestActivityModel::spreadOverDays(qint64 flagId)
{
    const auto &db = m_server->server().database();
    QSqlQuery rows = db.exec(u"SELECT id FROM activity_log WHERE item_id = ? ORDER BY id"_s,
                             {QString::number(flagId)});
    QList<qint64> ids;
    while (rows.next())
        ids.append(rows.value(0).toLongLong());
    const QDateTime now = QDateTime::currentDateTime();
    for (int i = 0; i < 20 && i < ids.size(); ++i) {
        // Noon keeps both days what they are in any time zone's evening or morning.
        const QDate day = now.date().addDays(i < 10 ? -3 : -1);
        const QDateTime time(day, QTime(12, 0).addSecs(i * 60));
        db.exec(u"UPDATE activity_log SET created_at = ? WHERE id = ?"_s,
                {test_builders::activityTimestamp(time), ids[i]});
    }
}

qint64 TestActivityModel::addUser(const QString &firstName, const QString &email)
{
    const QString uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    return m_server->server()
        .database()
        .scalar(u"INSERT INTO users (uuid, distinct_id, first_name, last_name, email, "
                "created_at) VALUES (?, ?, ?, '', ?, '2026-01-01T00:00:00Z') RETURNING id"_s,
                {uuid, uuid, firstName, email})
        ->toLongLong();
}

void TestActivityModel::loadAll()
{
    QSignalSpy loaded(m_model.get(), &ActivityModel::pageLoaded);
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty() || !m_model->isLoading(), kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(!m_model->isLoading(), kTimeout);
    while (m_model->canFetchMore({})) {
        m_model->fetchMore({});
        QTRY_VERIFY_WITH_TIMEOUT(!m_model->isLoading(), kTimeout);
    }
    QCOMPARE(m_model->loadedCount(), m_model->totalCount());
}

QList<QModelIndex> TestActivityModel::entryIndexes() const
{
    QList<QModelIndex> entries;
    for (int d = 0; d < m_model->rowCount(); ++d) {
        const QModelIndex day = m_model->index(d, 0);
        for (int e = 0; e < m_model->rowCount(day); ++e)
            entries.append(m_model->index(e, 0, day));
    }
    return entries;
}

QStringList TestActivityModel::sentencesOf(const QModelIndex &entry) const
{
    QStringList sentences;
    for (int c = 0; c < m_model->rowCount(entry); ++c)
        sentences.append(m_model->index(c, 0, entry).data().toString());
    return sentences;
}

void TestActivityModel::groupsByDayAndPagesThroughEveryEntry()
{
    const qint64 id = createCheckout();
    spreadOverDays(id);
    QSignalSpy loaded(m_model.get(), &ActivityModel::pageLoaded);
    m_model->setClient(m_client.get());
    m_model->setFlag(id);
    QVERIFY(loaded.wait(kTimeout));
    // The first page only, until a view (here the model tester) asks for more.
    QCOMPARE(m_model->loadedCount(), 8);
    QCOMPARE(m_model->totalCount(), kChanges + 1);
    loadAll();
    QVERIFY(!m_model->canFetchMore({}));
    QCOMPARE(m_model->loadedCount(), kChanges + 1);
    QCOMPARE(m_model->visibleCount(), kChanges + 1);

    const QDate today = QDate::currentDate();
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_model->index(0, 0).data().toString(), u"Today"_s);
    QCOMPARE(m_model->index(1, 0).data().toString(), u"Yesterday"_s);
    QCOMPARE(m_model->index(2, 0).data().toString(),
             QLocale().toString(today.addDays(-3), u"ddd d MMM yyyy"_s));
    QCOMPARE(m_model->rowCount(m_model->index(0, 0)), kChanges + 1 - 20);
    QCOMPARE(m_model->rowCount(m_model->index(1, 0)), 10);
    QCOMPARE(m_model->rowCount(m_model->index(2, 0)), 10);
    QVERIFY(m_model->index(0, 0).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(!(m_model->flags(m_model->index(0, 0)) & Qt::ItemIsSelectable));

    // Newest first, each entry under its own day.
    QDateTime previous = QDateTime::currentDateTime().addSecs(60);
    for (int d = 0; d < m_model->rowCount(); ++d) {
        const QModelIndex day = m_model->index(d, 0);
        for (int e = 0; e < m_model->rowCount(day); ++e) {
            const QDateTime time =
                m_model->index(e, 0, day).data(ActivityModel::TimestampRole).toDateTime();
            QVERIFY(time <= previous);
            QCOMPARE(time.date(), day.data(ActivityModel::TimestampRole).toDateTime().date());
            QCOMPARE(m_model->index(e, 0, day).data(ActivityModel::FlagIdRole).toLongLong(), id);
            previous = time;
        }
    }
    // The oldest entry is the creation.
    const QModelIndex oldestDay = m_model->index(2, 0);
    const QModelIndex creation = m_model->index(9, 0, oldestDay);
    QCOMPARE(creation.data(ActivityModel::KindRole).toString(), u"created"_s);
    QCOMPARE(creation.siblingAtColumn(1).data().toString(),
             QLocale().toString(QTime(12, 0), u"HH:mm"_s));
}

void TestActivityModel::entriesSayWhoAndWhat()
{
    const qint64 id = createCheckout();
    m_model->setClient(m_client.get());
    m_model->setFlag(id);
    loadAll();
    const QList<QModelIndex> entries = entryIndexes();
    QCOMPARE(entries.size(), kChanges + 1);
    QCOMPARE(entries.last().data().toString(), u"Owner created checkout"_s);
    QCOMPARE(entries.last().data(ActivityModel::UserRole).toString(), u"Owner"_s);
    // Newest first: the last edit (i = 29) changed variants, the one before (28) the name.
    QCOMPARE(entries[0].data().toString(), u"Owner changed checkout: variants"_s);
    QCOMPARE(entries[1].data().toString(), u"Owner changed checkout: name"_s);
    QCOMPARE(entries[2].data().toString(), u"Owner changed checkout: active"_s);
    QCOMPARE(entries[3].data().toString(), u"Owner changed checkout: tags"_s);
    // A rollout edit sends only `groups`; PostHog merges it over the stored filters, so the
    // variants the edit before added stay.
    QCOMPARE(entries[4].data().toString(), u"Owner changed checkout: rollout"_s);
    QCOMPARE(entries[kChanges - 1].data().toString(), u"Owner changed checkout: rollout"_s);
    QCOMPARE(entries[0].data(ActivityModel::KindRole).toString(), u"updated"_s);
    QVERIFY(!entries[0].data(ActivityModel::EntryIdRole).toString().isEmpty());
}

void TestActivityModel::changesReadAsSentences()
{
    const qint64 id = createCheckout();
    m_model->setClient(m_client.get());
    m_model->setFlag(id);
    loadAll();
    const QList<QModelIndex> entries = entryIndexes();
    // Oldest edits last: edit 0 set the rollout 30 → 50, edit 1 added the tag "beta", edit 2
    // turned the flag off, edit 3 renamed it, edit 4 added variants.
    const int n = int(entries.size());
    const QStringList rolloutChange = sentencesOf(entries[n - 2]);
    QCOMPARE(rolloutChange.size(), 1);
    QVERIFY2(rolloutChange[0].contains(u"30%"_s) && rolloutChange[0].contains(u"50%"_s),
             qPrintable(rolloutChange[0]));
    QVERIFY(rolloutChange[0].indexOf(u"30%"_s) < rolloutChange[0].indexOf(u"50%"_s));
    QCOMPARE(sentencesOf(entries[n - 3]), QStringList{u"Tags: added \"beta\""_s});
    QCOMPARE(sentencesOf(entries[n - 4]), QStringList{u"Active: on → off"_s});
    QCOMPARE(sentencesOf(entries[n - 5]), QStringList{u"Name: Checkout → Checkout 3"_s});
    const QStringList variants = sentencesOf(entries[n - 6]);
    QVERIFY2(variants.size() >= 2, qPrintable(variants.join(u'|')));
    QVERIFY2(variants.join(u'|').contains(u"\"control\""_s), qPrintable(variants.join(u'|')));
    QCOMPARE(sentencesOf(entries[n - 8]), QStringList{u"Tags: added \"t6\""_s});
    // Nothing anywhere reads as raw JSON.
    for (const QModelIndex &entry : entries)
        for (const QString &sentence : sentencesOf(entry))
            QVERIFY2(!sentence.contains(u'{') && !sentence.contains(u'['), qPrintable(sentence));
}

void TestActivityModel::filterByUser()
{
    const qint64 id = createCheckout();
    const qint64 ada = addUser(u"Ada"_s, u"ada@example.com"_s);
    // Ada made the five newest edits.
    m_server->server().database().exec(u"UPDATE activity_log SET user_id = ? WHERE id IN "
                                       "(SELECT id FROM activity_log ORDER BY id DESC LIMIT 5)"_s,
                                       {ada});
    m_model->setClient(m_client.get());
    m_model->setFlag(id);
    loadAll();
    const auto users = m_model->users();
    QCOMPARE(users.size(), 2);
    QCOMPARE(users[0].second, u"Ada"_s);
    QCOMPARE(users[1].second, u"Owner"_s);

    m_model->setFilter({users[0].first, {}, {}, {}, {}});
    QCOMPARE(m_model->visibleCount(), 5);
    for (const QModelIndex &entry : entryIndexes()) {
        QCOMPARE(entry.data(ActivityModel::UserRole).toString(), u"Ada"_s);
        QVERIFY(entry.data().toString().startsWith(u"Ada changed checkout"_s));
    }
    m_model->setFilter({users[1].first, {}, {}, {}, {}});
    QCOMPARE(m_model->visibleCount(), kChanges + 1 - 5);
    m_model->setFilter({});
    QCOMPARE(m_model->visibleCount(), kChanges + 1);
}

void TestActivityModel::filterByKind()
{
    const qint64 id = createCheckout();
    m_model->setClient(m_client.get());
    m_model->setFlag(id);
    loadAll();
    QCOMPARE(m_model->changedFields(),
             (QStringList{u"active"_s, u"filters"_s, u"name"_s, u"tags"_s}));
    m_model->setFilter({{}, u"created"_s, {}, {}, {}});
    QCOMPARE(m_model->visibleCount(), 1);
    m_model->setFilter({{}, u"updated"_s, {}, {}, {}});
    QCOMPARE(m_model->visibleCount(), kChanges);
    m_model->setFilter({{}, u"field:tags"_s, {}, {}, {}});
    QCOMPARE(m_model->visibleCount(), kChanges / 5);
    // Rollout and variant edits both change filters; the creation set them too.
    m_model->setFilter({{}, u"field:filters"_s, {}, {}, {}});
    const int filterEdits = m_model->visibleCount();
    QVERIFY2(filterEdits == 2 * kChanges / 5 || filterEdits == 2 * kChanges / 5 + 1,
             qPrintable(QString::number(filterEdits)));
    m_model->setFilter({{}, u"deleted"_s, {}, {}, {}});
    QCOMPARE(m_model->visibleCount(), 0);
    QCOMPARE(m_model->rowCount(), 0);
}

void TestActivityModel::filterByDateRange()
{
    const qint64 id = createCheckout();
    spreadOverDays(id);
    m_model->setClient(m_client.get());
    m_model->setFlag(id);
    loadAll();
    const QDate today = QDate::currentDate();
    m_model->setFilter({{}, {}, today.addDays(-1), today.addDays(-1), {}});
    QCOMPARE(m_model->visibleCount(), 10);
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(m_model->index(0, 0).data().toString(), u"Yesterday"_s);
    m_model->setFilter({{}, {}, today.addDays(-1), {}, {}});
    QCOMPARE(m_model->visibleCount(), kChanges + 1 - 10);
    m_model->setFilter({{}, {}, {}, today.addDays(-2), {}});
    QCOMPARE(m_model->visibleCount(), 10);
    m_model->setFilter({{}, {}, today.addDays(1), {}, {}});
    QCOMPARE(m_model->visibleCount(), 0);
}

void TestActivityModel::filterBySearch()
{
    const qint64 id = createCheckout();
    m_model->setClient(m_client.get());
    m_model->setFlag(id);
    loadAll();
    // In the change sentences, as typed whatever the case: the renames to and from "Checkout 8".
    m_model->setFilter({{}, {}, {}, {}, u"  CHECKOUT 8 "_s});
    QCOMPARE(m_model->visibleCount(), 2);
    m_model->setFilter({{}, {}, {}, {}, u"checkout 8 →"_s});
    QCOMPARE(m_model->visibleCount(), 1);
    m_model->setFilter({{}, {}, {}, {}, u"t26"_s});
    QCOMPARE(m_model->visibleCount(), 1);
    // The user's email.
    m_model->setFilter({{}, {}, {}, {}, u"owner@bunting"_s});
    QCOMPARE(m_model->visibleCount(), kChanges + 1);
    m_model->setFilter({{}, {}, {}, {}, u"no such words"_s});
    QCOMPARE(m_model->visibleCount(), 0);
}

void TestActivityModel::filterAppliesToPagesLoadedLater()
{
    const qint64 id = createCheckout();
    m_model->setFilter({{}, u"created"_s, {}, {}, {}});
    QSignalSpy loaded(m_model.get(), &ActivityModel::pageLoaded);
    m_model->setClient(m_client.get());
    m_model->setFlag(id);
    QVERIFY(loaded.wait(kTimeout));
    // The creation is the oldest entry: not on the first page.
    QCOMPARE(m_model->visibleCount(), 0);
    loadAll();
    QCOMPARE(m_model->visibleCount(), 1);
    QCOMPARE(entryIndexes().first().data(ActivityModel::KindRole).toString(), u"created"_s);
}

void TestActivityModel::deletionAndRestore()
{
    const qint64 id =
        m_server->createFlag({{u"key"_s, u"gone"_s}, {u"filters"_s, test_builders::everyone(10)}})
            .value(u"id"_s)
            .toInteger();
    for (const bool deleted : {true, false}) {
        const TestServer::Reply reply = m_server->patch(m_server->flags(u"%1/"_s.arg(id)),
                                                        QJsonObject{{u"deleted"_s, deleted}});
        QVERIFY2(reply.status == 200, reply.body.constData());
    }
    m_model->setClient(m_client.get());
    m_model->setFlag(id);
    loadAll();
    const QList<QModelIndex> entries = entryIndexes();
    QCOMPARE(entries.size(), 3);
    QCOMPARE(entries[0].data().toString(), u"Owner restored gone"_s);
    QCOMPARE(entries[0].data(ActivityModel::KindRole).toString(), u"restored"_s);
    QCOMPARE(sentencesOf(entries[0]), QStringList{u"Flag restored"_s});
    QCOMPARE(entries[1].data().toString(), u"Owner deleted gone"_s);
    QCOMPARE(sentencesOf(entries[1]), QStringList{u"Flag deleted"_s});
    m_model->setFilter({{}, u"restored"_s, {}, {}, {}});
    QCOMPARE(m_model->visibleCount(), 1);
}

void TestActivityModel::projectScopeShowsEveryFlag()
{
    QSet<qint64> ids;
    for (const QString &key : {u"alpha"_s, u"beta"_s, u"gamma"_s}) {
        const qint64 id =
            m_server->createFlag({{u"key"_s, key}, {u"filters"_s, test_builders::everyone(10)}})
                .value(u"id"_s)
                .toInteger();
        ids.insert(id);
        const TestServer::Reply reply =
            m_server->patch(m_server->flags(u"%1/"_s.arg(id)), QJsonObject{{u"active"_s, false}});
        QVERIFY2(reply.status == 200, reply.body.constData());
    }
    m_model->setClient(m_client.get());
    m_model->setFlag(0);
    loadAll();
    QCOMPARE(m_model->loadedCount(), 6);
    QSet<qint64> seen;
    QStringList headlines;
    for (const QModelIndex &entry : entryIndexes()) {
        seen.insert(entry.data(ActivityModel::FlagIdRole).toLongLong());
        headlines.append(entry.data().toString());
    }
    QCOMPARE(seen, ids);
    QVERIFY(headlines.contains(u"Owner created gamma"_s));
    QVERIFY(headlines.contains(u"Owner changed alpha: active"_s));
    // Back to one flag.
    m_model->setFlag(*ids.begin());
    loadAll();
    QCOMPARE(m_model->loadedCount(), 2);
}

void TestActivityModel::versionWhenTheEntryCarriesIt()
{
    const qint64 id = createCheckout();
    const int version =
        m_server->get(m_server->flags(u"%1/"_s.arg(id))).object().value(u"version"_s).toInt();
    m_model->setClient(m_client.get());
    m_model->setFlag(id);
    loadAll();
    // Every edit names the version it made; the version step is no change worth a sentence.
    const QList<QModelIndex> entries = entryIndexes();
    for (int i = 0; i < kChanges; ++i) {
        QCOMPARE(entries[i].data(ActivityModel::VersionRole).toInt(), version - i);
        QCOMPARE(entries[i].siblingAtColumn(2).data().toString(),
                 u"v"_s + QString::number(version - i));
        for (const QString &sentence : sentencesOf(entries[i]))
            QVERIFY2(!sentence.startsWith(u"Version"_s), qPrintable(sentence));
    }
    QVERIFY(!m_model->changedFields().contains(u"version"_s));
    // PostHog's creation entry names no version.
    QVERIFY(!entries.last().data(ActivityModel::VersionRole).isValid());
}

void TestActivityModel::missingFlagReportsTheError()
{
    QSignalSpy failed(m_model.get(), &ActivityModel::loadFailed);
    m_model->setClient(m_client.get());
    m_model->setFlag(987654);
    QVERIFY(failed.wait(kTimeout));
    QCOMPARE(failed.first().first().value<api::ApiError>().status, 404);
    QVERIFY(!m_model->canFetchMore({}));
    QCOMPARE(m_model->rowCount(), 0);
}

QTEST_MAIN(TestActivityModel)
#include "tst_activity_model.moc"
