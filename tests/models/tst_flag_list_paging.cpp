// The flag list model's pages on demand, against a list of 100,000 flags in memory (see
// fake_flag_source.h) and a real QTableView: the model counts its rows from the first page,
// asks only for the pages a view shows, drops those scrolled past, keeps at most two requests
// running and a bounded number of pages loaded. These pin the algorithm by counting requests,
// not by timing anything.
#include "fake_flag_source.h"
#include "flag_list_model.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QHeaderView>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::models::FlagListModel;
using bunting::testing::FakeFlagSource;

namespace {

constexpr int kFlags = 100000;
constexpr int kPage = 100;

} // namespace

class TestFlagListPaging : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void rowCountIsTheTotalOfTheFirstPage();
    void placeholderUntilThePageArrives();
    void jumpToTheEndAsksOnlyForThePagesInView();
    void dragThroughTheListAsksNothingOnTheWay();
    void pageScrolledPastBeforeItsRequestIsNeverAsked();
    void runningRequestScrolledPastIsCanceled();
    void atMostTwoRequestsRun();
    void neighbouringPagesGoInOneRequest();
    void loadedPagesStayUnderTheCap();
    void newQueryResetsAndStartsAtTheFirstPage();
    void failedPageIsNotAskedAgainUntilReload();
    void otherRolesAskForNothing();
    void changedAndDeletedFlagsFollow();

private:
    void showView(int height = 600);
    bool loadFirstPage();
    // Lets the view paint and the model collect, then waits past the pause before requests.
    void settle();
    int requestsSince(int from) const { return int(m_source->requests.size()) - from; }
    QList<int> pagesRequestedSince(int from) const;
    QList<int> visiblePages() const;

    std::unique_ptr<FakeFlagSource> m_source;
    std::unique_ptr<FlagListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<QTableView> m_view;
};

