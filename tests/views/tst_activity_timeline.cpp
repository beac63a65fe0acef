// The activity timeline over a real local server: a flag changed 50 times by two people over
// three days, narrowed through the filter row's widgets, paged by scrolling, an entry opening
// its version, and a failed load shown as an error.
#include "activity_model.h"
#include "activity_timeline.h"
#include "client.h"
#include "empty_state.h"
#include "message_bar.h"
#include "test_builders.h"
#include "test_server.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>
#include <QUuid>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::models::ActivityModel;
using bunting::views::ActivityTimeline;

namespace {

constexpr int kTimeout = 15000;
constexpr int kChanges = 50;

// Those with an example.com address, split between control and test when `controlShare` is
// given.
QJsonObject filters(int percentage, int controlShare)
{
    const QJsonArray exampleAddresses{
        test_builders::personProperty(u"email"_s, u"@example.com"_s, u"icontains"_s)};
    return test_builders::flagFilters(
        {test_builders::condition(percentage, exampleAddresses)},
        controlShare > 0 ? test_builders::multivariate(
                               {{u"control"_s, controlShare}, {u"test"_s, 100 - controlShare}})
                         : QJsonObject());
}

} // namespace

class TestActivityTimeline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void showsDaysAndEntries();
    void userComboNarrows();
    void kindComboNarrows();
    void dateRangeNarrows();
    void searchNarrowsAndEmptyStateClears();
    void scrollingLoadsPages();
    void filterHidingFirstPageLoadsMore();
    void activatingAnEntryRequestsItsVersion();
    void failedLoadShowsTheError();
    void screenshot();

private:
    void loadAll();
    int shownEntries() const;
    template<typename T> T *child(const QString &name) const
    {
        T *found = m_timeline->findChild<T *>(name);
        if (!found)
            qWarning("no child %s", qPrintable(name));
        return found;
    }

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<ActivityModel> m_model;
    std::unique_ptr<ActivityTimeline> m_timeline;
    qint64 m_flagId = 0;
};

void TestActivityTimeline::initTestCase()
{
    QLocale::setDefault(QLocale::c());
}

// 50 edits of checkout: rollout, tags, active, name and variants in turn; Ada made the ten
// newest, and the 30 oldest entries moved to three days ago and yesterday.
void TestActivityTimeline::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(
        api::Endpoint{QUrl(u"http://127.0.0.1:%1"_s.arg(m_server->port())),
                      QString::number(m_server->projectId()), m_server->ownerKey()});
    m_flagId = m_server
                   ->createFlag({{u"key"_s, u"checkout"_s},
                                 {u"name"_s, u"Checkout"_s},
                                 {u"filters"_s, filters(30, 0)}})
                   .value(u"id"_s)
                   .toInteger();
    for (const QJsonObject &edit : test_builders::cyclingEdits(kChanges, filters))
        QCOMPARE(m_server->patch(m_server->flags(u"%1/"_s.arg(m_flagId)), edit).status, 200);
    const auto &db = m_server->server().database();
    const QString uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const qint64 ada =
        db.scalar(u"INSERT INTO users (uuid, distinct_id, first_name, last_name, email, "
                  "created_at) VALUES (?, ?, 'Ada', 'Lovelace', 'ada@example.com', "
                  "'2026-01-01T00:00:00Z') RETURNING id"_s,
                  {uuid, uuid})
            ->toLongLong();
    db.exec(u"UPDATE activity_log SET user_id = ? WHERE id IN "
            "(SELECT id FROM activity_log ORDER BY id DESC LIMIT 10)"_s,
            {ada});
    QSqlQuery rows = db.exec(u"SELECT id FROM activity_log ORDER BY id LIMIT 30"_s);
    const QDate today = QDate::currentDate();
    for (int i = 0; rows.next(); ++i)
        db.exec(u"UPDATE activity_log SET created_at = ? WHERE id = ?"_s,
                {test_builders::activityTimestamp(
                     QDateTime(today.addDays(i < 15 ? -3 : -1), QTime(9, 0).addSecs(i * 600))),
                 rows.value(0)});

    m_model = std::make_unique<ActivityModel>();
    m_model->setPageSize(100);
    m_timeline = std::make_unique<ActivityTimeline>(m_model.get());
    m_timeline->resize(900, 640);
    m_timeline->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_timeline.get()));
}

void TestActivityTimeline::cleanup()
{
    m_timeline.reset();
    m_model.reset();
    m_client.reset();
    m_server.reset();
}

