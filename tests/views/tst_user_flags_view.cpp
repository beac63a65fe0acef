// "All flags for a user" over a real local server: Enter in the id field fills the table, the
// count matches the server's evaluation_reasons, Ctrl+F and the filter narrow it, and Enter or a
// double-click on a row asks the app to open that flag.
#include "client.h"
#include "empty_state.h"
#include "evaluation_reasons_model.h"
#include "made_up_properties_edit.h"
#include "message_bar.h"
#include "subject_fields.h"
#include "test_builders.h"
#include "test_server.h"
#include "user_flags_view.h"
#include "widget_test_support.h"

#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using models::EvaluationReasonsModel;
using views::UserFlagsView;
using widget_test::saveScreenshot;

namespace {

constexpr int kTimeout = 15000;

QJsonObject flag(const QString &key, double rollout, bool active = true,
                 const QJsonArray &properties = {})
{
    return {{u"key"_s, key},
            {u"active"_s, active},
            {u"filters"_s,
             test_builders::flagFilters({test_builders::condition(rollout, properties)})}};
}

} // namespace

class TestUserFlagsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void emptyStateBeforeTheFirstLoad();
    void enterShowsEveryFlag();
    void filterNarrowsAndCtrlFFocusesIt();
    void enterOnARowOpensTheFlag();
    void doubleClickOpensTheFlag();
    void failureShowsAnError();
    void anUnknownIdIsSaidToBeUnknown();
    void madeUpPropertiesForSomeoneNew();

private:
    bool typeAndLoad(const QString &id);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<UserFlagsView> m_view;
};

void TestUserFlagsView::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(m_server->endpoint());
    QVERIFY(m_server->addPersons({{u"ann"_s, {{u"email"_s, u"ann@acme.com"_s}}}}));
    m_server->createFlag(flag(u"annual-pricing"_s, 100));
    m_server->createFlag(flag(u"beta-dashboard"_s, 0));
    m_server->createFlag(flag(u"dark-mode"_s, 50));
    m_server->createFlag(flag(u"kill-switch"_s, 100, false));
    m_server->createFlag(
        flag(u"acme-only"_s, 100, true,
             {test_builders::personProperty(u"email"_s, u"acme.com"_s, u"icontains"_s)}));

    m_view = std::make_unique<UserFlagsView>();
    m_view->resize(820, 480);
    m_view->setClient(m_client.get());
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

void TestUserFlagsView::cleanup()
{
    m_view.reset();
    m_client.reset();
    m_server.reset();
}

bool TestUserFlagsView::typeAndLoad(const QString &id)
{
    auto *edit = m_view->subjectFields()->distinctIdEdit();
    edit->setFocus();
    edit->clear();
    QTest::keyClicks(edit, id);
    QSignalSpy loaded(m_view->model(), &EvaluationReasonsModel::loaded);
    QTest::keyClick(edit, Qt::Key_Return);
    return QTest::qWaitFor([&] { return !loaded.isEmpty(); }, kTimeout);
}

void TestUserFlagsView::anUnknownIdIsSaidToBeUnknown()
{
    auto *bar = m_view->findChild<views::MessageBar *>(u"messageBar"_s);
    QVERIFY(bar);
    QSignalSpy lookedUp(m_view->model(), &EvaluationReasonsModel::personLookedUp);
    QVERIFY(typeAndLoad(u"ann"_s));
    QTRY_VERIFY(!lookedUp.isEmpty());
    QCOMPARE(m_view->model()->isPersonKnown(), std::optional<bool>(true));
    QVERIFY(bar->text().isEmpty());

    QVERIFY(typeAndLoad(u"someone-new"_s));
    QTRY_VERIFY(bar->text().contains(u"someone-new"_s));
    QVERIFY(bar->text().contains(u"without any properties"_s));
    QCOMPARE(m_view->model()->isPersonKnown(), std::optional<bool>(false));
    saveScreenshot(m_view.get(), u"user_flags_view_unknown_id"_s);
}

// Someone new with made-up properties has those alone: the warning says so, and the note above
// the table names them.
void TestUserFlagsView::madeUpPropertiesForSomeoneNew()
{
    auto *bar = m_view->findChild<views::MessageBar *>(u"messageBar"_s);
    m_view->madeUpPropertiesEdit()->setText(u"email=zoe@acme.com"_s);
    QVERIFY(typeAndLoad(u"zoe"_s));
    QTRY_VERIFY(bar->text().contains(u"zoe"_s));
    QVERIFY2(bar->text().contains(u"only the properties you made up"_s), qPrintable(bar->text()));
    QVERIFY(m_view->madeUpNote()->isVisible());
    QVERIFY(m_view->madeUpNote()->text().contains(u"email=zoe@acme.com"_s));
    const int acme = m_view->model()->rowOfKey(u"acme-only"_s);
    QVERIFY(acme >= 0);
    QVERIFY(m_view->model()->index(acme, 0).data(EvaluationReasonsModel::MatchedRole).toBool());
}

