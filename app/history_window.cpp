#include "history_window.h"

#include "activity_model.h"
#include "activity_timeline.h"
#include "flag_change_notifier.h"
#include "icons.h"
#include "version_compare.h"
#include "version_history.h"
#include "window_shortcuts.h"

#include <QAction>
#include <QTabWidget>

using namespace Qt::StringLiterals;

namespace bunting::desktop {

HistoryWindow::HistoryWindow(api::Client *client, qint64 flagId, const QString &flagKey,
                             QWidget *parent)
    : QMainWindow(parent), m_client(client), m_flagId(flagId)
{
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowIcon(views::appIcon());
    setWindowTitle(flagId == 0 ? tr("Project activity — Bunting")
                               : tr("History of %1 — Bunting").arg(flagKey));
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_activity = new models::ActivityModel(this);
    m_activity->setFlag(flagId);
    m_activity->setClient(client);
    m_timeline = new views::ActivityTimeline(m_activity, m_tabs);
    m_tabs->addTab(m_timeline, tr("&Activity"));
    if (flagId != 0) {
        m_history = new models::VersionHistory(client, flagId, this);
        m_versions = new views::VersionCompare(m_history, m_tabs);
        m_tabs->addTab(m_versions, tr("&Versions"));
        m_history->reload();
        // An entry of the timeline opens the change it made: its version against the one before.
        connect(m_timeline, &views::ActivityTimeline::versionRequested, this,
                [this](qint64, int version) {
                    m_tabs->setCurrentWidget(m_versions);
                    m_versions->compareVersions(std::max(1, version - 1), version);
                });
        connect(m_versions, &views::VersionCompare::restored, this, [this](int version) {
            m_activity->reload();
            if (!m_client)
                return;
            m_client->getFlag(
                m_flagId, this, [this, version](const api::Result<FeatureFlag> &flag) {
                    if (!flag)
                        return;
                    // Every window showing the flag follows (an open editor first of all).
                    if (auto *notifier = models::FlagChangeNotifier::of(m_client))
                        notifier->announce(flag.value(), this,
                                           tr("version %1 restored from its history").arg(version));
                    Q_EMIT flagRestored(flag.value());
                });
        });
    }
    // What other windows write to the flag is new history.
    if (auto *notifier = models::FlagChangeNotifier::of(client))
        connect(notifier, &models::FlagChangeNotifier::flagChanged, this,
                [this](const FeatureFlag &flag, const QObject *source) {
                    if (source == this || (m_flagId != 0 && flag.id != m_flagId))
                        return;
                    m_activity->reload();
                    if (m_history)
                        m_history->reload();
                });
    setCentralWidget(m_tabs);

    addCloseWindowAction(this);
    resize(1000, 720);
}

} // namespace bunting::desktop
