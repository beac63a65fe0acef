// The insight windows of the real app, opened from the main window's actions against its
// embedded local server: a flag's insight (test a user, status, split, usage, remote config),
// every flag for one user with the jump to a flag's explanation, and the stale-flag cleanup.
#include "evaluation_reasons_model.h"
#include "flag_editor.h"
#include "flag_editor_window.h"
#include "flag_insight_window.h"
#include "flag_list_model.h"
#include "flag_status_panel.h"
#include "flag_table_view.h"
#include "local_server.h"
#include "local_session.h"
#include "made_up_properties_edit.h"
#include "main_window.h"
#include "message_bar.h"
#include "remote_config_panel.h"
#include "rollout_split_chart.h"
#include "stale_flags_model.h"
#include "stale_flags_view.h"
#include "stale_flags_window.h"
#include "storage/database.h"
#include "storage/timestamps.h"
#include "subject_fields.h"
#include "test_builders.h"
#include "test_evaluation_model.h"
#include "test_user_panel.h"
#include "usage_chart_panel.h"
#include "usage_series.h"
#include "user_flags_view.h"
#include "user_flags_window.h"
#include "window_test_support.h"

#include <QAction>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::desktop::FlagInsightWindow;
using bunting::desktop::MainWindow;
using test_builders::condition;
using test_builders::everyone;
using test_builders::flagFilters;
using test_builders::personProperty;
using widget_test::saveScreenshot;
using window_test::call;

class TestInsightWindows : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void insightTestsAUserForTheSelectedFlag();
    void oneInsightWindowPerFlag();
    void insightWindowsKeepTheirSize();
    void aFlagThatCannotBeLoadedSaysSo();
    void userFlagsLeadToTheFlagsExplanation();
    void userFlagsWithMadeUpPersonProperties();
    void userFlagsWithMadeUpGroupProperties();
    void userFlagsWithMadeUpPropertiesSayWhyTheyFail();
    void statusListsDependenciesBothWays();
    void splitUsageAndRemoteConfigTabs();
    void staleFlagsCleanupRefreshesTheList();

private:
    api::Endpoint local() const { return m_window->localSession()->endpoint(); }
    qint64 createFlag(const QString &key, const QJsonObject &filters);
    // Persons made the way SDKs make them: `$set` events through /batch/.
    // Events as SDKs send them: through /batch/ with the project's token.
    void postEvents(const QJsonArray &events);
    void addPersons(const QList<test_builders::Person> &persons);
    void select(const QString &key);
    // Moves a flag's creation back, in its row and its document, as if it had been made then.
    void backdate(qint64 flagId, int days);
    FlagInsightWindow *openInsightOf(const QString &key);
    desktop::UserFlagsWindow *openUserFlags();
    // The row of `key` in the user flags table as shown: value and reason.
    static QStringList shownRow(views::UserFlagsView *view, const QString &key);
    static QPushButton *retryButton(views::MessageBar *bar);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
};

void TestInsightWindows::init()
{
    widget_test::useDarkPaletteWhenAsked();
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings =
        std::make_unique<QSettings>(m_dir->filePath(u"settings.ini"_s), QSettings::IniFormat);
    m_window = window_test::makeMainWindow(*m_dir, m_settings.get());
    QVERIFY(m_window->localSession() && m_window->localSession()->isRunning());
    QTRY_VERIFY(!m_window->flagModel()->isLoading());
}

void TestInsightWindows::cleanup()
{
    m_window.reset();
    m_settings.reset();
    m_dir.reset();
}

qint64 TestInsightWindows::createFlag(const QString &key, const QJsonObject &filters)
{
    const QJsonObject created =
        call(local(), "POST", QString(),
             {{u"key"_s, key}, {u"name"_s, u"Flag "_s + key}, {u"filters"_s, filters}});
    if (!created.contains("id"_L1))
        qWarning() << "creating" << key << "failed:" << created;
    return created.value("id"_L1).toInteger();
}

void TestInsightWindows::postEvents(const QJsonArray &events)
{
    server::Database &db = m_window->localSession()->server()->database();
    const auto token = db.scalar(u"SELECT api_token FROM projects WHERE id = ?"_s,
                                 {local().projectId.toLongLong()});
    db.closeThreadConnection();
    QVERIFY(token);
    call(local(), "POST", u"/batch/"_s, {{u"api_key"_s, token->toString()}, {u"batch"_s, events}});
}

