#include "main_window.h"

#include "connection_dialog.h"
#include "connection_identity.h"
#include "connection_switch_check.h"
#include "copy_source.h"
#include "editor_preferences.h"
#include "empty_state.h"
#include "flag_change_notifier.h"
#include "flag_editor_window.h"
#include "flag_filter_bar.h"
#include "flag_insight_window.h"
#include "flag_list_model.h"
#include "flag_table_view.h"
#include "help_menu.h"
#include "history_window.h"
#include "icons.h"
#include "local_server.h"
#include "local_session.h"
#include "message_bar.h"
#include "new_flag_dialog.h"
#include "profile_store.h"
#include "push_dialog.h"
#include "secret_store_notice.h"
#include "stale_flags_window.h"
#include "tags_dialog.h"
#include "user_flags_window.h"
#include "window_geometry.h"
#include "window_registry.h"
#include "window_shortcuts.h"
#include "work_offline_dialog.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDate>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSaveFile>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using bunting::api::ApiError;
using bunting::api::ConnectionProfile;
using bunting::models::FlagListModel;
using bunting::views::MessageBar;

namespace bunting::desktop {

namespace {

constexpr int kUndoOfferMs = 15000;

QString joinKeys(const QStringList &keys, int shown = 3)
{
    if (keys.size() <= shown)
        return keys.join(u", "_s);
    return QCoreApplication::translate("MainWindow", "%1 and %n more", nullptr,
                                       int(keys.size() - shown))
        .arg(keys.first(shown).join(u", "_s));
}

} // namespace

MainWindow::MainWindow(const MainWindowSetup &setup, QWidget *parent)
    : QMainWindow(parent), m_setup(setup)
{
    Q_ASSERT(m_setup.settings);
    setWindowTitle(tr("Bunting"));
    setWindowIcon(views::appIcon());
    m_connection = new ConnectionController(*m_setup.settings, m_setup.localDatabasePath,
                                            m_setup.keyDirectory, m_setup.keyMode, this);
    m_windows = new WindowRegistry(this);
    m_model = new FlagListModel(this);

    createActions();
    createCentre();
    createMenus();
    createStatusBar();
    rebuildProfileChoices();
    restoreState();

    m_connection->setLeaveCheck(
        [this](const ConnectionProfile &to) { return mayLeaveConnection(to); });
    connect(m_connection, &ConnectionController::switching, this, [this] {
        rebuildProfileChoices();
        m_messages->dismiss();
        m_lastDeleted.clear();
        action(u"undoDelete"_s)->setEnabled(false);
    });
    connect(m_connection, &ConnectionController::localServerFailed, this,
            [this](const QString &error) {
                m_connectionLabel->setText(tr("Local server not running"));
                m_messages->showMessage(MessageBar::Kind::Error, error);
            });
    connect(m_connection, &ConnectionController::connecting, this,
            [this](const ConnectionProfile &profile) {
                m_connectionLabel->setText(tr("Connecting to %1…").arg(profile.title()));
            });
    connect(m_connection, &ConnectionController::keyUnavailable, this,
            [this](const ConnectionProfile &, const QString &why) {
                auto *edit = new QAction(tr("Edit Connection…"), m_messages);
                connect(edit, &QAction::triggered, this, &MainWindow::editConnection);
                m_messages->showMessage(MessageBar::Kind::Error, why, {edit});
            });
    connect(m_connection, &ConnectionController::clientChanged, this, &MainWindow::useClient);
    connect(m_connection, &ConnectionController::storeFailed, this,
            [this](const QString &why) { m_messages->showMessage(MessageBar::Kind::Error, why); });
    connect(m_connection->profiles(), &api::ProfileStore::profilesChanged, this,
            &MainWindow::rebuildProfileChoices);
    connect(m_connection->keys(), &api::SecretStore::backendDecided, this, [this](bool fallback) {
        if (fallback)
            m_messages->showMessage(MessageBar::Kind::Warning,
                                    m_connection->keys()->fallbackReason());
    });
    connect(m_model, &FlagListModel::loadingChanged, this, [this] {
        updateCounts();
        updateEmptyState();
    });
    connect(m_model, &FlagListModel::totalCountChanged, this, &MainWindow::updateCounts);
    connect(m_model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) {
                updateCounts();
                updateEmptyState();
                learnFilterChoices(first, last);
            });
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        updateCounts();
        updateEmptyState();
    });
    // Pages load as the list scrolls: what they bring in is learnt as it comes.
    connect(m_model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                learnFilterChoices(topLeft.row(), bottomRight.row());
            });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        learnFilterChoices(0, m_model->rowCount() - 1);
        updateCounts();
        updateEmptyState();
        updateActions();
    });
    connect(m_model, &FlagListModel::loadFailed, this,
            [this](const ApiError &error) { showError(tr("Loading the flags failed"), error); });
    connect(m_filters, &views::FlagFilterBar::queryChanged, this, [this](api::FlagListQuery query) {
        query.order = m_model->query().order;
        m_model->setQuery(query);
    });
    connect(m_table, &views::FlagTableView::selectionChangedTo, this, &MainWindow::updateActions);
    // Enter or a double click (as the platform has it) opens the flag.
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        openEditor(index.data(FlagListModel::FlagIdRole).toLongLong());
    });
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        QMenu menu(this);
        menu.addAction(action(u"editFlag"_s));
        menu.addAction(action(u"flagInsight"_s));
        menu.addAction(action(u"flagHistory"_s));
        menu.addAction(action(u"newFlag"_s));
        menu.addSeparator();
        menu.addAction(action(u"toggleActive"_s));
        menu.addAction(action(u"copyKey"_s));
        menu.addAction(action(u"editTags"_s));
        menu.addAction(action(u"copyTo"_s));
        menu.addSeparator();
        menu.addAction(action(u"delete"_s));
        menu.exec(m_table->viewport()->mapToGlobal(pos));
    });
    connect(m_empty, &views::EmptyState::buttonClicked, this, [this] {
        if (m_filters->isFiltering())
            m_filters->clear();
        else
            newFlag();
    });
    connect(m_empty, &views::EmptyState::secondaryButtonClicked, this, &MainWindow::addConnection);

    updateActions();
    switchToProfile(m_connection->profiles()->currentId());
}

