// The test-a-user panel over a real local server: typing an id (completed from known persons)
// and pressing Enter shows the flag's value, the reason, the payload, the properties the flag
// reads and the expanded conditions; a test before the flag existed shows the server's error.
#include "client.h"
#include "empty_state.h"
#include "made_up_properties_edit.h"
#include "message_bar.h"
#include "person_completion_model.h"
#include "subject_fields.h"
#include "test_builders.h"
#include "test_evaluation_model.h"
#include "test_server.h"
#include "test_user_panel.h"
#include "widget_test_support.h"

#include <QAbstractItemView>
#include <QCheckBox>
#include <QCompleter>
#include <QDateTimeEdit>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using models::TestEvaluationModel;
using test_builders::condition;
using test_builders::personProperty;
using views::TestUserPanel;
using widget_test::saveScreenshot;

namespace {

constexpr int kTimeout = 15000;

QJsonObject checkoutFlag()
{
    QJsonObject filters = test_builders::flagFilters(
        {condition(100, {personProperty(u"email"_s, u"@acme.com"_s, u"icontains"_s)}),
         condition(100, {personProperty(u"plan"_s, u"pro"_s, u"exact"_s),
                         personProperty(u"age"_s, u"21"_s, u"gte"_s)})});
    filters.insert(u"payloads"_s, QJsonObject{{u"true"_s, u"{\"discount\":10}"_s}});
    return {{u"key"_s, u"checkout"_s}, {u"filters"_s, filters}};
}

} // namespace

class TestTestUserPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { widget_test::useDarkPaletteWhenAsked(); }
    void init();
    void cleanup();
    void emptyBeforeTheFirstTest();
    void enterShowsTheResult();
    void completerOffersKnownIds();
    void pickingACompletionRunsTheTest();
    void timestampBeforeTheFlagShowsTheError();
    void escapeCancels();
    void groupFieldsPerGroupType();
    void anotherFlagClearsTheResult();
    void variantIsNamed();
    void whatIfPropertiesDecide();
    void anUnknownIdIsSaidToBeUnknown();

private:
    bool typeAndTest(const QString &id);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<TestUserPanel> m_panel;
    qint64 m_flagId = 0;
};

void TestTestUserPanel::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(m_server->endpoint());
    QVERIFY(m_server->addPersons({
        {u"ann"_s, {{u"email"_s, u"ann@acme.com"_s}, {u"name"_s, u"Ann Lee"_s}}},
        {u"bob"_s, {{u"email"_s, u"bob@example.com"_s}, {u"plan"_s, u"pro"_s}, {u"age"_s, 19}}},
        {u"cat"_s, {{u"plan"_s, u"pro"_s}, {u"age"_s, 40}}},
    }));
    m_flagId = m_server->createFlag(checkoutFlag()).value("id"_L1).toInteger();
    QVERIFY(m_flagId > 0);

    m_panel = std::make_unique<TestUserPanel>();
    m_panel->resize(900, 560);
    m_panel->setClient(m_client.get());
    m_panel->setFlag(m_flagId, u"checkout"_s);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void TestTestUserPanel::cleanup()
{
    m_panel.reset();
    m_client.reset();
    m_server.reset();
}

bool TestTestUserPanel::typeAndTest(const QString &id)
{
    auto *edit = m_panel->findChild<QLineEdit *>(u"distinctId"_s);
    edit->setFocus();
    edit->clear();
    QTest::keyClicks(edit, id);
    QSignalSpy evaluated(m_panel->model(), &TestEvaluationModel::evaluated);
    QTest::keyClick(edit, Qt::Key_Return);
    if (!m_panel->model()->isLoading())
        return false;
    return QTest::qWaitFor([&] { return !evaluated.isEmpty(); }, kTimeout);
}

void TestTestUserPanel::emptyBeforeTheFirstTest()
{
    auto *empty = m_panel->findChild<views::EmptyState *>();
    QVERIFY(empty->isVisible());
    QVERIFY(!m_panel->tree()->isVisible());
    auto *button = m_panel->findChild<QPushButton *>(u"testButton"_s);
    QVERIFY(!button->isEnabled()); // no id yet
    m_panel->setDistinctId(u"ann"_s);
    QVERIFY(button->isEnabled());
    QVERIFY(!m_panel->findChild<QDateTimeEdit *>(u"timestamp"_s)->isEnabled());
    saveScreenshot(m_panel.get(), u"test_user_panel_empty"_s);
}