void TestInsightWindows::addPersons(const QList<test_builders::Person> &persons)
{
    postEvents(test_builders::personEvents(persons));
    // The server takes events in a queue of its own: done when the last person can be found.
    const QString lookup = u"/api/projects/%1/persons/?distinct_id=%2"_s.arg(
        local().projectId, persons.last().distinctId);
    QTRY_VERIFY(!call(local(), "GET", lookup).value("results"_L1).toArray().isEmpty());
}

void TestInsightWindows::backdate(qint64 flagId, int days)
{
    const server::Database &db = m_window->localSession()->server()->database();
    QJsonObject document =
        QJsonDocument::fromJson(
            db.scalar(u"SELECT document FROM feature_flags WHERE id = ?"_s, {flagId})
                ->toByteArray())
            .object();
    const QString stamp =
        server::formatApiTimestamp(QDateTime::currentDateTimeUtc().addDays(-days));
    document.insert(u"created_at"_s, stamp);
    db.exec(
        u"UPDATE feature_flags SET created_at = ?, document = ? WHERE id = ?"_s,
        {stamp, QString::fromUtf8(QJsonDocument(document).toJson(QJsonDocument::Compact)), flagId});
    db.closeThreadConnection();
}

void TestInsightWindows::select(const QString &key)
{
    m_window->refresh();
    QTRY_VERIFY(!m_window->flagModel()->isLoading());
    int row = -1;
    QTRY_VERIFY([&] {
        for (int r = 0; r < m_window->flagModel()->rowCount(); ++r)
            if (m_window->flagModel()->flagAt(r).key == key)
                row = r;
        return row >= 0;
    }());
    m_window->table()->clearSelection();
    m_window->table()->selectionModel()->select(m_window->flagModel()->index(row, 0),
                                                QItemSelectionModel::Select |
                                                    QItemSelectionModel::Rows);
}

FlagInsightWindow *TestInsightWindows::openInsightOf(const QString &key)
{
    select(key);
    QAction *insight = m_window->action(u"flagInsight"_s);
    if (!insight || !insight->isEnabled())
        return nullptr;
    insight->trigger();
    const QList<FlagInsightWindow *> windows = m_window->findChildren<FlagInsightWindow *>();
    for (FlagInsightWindow *window : windows)
        if (window->isVisible() && QTest::qWaitFor([window] { return window->isLoaded(); }) &&
            window->flag().key == key)
            return window;
    return nullptr;
}

// Ctrl+I on a flag opens its insight on "Test a user": typing a distinct id and pressing Enter
// shows the value, the reason and the condition that decided it.
void TestInsightWindows::insightTestsAUserForTheSelectedFlag()
{
    addPersons({{u"alice"_s, {{u"plan"_s, u"pro"_s}, {u"email"_s, u"alice@example.com"_s}}},
                {u"bob"_s, {{u"plan"_s, u"free"_s}}}});
    const QJsonObject proOnly = personProperty(u"plan"_s, QJsonArray{u"pro"_s});
    createFlag(u"pro-beta"_s, flagFilters({condition(100, {proOnly})}));
    QCOMPARE(m_window->action(u"flagInsight"_s)->shortcut(), QKeySequence(u"Ctrl+I"_s));

    FlagInsightWindow *insight = openInsightOf(u"pro-beta"_s);
    QVERIFY(insight);
    QVERIFY(insight->windowTitle().contains(u"pro-beta"_s));
    QCOMPARE(insight->tabs()->currentWidget(), insight->testUserPanel());

    views::TestUserPanel *panel = insight->testUserPanel();
    QLineEdit *id = panel->subjectFields()->distinctIdEdit();
    id->setFocus();
    QTest::keyClicks(id, u"alice"_s);
    QTest::keyClick(id, Qt::Key_Return);
    QTRY_VERIFY(panel->model()->hasAnswer());
    QCOMPARE(panel->model()->value(), QJsonValue(true));
    QCOMPARE(panel->model()->reason(), u"condition_match"_s);
    QCOMPARE(panel->model()->conditionIndex(), std::optional<int>(0));
    auto *headline = panel->findChild<QLabel *>(u"headline"_s);
    QVERIFY(headline);
    QVERIFY2(headline->text().contains(u"alice"_s), qPrintable(headline->text()));
    saveScreenshot(insight, u"insight-test-user"_s);

    // Bob's plan is the property that failed, shown beside the expected value.
    id->clear();
    QTest::keyClicks(id, u"bob"_s);
    QTest::keyClick(id, Qt::Key_Return);
    QTRY_VERIFY(panel->model()->hasAnswer());
    QCOMPARE(panel->model()->value(), QJsonValue(false));
    const QModelIndex set = panel->model()->index(0, 0);
    QCOMPARE(panel->model()->rowCount(set), 1);
    QCOMPARE(
        panel->model()->index(0, models::TestEvaluationModel::ActualColumn, set).data().toString(),
        u"free"_s);

    // The flag changes to let free plans in too: reloading the insight tests bob again.
    const QJsonObject anyPlan = personProperty(u"plan"_s, QJsonArray{u"pro"_s, u"free"_s});
    call(local(), "PATCH", u"%1/"_s.arg(insight->flagId()),
         {{u"filters"_s, flagFilters({condition(100, {anyPlan})})}});
    insight->reload();
    QTRY_COMPARE(panel->model()->value(), QJsonValue(true));
    QVERIFY(insight->close());
}