void TestFlagListPaging::init()
{
    m_source = std::make_unique<FakeFlagSource>(kFlags);
    m_model = std::make_unique<FlagListModel>();
    m_model->setPageSize(kPage);
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestFlagListPaging::cleanup()
{
    m_view.reset();
    m_tester.reset();
    m_model.reset();
    m_source.reset();
}

void TestFlagListPaging::showView(int height)
{
    m_view = std::make_unique<QTableView>();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(20);
    m_view->setModel(m_model.get());
    m_view->resize(800, height);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

bool TestFlagListPaging::loadFirstPage()
{
    m_model->setPageLoader(m_source->loader());
    m_source->answerAll();
    return !m_model->isLoading() && m_model->rowCount() == kFlags;
}

void TestFlagListPaging::settle()
{
    if (m_view)
        m_view->viewport()->repaint();
    QCoreApplication::processEvents();
    // Until the pages missed are requested (timers fire late on a busy machine).
    QVERIFY(QTest::qWaitFor([this] { return !m_model->pagesWaiting(); }, 10000));
}

QList<int> TestFlagListPaging::pagesRequestedSince(int from) const
{
    QList<int> pages;
    for (qsizetype i = from; i < m_source->requests.size(); ++i)
        pages.append(m_source->requests.at(i).offset / kPage);
    return pages;
}

QList<int> TestFlagListPaging::visiblePages() const
{
    const int top = m_view->rowAt(0);
    int bottom = m_view->rowAt(m_view->viewport()->height() - 1);
    if (bottom < 0)
        bottom = m_model->rowCount() - 1;
    QList<int> pages;
    for (int page = top / kPage; page <= bottom / kPage; ++page)
        pages.append(page);
    return pages;
}

void TestFlagListPaging::rowCountIsTheTotalOfTheFirstPage()
{
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy counted(m_model.get(), &FlagListModel::totalCountChanged);
    m_model->setPageLoader(m_source->loader());
    QVERIFY(m_model->isLoading());
    QCOMPARE(m_source->requests.size(), 1);
    QCOMPARE(m_source->requests.at(0).offset, 0);
    QCOMPARE(m_source->requests.at(0).limit, kPage);
    m_source->answerAll();

    QVERIFY(!m_model->isLoading());
    QCOMPARE(m_model->rowCount(), kFlags);
    QCOMPARE(m_model->totalCount(), kFlags);
    QCOMPARE(counted.size(), 1);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m_model->loadedRowCount(), kPage);
    QCOMPARE(m_model->loadedPageCount(), 1);
    QVERIFY(m_model->isRowLoaded(kPage - 1));
    QVERIFY(!m_model->isRowLoaded(kPage));
    QCOMPARE(m_model->flagAt(0).key, u"flag-000000"_s);
    QCOMPARE(m_model->rowOfFlag(FakeFlagSource::flag(42).id), 42);
    QCOMPARE(m_model->rowOfFlag(FakeFlagSource::flag(kPage).id), -1);
    // Nothing else was asked for: no page after page to reach the count.
    settle();
    QCOMPARE(m_source->requests.size(), 1);
}

void TestFlagListPaging::placeholderUntilThePageArrives()
{
    QVERIFY(loadFirstPage());
    const int row = 54321;
    const QModelIndex key = m_model->index(row, FlagListModel::KeyColumn);
    QCOMPARE(key.data().toString(), u"Loading…"_s);
    QCOMPARE(m_model->index(row, FlagListModel::NameColumn).data(), QVariant());
    QCOMPARE(key.data(FlagListModel::FlagIdRole), QVariant());
    QCOMPARE(m_model->flagAt(row).id, 0);

    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    const int before = int(m_source->requests.size());
    settle();
    QCOMPARE(pagesRequestedSince(before), QList<int>{row / kPage});
    QVERIFY(m_model->isLoading());
    m_source->answerAll();
    QVERIFY(!m_model->isLoading());

    QCOMPARE(key.data().toString(), FakeFlagSource::flag(row).key);
    QCOMPARE(key.data(FlagListModel::FlagIdRole).toLongLong(), FakeFlagSource::flag(row).id);
    QCOMPARE(m_model->rowOfFlag(FakeFlagSource::flag(row).id), row);
    // The page's rows were announced, and only they.
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), (row / kPage) * kPage);
    QCOMPARE(changed.at(0).at(1).toModelIndex().row(), (row / kPage) * kPage + kPage - 1);
    QCOMPARE(changed.at(0).at(1).toModelIndex().column(), FlagListModel::ColumnCount - 1);
}

void TestFlagListPaging::jumpToTheEndAsksOnlyForThePagesInView()
{
    QVERIFY(loadFirstPage());
    showView();
    settle();
    QCOMPARE(m_source->requests.size(), 1); // the first page shows the top

    const int before = int(m_source->requests.size());
    m_view->scrollToBottom();
    settle();
    const QList<int> wanted = visiblePages();
    QCOMPARE(wanted.last(), (kFlags - 1) / kPage);
    // The rows at the end are all of the last page: one request.
    QCOMPARE(requestsSince(before), 1);
    for (int page : pagesRequestedSince(before))
        QVERIFY(wanted.contains(page));
    m_source->answerAll();
    settle();
    m_source->answerAll();

    // Every row in view is painted from its flag, after at most as many requests as pages shown.
    QVERIFY(requestsSince(before) <= wanted.size());
    const int top = m_view->rowAt(0);
    for (int row = top; row < kFlags; ++row) {
        QVERIFY(m_model->isRowLoaded(row));
        QCOMPARE(m_model->index(row, 0).data().toString(), FakeFlagSource::flag(row).key);
    }
    QCOMPARE(m_model->rowCount(), kFlags);
}

