// The flag table over a list of 100,000 flags whose pages load as they come into view
// (tests/models/fake_flag_source.h): what it does with rows still loading.
#include "fake_flag_source.h"
#include "flag_list_model.h"
#include "flag_table_view.h"

#include <QApplication>
#include <QImage>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::models::FlagListModel;
using bunting::testing::FakeFlagSource;

class TestFlagTableView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void selectingEveryRowAsksForNoPage();
    void rowStillLoadingHasNoStatusDot();

private:
    std::unique_ptr<FakeFlagSource> m_source;
    std::unique_ptr<FlagListModel> m_model;
    std::unique_ptr<views::FlagTableView> m_view;
};

void TestFlagTableView::init()
{
    m_source = std::make_unique<FakeFlagSource>(100000);
    m_model = std::make_unique<FlagListModel>();
    m_model->setPageLoader(m_source->loader());
    m_source->answerAll();
    QCOMPARE(m_model->rowCount(), 100000);
    m_view = std::make_unique<views::FlagTableView>();
    m_view->setModel(m_model.get());
    m_view->resize(1000, 500);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

void TestFlagTableView::cleanup()
{
    m_view.reset();
    m_model.reset();
    m_source.reset();
}

void TestFlagTableView::selectingEveryRowAsksForNoPage()
{
    const qsizetype before = m_source->requests.size();
    QSignalSpy selected(m_view.get(), &views::FlagTableView::selectionChangedTo);
    m_view->selectAll();
    QCOMPARE(m_view->selectedRows().size(), 100000);
    // Only the flags loaded have an id; the rows still loading are left out, not sent as 0.
    const QList<qint64> ids = m_view->selectedFlagIds();
    QCOMPARE(ids.size(), m_model->loadedRowCount());
    QVERIFY(!ids.contains(0));
    QCOMPARE(ids.first(), FakeFlagSource::flag(0).id);
    QVERIFY(!selected.isEmpty());
    QTest::qWait(FlagListModel::kPageDelayMs * 3);
    QCOMPARE(m_source->requests.size(), before);
}

void TestFlagTableView::rowStillLoadingHasNoStatusDot()
{
    m_view->scrollTo(m_model->index(50000, 0), QAbstractItemView::PositionAtTop);
    m_view->viewport()->repaint();
    QCOMPARE(m_model->index(50000, 0).data().toString(), u"Loading…"_s);
    const QRect cell = m_view->visualRect(m_model->index(50001, FlagListModel::StatusColumn));
    QVERIFY(cell.isValid());
    // Nothing drawn in the cell but its background: one colour.
    QImage image = m_view->viewport()->grab(cell).toImage();
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            colours.insert(image.pixel(x, y));
    QCOMPARE(colours.size(), 1);

    // Its page arrived, the row has its dot and text again.
    QVERIFY(QTest::qWaitFor([this] { return !m_model->pagesWaiting(); }, 10000));
    m_source->answerAll();
    m_view->viewport()->repaint();
    QVERIFY(m_model->isRowLoaded(50001));
    image = m_view->viewport()->grab(cell).toImage();
    colours.clear();
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            colours.insert(image.pixel(x, y));
    QVERIFY(colours.size() > 1);
}

QTEST_MAIN(TestFlagTableView)
#include "tst_flag_table_view.moc"