void TestInsightWindows::oneInsightWindowPerFlag()
{
    const qint64 id = createFlag(u"solo"_s, everyone());
    FlagInsightWindow *first = m_window->openInsight(id);
    QVERIFY(first);
    QCOMPARE(m_window->openInsight(id), first);
    QTRY_VERIFY(first->isLoaded());
    // Ctrl+O in the insight opens the same flag's editor.
    auto *edit = first->findChild<QAction *>(u"editFlag"_s);
    QVERIFY(edit);
    QCOMPARE(edit->shortcut(), QKeySequence(QKeySequence::Open));
    edit->trigger();
    desktop::FlagEditorWindow *editor = nullptr;
    QTRY_VERIFY((editor = m_window->findChild<desktop::FlagEditorWindow *>()) != nullptr);
    QCOMPARE(editor->flagId(), id);
    // And Ctrl+I in the editor comes back to this insight.
    auto *insight = editor->findChild<QAction *>(u"insight"_s);
    QVERIFY(insight);
    QCOMPARE(insight->shortcut(), QKeySequence(u"Ctrl+I"_s));
    QSignalSpy raised(editor, &desktop::FlagEditorWindow::insightRequested);
    insight->trigger();
    QCOMPARE(raised.size(), 1);
    QCOMPARE(m_window->findChildren<FlagInsightWindow *>().size(), 1);
    // What the editor saves, the open insight shows.
    QTRY_VERIFY(editor->isLoaded());
    editor->editor()->setName(u"Renamed in the editor"_s);
    editor->save();
    QTRY_COMPARE(first->flag().name, u"Renamed in the editor"_s);
    QVERIFY(editor->close());
    QVERIFY(first->close());
}

// An insight window opens at the size the last one closed with, as the other windows do.
void TestInsightWindows::insightWindowsKeepTheirSize()
{
    const qint64 id = createFlag(u"sized"_s, everyone());
    FlagInsightWindow *insight = m_window->openInsight(id);
    QVERIFY(insight);
    QTRY_VERIFY(insight->isLoaded());
    insight->resize(777, 555);
    QVERIFY(insight->close());
    QTRY_VERIFY(m_window->findChildren<FlagInsightWindow *>().isEmpty());
    insight = m_window->openInsight(id);
    QVERIFY(insight);
    QCOMPARE(insight->size(), QSize(777, 555));
}

// A flag gone from the server: the window says so, with Retry, and its tabs stay off.
void TestInsightWindows::aFlagThatCannotBeLoadedSaysSo()
{
    FlagInsightWindow *insight = m_window->openInsight(999999);
    QVERIFY(insight);
    QTRY_COMPARE(insight->messageBar()->kind(), views::MessageBar::Kind::Error);
    QVERIFY2(insight->messageBar()->text().contains(u"Could not load the flag"_s),
             qPrintable(insight->messageBar()->text()));
    QVERIFY(!insight->tabs()->isEnabled());
    QVERIFY(!insight->isLoaded());
}