void TestFlagListPaging::dragThroughTheListAsksNothingOnTheWay()
{
    QVERIFY(loadFirstPage());
    // A pause long enough that no step of the drag below outlasts it, whatever the machine.
    m_model->setPageDelay(2000);
    showView();
    settle();
    const int before = int(m_source->requests.size());
    QScrollBar *bar = m_view->verticalScrollBar();
    // Fifty steps from the top to the end, each painted, as a dragged scroll bar goes.
    for (int step = 1; step <= 50; ++step) {
        bar->setValue(int(qint64(bar->maximum()) * step / 50));
        m_view->viewport()->repaint();
        QCoreApplication::processEvents();
    }
    QCOMPARE(requestsSince(before), 0);
    QTRY_VERIFY_WITH_TIMEOUT(requestsSince(before) > 0, 5000);
    QCoreApplication::processEvents();
    // Only the pages at the end, where the drag stopped.
    const QList<int> wanted = visiblePages();
    QVERIFY(requestsSince(before) <= 2);
    for (int page : pagesRequestedSince(before))
        QVERIFY2(wanted.contains(page), qPrintable(QString::number(page)));
    QVERIFY(m_source->canceledOffsets.isEmpty());
}

void TestFlagListPaging::pageScrolledPastBeforeItsRequestIsNeverAsked()
{
    QVERIFY(loadFirstPage());
    const int before = int(m_source->requests.size());
    // One paint shows a row of page 500, the next one (before the pause is over) page 900.
    QCOMPARE(m_model->index(500 * kPage + 3, 0).data().toString(), u"Loading…"_s);
    QCoreApplication::processEvents();
    QCOMPARE(m_model->index(900 * kPage + 7, 0).data().toString(), u"Loading…"_s);
    QCoreApplication::processEvents();
    QVERIFY(QTest::qWaitFor([this] { return !m_model->pagesWaiting(); }, 10000));
    QCOMPARE(pagesRequestedSince(before), QList<int>{900});
    m_source->answerAll();
    QTest::qWait(FlagListModel::kPageDelayMs * 3);
    QCOMPARE(pagesRequestedSince(before), QList<int>{900});
    QVERIFY(!m_model->isRowLoaded(500 * kPage + 3));
}

void TestFlagListPaging::runningRequestScrolledPastIsCanceled()
{
    QVERIFY(loadFirstPage());
    const int before = int(m_source->requests.size());
    m_model->index(700 * kPage, 0).data();
    settle();
    QCOMPARE(m_model->pagesInFlight(), QList<int>{700});
    // The view moves on before the answer: the request is canceled, its answer never counts.
    m_model->index(20 * kPage, 0).data();
    settle();
    QCOMPARE(m_source->canceledOffsets, QList<int>{700 * kPage});
    QCOMPARE(m_model->pagesInFlight(), QList<int>{20});
    QCOMPARE(pagesRequestedSince(before), (QList<int>{700, 20}));
    m_source->answerAll();
    QVERIFY(m_model->isRowLoaded(20 * kPage));
    QVERIFY(!m_model->isRowLoaded(700 * kPage));
    QVERIFY(!m_model->isLoading());
}

void TestFlagListPaging::atMostTwoRequestsRun()
{
    m_model->setPageSize(5);
    m_model->setPageLoader(m_source->loader());
    m_source->answerAll();
    QCOMPARE(m_model->rowCount(), kFlags);
    showView();
    settle();
    m_source->answerAll(); // the pages at the top
    settle();
    m_source->answerAll();
    settle();
    m_source->answerAll();
    const int before = int(m_source->requests.size());
    // 600 px of 20 px rows: some 30 rows, six or seven pages of five.
    m_view->scrollTo(m_model->index(5003, 0), QAbstractItemView::PositionAtTop);
    settle();
    const int top = m_view->rowAt(0);
    const int bottom = m_view->rowAt(m_view->viewport()->height() - 1);
    const int pagesShown = bottom / 5 - top / 5 + 1;
    QVERIFY(pagesShown >= 5);
    QCOMPARE(m_model->requestsInFlight(), FlagListModel::kRequestsInFlight);
    QCOMPARE(m_source->pendingCount(), FlagListModel::kRequestsInFlight);
    // Each answer lets the next request go, never more than two at once, each for two
    // neighbouring pages at most.
    int rounds = 0;
    while (m_source->pendingCount() > 0 && rounds++ < 10) {
        QVERIFY(m_source->pendingCount() <= FlagListModel::kRequestsInFlight);
        m_source->answerAll();
        settle();
    }
    for (int row = top; row <= bottom; ++row)
        QVERIFY(m_model->isRowLoaded(row));
    QCOMPARE(requestsSince(before), (pagesShown + 1) / 2);
    for (qsizetype i = before; i < m_source->requests.size(); ++i) {
        const FakeFlagSource::Request &request = m_source->requests.at(i);
        QCOMPARE(request.offset % 5, 0);
        QVERIFY(request.limit == 5 || request.limit == 10);
    }
}

