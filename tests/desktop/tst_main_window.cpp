// The real MainWindow, driven as a person would: its actions, dialogs and filters, against the
// embedded local server it starts itself (and a second server for the remote profile).
#include "activity_model.h"
#include "connection_dialog.h"
#include "empty_state.h"
#include "flag_change_tree.h"
#include "flag_editor.h"
#include "flag_editor_window.h"
#include "flag_filter_bar.h"
#include "flag_list_model.h"
#include "flag_table_view.h"
#include "history_window.h"
#include "local_session.h"
#include "main_window.h"
#include "message_bar.h"
#include "new_flag_dialog.h"
#include "profile_store.h"
#include "push_dialog.h"
#include "tags_dialog.h"
#include "test_builders.h"
#include "test_server.h"
#include "version_compare.h"
#include "version_history.h"
#include "window_test_support.h"
#include "work_offline_dialog.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkReply>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::desktop::MainWindow;

using widget_test::saveScreenshot;
using window_test::call;
using window_test::whenModalOpens;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void startsOnTheLocalProfileWithAnInvitingEmptyState();
    void createsAFlagFromTheDialog();
    void showsTheServersRefusalOfAKeyInTheDialog();
    void searchNarrowsTheList();
    void togglesAFlagAndShowsTheDependentFlagsRefusal();
    void retryRepeatsTheActionThatFailed();
    void anOpenEditorFollowsADisableInTheList();
    void deletesWithUndo();
    void bulkDeleteListsWhatCannotBeDeleted();
    void bulkTagsTheSelection();
    void copiesTheSelectedKeys();
    void opensTheEditorAndShowsTheSavedFlag();
    void showsTheHistoryOfAFlagAndOfTheProject();
    void remembersColumnsAndGeometry();
    void aDatabaseServedElsewhereIsAClearError();
    void switchesToARemoteProfileAndBackKeepingTheWindow();
    void addsAndRemovesAConnectionThroughTheDialog();
    void worksOfflineOnACopyOfAPostHogProject();
    void copiesFlagsToAnotherConnectionAndImportsAnExport();

private:
    std::unique_ptr<MainWindow> makeWindow();
    api::Endpoint local() const { return m_window->localSession()->endpoint(); }
    qint64 createFlag(const QString &key, const QJsonObject &extra = {});
    // A flag released to those for whom flag `base` is on: `base` cannot go while it exists.
    qint64 createDependentFlag(const QString &key, qint64 base);
    void waitLoaded();
    void select(const QStringList &keys);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
};

std::unique_ptr<MainWindow> TestMainWindow::makeWindow()
{
    return window_test::makeMainWindow(*m_dir, m_settings.get());
}

void TestMainWindow::init()
{
    widget_test::useDarkPaletteWhenAsked();
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings =
        std::make_unique<QSettings>(m_dir->filePath(u"settings.ini"_s), QSettings::IniFormat);
    m_window = makeWindow();
    QVERIFY(m_window->localSession());
    QVERIFY(m_window->localSession()->isRunning());
    waitLoaded();
}

void TestMainWindow::cleanup()
{
    m_window.reset();
    m_settings.reset();
    m_dir.reset();
}

void TestMainWindow::waitLoaded()
{
    QTRY_VERIFY(!m_window->flagModel()->isLoading());
}