// "What does a user see?" lists every flag with its value and reason; Enter on a row opens that
// flag's insight and explains it for the same person.
void TestInsightWindows::userFlagsLeadToTheFlagsExplanation()
{
    addPersons({{u"carol"_s, {{u"plan"_s, u"pro"_s}}}});
    const QJsonObject proOnly = personProperty(u"plan"_s, QJsonArray{u"pro"_s});
    createFlag(u"for-pros"_s, flagFilters({condition(100, {proOnly})}));
    createFlag(u"nobody"_s, everyone(0));
    m_window->action(u"userFlags"_s)->trigger();
    auto *window = m_window->findChild<desktop::UserFlagsWindow *>();
    QVERIFY(window);
    views::UserFlagsView *view = window->view();
    view->setDistinctId(u"carol"_s);
    view->load();
    QTRY_COMPARE(view->model()->rowCount(), 2);
    const int row = view->model()->rowOfKey(u"for-pros"_s);
    QVERIFY(row >= 0);
    QCOMPARE(view->model()
                 ->index(row, models::EvaluationReasonsModel::FlagColumn)
                 .data(models::EvaluationReasonsModel::MatchedRole)
                 .toBool(),
             true);
    saveScreenshot(window, u"user-flags"_s);
    // F5 asks again: a flag made since is listed.
    createFlag(u"newer"_s, everyone());
    const QList<QAction *> actions = window->actions();
    const auto reload = std::find_if(actions.begin(), actions.end(), [](QAction *a) {
        return a->shortcut() == QKeySequence(QKeySequence::Refresh);
    });
    QVERIFY(reload != actions.end());
    (*reload)->trigger();
    QTRY_COMPARE(view->model()->rowCount(), 3);

    QTableView *table = view->table();
    table->setFocus();
    const QModelIndex shown = table->model()->index(
        [&] {
            for (int r = 0; r < table->model()->rowCount(); ++r)
                if (table->model()->index(r, 0).data().toString() == u"for-pros"_s)
                    return r;
            return -1;
        }(),
        0);
    QVERIFY(shown.isValid());
    table->setCurrentIndex(shown);
    QTest::keyClick(table, Qt::Key_Return);

    FlagInsightWindow *insight = nullptr;
    QTRY_VERIFY((insight = m_window->findChild<FlagInsightWindow *>()) != nullptr);
    QTRY_VERIFY(insight->isLoaded());
    QCOMPARE(insight->flag().key, u"for-pros"_s);
    views::TestUserPanel *panel = insight->testUserPanel();
    QTRY_VERIFY(panel->model()->hasAnswer());
    QCOMPARE(panel->subjectFields()->distinctId(), u"carol"_s);
    QCOMPARE(panel->model()->value(), QJsonValue(true));
}

desktop::UserFlagsWindow *TestInsightWindows::openUserFlags()
{
    m_window->action(u"userFlags"_s)->trigger();
    auto *window = m_window->findChild<desktop::UserFlagsWindow *>();
    if (window) {
        window->activateWindow();
        if (!QTest::qWaitForWindowActive(window))
            return nullptr;
    }
    return window;
}

QStringList TestInsightWindows::shownRow(views::UserFlagsView *view, const QString &key)
{
    const auto *model = view->model();
    const int row = model->rowOfKey(key);
    if (row < 0)
        return {};
    return {model->index(row, models::EvaluationReasonsModel::ValueColumn).data().toString(),
            model->index(row, models::EvaluationReasonsModel::ReasonColumn).data().toString()};
}

QPushButton *TestInsightWindows::retryButton(views::MessageBar *bar)
{
    for (QPushButton *button : bar->findChildren<QPushButton *>())
        if (button->isVisible() && button->text() == "Retry"_L1)
            return button;
    return nullptr;
}

