#include "flag_insight_window.h"

#include "flag_change_notifier.h"
#include "flag_status_panel.h"
#include "icons.h"
#include "message_bar.h"
#include "remote_config_panel.h"
#include "rollout_split_chart.h"
#include "test_evaluation_model.h"
#include "test_user_panel.h"
#include "usage_chart_panel.h"
#include "usage_series.h"
#include "window_shortcuts.h"

#include <QAction>
#include <QMenuBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using bunting::views::MessageBar;

namespace bunting::desktop {

FlagInsightWindow::FlagInsightWindow(api::Client *client, qint64 flagId, QWidget *parent)
    : QMainWindow(parent), m_client(client), m_flagId(flagId)
{
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowIcon(views::appIcon());
    setWindowTitle(tr("Insight — Bunting"));

    auto *centre = new QWidget(this);
    auto *layout = new QVBoxLayout(centre);
    layout->setContentsMargins(8, 6, 8, 0);
    m_messages = new MessageBar(centre);
    m_messages->setReservesSpace(true);
    layout->addWidget(m_messages);
    m_tabs = new QTabWidget(centre);
    m_tabs->setDocumentMode(true);
    m_tabs->setEnabled(false);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(centre);

    m_testUser = new views::TestUserPanel(m_tabs);
    m_testUser->setClient(client);
    m_tabs->addTab(m_testUser, views::themedIcon(u"user"_s), tr("&Test a User"));
    m_status = new views::FlagStatusPanel(m_tabs);
    m_status->setClient(client);
    m_tabs->addTab(m_status, views::themedIcon(u"stale"_s), tr("&Status"));
    m_split = new views::RolloutSplitChart(m_tabs);
    m_tabs->addTab(m_split, views::themedIcon(u"toggle"_s), tr("S&plit"));
    m_usage = new views::UsageChartPanel(m_tabs);
    m_usage->setClient(client);
    m_tabs->addTab(m_usage, views::themedIcon(u"insight"_s), tr("&Usage"));
    m_remoteConfig = new views::RemoteConfigPanel(m_tabs);
    m_remoteConfig->setClient(client);
    m_tabs->addTab(m_remoteConfig, views::themedIcon(u"remote"_s), tr("&Remote Config"));

    connect(m_status, &views::FlagStatusPanel::openFlag, this,
            &FlagInsightWindow::openFlagRequested);
    // A dashboard made here is the flag's from now on: every copy of the flag learns of it.
    connect(m_usage, &views::UsageChartPanel::flagChanged, this, [this](const FeatureFlag &flag) {
        m_flag = flag;
        if (auto *notifier = models::FlagChangeNotifier::of(m_client))
            notifier->announce(flag, this, tr("its usage dashboard was made"));
        Q_EMIT flagChanged(flag);
    });
    // What other windows of the app write to the flag: its tests, split and status follow.
    if (auto *notifier = models::FlagChangeNotifier::of(client))
        connect(notifier, &models::FlagChangeNotifier::flagChanged, this,
                [this](const FeatureFlag &flag, const QObject *source) {
                    if (source != this && flag.id == m_flagId)
                        reload();
                });
    connect(m_remoteConfig, &views::RemoteConfigPanel::cohortCreated, this,
            [this](const QJsonObject &cohort) {
                m_messages->showMessage(
                    MessageBar::Kind::Positive,
                    tr("Created the static cohort “%1”.").arg(cohort.value("name"_L1).toString()),
                    {}, 8000);
            });

    auto *reloadAction = new QAction(views::themedIcon(u"refresh"_s), tr("&Reload"), this);
    reloadAction->setObjectName(u"reload"_s);
    reloadAction->setShortcut(QKeySequence::Refresh);
    reloadAction->setToolTip(tr("Load the flag and its insight again (%1)")
                                 .arg(reloadAction->shortcut().toString(QKeySequence::NativeText)));
    connect(reloadAction, &QAction::triggered, this, &FlagInsightWindow::reload);
    auto *edit = new QAction(views::themedIcon(u"flag"_s), tr("&Edit Flag"), this);
    edit->setObjectName(u"editFlag"_s);
    edit->setShortcut(QKeySequence::Open);
    edit->setToolTip(tr("Open the flag in the rollout editor (%1)")
                         .arg(edit->shortcut().toString(QKeySequence::NativeText)));
    connect(edit, &QAction::triggered, this, [this] { Q_EMIT editFlagRequested(m_flagId); });
    auto *close = new QAction(tr("&Close"), this);
    useCloseWindowShortcuts(close);
    connect(close, &QAction::triggered, this, &QWidget::close);

    QMenu *menu = menuBar()->addMenu(tr("&Flag"));
    menu->addAction(edit);
    menu->addAction(reloadAction);
    menu->addSeparator();
    menu->addAction(close);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_tabs->count(); ++i) {
        auto *go = view->addAction(m_tabs->tabIcon(i), m_tabs->tabText(i));
        go->setShortcut(QKeySequence(u"Ctrl+%1"_s.arg(i + 1)));
        connect(go, &QAction::triggered, this, [this, i] { m_tabs->setCurrentIndex(i); });
    }