qint64 TestMainWindow::createFlag(const QString &key, const QJsonObject &extra)
{
    QJsonObject body{
        {u"key"_s, key}, {u"name"_s, u"Flag "_s + key}, {u"filters"_s, test_builders::everyone()}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    const QJsonObject created = call(local(), "POST", QString(), body);
    if (!created.contains("id"_L1))
        qWarning() << "creating" << key << "failed:" << created;
    return created.value("id"_L1).toInteger();
}

qint64 TestMainWindow::createDependentFlag(const QString &key, qint64 base)
{
    return createFlag(key, {{u"filters"_s, test_builders::dependingOn({base})}});
}

void TestMainWindow::select(const QStringList &keys)
{
    views::FlagTableView *table = m_window->table();
    table->clearSelection();
    for (const QString &key : keys) {
        int row = -1;
        for (int r = 0; r < m_window->flagModel()->rowCount(); ++r)
            if (m_window->flagModel()->flagAt(r).key == key)
                row = r;
        QVERIFY2(row >= 0, qPrintable(key));
        table->selectionModel()->select(m_window->flagModel()->index(row, 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
}

void TestMainWindow::startsOnTheLocalProfileWithAnInvitingEmptyState()
{
    QCOMPARE(m_window->profiles()->currentId(), api::ConnectionProfile::localId);
    QVERIFY(m_window->connectionLabel()->text().contains(u"Local server"_s));
    QTRY_VERIFY(m_window->isShowingEmptyState());
    saveScreenshot(m_window.get(), u"empty-project"_s);
    auto *button = m_window->findChild<QPushButton *>(u"emptyStateButton"_s);
    QVERIFY(button);
    QVERIFY(button->isVisible());
    QCOMPARE(m_window->countLabel()->text(), u"0 flags"_s);
}

void TestMainWindow::createsAFlagFromTheDialog()
{
    m_window->action(u"newFlag"_s)->trigger();
    auto *dialog = m_window->findChild<views::NewFlagDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    auto *name = dialog->findChild<QLineEdit *>(u"name"_s);
    QTest::keyClicks(name, u"New checkout flow"_s);
    QCOMPARE(dialog->key(), u"new-checkout-flow"_s);
    auto *create = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(create->isEnabled());
    QTest::mouseClick(create, Qt::LeftButton);
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 1);
    QCOMPARE(m_window->flagModel()->flagAt(0).key, u"new-checkout-flow"_s);
    QTRY_VERIFY(!m_window->isShowingEmptyState());
    QTRY_VERIFY(m_window->messageBar()->text().contains(u"new-checkout-flow"_s));
    QCOMPARE(m_window->table()->selectedFlagIds(),
             QList<qint64>{m_window->flagModel()->flagAt(0).id});
}

void TestMainWindow::showsTheServersRefusalOfAKeyInTheDialog()
{
    createFlag(u"taken"_s);
    m_window->refresh();
    waitLoaded();
    m_window->action(u"newFlag"_s)->trigger();
    auto *dialog = m_window->findChild<views::NewFlagDialog *>();
    QVERIFY(dialog);
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"key"_s), u"taken"_s);
    QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok),
                      Qt::LeftButton);
    auto *error = dialog->findChild<QLabel *>(u"error"_s);
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(u"already"_s), qPrintable(error->text()));
    QVERIFY(dialog->isVisible());
    QCOMPARE(m_window->flagModel()->rowCount(), 1);
}

void TestMainWindow::searchNarrowsTheList()
{
    for (const QString &key : {u"checkout-a"_s, u"checkout-b"_s, u"search-x"_s, u"other"_s})
        createFlag(key);
    m_window->refresh();
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 4);
    QTest::keyClicks(m_window->filterBar()->searchField(), u"checkout"_s);
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 2);
    QTRY_COMPARE(m_window->countLabel()->text(), u"2 flags"_s);
    QTest::keyClicks(m_window->filterBar()->searchField(), u"-zzz"_s);
    QTRY_VERIFY(m_window->isShowingEmptyState());
    auto *button = m_window->findChild<QPushButton *>(u"emptyStateButton"_s);
    QCOMPARE(button->text(), u"Clear Filters"_s);
    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 4);
    QVERIFY(m_window->filterBar()->searchField()->text().isEmpty());

    auto *active = m_window->filterBar()->findChild<QComboBox *>(u"activeFilter"_s);
    call(local(), "PATCH", QString::number(createFlag(u"off-one"_s)) + u"/"_s,
         {{u"active"_s, false}});
    active->setCurrentIndex(active->findData(u"false"_s));
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 1);
    QCOMPARE(m_window->flagModel()->flagAt(0).key, u"off-one"_s);
}