// "What does a user see?" with made-up properties: dana's plan is free, so the pro flag is off
// for her; typed under "What if", plan=pro turns it on with the matching condition as its reason,
// and the window says the values are made up until they no longer are.
void TestInsightWindows::userFlagsWithMadeUpPersonProperties()
{
    addPersons({{u"dana"_s, {{u"plan"_s, u"free"_s}, {u"country"_s, u"FR"_s}}}});
    createFlag(u"for-pros"_s, flagFilters({condition(100, {personProperty(u"plan"_s, u"pro"_s)})}));
    createFlag(u"germany"_s,
               flagFilters({condition(100, {personProperty(u"country"_s, u"DE"_s)})}));
    desktop::UserFlagsWindow *window = openUserFlags();
    QVERIFY(window);
    views::UserFlagsView *view = window->view();
    QLineEdit *id = view->subjectFields()->distinctIdEdit();
    id->setFocus();
    QTest::keyClicks(id, u"dana"_s);
    QTest::keyClick(id, Qt::Key_Return);
    QTRY_COMPARE(view->model()->rowCount(), 2);
    QCOMPARE(shownRow(view, u"for-pros"_s),
             (QStringList{u"false"_s, u"No condition set matches this user"_s}));
    QVERIFY(view->madeUpNote()->isHidden());

    // Alt+I reaches the field from the keyboard; Enter there evaluates.
    views::MadeUpPropertiesEdit *whatIf = view->madeUpPropertiesEdit();
    QTest::keyClick(window, Qt::Key_I, Qt::AltModifier);
    QTRY_COMPARE(QApplication::focusWidget(), whatIf);
    QTest::keyClicks(whatIf, u"plan=pro, country=DE"_s);
    QTest::keyClick(whatIf, Qt::Key_Return);
    QTRY_COMPARE(shownRow(view, u"for-pros"_s),
                 (QStringList{u"true"_s, u"Matched condition set 1"_s}));
    QCOMPARE(shownRow(view, u"germany"_s), (QStringList{u"true"_s, u"Matched condition set 1"_s}));
    QVERIFY(view->madeUpNote()->isVisible());
    QVERIFY2(view->madeUpNote()->text().contains(u"country=DE, plan=pro"_s),
             qPrintable(view->madeUpNote()->text()));
    QCOMPARE(view->countText(), u"2 flags, 2 on"_s);
    QVERIFY(view->messageBar()->text().isEmpty());
    saveScreenshot(window, u"user-flags-what-if"_s);

    // Nothing was stored: without the made-up properties (and with the button) dana is as before.
    whatIf->clear();
    QTest::mouseClick(view->findChild<QPushButton *>(u"showFlags"_s), Qt::LeftButton);
    QTRY_COMPARE(shownRow(view, u"for-pros"_s),
                 (QStringList{u"false"_s, u"No condition set matches this user"_s}));
    QVERIFY(view->madeUpNote()->isHidden());

    // Text that is no property says so, and evaluates nothing.
    QTest::keyClicks(whatIf, u"plan"_s);
    QTest::keyClick(whatIf, Qt::Key_Return);
    QCOMPARE(view->messageBar()->kind(), views::MessageBar::Kind::Error);
    QVERIFY(view->messageBar()->text().contains(u"name=value"_s));
    QVERIFY(!view->model()->isLoading());
}