    m_retry = new QAction(tr("Retry"), this);
    connect(m_retry, &QAction::triggered, this, &FlagInsightWindow::reload);

    QToolBar *bar = addToolBar(tr("Flag"));
    bar->setObjectName(u"insightToolBar"_s);
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(edit);
    bar->addAction(reloadAction);

    if (m_client) {
        m_client->listGroupTypes(this, [this](const api::Result<QList<api::GroupType>> &types) {
            // Without group types the panel still tests persons; only group keys are missing.
            if (types)
                m_testUser->setGroupTypes(types.value());
        });
    }
    resize(980, 720);
    reload();
}

void FlagInsightWindow::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(int(tab));
}

void FlagInsightWindow::testUser(const QString &distinctId)
{
    showTab(Tab::TestUser);
    m_testUser->setDistinctId(distinctId);
    if (m_loaded)
        m_testUser->runTest();
    else
        m_pendingDistinctId = distinctId;
}

void FlagInsightWindow::reload()
{
    if (!m_client)
        return;
    if (!m_loaded)
        m_messages->showMessage(MessageBar::Kind::Information, tr("Loading the flag…"));
    m_client->getFlag(m_flagId, this, [this](const api::Result<FeatureFlag> &result) {
        if (!result) {
            m_messages->showMessage(MessageBar::Kind::Error,
                                    tr("Could not load the flag: %1").arg(result.error().message()),
                                    {m_retry});
            return;
        }
        // Reloading asks every tab again; the usage chart keeps a dashboard it has already read
        // (a new one it reads by itself).
        const bool sameDashboard = m_loaded && m_flag.usageDashboard == result->usageDashboard;
        showFlag(result.value());
        if (sameDashboard)
            m_usage->loader()->reload();
    });
}

void FlagInsightWindow::showFlag(const FeatureFlag &flag)
{
    // A test answered for the flag as it was would now explain the wrong conditions.
    const bool retest = m_loaded && flag.version != m_flag.version &&
                        m_testUser->model()->hasAnswer() && m_pendingDistinctId.isEmpty();
    m_flag = flag;
    m_loaded = true;
    setWindowTitle(tr("Insight: %1 — Bunting").arg(flag.key));
    m_messages->dismiss();
    m_tabs->setEnabled(true);
    m_testUser->setFlag(flag.id, flag.key);
    m_status->setFlag(flag);
    m_split->setFlag(flag);
    m_usage->setFlag(flag);
    m_remoteConfig->setFlag(flag);
    if (!m_pendingDistinctId.isEmpty() || retest) {
        m_pendingDistinctId.clear();
        m_testUser->runTest();
    }
    Q_EMIT loaded();
}

} // namespace bunting::desktop