void TestTestUserPanel::enterShowsTheResult()
{
    QVERIFY(typeAndTest(u"cat"_s));
    auto *headline = m_panel->findChild<QLabel *>(u"headline"_s);
    auto *reason = m_panel->findChild<QLabel *>(u"reason"_s);
    auto *payload = m_panel->findChild<QLabel *>(u"payload"_s);
    auto *properties = m_panel->findChild<QLabel *>(u"personProperties"_s);
    QTRY_VERIFY(headline->isVisible());
    QCOMPARE(headline->text(), u"<b>checkout</b> is <b>true</b> for cat"_s);
    QCOMPARE(reason->text(), u"Matched condition set 2"_s);
    QVERIFY(payload->isVisible());
    QCOMPARE(payload->text(), u"Payload: {\"discount\":10}"_s);
    QCOMPARE(properties->text(),
             u"Properties the flag reads: age = <b>40</b>, plan = <b>pro</b>"_s);

    QTreeView *tree = m_panel->tree();
    QCOMPARE(tree->model()->rowCount(), 2);
    QVERIFY(tree->isExpanded(tree->model()->index(0, 0)));
    QVERIFY(tree->isExpanded(tree->model()->index(1, 0)));
    QVERIFY(tree->model()->index(1, 0).data(TestEvaluationModel::WinningRole).toBool());
    QCOMPARE(tree->model()->index(1, TestEvaluationModel::ResultColumn).data().toString(),
             u"Matched: decides the flag"_s);
    const QModelIndex email = tree->model()->index(0, 0, tree->model()->index(0, 0));
    QCOMPARE(email.siblingAtColumn(TestEvaluationModel::ActualColumn).data().toString(),
             u"not set"_s);
    QCOMPARE(email.siblingAtColumn(TestEvaluationModel::ResultColumn).data().toString(),
             u"Not matched"_s);
    auto *button = m_panel->findChild<QPushButton *>(u"testButton"_s);
    QCOMPARE(button->text(), u"Test"_s);
    QVERIFY(button->isEnabled());
    saveScreenshot(m_panel.get(), u"test_user_panel_result"_s);

    // Bob has the plan but not the age: nothing matches, and no payload is shown.
    QVERIFY(typeAndTest(u"bob"_s));
    QCOMPARE(headline->text(), u"<b>checkout</b> is <b>false</b> for bob"_s);
    QCOMPARE(reason->text(), u"No matching condition set"_s);
    QVERIFY(!payload->isVisible());
    saveScreenshot(m_panel.get(), u"test_user_panel_no_match"_s);
}

void TestTestUserPanel::completerOffersKnownIds()
{
    auto *fields = m_panel->subjectFields();
    auto *edit = fields->distinctIdEdit();
    edit->setFocus();
    QSignalSpy loaded(fields->completionModel(), &models::PersonCompletionModel::loaded);
    QTest::keyClicks(edit, u"acme"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kTimeout);
    QCOMPARE(fields->completionModel()->search(), u"acme"_s);
    QAbstractItemModel *offered = fields->completer()->completionModel();
    QCOMPARE(offered->rowCount(), 1);
    QCOMPARE(offered->index(0, 0).data(Qt::EditRole).toString(), u"ann"_s);
    QCOMPARE(offered->index(0, 0).data().toString(), u"ann — Ann Lee"_s);
    QTRY_VERIFY(fields->completer()->popup()->isVisible());
    saveScreenshot(m_panel.get(), u"test_user_panel_completion"_s);
}