void TestMainWindow::togglesAFlagAndShowsTheDependentFlagsRefusal()
{
    const qint64 base = createFlag(u"base"_s);
    createDependentFlag(u"child"_s, base);
    createFlag(u"free"_s);
    m_window->refresh();
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 3);

    select({u"free"_s});
    QCOMPARE(m_window->action(u"toggleActive"_s)->text(), u"&Disable"_s);
    m_window->action(u"toggleActive"_s)->trigger();
    const auto activeOf = [this](const QString &key) {
        for (int r = 0; r < m_window->flagModel()->rowCount(); ++r)
            if (m_window->flagModel()->flagAt(r).key == key)
                return m_window->flagModel()->flagAt(r).active;
        return true;
    };
    QTRY_VERIFY(!activeOf(u"free"_s));
    QTRY_COMPARE(m_window->action(u"toggleActive"_s)->text(), u"&Enable"_s);

    select({u"base"_s});
    m_window->action(u"toggleActive"_s)->trigger();
    QTRY_VERIFY(m_window->messageBar()->isVisible());
    QCOMPARE(m_window->messageBar()->kind(), views::MessageBar::Kind::Error);
    QVERIFY2(m_window->messageBar()->text().contains(u"child"_s),
             qPrintable(m_window->messageBar()->text()));
    QVERIFY(activeOf(u"base"_s));
}

void TestMainWindow::retryRepeatsTheActionThatFailed()
{
    const qint64 id = createFlag(u"switch"_s);
    m_window->refresh();
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 1);
    select({u"switch"_s});

    // The server is gone for a moment: the disable fails.
    const api::Endpoint reachable = m_window->client()->endpoint();
    QTcpServer gone;
    QVERIFY(gone.listen(QHostAddress::LocalHost));
    api::Endpoint unreachable = reachable;
    unreachable.host.setPort(gone.serverPort());
    gone.close();
    m_window->client()->setEndpoint(unreachable);
    m_window->action(u"toggleActive"_s)->trigger();
    QTRY_COMPARE(m_window->messageBar()->kind(), views::MessageBar::Kind::Error);
    QTRY_VERIFY(m_window->messageBar()->text().contains(u"Disabling switch failed"_s));
    QVERIFY(m_window->flagModel()->flagAt(0).active);

    // Back: Retry disables, rather than only reloading the list.
    m_window->client()->setEndpoint(reachable);
    QPushButton *retry = nullptr;
    for (QPushButton *button : m_window->messageBar()->findChildren<QPushButton *>())
        if (button->isVisible() && button->text() == "Retry"_L1)
            retry = button;
    QVERIFY(retry);
    QTest::mouseClick(retry, Qt::LeftButton);
    QTRY_VERIFY(!call(local(), "GET", u"%1/"_s.arg(id)).value("active"_L1).toBool(true));
    QTRY_VERIFY(!m_window->flagModel()->flagAt(0).active);
}

void TestMainWindow::anOpenEditorFollowsADisableInTheList()
{
    const qint64 id = createFlag(u"followed"_s);
    m_window->refresh();
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 1);
    desktop::FlagEditorWindow *editor = m_window->openEditor(id);
    QTRY_VERIFY(editor->isLoaded());
    QVERIFY(editor->editor()->draft().active);
    select({u"followed"_s});
    m_window->action(u"toggleActive"_s)->trigger();
    QTRY_VERIFY(!editor->editor()->draft().active);
    QVERIFY(!editor->editor()->isDirty());
    QCOMPARE(editor->editor()->loaded().version, 2);
    QVERIFY2(editor->messageBar()->text().contains(u"disabled in the flag list"_s),
             qPrintable(editor->messageBar()->text()));

    // Tags given to the selection reach the editor too.
    whenModalOpens<views::TagsDialog>([](views::TagsDialog *dialog) {
        dialog->setAction(api::Client::TagAction::Add);
        dialog->setTagsText(u"beta"_s);
        dialog->accept();
    });
    m_window->action(u"editTags"_s)->trigger();
    QTRY_COMPARE(editor->editor()->draft().tags, QStringList{u"beta"_s});
    QVERIFY(!editor->editor()->isDirty());
}

void TestMainWindow::deletesWithUndo()
{
    createFlag(u"keep"_s);
    createFlag(u"doomed"_s);
    m_window->refresh();
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 2);
    select({u"doomed"_s});
    m_window->action(u"delete"_s)->trigger();
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 1);
    QCOMPARE(m_window->flagModel()->flagAt(0).key, u"keep"_s);
    QVERIFY(m_window->messageBar()->text().contains(u"doomed"_s));
    QVERIFY(m_window->action(u"undoDelete"_s)->isEnabled());
    QCOMPARE(call(local(), "GET", u"?search=doomed"_s).value("count"_L1).toInt(), 0);

    m_window->action(u"undoDelete"_s)->trigger();
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 2);
    QCOMPARE(call(local(), "GET", u"?search=doomed"_s).value("count"_L1).toInt(), 1);
    QVERIFY(!m_window->action(u"undoDelete"_s)->isEnabled());
}