MainWindow::~MainWindow()
{
    // The other windows are children; they go first, while the client they use still exists and
    // before this window's members are gone (they tell it when they close).
    m_windows->destroyAll();
    // The model's calls go through the client, and the local server answers them: stop
    // listening to both before the server goes.
    m_model->setClient(nullptr);
    m_connection->shutDown();
}

QAction *MainWindow::action(const QString &name) const
{
    return m_actions.value(name);
}

bool MainWindow::isShowingEmptyState() const
{
    return m_stack->currentWidget() == m_empty;
}

void MainWindow::createActions()
{
    const auto add = [this](const QString &name, const QString &text, const QString &icon,
                            const QList<QKeySequence> &keys, const QString &tip, auto slot) {
        auto *a = new QAction(text, this);
        a->setObjectName(name);
        if (!icon.isEmpty())
            a->setIcon(views::themedIcon(icon));
        a->setShortcuts(keys);
        QString shortcutText;
        if (!keys.isEmpty())
            shortcutText = u" (%1)"_s.arg(keys.first().toString(QKeySequence::NativeText));
        a->setToolTip(tip + shortcutText);
        a->setStatusTip(tip);
        connect(a, &QAction::triggered, this, slot);
        m_actions.insert(name, a);
        addAction(a);
        return a;
    };
    add(u"newFlag"_s, tr("&New Flag…"), u"add"_s, {QKeySequence::New}, tr("Create a feature flag"),
        &MainWindow::newFlag);
    add(u"editFlag"_s, tr("&Open Flag…"), u"flag"_s, {QKeySequence::Open},
        tr("Edit the selected flag's rollout"), &MainWindow::editSelected);
    add(u"flagHistory"_s, tr("&History…"), u"undo"_s, {QKeySequence(u"Ctrl+H"_s)},
        tr("Who changed the selected flag, and its versions"), [this] {
            const QList<qint64> ids = m_table->selectedFlagIds();
            if (ids.size() == 1)
                openHistory(ids.first());
        });
    add(u"flagInsight"_s, tr("&Insight…"), u"insight"_s, {QKeySequence(u"Ctrl+I"_s)},
        tr("Test a user, see the status, split and usage of the selected flag"), [this] {
            const QList<qint64> ids = m_table->selectedFlagIds();
            if (ids.size() == 1)
                openInsight(ids.first());
        });
    add(u"userFlags"_s, tr("What Does a &User See?…"), u"user"_s, {QKeySequence(u"Ctrl+U"_s)},
        tr("Every flag's value and reason for one person"), [this] { openUserFlags(); })
        ->setIconText(tr("User's Flags"));
    add(u"staleFlags"_s, tr("&Stale Flags…"), u"stale"_s, {QKeySequence(u"Ctrl+Shift+S"_s)},
        tr("Flags nobody needs any more, to disable or delete"), [this] { openStaleFlags(); });
    add(u"projectActivity"_s, tr("Project &Activity"), QString(), {QKeySequence(u"Ctrl+Shift+H"_s)},
        tr("Every change to the project's flags"), [this] { openHistory(0); });
    add(u"toggleActive"_s, tr("&Enable / Disable"), u"toggle"_s, {QKeySequence(u"Ctrl+E"_s)},
        tr("Switch the selected flags on or off"), &MainWindow::toggleActive);
    add(u"delete"_s, tr("&Delete"), u"delete"_s, {QKeySequence::Delete},
        tr("Delete the selected flags (can be undone)"), &MainWindow::deleteSelected);
    add(u"undoDelete"_s, tr("&Undo Delete"), u"undo"_s, {QKeySequence::Undo},
        tr("Bring back the flags deleted last"), &MainWindow::undoDelete);
    add(u"copyKey"_s, tr("&Copy Key"), u"copy"_s, {QKeySequence::Copy},
        tr("Copy the selected flags' keys"), &MainWindow::copyKeys);
    add(u"editTags"_s, tr("&Tags…"), u"tag"_s, {QKeySequence(u"Ctrl+T"_s)},
        tr("Add, remove or set tags of the selected flags"), &MainWindow::editTags);
    add(u"refresh"_s, tr("&Refresh"), u"refresh"_s,
        {QKeySequence::Refresh, QKeySequence(u"Ctrl+R"_s)}, tr("Load the flags again"),
        &MainWindow::refresh);
    add(u"find"_s, tr("&Find"), u"search"_s, {QKeySequence::Find}, tr("Search the flags"),
        [this] { m_filters->focusSearch(); });
    add(u"addConnection"_s, tr("&Add Connection…"), u"remote"_s, {QKeySequence(u"Ctrl+Shift+N"_s)},
        tr("Connect to a PostHog project"), &MainWindow::addConnection);
    add(u"editConnection"_s, tr("&Edit Connection…"), QString(), {},
        tr("Change the current connection"), &MainWindow::editConnection);
    add(u"removeConnection"_s, tr("&Remove Connection"), QString(), {},
        tr("Forget the current connection and its key"), &MainWindow::removeConnection);
    add(u"workOffline"_s, tr("Work &Offline…"), u"local"_s, {QKeySequence(u"Ctrl+Shift+O"_s)},
        tr("Copy this PostHog project into the local server, to work on it with no network"),
        &MainWindow::workOffline);
    add(u"pushChanges"_s, tr("&Push Changes…"), u"push"_s, {QKeySequence(u"Ctrl+Shift+P"_s)},
        tr("Send the flags changed in this offline copy to the PostHog project it copies"),
        &MainWindow::pushChanges);
    add(u"pullChanges"_s, tr("P&ull from PostHog…"), u"refresh"_s,
        {QKeySequence(u"Ctrl+Shift+U"_s)},
        tr("Bring PostHog's changes into this offline copy; flags changed on both sides are "
           "merged"),
        &MainWindow::pullChanges);
    add(u"copyTo"_s, tr("Copy &To…"), u"copy"_s, {QKeySequence(u"Ctrl+Shift+T"_s)},
        tr("Copy the selected flags to another connection's project, seeing what each would "
           "change there first"),
        &MainWindow::copyFlagsTo);
    add(u"exportFlags"_s, tr("&Export Flags…"), QString(), {QKeySequence(u"Ctrl+Shift+E"_s)},
        tr("Save the selected flags, with the cohorts they use, to a JSON file"),
        &MainWindow::exportFlags);
    add(u"importFlags"_s, tr("&Import Flags…"), QString(), {QKeySequence(u"Ctrl+Shift+I"_s)},
        tr("Bring flags from an exported file into this project, seeing what each would change "
           "first"),
        &MainWindow::importFlags);
    add(u"quit"_s, tr("&Quit"), QString(), quitShortcuts(), tr("Quit Bunting"), &QWidget::close);
    // From any of the app's windows, as every desktop app quits.
    action(u"quit"_s)->setShortcutContext(Qt::ApplicationShortcut);
    action(u"undoDelete"_s)->setEnabled(false);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(action(u"newFlag"_s));
    file->addAction(action(u"editFlag"_s));
    file->addSeparator();
    file->addAction(action(u"importFlags"_s));
    file->addAction(action(u"exportFlags"_s));
    file->addAction(action(u"copyTo"_s));
    file->addSeparator();
    file->addAction(action(u"quit"_s));

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    for (const char *name :
         {"undoDelete", "", "copyKey", "toggleActive", "editTags", "", "delete", "", "find"}) {
        if (*name == '\0')
            edit->addSeparator();
        else
            edit->addAction(action(QString::fromLatin1(name)));
    }

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(action(u"refresh"_s));
    view->addSeparator();
    view->addAction(action(u"flagInsight"_s));
    view->addAction(action(u"flagHistory"_s));
    view->addAction(action(u"projectActivity"_s));
    view->addSeparator();
    view->addAction(action(u"userFlags"_s));
    view->addAction(action(u"staleFlags"_s));

    m_connectionMenu = menuBar()->addMenu(tr("&Connection"));
    addHelpMenu(this);

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(u"mainToolBar"_s);
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(action(u"newFlag"_s));
    bar->addAction(action(u"editFlag"_s));
    bar->addAction(action(u"toggleActive"_s));
    bar->addAction(action(u"editTags"_s));
    bar->addAction(action(u"delete"_s));
    bar->addSeparator();
    bar->addAction(action(u"flagInsight"_s));
    bar->addAction(action(u"userFlags"_s));
    bar->addSeparator();
    bar->addAction(action(u"refresh"_s));
    bar->addAction(action(u"workOffline"_s));
    bar->addAction(action(u"pushChanges"_s));
    m_profileBox = new QComboBox(this);
    m_profileBox->setObjectName(u"profileBox"_s);
    m_profileBox->setAccessibleName(tr("Connection"));
    m_profileBox->setToolTip(tr("The project whose flags are shown"));
    m_profileBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    // In the menu bar's corner, which no width takes away (the toolbar hides what does not fit).
    menuBar()->setCornerWidget(m_profileBox, Qt::TopRightCorner);
    connect(m_profileBox, &QComboBox::activated, this, [this](int index) {
        const QString id = m_profileBox->itemData(index).toString();
        if (id.isEmpty()) {
            addConnection();
            // The combo shows the current profile until a new one exists.
            rebuildProfileChoices();
        } else {
            switchToProfile(id);
        }
    });
}