// A group flag reads the group's properties: made up for the company typed, they decide it; made
// up for a company with no key typed, the window asks for the key instead of dropping them.
void TestInsightWindows::userFlagsWithMadeUpGroupProperties()
{
    postEvents({QJsonObject{
        {u"event"_s, u"$groupidentify"_s},
        {u"distinct_id"_s, u"$company_acme"_s},
        {u"properties"_s, QJsonObject{{u"$group_type"_s, u"company"_s},
                                      {u"$group_key"_s, u"acme"_s},
                                      {u"$group_set"_s, QJsonObject{{u"tier"_s, u"free"_s}}}}}}});
    const QString groupTypes = u"/api/projects/%1/groups_types/"_s.arg(local().projectId);
    QTRY_VERIFY([&] {
        QNetworkAccessManager network;
        QNetworkRequest request(QUrl(local().host.toString() + groupTypes));
        request.setRawHeader("Authorization", "Bearer " + local().apiKey.toUtf8());
        QNetworkReply *reply = network.get(request);
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(10000);
        reply->deleteLater();
        return QJsonDocument::fromJson(reply->readAll()).array().size() == 1;
    }());
    QJsonObject enterprise{{u"key"_s, u"tier"_s},
                           {u"type"_s, u"group"_s},
                           {u"group_type_index"_s, 0},
                           {u"operator"_s, u"exact"_s},
                           {u"value"_s, u"enterprise"_s}};
    QJsonObject filters = flagFilters({condition(100, {enterprise})});
    filters.insert(u"aggregation_group_type_index"_s, 0);
    createFlag(u"enterprise-sso"_s, filters);

    desktop::UserFlagsWindow *window = openUserFlags();
    QVERIFY(window);
    views::UserFlagsView *view = window->view();
    QLineEdit *company = nullptr;
    QTRY_VERIFY((company = view->subjectFields()->findChild<QLineEdit *>(u"groupKey_company"_s)));
    view->setDistinctId(u"erin"_s);
    company->setText(u"acme"_s);
    view->load();
    QTRY_VERIFY(view->model()->hasLoaded());
    QCOMPARE(shownRow(view, u"enterprise-sso"_s).value(0), u"false"_s);

    views::MadeUpPropertiesEdit *whatIf = view->madeUpPropertiesEdit();
    QVERIFY2(whatIf->placeholderText().contains(u"company."_s),
             qPrintable(whatIf->placeholderText()));
    whatIf->setText(u"company.tier=enterprise"_s);
    QTest::keyClick(whatIf, Qt::Key_Return);
    QTRY_COMPARE(shownRow(view, u"enterprise-sso"_s),
                 (QStringList{u"true"_s, u"Matched condition set 1"_s}));
    QVERIFY(view->madeUpNote()->text().contains(u"company.tier=enterprise"_s));

    company->clear();
    QTest::keyClick(whatIf, Qt::Key_Return);
    QCOMPARE(view->messageBar()->kind(), views::MessageBar::Kind::Error);
    QVERIFY2(view->messageBar()->text().contains(u"key of the company"_s),
             qPrintable(view->messageBar()->text()));
    QTRY_COMPARE(QApplication::focusWidget(), company);
    QVERIFY(!view->model()->isLoading());
}

