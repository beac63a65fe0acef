// StaleFlagsView against a real server: the empty state, the table of stale flags, Select all,
// disabling and deleting after a confirmation (declined: nothing happens), the Delete key, the
// refusals in the message bar, progress while working, and opening a flag.
#include "client.h"
#include "empty_state.h"
#include "message_bar.h"
#include "stale_flags_model.h"
#include "stale_flags_view.h"
#include "test_builders.h"
#include "test_server.h"
#include "widget_test_support.h"

#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::models::StaleFlagsModel;
using bunting::views::StaleFlagsView;
using test_builders::dependingOn;
using test_builders::everyone;
using widget_test::saveScreenshot;

namespace {

constexpr int kTimeout = 15000;

} // namespace

class TestStaleFlagsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void emptyStateWhenNothingIsStale();
    void tableListsStaleFlags();
    void selectAllChecksEveryRow();
    void declinedConfirmationChangesNothing();
    void disableShowsRefusalsAndUpdates();
    void deleteKeyDeletesAfterConfirmation();
    void enterOpensTheFlag();
    void loadFailureShowsRetry();

private:
    qint64 stale(const QString &key, const QJsonObject &filters = everyone());
    qint64 fresh(const QString &key, const QJsonObject &filters);
    QJsonObject get(qint64 id);
    void load();
    QPushButton *button(const QString &name) const;

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<StaleFlagsView> m_view;
    QStringList m_asked; // the keys each confirmation listed
    bool m_answer = true;
};

void TestStaleFlagsView::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(m_server->endpoint());
    m_view = std::make_unique<StaleFlagsView>();
    m_view->setClient(m_client.get());
    m_asked.clear();
    m_answer = true;
    m_view->setConfirmation([this](const QString &, const QString &, const QStringList &keys) {
        m_asked.append(keys.join(u","_s));
        return m_answer;
    });
    m_view->resize(820, 420);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

void TestStaleFlagsView::cleanup()
{
    m_view.reset();
    m_client.reset();
    m_server.reset();
}

qint64 TestStaleFlagsView::stale(const QString &key, const QJsonObject &filters)
{
    const qint64 id = fresh(key, filters);
    m_server->setFlagCreatedAt(id, QDateTime::currentDateTimeUtc().addDays(-60));
    return id;
}

qint64 TestStaleFlagsView::fresh(const QString &key, const QJsonObject &filters)
{
    return m_server->createFlagId(key, filters, u"The %1 flag"_s.arg(key));
}

QJsonObject TestStaleFlagsView::get(qint64 id)
{
    return m_server->getFlag(id);
}

void TestStaleFlagsView::load()
{
    QSignalSpy loaded(m_view->model(), &StaleFlagsModel::loaded);
    m_view->reload();
    QVERIFY(m_view->findChild<QProgressBar *>(u"progress"_s)->isVisible());
    QVERIFY(loaded.wait(kTimeout));
    QTRY_VERIFY_WITH_TIMEOUT(
        [this] {
            for (int row = 0; row < m_view->model()->rowCount(); ++row)
                if (!m_view->model()->dependentsAt(row))
                    return false;
            return true;
        }(),
        kTimeout);
}

QPushButton *TestStaleFlagsView::button(const QString &name) const
{
    return m_view->findChild<QPushButton *>(name);
}

void TestStaleFlagsView::emptyStateWhenNothingIsStale()
{
    fresh(u"new"_s, everyone());
    load();
    QVERIFY(m_view->isShowingEmptyState());
    QVERIFY(!button(u"disableSelected"_s)->isEnabled());
    QVERIFY(!button(u"deleteSelected"_s)->isEnabled());
    QVERIFY(!button(u"selectAll"_s)->isEnabled());
    saveScreenshot(m_view.get(), u"stale_flags_view_empty"_s);
}

void TestStaleFlagsView::tableListsStaleFlags()
{
    const qint64 old = stale(u"old-banner"_s);
    fresh(u"uses-old"_s, dependingOn({old}));
    stale(u"legacy-checkout"_s);
    load();
    QVERIFY(!m_view->isShowingEmptyState());
    QTableView *table = m_view->table();
    QVERIFY(table->isVisible());
    QCOMPARE(table->model()->rowCount(), 2);
    QCOMPARE(table->model()->index(0, StaleFlagsModel::KeyColumn).data().toString(),
             u"legacy-checkout"_s);
    QCOMPARE(table->model()->index(1, StaleFlagsModel::DependentsColumn).data().toString(),
             u"1: uses-old"_s);
    QVERIFY(!m_view->findChild<QProgressBar *>(u"progress"_s)->isVisible());
    // Nothing checked and no current row: nothing to act on.
    QVERIFY(!button(u"disableSelected"_s)->isEnabled());
    saveScreenshot(m_view.get(), u"stale_flags_view"_s);
}

void TestStaleFlagsView::selectAllChecksEveryRow()
{
    const qint64 a = stale(u"a"_s);
    const qint64 b = stale(u"b"_s);
    load();
    QPushButton *all = button(u"selectAll"_s);
    QCOMPARE(all->text(), u"Select all"_s);
    QTest::mouseClick(all, Qt::LeftButton);
    QCOMPARE(m_view->model()->checkedIds(), (QList<qint64>{a, b}));
    QCOMPARE(all->text(), u"Select none"_s);
    QVERIFY(button(u"disableSelected"_s)->isEnabled());
    QTest::mouseClick(all, Qt::LeftButton);
    QVERIFY(m_view->model()->checkedIds().isEmpty());
    // Checking one box by clicking its checkbox.
    QTableView *table = m_view->table();
    const QModelIndex cell = table->model()->index(1, 0);
    table->model()->setData(cell, Qt::Checked, Qt::CheckStateRole);
    QCOMPARE(m_view->model()->checkedIds(), QList<qint64>{b});
}