void MainWindow::createCentre()
{
    auto *centre = new QWidget(this);
    auto *layout = new QVBoxLayout(centre);
    layout->setContentsMargins(8, 6, 8, 0);
    m_filters = new views::FlagFilterBar(centre);
    layout->addWidget(m_filters);
    m_messages = new MessageBar(centre);
    layout->addWidget(m_messages);
    m_stack = new QStackedWidget(centre);
    m_table = new views::FlagTableView(m_stack);
    m_table->setModel(m_model);
    m_empty = new views::EmptyState(m_stack);
    m_stack->addWidget(m_table);
    m_stack->addWidget(m_empty);
    layout->addWidget(m_stack, 1);
    setCentralWidget(centre);
}

void MainWindow::createStatusBar()
{
    m_connectionLabel = new QLabel(this);
    m_connectionLabel->setObjectName(u"connectionLabel"_s);
    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(u"countLabel"_s);
    m_progressLabel = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0);
    m_progress->setMaximumWidth(120);
    m_progress->setMaximumHeight(fontMetrics().height());
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_connectionLabel->setContentsMargins(6, 0, 12, 0);
    m_countLabel->setContentsMargins(6, 0, 6, 0);
    statusBar()->addWidget(m_connectionLabel);
    m_copyLabel = new QLabel(this);
    m_copyLabel->setObjectName(u"copyChangesLabel"_s);
    m_copyLabel->setContentsMargins(6, 0, 6, 0);
    m_copyLabel->hide();
    statusBar()->addWidget(m_copyLabel);
    // Saves, reloads and pushes change what differs from PostHog: asked again once they settle.
    m_copyMarksTimer = new QTimer(this);
    m_copyMarksTimer->setSingleShot(true);
    m_copyMarksTimer->setInterval(200);
    connect(m_copyMarksTimer, &QTimer::timeout, this, &MainWindow::refreshCopyMarks);
    connect(m_model, &QAbstractItemModel::modelReset, m_copyMarksTimer,
            qOverload<>(&QTimer::start));
    connect(m_model, &FlagListModel::loadingChanged, m_copyMarksTimer, qOverload<>(&QTimer::start));
    connect(m_model, &QAbstractItemModel::rowsInserted, m_copyMarksTimer,
            qOverload<>(&QTimer::start));
    connect(m_model, &QAbstractItemModel::dataChanged, m_copyMarksTimer,
            qOverload<>(&QTimer::start));
    statusBar()->addPermanentWidget(new views::SecretStoreNotice(m_connection->keys(), this));
    statusBar()->addPermanentWidget(m_progressLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_countLabel);
}