void TestMainWindow::bulkDeleteListsWhatCannotBeDeleted()
{
    const qint64 base = createFlag(u"base"_s);
    createDependentFlag(u"child"_s, base);
    createFlag(u"loose-1"_s);
    createFlag(u"loose-2"_s);
    m_window->refresh();
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 4);
    select({u"base"_s, u"loose-1"_s, u"loose-2"_s});
    whenModalOpens<QMessageBox>([](QMessageBox *box) {
        QVERIFY(box->text().contains(u"3 flags"_s));
        box->button(QMessageBox::Yes)->click();
    });
    m_window->action(u"delete"_s)->trigger();
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 2);
    QCOMPARE(m_window->messageBar()->kind(), views::MessageBar::Kind::Warning);
    const QString text = m_window->messageBar()->text();
    QVERIFY2(text.contains(u"base"_s) && text.contains(u"depend"_s), qPrintable(text));
    QVERIFY2(text.contains(u"loose-1"_s), qPrintable(text));
    select({u"child"_s});
    saveScreenshot(m_window.get(), u"bulk-delete-refused"_s);
}

void TestMainWindow::bulkTagsTheSelection()
{
    createFlag(u"one"_s, {{u"tags"_s, QJsonArray{u"old"_s}}});
    createFlag(u"two"_s);
    createFlag(u"three"_s);
    m_window->refresh();
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 3);
    select({u"one"_s, u"two"_s});
    whenModalOpens<views::TagsDialog>([](views::TagsDialog *dialog) {
        dialog->setAction(api::Client::TagAction::Add);
        dialog->setTagsText(u"beta, checkout"_s);
        dialog->accept();
    });
    m_window->action(u"editTags"_s)->trigger();
    const auto tagsOf = [this](const QString &key) {
        for (int r = 0; r < m_window->flagModel()->rowCount(); ++r)
            if (m_window->flagModel()->flagAt(r).key == key) {
                QStringList tags = m_window->flagModel()->flagAt(r).tags;
                tags.sort();
                return tags;
            }
        return QStringList();
    };
    QTRY_COMPARE(tagsOf(u"one"_s), (QStringList{u"beta"_s, u"checkout"_s, u"old"_s}));
    QTRY_COMPARE(tagsOf(u"two"_s), (QStringList{u"beta"_s, u"checkout"_s}));
    QCOMPARE(tagsOf(u"three"_s), QStringList());

    select({u"one"_s});
    whenModalOpens<views::TagsDialog>([](views::TagsDialog *dialog) {
        dialog->setAction(api::Client::TagAction::Remove);
        dialog->setTagsText(u"old"_s);
        dialog->accept();
    });
    m_window->action(u"editTags"_s)->trigger();
    QTRY_COMPARE(tagsOf(u"one"_s), (QStringList{u"beta"_s, u"checkout"_s}));
}

void TestMainWindow::copiesTheSelectedKeys()
{
    createFlag(u"copy-me"_s);
    createFlag(u"and-me"_s);
    m_window->refresh();
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 2);
    select({u"copy-me"_s, u"and-me"_s});
    m_window->action(u"copyKey"_s)->trigger();
    QStringList copied = QGuiApplication::clipboard()->text().split(u'\n');
    copied.sort();
    QCOMPARE(copied, (QStringList{u"and-me"_s, u"copy-me"_s}));
}

void TestMainWindow::opensTheEditorAndShowsTheSavedFlag()
{
    createFlag(u"edit-me"_s);
    m_window->refresh();
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 1);
    select({u"edit-me"_s});
    QVERIFY(m_window->action(u"editFlag"_s)->isEnabled());
    m_window->action(u"editFlag"_s)->trigger();
    auto *editor = m_window->findChild<desktop::FlagEditorWindow *>();
    QVERIFY(editor);
    QTRY_VERIFY(editor->isLoaded());
    QCOMPARE(editor->editor()->draft().key, u"edit-me"_s);
    // Opening it again raises the same window.
    QCOMPARE(m_window->openEditor(editor->flagId()), editor);

    editor->editor()->setName(u"Renamed in the editor"_s);
    editor->save();
    QTRY_COMPARE(
        m_window->flagModel()->index(0, models::FlagListModel::NameColumn).data().toString(),
        u"Renamed in the editor"_s);
    saveScreenshot(editor, u"flag-editor"_s);
    QVERIFY(editor->close());
}

