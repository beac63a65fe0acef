#pragma once

#include "client.h"

#include <QMainWindow>
#include <QPointer>

class QTabWidget;

namespace bunting::models {
class ActivityModel;
class VersionHistory;
} // namespace bunting::models
namespace bunting::views {
class ActivityTimeline;
class VersionCompare;
} // namespace bunting::views

namespace bunting::desktop {

// Who changed what, and when: the activity timeline of one flag (with its versions, compared
// and restorable) or of the whole project (flag id 0).
class HistoryWindow : public QMainWindow
{
    Q_OBJECT
public:
    HistoryWindow(api::Client *client, qint64 flagId, const QString &flagKey,
                  QWidget *parent = nullptr);

    qint64 flagId() const { return m_flagId; }
    models::ActivityModel *activityModel() const { return m_activity; }
    views::ActivityTimeline *timeline() const { return m_timeline; }
    views::VersionCompare *versions() const { return m_versions; }
    QTabWidget *tabs() const { return m_tabs; }
    models::VersionHistory *versionHistory() const { return m_history; }

Q_SIGNALS:
    // A version was restored: the flag as it now is.
    void flagRestored(const bunting::FeatureFlag &flag);

private:
    QPointer<api::Client> m_client;
    qint64 m_flagId = 0;
    QTabWidget *m_tabs = nullptr;
    models::ActivityModel *m_activity = nullptr;
    views::ActivityTimeline *m_timeline = nullptr;
    models::VersionHistory *m_history = nullptr;
    views::VersionCompare *m_versions = nullptr;
};

} // namespace bunting::desktop