void MainWindow::rebuildProfileChoices()
{
    const api::ProfileStore *profiles = m_connection->profiles();
    const QString current = profiles->currentId();
    delete m_profileGroup;
    m_profileGroup = new QActionGroup(this);
    m_connectionMenu->clear();
    const QSignalBlocker blocker(m_profileBox);
    m_profileBox->clear();
    int number = 1;
    for (const ConnectionProfile &profile : profiles->profiles()) {
        const QIcon icon = views::themedIcon(profile.isLocal() ? u"local"_s : u"remote"_s);
        m_profileBox->addItem(icon, profile.title(), profile.id);
        m_profileBox->setItemData(m_profileBox->count() - 1, profile.summary(), Qt::ToolTipRole);
        auto *a = m_connectionMenu->addAction(icon, profile.title());
        a->setCheckable(true);
        a->setChecked(profile.id == current);
        a->setActionGroup(m_profileGroup);
        if (number <= 9)
            a->setShortcut(QKeySequence(u"Ctrl+%1"_s.arg(number)));
        ++number;
        const QString id = profile.id;
        connect(a, &QAction::triggered, this, [this, id] { switchToProfile(id); });
    }
    m_profileBox->insertSeparator(m_profileBox->count());
    m_profileBox->addItem(views::themedIcon(u"add"_s), tr("Add connection…"), QString());
    m_profileBox->setCurrentIndex(std::max(0, m_profileBox->findData(current)));
    m_connectionMenu->addSeparator();
    m_connectionMenu->addAction(action(u"addConnection"_s));
    m_connectionMenu->addAction(action(u"editConnection"_s));
    m_connectionMenu->addAction(action(u"removeConnection"_s));
    m_connectionMenu->addSeparator();
    m_connectionMenu->addAction(action(u"workOffline"_s));
    m_connectionMenu->addAction(action(u"pullChanges"_s));
    m_connectionMenu->addAction(action(u"pushChanges"_s));
    const ConnectionProfile shown = profiles->current();
    const bool remote = !shown.isLocal();
    action(u"editConnection"_s)->setEnabled(remote);
    // An offline copy's connection may go; its project stays in the local database.
    action(u"removeConnection"_s)->setEnabled(remote || shown.isOfflineCopy());
    action(u"workOffline"_s)->setEnabled(remote);
    action(u"pushChanges"_s)->setEnabled(shown.isOfflineCopy());
    action(u"pullChanges"_s)->setEnabled(shown.isOfflineCopy());
}

void MainWindow::switchToProfile(const QString &profileId)
{
    m_connection->switchTo(profileId);
}

bool MainWindow::mayLeaveConnection(const ConnectionProfile &to)
{
    // An editor belongs to the connection it loaded its flag from: a switch closes it, asking.
    if ((client() && !confirmSwitchClosingWindows(this, m_connection->current(), to)) ||
        !closeEditors()) {
        rebuildProfileChoices();
        return false;
    }
    return true;
}

void MainWindow::useClient(api::Client *client, const ConnectionProfile &profile)
{
    connect(client, &api::Client::runningCallsChanged, this, [this](int running) {
        m_progress->setVisible(running > 0);
        m_progressLabel->setText(running > 1 ? tr("%n calls running", nullptr, running)
                                             : QString());
    });
    m_model->setClient(client);
    // The list follows what the app's other windows write.
    connect(models::FlagChangeNotifier::of(client), &models::FlagChangeNotifier::flagChanged, this,
            &MainWindow::flagChangedElsewhere);
    m_connectionLabel->setText(m_connection->location(profile));
    m_connectionLabel->setToolTip(client->endpoint().host.toString());
    setWindowTitle(tr("%1 — Bunting").arg(profile.title()));
    showProductionStrip(this, profile);
    Q_EMIT clientChanged(client);
}

void MainWindow::addRemoteProfile(const ConnectionProfile &profile, const QString &apiKey)
{
    m_connection->addRemote(profile, apiKey);
}

void MainWindow::learnFilterChoices(int first, int last)
{
    // Authors and tags of what is loaded become choices of the filter bar.
    QList<UserBasic> users;
    QStringList tags;
    const auto learn = [&](const models::FlagRow &flag) {
        if (flag.createdBy)
            users.append(*flag.createdBy);
        tags.append(flag.tags);
    };
    // Only loaded rows say anything; at 100,000 rows most are not.
    if (last - first + 1 > m_model->loadedRowCount())
        m_model->forEachLoadedRow([&](int row, const models::FlagRow &flag) {
            if (row >= first && row <= last)
                learn(flag);
        });
    else
        for (int row = first; row <= last; ++row)
            if (m_model->isRowLoaded(row))
                learn(m_model->flagAt(row));
    m_filters->addKnownUsers(users);
    m_filters->addKnownTags(tags);
}

void MainWindow::updateActions()
{
    const QList<qint64> ids = m_table->selectedFlagIds();
    const bool connected = client() != nullptr;
    action(u"newFlag"_s)->setEnabled(connected);
    action(u"refresh"_s)->setEnabled(connected);
    action(u"editFlag"_s)->setEnabled(connected && ids.size() == 1);
    action(u"flagHistory"_s)->setEnabled(connected && ids.size() == 1);
    action(u"flagInsight"_s)->setEnabled(connected && ids.size() == 1);
    action(u"userFlags"_s)->setEnabled(connected);
    action(u"staleFlags"_s)->setEnabled(connected);
    action(u"projectActivity"_s)->setEnabled(connected);
    for (const char *name :
         {"toggleActive", "delete", "copyKey", "editTags", "copyTo", "exportFlags"})
        action(QString::fromLatin1(name))->setEnabled(connected && !ids.isEmpty());
    action(u"importFlags"_s)->setEnabled(connected);
    if (ids.size() == 1) {
        const int row = m_model->rowOfFlag(ids.first());
        const bool active = row >= 0 && m_model->flagAt(row).active;
        action(u"toggleActive"_s)->setText(active ? tr("&Disable") : tr("&Enable"));
    } else {
        action(u"toggleActive"_s)->setText(tr("&Enable / Disable"));
    }
}