void TestFlagListPaging::neighbouringPagesGoInOneRequest()
{
    QVERIFY(loadFirstPage());
    const int before = int(m_source->requests.size());
    // A view whose rows straddle pages 411 and 412.
    m_model->index(411 * kPage + 90, 0).data();
    m_model->index(412 * kPage + 10, 0).data();
    settle();
    QCOMPARE(requestsSince(before), 1);
    QCOMPARE(m_source->requests.last().offset, 411 * kPage);
    QCOMPARE(m_source->requests.last().limit, 2 * kPage);
    QCOMPARE(m_model->pagesInFlight(), (QList<int>{411, 412}));
    QCOMPARE(m_model->requestsInFlight(), 1);
    m_source->answerAll();
    for (int row = 411 * kPage; row < 413 * kPage; ++row)
        QCOMPARE(m_model->index(row, 0).data().toString(), FakeFlagSource::flag(row).key);
    QCOMPARE(m_model->loadedPageCount(), 3);
    m_model->index(300 * kPage, 0).data();
    settle();
    m_source->answerAll();
    m_model->index(299 * kPage + 99, 0).data();
    m_model->index(300 * kPage + 5, 0).data(); // loaded, so not missed: does not count
    m_model->index(301 * kPage, 0).data();
    settle();
    // Pages 299 and 301 are no neighbours: one request each.
    const int request = int(m_source->requests.size()) - 2;
    QCOMPARE(m_source->requests.at(request).offset, 299 * kPage);
    QCOMPARE(m_source->requests.at(request).limit, kPage);
    QCOMPARE(m_source->requests.at(request + 1).offset, 301 * kPage);
    QCOMPARE(m_source->requests.at(request + 1).limit, kPage);
}

void TestFlagListPaging::loadedPagesStayUnderTheCap()
{
    m_model->setPageCacheLimit(5);
    QVERIFY(loadFirstPage());
    showView();
    for (int jump = 0; jump < 12; ++jump) {
        const int row = (jump * 7919 * kPage / 3) % kFlags;
        m_view->scrollTo(m_model->index(row, 0), QAbstractItemView::PositionAtTop);
        settle();
        m_source->answerAll();
        settle();
        m_source->answerAll();
        QVERIFY2(m_model->loadedPageCount() <= 5, qPrintable(QString::number(jump)));
        QVERIFY(m_model->loadedRowCount() <= 5 * kPage);
        // What the view shows stays loaded.
        for (int r = m_view->rowAt(0); r <= m_view->rowAt(m_view->viewport()->height() - 1); ++r)
            QVERIFY(m_model->isRowLoaded(r));
    }
    // Twelve jumps, each asking for only the pages it shows.
    QVERIFY(m_source->requests.size() <= 1 + 12 * 2);
}