// With made-up properties the window needs the project's public token and the server: either
// missing, its message bar says what failed, with Retry, which works once the cause is gone.
void TestInsightWindows::userFlagsWithMadeUpPropertiesSayWhyTheyFail()
{
    addPersons({{u"frank"_s, {{u"plan"_s, u"free"_s}}}});
    createFlag(u"for-pros"_s, flagFilters({condition(100, {personProperty(u"plan"_s, u"pro"_s)})}));
    server::Database &db = m_window->localSession()->server()->database();
    const qint64 project = local().projectId.toLongLong();
    const QString token =
        db.scalar(u"SELECT api_token FROM projects WHERE id = ?"_s, {project})->toString();
    db.exec(u"UPDATE projects SET api_token = '' WHERE id = ?"_s, {project});
    db.closeThreadConnection();

    desktop::UserFlagsWindow *window = openUserFlags();
    QVERIFY(window);
    views::UserFlagsView *view = window->view();
    view->setDistinctId(u"frank"_s);
    view->madeUpPropertiesEdit()->setText(u"plan=pro"_s);
    view->load();
    views::MessageBar *bar = view->messageBar();
    QTRY_COMPARE(bar->kind(), views::MessageBar::Kind::Error);
    QTRY_VERIFY2(bar->text().contains(u"api_token"_s), qPrintable(bar->text()));
    QVERIFY(bar->text().contains(u"with made-up properties"_s));
    QPushButton *retry = retryButton(bar);
    QVERIFY(retry);
    saveScreenshot(window, u"user-flags-what-if-no-token"_s);

    db.exec(u"UPDATE projects SET api_token = ? WHERE id = ?"_s, {token, project});
    db.closeThreadConnection();
    QTest::mouseClick(retry, Qt::LeftButton);
    QTRY_COMPARE(shownRow(view, u"for-pros"_s).value(0), u"true"_s);
    QVERIFY(bar->text().isEmpty());

    // The server goes away: a port nobody listens on.
    api::Client *client = m_window->client();
    const api::Endpoint reachable = client->endpoint();
    QTcpServer gone;
    QVERIFY(gone.listen(QHostAddress::LocalHost));
    api::Endpoint unreachable = reachable;
    unreachable.host.setPort(gone.serverPort());
    gone.close();
    client->setEndpoint(unreachable);
    view->load();
    QTRY_COMPARE_WITH_TIMEOUT(bar->kind(), views::MessageBar::Kind::Error, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(retryButton(bar), 20000);
    QVERIFY2(bar->text().contains(u"Could not reach"_s), qPrintable(bar->text()));
    client->setEndpoint(reachable);
    QTest::mouseClick(retryButton(bar), Qt::LeftButton);
    QTRY_VERIFY(!view->model()->isLoading());
    QTRY_VERIFY(bar->text().isEmpty());
    QCOMPARE(shownRow(view, u"for-pros"_s).value(0), u"true"_s);
}

// The status tab names the flags that depend on this one and those it depends on; each opens
// its own insight.
void TestInsightWindows::statusListsDependenciesBothWays()
{
    const qint64 base = createFlag(u"base"_s, everyone());
    const qint64 child = createFlag(u"child"_s, test_builders::dependingOn({base}));

    FlagInsightWindow *insight = openInsightOf(u"base"_s);
    QVERIFY(insight);
    insight->showTab(FlagInsightWindow::Tab::Status);
    views::FlagStatusPanel *status = insight->statusPanel();
    QListView *dependents = status->dependentsView();
    QTRY_COMPARE(dependents->model()->rowCount(), 1);
    QVERIFY(dependents->model()->index(0, 0).data().toString().contains(u"child"_s));
    QCOMPARE(status->dependenciesView()->model()->rowCount(), 0);
    QTRY_VERIFY(!status->statusText().isEmpty());
    QVERIFY2(status->statusText().contains(u"Active"_s, Qt::CaseInsensitive),
             qPrintable(status->statusText()));
    saveScreenshot(insight, u"insight-status"_s);

    // Enter on the dependent opens the child's insight, which names base as what it needs.
    dependents->setFocus();
    dependents->setCurrentIndex(dependents->model()->index(0, 0));
    QTest::keyClick(dependents, Qt::Key_Return);
    FlagInsightWindow *childInsight = nullptr;
    QTRY_VERIFY([&] {
        for (FlagInsightWindow *window : m_window->findChildren<FlagInsightWindow *>())
            if (window->flagId() == child)
                childInsight = window;
        return childInsight != nullptr;
    }());
    QTRY_VERIFY(childInsight->isLoaded());
    QListView *dependencies = childInsight->statusPanel()->dependenciesView();
    QTRY_COMPARE(dependencies->model()->rowCount(), 1);
    QVERIFY(dependencies->model()->index(0, 0).data().toString().contains(u"base"_s));
}

// A multivariate flag without a usage dashboard: its split as configured, the dashboard made
// from the Usage tab (the list's copy of the flag learns of it), and its remote config.
void TestInsightWindows::splitUsageAndRemoteConfigTabs()
{
    QJsonObject filters = flagFilters(
        {condition(40)}, test_builders::multivariate({{u"control"_s, 70}, {u"test"_s, 30}}));
    filters.insert(u"payloads"_s, QJsonObject{{u"test"_s, u"{\"b\":2}"_s}});
    const QJsonObject created = call(local(), "POST", QString(),
                                     {{u"key"_s, u"checkout"_s},
                                      {u"filters"_s, filters},
                                      {u"_should_create_usage_dashboard"_s, false}});
    QVERIFY(created.contains("id"_L1));
    // Five SDK calls today: three got "test", two "control".
    QJsonArray calls;
    for (int i = 0; i < 5; ++i)
        calls.append(test_builders::flagCalled(u"checkout"_s, i < 3 ? u"test"_s : u"control"_s,
                                               u"user-%1"_s.arg(i),
                                               QDateTime::currentDateTimeUtc()));
    postEvents(calls);
    const QString flagPath = u"%1/"_s.arg(created.value("id"_L1).toInteger());
    QTRY_VERIFY(call(local(), "GET", flagPath).value("last_called_at"_L1).isString());

    FlagInsightWindow *insight = openInsightOf(u"checkout"_s);
    QVERIFY(insight);
    insight->showTab(FlagInsightWindow::Tab::Split);
    views::RolloutSplitChart *split = insight->splitChart();
    QCOMPARE(split->variantShares().size(), 2);
    QCOMPARE(split->variantShares().first().key, u"control"_s);
    QCOMPARE(split->variantShares().first().percent, 70.0);
    QCOMPARE(split->conditionRollouts().size(), 1);
    QCOMPARE(split->conditionRollouts().first().percent, 40.0);
    saveScreenshot(insight, u"insight-split"_s);

    insight->showTab(FlagInsightWindow::Tab::Usage);
    views::UsageChartPanel *usage = insight->usagePanel();
    QTRY_COMPARE(usage->page(), views::UsageChartPanel::Page::Empty);
    QVERIFY(!insight->flag().usageDashboard);
    QSignalSpy changed(insight, &FlagInsightWindow::flagChanged);
    QTest::mouseClick(usage->createButton(), Qt::LeftButton);
    QTRY_VERIFY(!changed.isEmpty());
    QVERIFY(insight->flag().usageDashboard);
    QTRY_COMPARE(usage->page(), views::UsageChartPanel::Page::Chart);
    const models::UsageSeries &series = usage->loader()->series();
    QCOMPARE(series.totalCalls(), 5);
    QVERIFY(series.find(u"test"_s) && series.find(u"control"_s));
    QCOMPARE(series.find(u"test"_s)->total, 3);
    QCOMPARE(series.find(u"control"_s)->total, 2);
    saveScreenshot(insight, u"insight-usage"_s);

    // Not a remote config flag: the tab says so instead of showing a payload.
    insight->showTab(FlagInsightWindow::Tab::RemoteConfig);
    QTRY_VERIFY(!insight->remoteConfigPanel()->noteText().isEmpty());
    saveScreenshot(insight, u"insight-remote-config"_s);
}

// Stale flags: a fully rolled out flag nobody called for 45 days is listed and disabled in one
// step; one that another flag needs is kept, with the reason; the main list follows.
void TestInsightWindows::staleFlagsCleanupRefreshesTheList()
{
    const qint64 old = createFlag(u"old-launch"_s, everyone());
    const qint64 needed = createFlag(u"needed-launch"_s, everyone());
    createFlag(u"user-of-needed"_s,
               flagFilters({condition(50, {test_builders::flagDependency(needed)})}));
    backdate(old, 45);
    backdate(needed, 45);
    m_window->refresh();
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 3);

    QCOMPARE(m_window->action(u"staleFlags"_s)->shortcut(), QKeySequence(u"Ctrl+Shift+S"_s));
    m_window->action(u"staleFlags"_s)->trigger();
    auto *window = m_window->findChild<desktop::StaleFlagsWindow *>();
    QVERIFY(window);
    views::StaleFlagsView *view = window->view();
    models::StaleFlagsModel *model = view->model();
    QTRY_COMPARE(model->rowCount(), 2);
    QVERIFY(model->rowOf(old) >= 0 && model->rowOf(needed) >= 0);
    saveScreenshot(window, u"stale-flags"_s);

    view->setConfirmation(
        [](const QString &, const QString &, const QStringList &) { return true; });
    model->setAllChecked(true);
    QSignalSpy refreshed(m_window->flagModel(), &QAbstractItemModel::modelReset);
    view->disableSelected();
    QTRY_VERIFY(!model->isBusy());
    QTRY_VERIFY(!refreshed.isEmpty());
    QTRY_VERIFY(!m_window->flagModel()->isLoading());
    const auto activeOf = [this](const QString &key) {
        for (int r = 0; r < m_window->flagModel()->rowCount(); ++r)
            if (m_window->flagModel()->flagAt(r).key == key)
                return m_window->flagModel()->flagAt(r).active;
        return true;
    };
    QCOMPARE(activeOf(u"old-launch"_s), false);
    QCOMPARE(activeOf(u"needed-launch"_s), true);
    saveScreenshot(window, u"stale-flags-after-disable"_s);
}

QTEST_MAIN(TestInsightWindows)
#include "tst_insight_windows.moc"