void MainWindow::updateCounts()
{
    const QLocale locale;
    const int loaded = m_model->rowCount();
    const int total = m_model->totalCount();
    if (m_model->isLoading() && loaded == 0)
        m_countLabel->setText(tr("Loading flags…"));
    else if (loaded < total)
        m_countLabel->setText(
            tr("%1 of %2 flags").arg(locale.toString(loaded), locale.toString(total)));
    else
        m_countLabel->setText(total == 1 ? tr("1 flag") : tr("%n flags", nullptr, total));
}

void MainWindow::updateEmptyState()
{
    const bool empty = m_model->rowCount() == 0 && !m_model->isLoading() && client();
    if (empty) {
        if (m_filters->isFiltering())
            m_empty->setContent(tr("No flags match"),
                                tr("No flag of this project matches these filters."),
                                tr("Clear Filters"));
        else
            m_empty->setContent(tr("No feature flags yet"),
                                tr("A flag lets you release a feature to some users first, "
                                   "and switch it off again without a deploy."),
                                tr("Create Your First Flag"));
        // The flags may well be on PostHog already, not in the local project.
        m_empty->setSecondaryButton(!m_filters->isFiltering() && m_connection->current().isLocal()
                                        ? tr("Connect to PostHog…")
                                        : QString());
    }
    m_stack->setCurrentWidget(empty ? static_cast<QWidget *>(m_empty) : m_table);
}

void MainWindow::showError(const QString &what, const ApiError &error,
                           const std::function<void()> &again)
{
    if (error.kind == ApiError::Kind::Canceled)
        return;
    auto *retry = new QAction(tr("Retry"), m_messages);
    retry->setObjectName(u"retry"_s);
    if (again)
        connect(retry, &QAction::triggered, this, [this, again] {
            m_messages->dismiss();
            again();
        });
    else
        connect(retry, &QAction::triggered, this, &MainWindow::refresh);
    m_messages->showMessage(MessageBar::Kind::Error, u"%1: %2"_s.arg(what, error.message()),
                            error.kind == ApiError::Kind::Http && error.status < 500
                                ? QList<QAction *>{}
                                : QList<QAction *>{retry});
}

void MainWindow::newFlag()
{
    if (!client())
        return;
    auto *dialog = new views::NewFlagDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setSettings(m_setup.settings);
    connect(dialog, &views::NewFlagDialog::submitted, this, [this, dialog] {
        QPointer<views::NewFlagDialog> guard(dialog);
        m_model->setNewFlagStart(dialog->start());
        m_model->createFlag(dialog->key(), dialog->name(), [this, guard](const auto &result) {
            if (!guard)
                return;
            if (!result) {
                guard->showKeyError(result.error().message());
                return;
            }
            guard->accept();
            const int row = m_model->rowOfFlag(result->id);
            if (row >= 0) {
                m_table->selectRow(row);
                m_table->scrollTo(m_model->index(row, 0));
                // Enter opens the new flag, the next thing to do with it.
                m_table->setCurrentIndex(m_model->index(row, 0));
                m_table->setFocus();
            }
            m_messages->showMessage(MessageBar::Kind::Positive,
                                    tr("Created flag %1.").arg(result->key), {}, 5000);
        });
    });
    dialog->open();
}

void MainWindow::editSelected()
{
    const QList<qint64> ids = m_table->selectedFlagIds();
    if (ids.size() == 1)
        openEditor(ids.first());
}

FlagEditorWindow *MainWindow::openEditor(qint64 flagId)
{
    if (!client() || flagId == 0)
        return nullptr;
    return m_windows->open(flagId, [this, flagId] {
        auto *editor = new FlagEditorWindow(client(), flagId, this);
        keepGeometry(editor, m_setup.settings, u"flagEditor"_s);
        keepEditorPreferences(editor, m_setup.settings);
        markConnection(editor, m_connection->current());
        QStringList tags;
        m_model->forEachLoadedRow(
            [&tags](int, const models::FlagRow &flag) { tags.append(flag.tags); });
        editor->setKnownTags(tags);
        editor->setImpactPreviewAvailable(m_connection->current().isLocal());
        connect(editor, &FlagEditorWindow::insightRequested, this, &MainWindow::openInsight);
        return editor;
    });
}

HistoryWindow *MainWindow::openHistory(qint64 flagId)
{
    if (!client())
        return nullptr;
    return m_windows->open(flagId, [this, flagId] {
        const int row = m_model->rowOfFlag(flagId);
        const QString key = row >= 0 ? m_model->flagAt(row).key : QString::number(flagId);
        auto *history = new HistoryWindow(client(), flagId, key, this);
        keepGeometry(history, m_setup.settings, u"history"_s);
        markConnection(history, m_connection->current());
        return history;
    });
}

FlagInsightWindow *MainWindow::openInsight(qint64 flagId)
{
    if (!client() || flagId == 0)
        return nullptr;
    return m_windows->open(flagId, [this, flagId] {
        auto *insight = new FlagInsightWindow(client(), flagId, this);
        keepGeometry(insight, m_setup.settings, u"insight"_s);
        markConnection(insight, m_connection->current());
        connect(insight, &FlagInsightWindow::openFlagRequested, this, &MainWindow::openInsight);
        connect(insight, &FlagInsightWindow::editFlagRequested, this, &MainWindow::openEditor);
        return insight;
    });
}

UserFlagsWindow *MainWindow::openUserFlags()
{
    if (!client())
        return nullptr;
    return m_windows->open(0, [this] {
        auto *window = new UserFlagsWindow(client(), this);
        keepGeometry(window, m_setup.settings, u"userFlags"_s);
        markConnection(window, m_connection->current());
        connect(window, &UserFlagsWindow::flagChosen, this, &MainWindow::openInsightForKey);
        return window;
    });
}

StaleFlagsWindow *MainWindow::openStaleFlags()
{
    if (!client())
        return nullptr;
    return m_windows->open(0, [this] {
        auto *window = new StaleFlagsWindow(client(), this);
        keepGeometry(window, m_setup.settings, u"staleFlags"_s);
        markConnection(window, m_connection->current());
        connect(window, &StaleFlagsWindow::flagsChanged, this, &MainWindow::refresh);
        connect(window, &StaleFlagsWindow::openFlagRequested, this, &MainWindow::openInsight);
        return window;
    });
}