void TestMainWindow::showsTheHistoryOfAFlagAndOfTheProject()
{
    const qint64 id = createFlag(u"watched"_s);
    createFlag(u"other"_s);
    for (int rollout : {10, 20, 30})
        call(local(), "PATCH", u"%1/"_s.arg(id),
             {{u"filters"_s, test_builders::everyone(rollout)}});
    m_window->refresh();
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 2);
    select({u"watched"_s});
    m_window->action(u"flagHistory"_s)->trigger();
    auto *history = m_window->findChild<desktop::HistoryWindow *>();
    QVERIFY(history);
    QCOMPARE(history->flagId(), id);
    QVERIFY(history->windowTitle().contains(u"watched"_s));
    // One day of four entries: created and three rollout changes.
    const auto entries = [](models::ActivityModel *model) {
        int count = 0;
        for (int day = 0; day < model->rowCount(); ++day)
            count += model->rowCount(model->index(day, 0));
        return count;
    };
    QTRY_COMPARE(entries(history->activityModel()), 4);
    saveScreenshot(history, u"flag-history"_s);
    // The versions tab lists every version and compares two of them.
    QVERIFY(history->versions());
    QTRY_COMPARE(history->versionHistory()->rowCount(), 4);
    history->tabs()->setCurrentWidget(history->versions());
    QSignalSpy shown(history->versions(), &views::VersionCompare::comparisonShown);
    history->versions()->compareVersions(2, 4);
    QTRY_VERIFY(!shown.isEmpty());
    saveScreenshot(history, u"flag-versions"_s);

    QCOMPARE(m_window->openHistory(0), m_window->openHistory(0)); // one window per subject
    desktop::HistoryWindow *project = m_window->openHistory(0);
    QTRY_COMPARE(entries(project->activityModel()), 5);
    QVERIFY(history->close());
    QVERIFY(project->close());
}

void TestMainWindow::remembersColumnsAndGeometry()
{
    m_window->resize(900, 600);
    m_window->table()->setColumnWidth(models::FlagListModel::NameColumn, 333);
    m_window->close();
    m_window.reset();
    m_window = makeWindow();
    QCOMPARE(m_window->table()->columnWidth(models::FlagListModel::NameColumn), 333);
    QCOMPARE(m_window->size(), QSize(900, 600));
}

void TestMainWindow::aDatabaseServedElsewhereIsAClearError()
{
    // Issue 20 item 6: two servers on one SQLite file answered 500s ("database is locked"). A
    // second window on the first one's database (as a second Bunting, or a bunting-server
    // serving it, would be) says so instead of serving it too.
    const std::unique_ptr<MainWindow> second = makeWindow();
    QVERIFY(!second->localSession());
    QTRY_VERIFY(second->messageBar()->text().contains(u"is already being served by"_s));
    QVERIFY2(second->messageBar()->text().contains(
                 u"(pid %1)"_s.arg(QCoreApplication::applicationPid())),
             qPrintable(second->messageBar()->text()));
    QVERIFY(m_window->localSession()->isRunning());
    second->resize(900, 500);
    second->show();
    QVERIFY(QTest::qWaitForWindowExposed(second.get()));
    widget_test::saveScreenshot(second.get(), u"main-window-database-served-elsewhere"_s);
}

void TestMainWindow::switchesToARemoteProfileAndBackKeepingTheWindow()
{
    createFlag(u"local-only"_s);
    TestServer remote;
    remote.createFlag(QJsonObject{{u"key"_s, u"remote-one"_s}, {u"name"_s, u"Remote"_s}});
    remote.createFlag(QJsonObject{{u"key"_s, u"remote-two"_s}, {u"name"_s, u"Remote"_s}});

    MainWindow *before = m_window.get();
    api::ConnectionProfile profile;
    profile.kind = api::ConnectionProfile::Kind::Remote;
    profile.name = u"Staging"_s;
    profile.host = QUrl(u"http://127.0.0.1:%1"_s.arg(remote.port()));
    profile.projectId = QString::number(remote.projectId());
    m_window->addRemoteProfile(profile, remote.ownerKey());
    QTRY_VERIFY(m_window->profiles()->current().name == u"Staging"_s);
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 2);
    QVERIFY(m_window->windowTitle().contains(u"Staging"_s));
    auto *box = m_window->findChild<QComboBox *>(u"profileBox"_s);
    QCOMPARE(box->currentText(), u"Staging"_s);

    m_window->switchToProfile(api::ConnectionProfile::localId);
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 1);
    QCOMPARE(m_window->flagModel()->flagAt(0).key, u"local-only"_s);
    QCOMPARE(m_window.get(), before);

    // The profile and its key outlive the window.
    const QString stagingId = m_window->profiles()->profiles().last().id;
    m_window.reset();
    m_window = makeWindow();
    m_window->switchToProfile(stagingId);
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 2);
}