void TestUserFlagsView::emptyStateBeforeTheFirstLoad()
{
    QVERIFY(m_view->findChild<views::EmptyState *>()->isVisible());
    QVERIFY(!m_view->table()->isVisible());
    QVERIFY(!m_view->findChild<QPushButton *>(u"showFlags"_s)->isEnabled());
    QVERIFY(!m_view->filterEdit()->isVisible());
    saveScreenshot(m_view.get(), u"user_flags_view_empty"_s);
}

void TestUserFlagsView::enterShowsEveryFlag()
{
    QVERIFY(typeAndLoad(u"ann"_s));
    QTRY_VERIFY(m_view->table()->isVisible());
    QAbstractItemModel *table = m_view->table()->model();
    QCOMPARE(table->rowCount(), 5);
    QStringList keys;
    for (int row = 0; row < table->rowCount(); ++row)
        keys.append(table->index(row, 0).data().toString());
    QCOMPARE(keys, (QStringList{u"acme-only"_s, u"annual-pricing"_s, u"beta-dashboard"_s,
                                u"dark-mode"_s, u"kill-switch"_s}));

    // The count, against the server's own answer.
    const auto answer =
        m_server->get(m_server->flags(u"evaluation_reasons/?distinct_id=ann"_s)).object();
    QCOMPARE(answer.size(), 5);
    int on = 0;
    for (const QJsonValue &entry : answer)
        on += entry.toObject().value("value"_L1) != QJsonValue(false);
    QVERIFY(on >= 2); // acme-only and annual-pricing at least
    QCOMPARE(m_view->countText(), u"5 flags, %1 on"_s.arg(on));
    QCOMPARE(m_view->findChild<QLabel *>(u"count"_s)->text(), m_view->countText());
    QCOMPARE(table->index(4, EvaluationReasonsModel::ReasonColumn).data().toString(),
             u"The flag is disabled"_s);
    QCOMPARE(table->index(0, EvaluationReasonsModel::ConditionColumn).data().toString(),
             u"Set 1"_s);
    saveScreenshot(m_view.get(), u"user_flags_view_loaded"_s);
}

void TestUserFlagsView::filterNarrowsAndCtrlFFocusesIt()
{
    QVERIFY(typeAndLoad(u"ann"_s));
    m_view->table()->setFocus();
    QTest::keyClick(m_view->table(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(m_view->filterEdit()->hasFocus());
    QTest::keyClicks(m_view->filterEdit(), u"DISABLED"_s);
    QAbstractItemModel *table = m_view->table()->model();
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->index(0, 0).data().toString(), u"kill-switch"_s);
    QVERIFY(m_view->countText().startsWith(u"1 of 5 flags shown, "_s));
    saveScreenshot(m_view.get(), u"user_flags_view_filtered"_s);
    m_view->filterEdit()->clear();
    QTest::keyClicks(m_view->filterEdit(), u"pricing"_s);
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->index(0, 0).data().toString(), u"annual-pricing"_s);
    QTest::keyClick(m_view->filterEdit(), Qt::Key_Escape);
    QCOMPARE(m_view->filterEdit()->text(), QString());
    QCOMPARE(table->rowCount(), 5);
}

void TestUserFlagsView::enterOnARowOpensTheFlag()
{
    QVERIFY(typeAndLoad(u"ann"_s));
    QSignalSpy open(m_view.get(), &UserFlagsView::openFlag);
    QTableView *table = m_view->table();
    table->setFocus();
    table->setCurrentIndex(table->model()->index(2, 0));
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.first().first().toString(), u"beta-dashboard"_s);
}

void TestUserFlagsView::doubleClickOpensTheFlag()
{
    QVERIFY(typeAndLoad(u"ann"_s));
    QSignalSpy open(m_view.get(), &UserFlagsView::openFlag);
    QTableView *table = m_view->table();
    const QRect cell = table->visualRect(table->model()->index(3, 2));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.first().first().toString(), u"dark-mode"_s);
}

void TestUserFlagsView::failureShowsAnError()
{
    QVERIFY(typeAndLoad(u"ann"_s));
    m_client->setOptions({std::chrono::milliseconds(3000), 0, std::chrono::milliseconds(10), 100});
    m_server.reset();
    QSignalSpy failed(m_view->model(), &EvaluationReasonsModel::failed);
    m_view->load();
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kTimeout);
    auto *bar = m_view->findChild<views::MessageBar *>(u"messageBar"_s);
    QTRY_VERIFY(bar->isVisible());
    QCOMPARE(bar->kind(), views::MessageBar::Kind::Error);
    QVERIFY2(bar->text().startsWith(u"Could not evaluate the flags for ann: "_s),
             qPrintable(bar->text()));
    QVERIFY(m_view->findChild<QPushButton *>(u"showFlags"_s)->isEnabled());
    // The table stays as it was: a failed reload loses nothing.
    QCOMPARE(m_view->table()->model()->rowCount(), 5);
    QVERIFY(m_view->table()->isVisible());
    saveScreenshot(m_view.get(), u"user_flags_view_error"_s);
}

QTEST_MAIN(TestUserFlagsView)
#include "tst_user_flags_view.moc"
