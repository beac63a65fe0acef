#pragma once

#include "client.h"
#include "feature_flag.h"

#include <QMainWindow>
#include <QPointer>

class QAction;
class QTabWidget;

namespace bunting::views {
class FlagStatusPanel;
class MessageBar;
class RemoteConfigPanel;
class RolloutSplitChart;
class TestUserPanel;
class UsageChartPanel;
} // namespace bunting::views

namespace bunting::desktop {

// What a flag does out there, in a window of its own: who gets it and why (test a user), whether
// it is still used and what hangs on it (status and dependencies), how it is split and called
// (charts), and what it hands out as remote config. Every tab reads through the same client, so
// it answers the same on PostHog and on the local server.
class FlagInsightWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum class Tab { TestUser, Status, Split, Usage, RemoteConfig };

    FlagInsightWindow(api::Client *client, qint64 flagId, QWidget *parent = nullptr);

    qint64 flagId() const { return m_flagId; }
    bool isLoaded() const { return m_loaded; }
    const FeatureFlag &flag() const { return m_flag; }
    void showTab(Tab tab);
    // Opens "Test a user" with this distinct id and runs the test once the flag is loaded.
    void testUser(const QString &distinctId);

    QTabWidget *tabs() const { return m_tabs; }
    views::MessageBar *messageBar() const { return m_messages; }
    views::TestUserPanel *testUserPanel() const { return m_testUser; }
    views::FlagStatusPanel *statusPanel() const { return m_status; }
    views::RolloutSplitChart *splitChart() const { return m_split; }
    views::UsageChartPanel *usagePanel() const { return m_usage; }
    views::RemoteConfigPanel *remoteConfigPanel() const { return m_remoteConfig; }

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    void loaded();
    // The flag changed here (a usage dashboard was created): the list updates its row.
    void flagChanged(const bunting::FeatureFlag &flag);
    void openFlagRequested(qint64 flagId);
    void editFlagRequested(qint64 flagId);

private:
    void showFlag(const FeatureFlag &flag);

    QPointer<api::Client> m_client;
    qint64 m_flagId = 0;
    FeatureFlag m_flag;
    bool m_loaded = false;
    QString m_pendingDistinctId; // a test asked for before the flag arrived
    QTabWidget *m_tabs = nullptr;
    views::MessageBar *m_messages = nullptr;
    QAction *m_retry = nullptr;
    views::TestUserPanel *m_testUser = nullptr;
    views::FlagStatusPanel *m_status = nullptr;
    views::RolloutSplitChart *m_split = nullptr;
    views::UsageChartPanel *m_usage = nullptr;
    views::RemoteConfigPanel *m_remoteConfig = nullptr;
};

} // namespace bunting::desktop