void TestFlagListPaging::newQueryResetsAndStartsAtTheFirstPage()
{
    QVERIFY(loadFirstPage());
    m_model->index(300 * kPage, 0).data();
    settle();
    QCOMPARE(m_model->pagesInFlight(), QList<int>{300});

    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    const int before = int(m_source->requests.size());
    api::FlagListQuery query;
    query.search = u"flag"_s;
    m_model->setQuery(query);
    // The old query's page is canceled; the new one starts at offset 0.
    QCOMPARE(m_source->canceledOffsets, QList<int>{300 * kPage});
    QCOMPARE(requestsSince(before), 1);
    QCOMPARE(m_source->requests.last().offset, 0);
    QCOMPARE(m_source->requests.last().query.search, u"flag"_s);
    // Until its answer the old rows stay, and they ask for nothing.
    QCOMPARE(reset.size(), 0);
    m_model->index(400 * kPage, 0).data();
    settle();
    QCOMPARE(requestsSince(before), 1);

    m_source->answerAll();
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m_model->rowCount(), kFlags / 10);
    QCOMPARE(m_model->loadedPageCount(), 1);
    QVERIFY(!m_model->isRowLoaded(300 * kPage));

    // A sort is a new query too.
    m_model->sort(FlagListModel::KeyColumn, Qt::DescendingOrder);
    QCOMPARE(m_source->requests.last().query.order, u"-key"_s);
    QCOMPARE(m_source->requests.last().offset, 0);
    m_source->answerAll();
    QCOMPARE(reset.size(), 2);
}

void TestFlagListPaging::failedPageIsNotAskedAgainUntilReload()
{
    QVERIFY(loadFirstPage());
    QSignalSpy failed(m_model.get(), &FlagListModel::loadFailed);
    m_source->setFailing(true);
    const int before = int(m_source->requests.size());
    m_model->index(123 * kPage, 0).data();
    settle();
    m_source->answerAll();
    QCOMPARE(failed.size(), 1);
    // Painted again and again, it is not asked for again.
    for (int i = 0; i < 3; ++i) {
        m_model->index(123 * kPage, 0).data();
        settle();
    }
    QCOMPARE(requestsSince(before), 1);
    m_source->setFailing(false);
    m_model->reload();
    m_source->answerAll();
    m_model->index(123 * kPage, 0).data();
    settle();
    m_source->answerAll();
    QVERIFY(m_model->isRowLoaded(123 * kPage));
}

void TestFlagListPaging::otherRolesAskForNothing()
{
    QVERIFY(loadFirstPage());
    const int before = int(m_source->requests.size());
    // As reading the ids of a selection of every row does.
    for (int row = 0; row < kFlags; row += 7)
        m_model->index(row, 0).data(FlagListModel::FlagIdRole);
    settle();
    QCOMPARE(requestsSince(before), 0);
}

void TestFlagListPaging::changedAndDeletedFlagsFollow()
{
    QVERIFY(loadFirstPage());
    m_model->index(250, 0).data();
    settle();
    m_source->answerAll();
    QVERIFY(m_model->isRowLoaded(250));

    // A flag changed elsewhere: its row shows the change.
    FeatureFlag changed = FakeFlagSource::flag(250);
    changed.name = u"Renamed"_s;
    m_model->updateFlag(changed);
    QCOMPARE(m_model->index(250, FlagListModel::NameColumn).data().toString(), u"Renamed"_s);

    // A deleted flag's row goes and the rows after it move up, as the server's offsets do.
    FeatureFlag deleted = FakeFlagSource::flag(10);
    deleted.deleted = true;
    m_model->updateFlag(deleted);
    QCOMPARE(m_model->rowCount(), kFlags - 1);
    QCOMPARE(m_model->totalCount(), kFlags - 1);
    QCOMPARE(m_model->rowOfFlag(deleted.id), -1);
    QCOMPARE(m_model->index(10, 0).data().toString(), FakeFlagSource::flag(11).key);
    QCOMPARE(m_model->rowOfFlag(changed.id), 249);
    QCOMPARE(m_model->index(249, FlagListModel::NameColumn).data().toString(), u"Renamed"_s);
    // Unknown flags change nothing.
    FeatureFlag unknown = FakeFlagSource::flag(90000);
    m_model->updateFlag(unknown);
    QCOMPARE(m_model->rowCount(), kFlags - 1);
}

QTEST_MAIN(TestFlagListPaging)
#include "tst_flag_list_paging.moc"