void TestMainWindow::addsAndRemovesAConnectionThroughTheDialog()
{
    TestServer remote;
    remote.createFlag(QJsonObject{{u"key"_s, u"from-dialog"_s}, {u"name"_s, u"Remote"_s}});
    m_window->action(u"addConnection"_s)->trigger();
    auto *dialog = m_window->findChild<views::ConnectionDialog *>();
    QVERIFY(dialog);
    auto *host = dialog->findChild<QComboBox *>(u"host"_s);
    host->setCurrentIndex(host->count() - 1); // Custom…
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"customUrl"_s),
                     u"http://127.0.0.1:%1"_s.arg(remote.port()));
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"projectId"_s),
                     QString::number(remote.projectId()));
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"apiKey"_s), remote.ownerKey());
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"name"_s), u"Dialog made"_s);
    QVERIFY(dialog->isComplete());
    dialog->accept();
    QTRY_COMPARE(m_window->profiles()->current().name, u"Dialog made"_s);
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 1);
    QCOMPARE(m_window->flagModel()->flagAt(0).key, u"from-dialog"_s);
    QVERIFY(m_window->action(u"removeConnection"_s)->isEnabled());

    whenModalOpens<QMessageBox>([](QMessageBox *box) { box->button(QMessageBox::Yes)->click(); });
    m_window->action(u"removeConnection"_s)->trigger();
    QTRY_COMPARE(m_window->profiles()->currentId(), api::ConnectionProfile::localId);
    QCOMPARE(m_window->profiles()->profiles().size(), 1);
    QVERIFY(!m_window->action(u"removeConnection"_s)->isEnabled());
}