void MainWindow::openInsightForKey(const QString &key, const QString &distinctId)
{
    const auto open = [this, distinctId](qint64 flagId) {
        if (FlagInsightWindow *insight = openInsight(flagId); insight && !distinctId.isEmpty())
            insight->testUser(distinctId);
    };
    qint64 loaded = 0;
    m_model->forEachLoadedRow([&loaded, &key](int, const models::FlagRow &flag) {
        if (flag.key == key)
            loaded = flag.id;
    });
    if (loaded != 0)
        return open(loaded);
    if (!client())
        return;
    api::FlagListQuery query;
    query.search = key;
    client()->listFlags(query, 0, 50, this,
                        [this, key, open](const api::Result<api::Page<FeatureFlag>> &page) {
                            if (!page) {
                                showError(tr("Finding flag %1 failed").arg(key), page.error());
                                return;
                            }
                            for (const FeatureFlag &flag : page.value().results)
                                if (flag.key == key)
                                    return open(flag.id);
                            m_messages->showMessage(MessageBar::Kind::Warning,
                                                    tr("Flag %1 no longer exists.").arg(key));
                        });
}

void MainWindow::flagChangedElsewhere(const FeatureFlag &flag, const QObject *source)
{
    if (source != this)
        m_model->updateFlag(flag);
}

void MainWindow::announce(const FeatureFlag &flag, const QString &what)
{
    if (auto *notifier = models::FlagChangeNotifier::of(client()))
        notifier->announce(flag, this, what);
}

void MainWindow::announceWritten(const QList<qint64> &ids, const QString &what)
{
    // A bulk answer names the flags, not their new versions: those shown in another window are
    // read again for it.
    for (qint64 id : ids) {
        if (!client() ||
            (!m_windows->find<FlagEditorWindow>(id) && !m_windows->find<FlagInsightWindow>(id) &&
             !m_windows->find<HistoryWindow>(id)))
            continue;
        client()->getFlag(id, this, [this, what](const api::Result<FeatureFlag> &flag) {
            if (flag)
                announce(flag.value(), what);
        });
    }
}

bool MainWindow::closeEditors()
{
    if (!m_windows->closeAll<FlagEditorWindow>())
        return false;
    // The other windows hold nothing unsaved; they go with the connection they read.
    m_windows->closeAll();
    return true;
}

void MainWindow::toggleActive()
{
    const QList<qint64> ids = m_table->selectedFlagIds();
    if (ids.isEmpty())
        return;
    // Several selected: switch them all the way the first one is not, as file managers do
    // with "hidden".
    const int first = m_model->rowOfFlag(ids.first());
    if (first < 0)
        return;
    const bool target = !m_model->flagAt(first).active;
    for (qint64 id : ids) {
        const int row = m_model->rowOfFlag(id);
        if (row < 0 || m_model->flagAt(row).active == target)
            continue;
        setActive(id, m_model->flagAt(row).key, target);
    }
}

void MainWindow::setActive(qint64 id, const QString &key, bool target)
{
    m_model->setActive(id, target, [this, id, key, target](const api::Result<FeatureFlag> &result) {
        if (!result) {
            showError(target ? tr("Enabling %1 failed").arg(key)
                             : tr("Disabling %1 failed").arg(key),
                      result.error(), [this, id, key, target] { setActive(id, key, target); });
            return;
        }
        announce(result.value(),
                 target ? tr("enabled in the flag list") : tr("disabled in the flag list"));
        updateActions();
    });
}

void MainWindow::deleteSelected()
{
    const QList<qint64> ids = m_table->selectedFlagIds();
    if (ids.isEmpty())
        return;
    QStringList keys;
    for (qint64 id : ids)
        if (const int row = m_model->rowOfFlag(id); row >= 0)
            keys.append(m_model->flagAt(row).key);
    if (ids.size() > 1 &&
        QMessageBox::question(
            this, tr("Delete flags"),
            tr("Delete %n flags: %1?", nullptr, int(ids.size())).arg(joinKeys(keys)),
            QMessageBox::Yes | QMessageBox::Cancel) != QMessageBox::Yes)
        return;
    deleteFlags(ids);
}

void MainWindow::deleteFlags(const QList<qint64> &ids)
{
    m_model->deleteFlags(ids, [this, ids](const api::Result<api::BulkDeleteResult> &result) {
        if (!result) {
            showError(tr("Deleting failed"), result.error(), [this, ids] { deleteFlags(ids); });
            return;
        }
        m_lastDeleted.clear();
        QStringList deleted;
        for (const api::FlagRef &ref : result->deleted) {
            m_lastDeleted.append(ref.id);
            deleted.append(ref.key);
        }
        action(u"undoDelete"_s)->setEnabled(!m_lastDeleted.isEmpty());
        QString text;
        if (!deleted.isEmpty())
            text = tr("Deleted %1.").arg(joinKeys(deleted));
        if (!result->refused.isEmpty()) {
            QStringList why;
            for (const auto &refused : result->refused)
                why.append(u"%1: %2"_s.arg(refused.key.isEmpty() ? QString::number(refused.id)
                                                                 : refused.key,
                                           refused.reason));
            text += (text.isEmpty() ? QString() : u" "_s) +
                    tr("Not deleted: %1").arg(why.join(u"; "_s));
        }
        QList<QAction *> actions;
        if (!m_lastDeleted.isEmpty()) {
            auto *undo = new QAction(tr("Undo"), m_messages);
            connect(undo, &QAction::triggered, this, &MainWindow::undoDelete);
            actions.append(undo);
        }
        m_messages->showMessage(result->refused.isEmpty() ? MessageBar::Kind::Information
                                                          : MessageBar::Kind::Warning,
                                text, actions, result->refused.isEmpty() ? kUndoOfferMs : 0);
    });
}

void MainWindow::undoDelete()
{
    const QList<qint64> ids = std::exchange(m_lastDeleted, {});
    action(u"undoDelete"_s)->setEnabled(false);
    for (qint64 id : ids)
        restoreDeleted(id);
}