void TestStaleFlagsView::declinedConfirmationChangesNothing()
{
    const qint64 a = stale(u"a"_s);
    load();
    m_view->model()->setAllChecked(true);
    m_answer = false;
    QTest::mouseClick(button(u"disableSelected"_s), Qt::LeftButton);
    QCOMPARE(m_asked, QStringList{u"a"_s});
    QVERIFY(!m_view->model()->isBusy());
    QTest::qWait(100);
    QCOMPARE(get(a).value(u"active"_s).toBool(), true);
}

void TestStaleFlagsView::disableShowsRefusalsAndUpdates()
{
    const qint64 checkout = stale(u"checkout"_s);
    fresh(u"cart"_s, dependingOn({checkout}));
    fresh(u"banner"_s, dependingOn({checkout}));
    const qint64 loose = stale(u"loose"_s);
    load();
    m_view->model()->setAllChecked(true);

    QSignalSpy changed(m_view.get(), &StaleFlagsView::flagsChanged);
    QSignalSpy finished(m_view->model(), &StaleFlagsModel::actionFinished);
    QTest::mouseClick(button(u"disableSelected"_s), Qt::LeftButton);
    QCOMPARE(m_asked, QStringList{u"checkout,loose"_s});
    // Working: the button says so and nothing else can start.
    QCOMPARE(button(u"disableSelected"_s)->text(), u"Disabling…"_s);
    QVERIFY(!button(u"disableSelected"_s)->isEnabled());
    QVERIFY(!button(u"deleteSelected"_s)->isEnabled());
    QVERIFY(m_view->findChild<QProgressBar *>(u"progress"_s)->isVisible());
    QVERIFY(finished.wait(kTimeout));
    QCOMPARE(button(u"disableSelected"_s)->text(), u"Disable selected"_s);

    QCOMPARE(changed.size(), 1);
    views::MessageBar *bar = m_view->messageBar();
    QVERIFY(bar->isVisible());
    QCOMPARE(bar->kind(), views::MessageBar::Kind::Warning);
    QCOMPARE(bar->text(), u"Disabled 1 flag: loose.\nNot disabled:\ncheckout: 2 flags depend on "
                          "it: banner, cart"_s);
    QCOMPARE(get(checkout).value(u"active"_s).toBool(), true);
    QCOMPARE(get(loose).value(u"active"_s).toBool(), false);
    saveScreenshot(m_view.get(), u"stale_flags_view_refusal"_s);
}

void TestStaleFlagsView::deleteKeyDeletesAfterConfirmation()
{
    const qint64 base = stale(u"base"_s);
    stale(u"other"_s);
    load();
    QTableView *table = m_view->table();
    // No box checked: the Delete key deletes the current row.
    table->setFocus();
    table->setCurrentIndex(table->model()->index(m_view->model()->rowOf(base), 1));
    // The button acts on checked rows only; the key also on the current one.
    QVERIFY(!button(u"deleteSelected"_s)->isEnabled());
    QSignalSpy finished(m_view->model(), &StaleFlagsModel::actionFinished);
    QSignalSpy changed(m_view.get(), &StaleFlagsView::flagsChanged);
    QTest::keyClick(table, Qt::Key_Delete);
    QCOMPARE(m_asked, QStringList{u"base"_s});
    QVERIFY(finished.wait(kTimeout));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(m_view->messageBar()->kind(), views::MessageBar::Kind::Positive);
    QCOMPARE(m_view->messageBar()->text(), u"Deleted 1 flag: base."_s);
    QCOMPARE(get(base).value(u"deleted"_s).toBool(), true);
    QCOMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, 0).data().toString(), u"other"_s);
}

void TestStaleFlagsView::enterOpensTheFlag()
{
    stale(u"a"_s);
    const qint64 b = stale(u"b"_s);
    load();
    QSignalSpy open(m_view.get(), &StaleFlagsView::openFlag);
    QTableView *table = m_view->table();
    table->setFocus();
    table->setCurrentIndex(table->model()->index(1, 1));
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.first().first().toLongLong(), b);
}

void TestStaleFlagsView::loadFailureShowsRetry()
{
    m_client->setEndpoint(m_server->endpoint(u"phx_wrong"_s));
    QSignalSpy failed(m_view->model(), &StaleFlagsModel::loadFailed);
    m_view->reload();
    QVERIFY(failed.wait(kTimeout));
    QCOMPARE(m_view->messageBar()->kind(), views::MessageBar::Kind::Error);
    QVERIFY2(m_view->messageBar()->text().startsWith(u"Could not load the stale flags: "_s),
             qPrintable(m_view->messageBar()->text()));
    // Not "No stale flags": that is unknown.
    QVERIFY(!m_view->isShowingEmptyState());
    saveScreenshot(m_view.get(), u"stale_flags_view_failed"_s);
}

QTEST_MAIN(TestStaleFlagsView)
#include "tst_stale_flags_view.moc"