QTEST_MAIN(TestMainWindow)
// Issue 16: "Work offline" from the window: a PostHog connection (a real server playing PostHog)
// copied into the local server, the copy opened as a connection of its own, and a flag changed
// there while the remote keeps its own.
void TestMainWindow::worksOfflineOnACopyOfAPostHogProject()
{
    TestServer remote;
    const qint64 banner = remote
                              .createFlag(QJsonObject{{u"key"_s, u"summer-banner"_s},
                                                      {u"name"_s, u"Summer banner"_s},
                                                      {u"filters"_s, test_builders::everyone()}})
                              .value("id"_L1)
                              .toInteger();
    remote.createFlag(QJsonObject{{u"key"_s, u"new-checkout"_s}, {u"name"_s, u"New checkout"_s}});
    remote.createFlag(QJsonObject{{u"key"_s, u"pricing-v2"_s}, {u"name"_s, u"Pricing, take 2"_s}});
    QVERIFY(remote.addPersons({{u"ann"_s, QJsonObject{{u"plan"_s, u"pro"_s}}}}));

    QVERIFY(!m_window->action(u"workOffline"_s)->isEnabled()); // nothing to copy on Local
    api::ConnectionProfile profile;
    profile.name = u"Shop"_s;
    profile.host = QUrl(u"http://127.0.0.1:%1"_s.arg(remote.port()));
    profile.projectId = QString::number(remote.projectId());
    m_window->addRemoteProfile(profile, remote.ownerKey());
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 3);
    QVERIFY(m_window->action(u"workOffline"_s)->isEnabled());

    m_window->action(u"workOffline"_s)->trigger();
    auto *dialog = m_window->findChild<desktop::WorkOfflineDialog *>();
    QVERIFY(dialog);
    auto *copy = dialog->findChild<QPushButton *>(u"copyButton"_s);
    auto *open = dialog->findChild<QPushButton *>(u"openCopyButton"_s);
    copy->click();
    QTRY_VERIFY_WITH_TIMEOUT(open->isVisible(), 30000);
    QVERIFY2(dialog->findChild<QLabel *>(u"copyStatus"_s)
                 ->text()
                 .startsWith(u"Copied 3 flags and 1 person into local project 2."_s),
             qPrintable(dialog->findChild<QLabel *>(u"copyStatus"_s)->text()));
    widget_test::saveScreenshot(dialog, u"work-offline-dialog"_s);
    open->click();

    QTRY_VERIFY(m_window->profiles()->current().isOfflineCopy());
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 3);
    waitLoaded();
    QVERIFY(m_window->windowTitle().contains(u"Offline copy of Shop"_s));
    QVERIFY(!m_window->action(u"workOffline"_s)->isEnabled());
    QVERIFY(m_window->action(u"removeConnection"_s)->isEnabled());

    // Changed in the copy; the remote keeps its own.
    select({u"summer-banner"_s});
    m_window->action(u"toggleActive"_s)->trigger();
    QTRY_COMPARE(m_window->action(u"toggleActive"_s)->text(), u"&Enable"_s);
    QVERIFY(remote.getFlag(banner).value("active"_L1).toBool());
    // Marked in the list, counted in the status bar.
    QTRY_COMPARE(m_window->copyChangesLabel()->text(), u"Not on PostHog yet: 1 changed"_s);
    const auto markOf = [this](const QString &key) {
        for (int row = 0; row < m_window->flagModel()->rowCount(); ++row) {
            const QModelIndex index = m_window->flagModel()->index(row, 0);
            if (index.data(models::FlagListModel::FlagKeyRole).toString() == key)
                return models::FlagListModel::CopyMark(
                    index.data(models::FlagListModel::CopyMarkRole).toInt());
        }
        return models::FlagListModel::CopyMark::None;
    };
    QCOMPARE(markOf(u"summer-banner"_s), models::FlagListModel::CopyMark::Changed);
    QCOMPARE(markOf(u"pricing-v2"_s), models::FlagListModel::CopyMark::None);
    widget_test::saveScreenshot(m_window.get(), u"work-offline-copy"_s);

    // Pushed back: the change, with what it changes, then sent.
    QVERIFY(m_window->action(u"pushChanges"_s)->isEnabled());
    m_window->action(u"pushChanges"_s)->trigger();
    auto *push = m_window->findChild<desktop::PushDialog *>();
    QVERIFY(push);
    QTRY_VERIFY_WITH_TIMEOUT(push->isReady(), 10000);
    QCOMPARE(push->flagList()->topLevelItemCount(), 1);
    QCOMPARE(push->flagList()->topLevelItem(0)->text(0), u"summer-banner"_s);
    QCOMPARE(push->flagList()->topLevelItem(0)->text(1), u"Changed"_s);
    QVERIFY(push->changeTree()->topLevelItemCount() > 0);
    QCOMPARE(push->pushButton()->text(), u"&Push 1 Flag"_s);
    QCOMPARE(push->statusLabel()->text(), u"To Shop."_s);
    widget_test::saveScreenshot(push, u"push-changes-dialog"_s);
    QSignalSpy pushed(push, &desktop::PushDialog::pushFinished);
    push->pushButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(pushed.size(), 1, 10000);
    QCOMPARE(push->statusLabel()->text(), u"1 sent to Shop."_s);
    QVERIFY(push->flagList()->topLevelItem(0)->text(2).startsWith(u"Sent"_s));
    QVERIFY(!push->pushButton()->isEnabled());
    QVERIFY(!remote.getFlag(banner).value("active"_L1).toBool());
    widget_test::saveScreenshot(push, u"push-changes-sent"_s);
    QTRY_COMPARE(m_window->copyChangesLabel()->text(), u"In step with PostHog"_s);
    QCOMPARE(markOf(u"summer-banner"_s), models::FlagListModel::CopyMark::None);
    push->close();

    // Pulled from the copy: PostHog's rename comes in.
    QCOMPARE(remote.patchFlag(banner, {{u"name"_s, u"Summer banner, renamed there"_s}}).status,
             200);
    QVERIFY(m_window->action(u"pullChanges"_s)->isEnabled());
    m_window->action(u"pullChanges"_s)->trigger();
    desktop::WorkOfflineDialog *pull = nullptr;
    QTRY_VERIFY((pull = m_window->findChild<desktop::WorkOfflineDialog *>()));
    auto *status = pull->findChild<QLabel *>(u"copyStatus"_s);
    QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(u"Refreshed local project 2 from PostHog: "
                                                       "0 new, 1 updated, 0 gone there, 2 "
                                                       "unchanged; 0 persons updated."_s),
                             30000);
    QVERIFY(pull->windowTitle().startsWith(u"Pull from PostHog"_s));
    QVERIFY(!pull->findChild<QPushButton *>(u"openCopyButton"_s)->isVisible());
    widget_test::saveScreenshot(pull, u"pull-from-posthog"_s);
    QTRY_VERIFY(m_window->flagModel()->rowCount() == 3 &&
                m_window->flagModel()->flagAt(0).name.startsWith(u"Summer banner, renamed"_s));
}