void MainWindow::restoreDeleted(qint64 id)
{
    m_model->restoreFlag(id, [this, id](const api::Result<FeatureFlag> &result) {
        if (!result) {
            showError(tr("Restoring the flag failed"), result.error(),
                      [this, id] { restoreDeleted(id); });
            return;
        }
        announce(result.value(), tr("restored after its deletion"));
        m_messages->showMessage(MessageBar::Kind::Positive, tr("Restored %1.").arg(result->key), {},
                                5000);
    });
}

void MainWindow::copyKeys()
{
    QStringList keys;
    for (qint64 id : m_table->selectedFlagIds())
        if (const int row = m_model->rowOfFlag(id); row >= 0)
            keys.append(m_model->flagAt(row).key);
    if (keys.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(keys.join(u'\n'));
    statusBar()->showMessage(tr("Copied %1").arg(joinKeys(keys)), 3000);
}

void MainWindow::editTags()
{
    const QList<qint64> ids = m_table->selectedFlagIds();
    if (ids.isEmpty())
        return;
    QStringList known;
    m_model->forEachLoadedRow([&known](int, const models::FlagRow &flag) {
        for (const QString &tag : flag.tags)
            if (!known.contains(tag))
                known.append(tag);
    });
    views::TagsDialog dialog(int(ids.size()), known, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    updateTags(ids, dialog.action(), dialog.tags());
}

void MainWindow::updateTags(const QList<qint64> &ids, api::Client::TagAction tagAction,
                            const QStringList &tags)
{
    m_model->updateTags(
        ids, tagAction, tags,
        [this, ids, tagAction, tags](const api::Result<api::BulkTagsResult> &result) {
            if (!result) {
                showError(tr("Changing tags failed"), result.error(),
                          [this, ids, tagAction, tags] { updateTags(ids, tagAction, tags); });
                return;
            }
            announceWritten(result->updated, tr("its tags were changed in the flag list"));
            if (!result->skipped.isEmpty()) {
                QStringList why;
                for (const auto &[id, reason] : result->skipped)
                    why.append(u"%1: %2"_s.arg(id).arg(reason));
                m_messages->showMessage(
                    MessageBar::Kind::Warning,
                    tr("Some flags kept their tags: %1").arg(why.join(u"; "_s)));
            }
        });
}

void MainWindow::refresh()
{
    m_messages->dismiss();
    if (!client()) {
        switchToProfile(m_connection->profiles()->currentId());
        return;
    }
    m_model->reload();
}

void MainWindow::addConnection()
{
    auto *dialog = new views::ConnectionDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { addRemoteProfile(dialog->profile(), dialog->apiKey()); });
    dialog->open();
}

void MainWindow::editConnection()
{
    const ConnectionProfile profile = m_connection->current();
    if (profile.isLocal())
        return;
    // The key is read first so the dialog can show (and test) the one in use.
    m_connection->keys()->readKey(
        profile.id, this, [this, profile](const api::SecretStore::Result &r) {
            auto *dialog = new views::ConnectionDialog(this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->setProfile(profile, r.ok() ? r.key : QString());
            connect(dialog, &QDialog::accepted, this, [this, dialog] {
                m_connection->updateRemote(dialog->profile(), dialog->apiKey());
            });
            dialog->open();
        });
}

void MainWindow::removeConnection()
{
    const ConnectionProfile profile = m_connection->current();
    if (profile.isLocal() && !profile.isOfflineCopy())
        return;
    const QString question =
        profile.isOfflineCopy()
            ? tr("Forget the connection of %1? Its project stays in the local database, and "
                 "working offline on that PostHog connection again brings it back.")
                  .arg(profile.title())
            : tr("Forget %1 and its API key?").arg(profile.title());
    if (QMessageBox::question(this, tr("Remove connection"), question,
                              QMessageBox::Yes | QMessageBox::Cancel) != QMessageBox::Yes)
        return;
    m_connection->removeRemote(profile.id);
}

void MainWindow::workOffline()
{
    const ConnectionProfile profile = m_connection->current();
    if (profile.isLocal() || !client())
        return;
    auto *dialog = new WorkOfflineDialog(*m_connection, *client(), profile, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &WorkOfflineDialog::openCopy, this, &MainWindow::switchToProfile);
    // A switch away deletes the client the copy reads through: the copy ends with it.
    connect(this, &MainWindow::clientChanged, dialog, &QDialog::reject);
    dialog->open();
}

void MainWindow::pushChanges()
{
    const ConnectionProfile copy = m_connection->current();
    if (!copy.isOfflineCopy() || !m_connection->localSession())
        return;
    auto *dialog = new PushDialog(*m_connection, copy, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // Pushing writes PostHog's answers into the copy: the list shows them.
    connect(dialog, &PushDialog::pushFinished, this, &MainWindow::refresh);
    dialog->open();
}

void MainWindow::pullChanges()
{
    const ConnectionProfile copy = m_connection->current();
    if (!copy.isOfflineCopy())
        return;
    findCopySource(*m_connection, copy, this, [this, id = copy.id](const CopySource &source) {
        if (m_connection->current().id != id)
            return;
        if (!source.problem.isEmpty()) {
            m_messages->showMessage(MessageBar::Kind::Error,
                                    tr("Cannot pull from PostHog: %1").arg(source.problem));
            return;
        }
        auto *remote = new api::Client(source.endpoint);
        auto *dialog = new WorkOfflineDialog(*m_connection, *remote, *source.profile, this);
        remote->setParent(dialog);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &WorkOfflineDialog::copyWritten, this, &MainWindow::refresh);
        dialog->open();
        dialog->startCopy();
    });
}

FlagChoice MainWindow::chosenFlags() const
{
    FlagChoice choice;
    choice.ids = m_table->selectedFlagIds();
    if (m_model->rowCount() > 0 && m_table->selectedRows().size() == m_model->rowCount())
        choice.everyMatching = m_model->query();
    return choice;
}

void MainWindow::copyFlagsTo()
{
    const FlagChoice chosen = chosenFlags();
    if (chosen.ids.isEmpty() || !client())
        return;
    const ConnectionProfile source = m_connection->current();
    loadChosen(chosen, tr("Reading the flags to copy…"), [this, source](const FlagBundle &bundle) {
        auto *dialog =
            new PushDialog(*m_connection, bundle, source.title(), QString(), source.id, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
}

void MainWindow::loadChosen(const FlagChoice &flags, const QString &reading,
                            std::function<void(const FlagBundle &)> use)
{
    statusBar()->showMessage(reading);
    loadBundle(*client(), flags, this,
               [this, use](const std::optional<FlagBundle> &bundle, const QString &error) {
                   statusBar()->clearMessage();
                   if (!bundle) {
                       m_messages->showMessage(MessageBar::Kind::Error,
                                               tr("The flags could not be read: %1").arg(error));
                       return;
                   }
                   use(*bundle);
               });
}

void MainWindow::exportFlags()
{
    const FlagChoice chosen = chosenFlags();
    if (chosen.ids.isEmpty() || !client())
        return;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Flags"),
        QDir::home().filePath(u"flags-%1.json"_s.arg(QDate::currentDate().toString(Qt::ISODate))),
        tr("Flags (*.json)"));
    if (!path.isEmpty())
        exportFlagsTo(chosen, path);
}

void MainWindow::exportFlagsTo(const FlagChoice &flags, const QString &path)
{
    loadChosen(flags, tr("Reading the flags to export…"), [this, path](const FlagBundle &bundle) {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) ||
            file.write(QJsonDocument(bundle.toJson()).toJson()) < 0 || !file.commit()) {
            m_messages->showMessage(
                MessageBar::Kind::Error,
                tr("%1 could not be written: %2").arg(path, file.errorString()));
            return;
        }
        const QString where = QDir::toNativeSeparators(path);
        statusBar()->showMessage(
            bundle.flags.size() == 1
                ? tr("Exported 1 flag to %1").arg(where)
                : tr("Exported %1 flags to %2").arg(bundle.flags.size()).arg(where),
            5000);
    });
}

void MainWindow::importFlags()
{
    if (!client())
        return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Import Flags"), QDir::homePath(),
                                                      tr("Flags (*.json)"));
    if (!path.isEmpty())
        importFlagsFrom(path);
}

void MainWindow::importFlagsFrom(const QString &path)
{
    // An export of 100,000 flags is some hundreds of megabytes; anything far past that is not one.
    constexpr qint64 kLargestFile = 1024LL * 1024 * 1024;
    QFile file(path);
    QString error;
    std::optional<FlagBundle> bundle;
    if (!file.open(QIODevice::ReadOnly)) {
        error = file.errorString();
    } else if (file.size() > kLargestFile) {
        error = tr("the file is larger than any export of flags.");
    } else {
        QJsonParseError parse;
        const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parse);
        if (parse.error != QJsonParseError::NoError || !document.isObject())
            error = tr("it is not JSON (%1).").arg(parse.errorString());
        else
            bundle = FlagBundle::fromJson(document.object(), &error);
    }
    if (!bundle) {
        m_messages->showMessage(
            MessageBar::Kind::Error,
            tr("%1 cannot be imported: %2").arg(QDir::toNativeSeparators(path), error));
        return;
    }
    const ConnectionProfile target = m_connection->current();
    auto *dialog = new PushDialog(*m_connection, *bundle, QFileInfo(path).fileName(), target.id,
                                  QString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PushDialog::pushFinished, this, &MainWindow::refresh);
    dialog->open();
}