void TestActivityTimeline::loadAll()
{
    m_model->setClient(m_client.get());
    m_model->setFlag(m_flagId);
    QTRY_VERIFY_WITH_TIMEOUT(!m_model->isLoading() && m_model->totalCount() > 0, kTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(m_model->loadedCount(), kChanges + 1, kTimeout);
}

int TestActivityTimeline::shownEntries() const
{
    const QAbstractItemModel *model = m_timeline->tree()->model();
    int count = 0;
    for (int day = 0; day < model->rowCount(); ++day)
        count += model->rowCount(model->index(day, 0));
    return count;
}

void TestActivityTimeline::showsDaysAndEntries()
{
    loadAll();
    QTreeView *tree = m_timeline->tree();
    QCOMPARE(tree->model()->rowCount(), 3);
    QCOMPARE(shownEntries(), kChanges + 1);
    // Days open, entries closed until asked.
    const QModelIndex today = tree->model()->index(0, 0);
    QVERIFY(tree->isExpanded(today));
    QVERIFY(!tree->isExpanded(tree->model()->index(0, 0, today)));
    QVERIFY(tree->isFirstColumnSpanned(0, {}));
    QVERIFY(child<QLabel>(u"status"_s)->text().contains(u"51 of 51"_s));
    QVERIFY(tree->isVisible());
}

void TestActivityTimeline::userComboNarrows()
{
    loadAll();
    auto *users = child<QComboBox>(u"userFilter"_s);
    QCOMPARE(users->count(), 3);
    QCOMPARE(users->itemText(0), u"Everyone"_s);
    // PostHog's activity log serves a user's first name and email only.
    QCOMPARE(users->itemText(1), u"Ada"_s);
    QCOMPARE(users->itemText(2), u"Owner"_s);
    users->setCurrentIndex(1);
    QCOMPARE(shownEntries(), 10);
    QCOMPARE(m_timeline->tree()->model()->rowCount(), 1);
    users->setCurrentIndex(2);
    QCOMPARE(shownEntries(), kChanges + 1 - 10);
    users->setCurrentIndex(0);
    QCOMPARE(shownEntries(), kChanges + 1);
}

void TestActivityTimeline::kindComboNarrows()
{
    loadAll();
    auto *kinds = child<QComboBox>(u"kindFilter"_s);
    kinds->setCurrentIndex(kinds->findData(u"created"_s));
    QCOMPARE(shownEntries(), 1);
    kinds->setCurrentIndex(kinds->findData(u"field:tags"_s));
    QCOMPARE(kinds->currentText(), u"Tags changed"_s);
    QCOMPARE(shownEntries(), kChanges / 5);
    kinds->setCurrentIndex(kinds->findData(u"field:active"_s));
    QCOMPARE(shownEntries(), kChanges / 5);
    QVERIFY(child<QLabel>(u"status"_s)->text().contains(u"10 of 51 loaded"_s));
    kinds->setCurrentIndex(0);
    QCOMPARE(shownEntries(), kChanges + 1);
}

void TestActivityTimeline::dateRangeNarrows()
{
    loadAll();
    auto *any = child<QCheckBox>(u"anyDate"_s);
    auto *from = child<QDateEdit>(u"fromDate"_s);
    auto *to = child<QDateEdit>(u"toDate"_s);
    QVERIFY(!from->isEnabled());
    const QDate yesterday = QDate::currentDate().addDays(-1);
    from->setDate(yesterday);
    to->setDate(yesterday);
    // Dates count only once "Any date" is off.
    QCOMPARE(shownEntries(), kChanges + 1);
    any->click();
    QVERIFY(from->isEnabled());
    QCOMPARE(shownEntries(), 15);
    to->setDate(QDate::currentDate());
    QCOMPARE(shownEntries(), kChanges + 1 - 15);
    any->click();
    QCOMPARE(shownEntries(), kChanges + 1);
}

void TestActivityTimeline::searchNarrowsAndEmptyStateClears()
{
    loadAll();
    auto *search = child<QLineEdit>(u"search"_s);
    QTest::keyClicks(search, u"t46"_s);
    QCOMPARE(shownEntries(), 1);
    search->clear();
    QTest::keyClicks(search, u"nothing like this"_s);
    QCOMPARE(shownEntries(), 0);
    auto *empty = child<views::EmptyState>(u"emptyState"_s);
    QVERIFY(empty->isVisible());
    QVERIFY(!m_timeline->tree()->isVisible());
    auto *clear = child<QPushButton>(u"emptyStateButton"_s);
    QVERIFY(clear->isVisible());
    clear->click();
    QVERIFY(search->text().isEmpty());
    QCOMPARE(shownEntries(), kChanges + 1);
    QVERIFY(m_timeline->tree()->isVisible());
}

void TestActivityTimeline::scrollingLoadsPages()
{
    m_timeline->resize(900, 360);
    m_model->setPageSize(10);
    m_model->setClient(m_client.get());
    m_model->setFlag(m_flagId);
    QTRY_VERIFY_WITH_TIMEOUT(m_model->loadedCount() >= 10, kTimeout);
    // Pages load until the tree is full, then wait for the user to scroll.
    QTRY_VERIFY_WITH_TIMEOUT(!m_model->isLoading(), kTimeout);
    QTest::qWait(100);
    QTRY_VERIFY_WITH_TIMEOUT(!m_model->isLoading(), kTimeout);
    QVERIFY2(m_model->loadedCount() <= 20, qPrintable(QString::number(m_model->loadedCount())));
    QScrollBar *bar = m_timeline->tree()->verticalScrollBar();
    QVERIFY(bar->maximum() > 0);
    for (int i = 0; i < 20 && m_model->loadedCount() < kChanges + 1; ++i) {
        bar->setValue(bar->maximum());
        QTRY_VERIFY_WITH_TIMEOUT(!m_model->isLoading(), kTimeout);
    }
    QCOMPARE(m_model->loadedCount(), kChanges + 1);
}

void TestActivityTimeline::filterHidingFirstPageLoadsMore()
{
    auto *kinds = child<QComboBox>(u"kindFilter"_s);
    kinds->setCurrentIndex(kinds->findData(u"created"_s));
    m_model->setPageSize(10);
    m_model->setClient(m_client.get());
    m_model->setFlag(m_flagId);
    // The creation is on the last page: the empty tree keeps asking until it arrives.
    QTRY_COMPARE_WITH_TIMEOUT(shownEntries(), 1, kTimeout);
    QCOMPARE(m_model->loadedCount(), kChanges + 1);
}

void TestActivityTimeline::activatingAnEntryRequestsItsVersion()
{
    loadAll();
    QSignalSpy requested(m_timeline.get(), &ActivityTimeline::versionRequested);
    QTreeView *tree = m_timeline->tree();
    const QModelIndex newest = tree->model()->index(0, 0, tree->model()->index(0, 0));
    tree->setCurrentIndex(newest);
    QTest::keyClick(tree, Qt::Key_Return);
    QCOMPARE(requested.size(), 1);
    const int version =
        m_server->get(m_server->flags(u"%1/"_s.arg(m_flagId))).object().value(u"version"_s).toInt();
    QCOMPARE(requested.first().at(0).toLongLong(), m_flagId);
    QCOMPARE(requested.first().at(1).toInt(), version);
    // A day is no entry, and the creation names no version.
    tree->setCurrentIndex(tree->model()->index(0, 0));
    QTest::keyClick(tree, Qt::Key_Return);
    const QModelIndex oldestDay = tree->model()->index(2, 0);
    tree->setCurrentIndex(
        tree->model()->index(tree->model()->rowCount(oldestDay) - 1, 0, oldestDay));
    QTest::keyClick(tree, Qt::Key_Return);
    QCOMPARE(requested.size(), 1);
}

void TestActivityTimeline::failedLoadShowsTheError()
{
    m_model->setClient(m_client.get());
    QSignalSpy failed(m_model.get(), &ActivityModel::loadFailed);
    m_model->setFlag(987654);
    QVERIFY(failed.wait(kTimeout));
    auto *bar = child<views::MessageBar>(u"messageBar"_s);
    QVERIFY(bar->isVisible());
    QCOMPARE(bar->kind(), views::MessageBar::Kind::Error);
    QVERIFY2(bar->text().startsWith(u"The activity could not be loaded"_s),
             qPrintable(bar->text()));
    // Retry asks again (and fails again: the flag still does not exist).
    auto *retry = child<QAction>(u"retry"_s);
    QVERIFY(retry);
    retry->trigger();
    QVERIFY(failed.wait(kTimeout));
    QCOMPARE(failed.size(), 2);
    // Another scope that loads clears it.
    m_model->setFlag(m_flagId);
    QTRY_VERIFY_WITH_TIMEOUT(!bar->isVisible(), kTimeout);
}

// With BUNTING_SCREENSHOTS set to a directory, the timeline with its 51 entries, to look at.
void TestActivityTimeline::screenshot()
{
    const QString directory = qEnvironmentVariable("BUNTING_SCREENSHOTS");
    if (directory.isEmpty())
        QSKIP("BUNTING_SCREENSHOTS is not set");
    loadAll();
    QTreeView *tree = m_timeline->tree();
    const QModelIndex today = tree->model()->index(0, 0);
    for (int row = 0; row < 5; ++row)
        tree->expand(tree->model()->index(row, 0, today));
    QApplication::processEvents();
    QDir().mkpath(directory);
    QVERIFY(m_timeline->grab().save(directory + u"/activity_timeline.png"_s));
    auto *kinds = child<QComboBox>(u"kindFilter"_s);
    kinds->setCurrentIndex(kinds->findData(u"field:filters"_s));
    for (int day = 0; day < tree->model()->rowCount(); ++day)
        for (int row = 0; row < tree->model()->rowCount(tree->model()->index(day, 0)); ++row)
            tree->expand(tree->model()->index(row, 0, tree->model()->index(day, 0)));
    QApplication::processEvents();
    QVERIFY(m_timeline->grab().save(directory + u"/activity_timeline_filters.png"_s));
}

QTEST_MAIN(TestActivityTimeline)
#include "tst_activity_timeline.moc"