// Issue 16, "Flags between projects": "Copy to…" from a PostHog connection to the local
// server shows each flag as new there, and sends it; an export of it, imported there, is equal
// already and sends nothing.
void TestMainWindow::copiesFlagsToAnotherConnectionAndImportsAnExport()
{
    TestServer remote;
    remote.createFlag(QJsonObject{{u"key"_s, u"pricing-v2"_s},
                                  {u"name"_s, u"Pricing, take 2"_s},
                                  {u"tags"_s, QJsonArray{u"pricing"_s}},
                                  {u"filters"_s, test_builders::everyone(25)}});
    remote.createFlag(QJsonObject{{u"key"_s, u"summer-banner"_s}});
    api::ConnectionProfile profile;
    profile.name = u"Shop"_s;
    profile.host = QUrl(u"http://127.0.0.1:%1"_s.arg(remote.port()));
    profile.projectId = QString::number(remote.projectId());
    m_window->addRemoteProfile(profile, remote.ownerKey());
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 2);
    waitLoaded();

    select({u"pricing-v2"_s});
    QVERIFY(m_window->action(u"copyTo"_s)->isEnabled());
    m_window->action(u"copyTo"_s)->trigger();
    desktop::PushDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<desktop::PushDialog *>()));
    dialog->targetBox()->setCurrentIndex(
        dialog->targetBox()->findData(api::ConnectionProfile::localId));
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isReady(), 10000);
    QCOMPARE(dialog->flagList()->topLevelItemCount(), 1);
    QCOMPARE(dialog->flagList()->topLevelItem(0)->text(0), u"pricing-v2"_s);
    QCOMPARE(dialog->flagList()->topLevelItem(0)->text(1), u"New there"_s);
    widget_test::saveScreenshot(dialog, u"copy-flags-to"_s);
    QSignalSpy sent(dialog, &desktop::PushDialog::pushFinished);
    dialog->pushButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, 10000);
    QVERIFY2(dialog->statusLabel()->text().startsWith(u"1 sent to "_s),
             qPrintable(dialog->statusLabel()->text()));
    const QJsonObject copied = call(local(), "GET", QString(), {});
    QCOMPARE(copied["count"_L1].toInt(), 1);
    QCOMPARE(copied["results"_L1][0]["key"_L1].toString(), u"pricing-v2"_s);
    QCOMPARE(copied["results"_L1][0]["tags"_L1], QJsonValue(QJsonArray{u"pricing"_s}));
    dialog->close();

    const QString path = m_dir->filePath(u"pricing.json"_s);
    m_window->exportFlagsTo({m_window->table()->selectedFlagIds(), std::nullopt}, path);
    QTRY_VERIFY(QFile::exists(path));
    m_window->switchToProfile(api::ConnectionProfile::localId);
    QTRY_VERIFY(m_window->profiles()->current().isLocal());
    waitLoaded();
    m_window->importFlagsFrom(path);
    desktop::PushDialog *import = nullptr;
    QTRY_VERIFY((import = m_window->findChild<desktop::PushDialog *>()));
    QTRY_VERIFY_WITH_TIMEOUT(import->isReady(), 10000);
    QCOMPARE(import->flagList()->topLevelItemCount(), 0);
    QVERIFY2(import->findChild<QLabel *>()->text().contains(u"Equal there already: pricing-v2."_s),
             qPrintable(import->findChild<QLabel *>()->text()));
}

#include "tst_main_window.moc"