void MainWindow::refreshCopyMarks()
{
    const ConnectionProfile shown = m_connection->current();
    LocalSession *session = m_connection->localSession();
    if (!shown.isOfflineCopy() || !session) {
        m_model->setCopyMarks({});
        m_copyLabel->hide();
        return;
    }
    const qint64 project = shown.projectId.toLongLong();
    auto found = std::make_shared<QList<server::MirrorOverride>>();
    session->post(
        [project, found](server::LocalServer &server) {
            *found = server.mirror().overrides(project);
        },
        this,
        [this, found, id = shown.id] {
            if (m_connection->current().id != id)
                return;
            using Kind = server::MirrorOverride::Kind;
            QHash<qint64, FlagListModel::CopyMark> marks;
            int made = 0;
            int changed = 0;
            int deleted = 0;
            for (const server::MirrorOverride &flag : std::as_const(*found)) {
                if (flag.kind == Kind::Created) {
                    marks.insert(flag.flagId, FlagListModel::CopyMark::Created);
                    ++made;
                } else if (flag.kind == Kind::Changed) {
                    marks.insert(flag.flagId, FlagListModel::CopyMark::Changed);
                    ++changed;
                } else {
                    ++deleted;
                }
            }
            m_model->setCopyMarks(marks);
            QStringList parts;
            if (changed > 0)
                parts.append(tr("%1 changed").arg(changed));
            if (made > 0)
                parts.append(tr("%1 new").arg(made));
            if (deleted > 0)
                parts.append(tr("%1 deleted").arg(deleted));
            m_copyLabel->setText(parts.isEmpty()
                                     ? tr("In step with PostHog")
                                     : tr("Not on PostHog yet: %1").arg(parts.join(u", "_s)));
            m_copyLabel->setToolTip(parts.isEmpty()
                                        ? tr("Nothing changed in this copy since it was copied "
                                             "or last pushed")
                                        : tr("Push Changes (Ctrl+Shift+P) sends them"));
            m_copyLabel->show();
        });
}

void MainWindow::restoreState()
{
    QSettings &s = *m_setup.settings;
    s.beginGroup(u"window"_s);
    if (!restoreGeometry(s.value(u"geometry"_s).toByteArray()))
        resize(1180, 720);
    m_table->restoreColumns(s.value(u"columns"_s).toByteArray());
    s.endGroup();
}

void MainWindow::saveState()
{
    QSettings &s = *m_setup.settings;
    s.beginGroup(u"window"_s);
    s.setValue(u"geometry"_s, saveGeometry());
    s.setValue(u"columns"_s, m_table->saveColumns());
    s.endGroup();
    s.sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!closeEditors()) {
        event->ignore();
        return;
    }
    saveState();
    QMainWindow::closeEvent(event);
}

} // namespace bunting::desktop