void TestTestUserPanel::pickingACompletionRunsTheTest()
{
    auto *fields = m_panel->subjectFields();
    auto *edit = fields->distinctIdEdit();
    edit->setFocus();
    QSignalSpy loaded(fields->completionModel(), &models::PersonCompletionModel::loaded);
    QTest::keyClicks(edit, u"Ann Lee"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kTimeout);
    QAbstractItemView *popup = fields->completer()->popup();
    QTRY_VERIFY(popup->isVisible());
    QSignalSpy evaluated(m_panel->model(), &TestEvaluationModel::evaluated);
    QTest::keyClick(popup, Qt::Key_Down);
    QTest::keyClick(popup, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(evaluated.size(), 1, kTimeout);
    QCOMPARE(edit->text(), u"ann"_s);
    QCOMPARE(m_panel->findChild<QLabel *>(u"headline"_s)->text(),
             u"<b>checkout</b> is <b>true</b> for ann"_s);
}

void TestTestUserPanel::timestampBeforeTheFlagShowsTheError()
{
    auto *use = m_panel->findChild<QCheckBox *>(u"useTimestamp"_s);
    auto *time = m_panel->findChild<QDateTimeEdit *>(u"timestamp"_s);
    use->click();
    QVERIFY(time->isEnabled());
    time->setDateTime(QDateTime::currentDateTime().addDays(-2));
    auto *edit = m_panel->subjectFields()->distinctIdEdit();
    edit->setFocus();
    QTest::keyClicks(edit, u"ann"_s);
    QSignalSpy failed(m_panel->model(), &TestEvaluationModel::failed);
    QTest::keyClick(edit, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kTimeout);
    auto *bar = m_panel->findChild<views::MessageBar *>(u"messageBar"_s);
    QTRY_VERIFY(bar->isVisible());
    QCOMPARE(bar->kind(), views::MessageBar::Kind::Error);
    QCOMPARE(bar->text(), u"Could not test ann: Feature flag 'checkout' did not exist at the "
                          "specified timestamp."_s);
    saveScreenshot(m_panel.get(), u"test_user_panel_error"_s);

    // The same test now, without the time, replaces the error with the result.
    use->click();
    QSignalSpy evaluated(m_panel->model(), &TestEvaluationModel::evaluated);
    m_panel->findChild<QPushButton *>(u"testButton"_s)->click();
    QTRY_COMPARE_WITH_TIMEOUT(evaluated.size(), 1, kTimeout);
    QVERIFY(!bar->isVisible());
    QVERIFY(m_panel->tree()->isVisible());
}

void TestTestUserPanel::escapeCancels()
{
    auto *edit = m_panel->subjectFields()->distinctIdEdit();
    edit->setFocus();
    QTest::keyClicks(edit, u"ann"_s);
    QSignalSpy evaluated(m_panel->model(), &TestEvaluationModel::evaluated);
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(m_panel->model()->isLoading());
    auto *button = m_panel->findChild<QPushButton *>(u"testButton"_s);
    QCOMPARE(button->text(), u"Testing…"_s);
    QVERIFY(!button->isEnabled());
    QTest::keyClick(edit, Qt::Key_Escape);
    QVERIFY(!m_panel->model()->isLoading());
    QCOMPARE(button->text(), u"Test"_s);
    QTest::qWait(300);
    QCOMPARE(evaluated.size(), 0);
}

void TestTestUserPanel::groupFieldsPerGroupType()
{
    m_panel->setGroupTypes({{0, u"company"_s, QString(), QString()},
                            {1, u"project"_s, u"Workspace"_s, u"Workspaces"_s}});
    auto *company = m_panel->findChild<QLineEdit *>(u"groupKey_company"_s);
    auto *project = m_panel->findChild<QLineEdit *>(u"groupKey_project"_s);
    QVERIFY(company && project);
    QTest::keyClicks(company, u"acme"_s);
    QCOMPARE(m_panel->subjectFields()->groups(), (QJsonObject{{u"company"_s, u"acme"_s}}));
    // Reloading the group types keeps what was typed.
    m_panel->setGroupTypes({{0, u"company"_s, QString(), QString()}});
    QVERIFY(!m_panel->findChild<QLineEdit *>(u"groupKey_project"_s));
    QCOMPARE(m_panel->subjectFields()->groups(), (QJsonObject{{u"company"_s, u"acme"_s}}));
    // Enter in a group field runs the test too.
    m_panel->setDistinctId(u"ann"_s);
    QSignalSpy evaluated(m_panel->model(), &TestEvaluationModel::evaluated);
    QTest::keyClick(m_panel->findChild<QLineEdit *>(u"groupKey_company"_s), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(evaluated.size(), 1, kTimeout);
    saveScreenshot(m_panel.get(), u"test_user_panel_groups"_s);
}

void TestTestUserPanel::variantIsNamed()
{
    const qint64 id = m_server->createFlagId(
        u"layout"_s, test_builders::flagFilters({QJsonObject{{u"rollout_percentage"_s, 100}}},
                                                test_builders::multivariate(
                                                    {{u"control"_s, 0}, {u"wide-layout"_s, 100}})));
    m_panel->setFlag(id, u"layout"_s);
    QVERIFY(typeAndTest(u"cat"_s));
    QCOMPARE(m_panel->findChild<QLabel *>(u"headline"_s)->text(),
             u"<b>layout</b> is variant <b>wide-layout</b> for cat"_s);
    QCOMPARE(m_panel->tree()->model()->index(0, 0).data().toString(),
             u"Condition set 1 (variant wide-layout)"_s);
    QCOMPARE(m_panel->findChild<QLabel *>(u"personProperties"_s)->text(),
             u"The person has none of the properties this flag reads."_s);
}

void TestTestUserPanel::anotherFlagClearsTheResult()
{
    QVERIFY(typeAndTest(u"ann"_s));
    QVERIFY(m_panel->tree()->isVisible());
    m_panel->setFlag(m_flagId + 1000, u"other"_s);
    QCOMPARE(m_panel->model()->rowCount(), 0);
    QVERIFY(m_panel->findChild<views::EmptyState *>()->isVisible());
}

void TestTestUserPanel::whatIfPropertiesDecide()
{
    auto *whatIf = m_panel->madeUpPropertiesEdit();
    QVERIFY(whatIf->isVisible());
    // bob is 19: the second condition wants 21 or more.
    QVERIFY(typeAndTest(u"bob"_s));
    auto *headline = m_panel->findChild<QLabel *>(u"headline"_s);
    QTRY_COMPARE(headline->text(), u"<b>checkout</b> is <b>false</b> for bob"_s);
    whatIf->setText(u"age=30"_s);
    QVERIFY(typeAndTest(u"bob"_s));
    QTRY_COMPARE(headline->text(), u"<b>checkout</b> is <b>true</b> for bob"_s);
    QVERIFY(m_panel->model()->personProperties().value("age"_L1).toDouble() == 30);
    // bob is known: nothing to warn about.
    QTRY_VERIFY(m_panel->model()->isPersonKnown().has_value());
    QVERIFY(m_panel->findChild<views::MessageBar *>(u"messageBar"_s)->text().isEmpty());

    whatIf->setText(u"age"_s);
    QTest::keyClick(whatIf, Qt::Key_Return);
    QVERIFY(!m_panel->model()->isLoading());
    QVERIFY(m_panel->findChild<views::MessageBar *>(u"messageBar"_s)->text().contains(u"age"_s));
}

void TestTestUserPanel::anUnknownIdIsSaidToBeUnknown()
{
    auto *bar = m_panel->findChild<views::MessageBar *>(u"messageBar"_s);
    QVERIFY(typeAndTest(u"nobody-at-all"_s));
    QTRY_VERIFY(bar->text().contains(u"nobody-at-all"_s));
    QVERIFY2(bar->text().contains(u"without any properties"_s), qPrintable(bar->text()));
    saveScreenshot(m_panel.get(), u"test_user_panel_unknown_id"_s);

    m_panel->madeUpPropertiesEdit()->setText(u"plan=pro, age=40"_s);
    QVERIFY(typeAndTest(u"nobody-at-all"_s));
    QTRY_VERIFY(bar->text().contains(u"made up"_s));
    QCOMPARE(m_panel->findChild<QLabel *>(u"headline"_s)->text(),
             u"<b>checkout</b> is <b>true</b> for nobody-at-all"_s);

    QVERIFY(typeAndTest(u"cat"_s));
    QTRY_VERIFY(m_panel->model()->isPersonKnown().has_value());
    QVERIFY(bar->text().isEmpty());
}

QTEST_MAIN(TestTestUserPanel)
#include "tst_test_user_panel.moc"
