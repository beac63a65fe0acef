#pragma once

#include "client.h"
#include "connection_controller.h"
#include "connection_profile.h"
#include "flag_transfer.h"
#include "secret_store.h"

#include <QMainWindow>
#include <functional>

class QActionGroup;
class QComboBox;
class QLabel;
class QProgressBar;
class QSettings;
class QStackedWidget;

namespace bunting::api {
class ProfileStore;
}
namespace bunting::models {
class FlagListModel;
}
namespace bunting::views {
class EmptyState;
class FlagFilterBar;
class FlagTableView;
class MessageBar;
} // namespace bunting::views

namespace bunting::desktop {

class FlagEditorWindow;
class FlagInsightWindow;
class HistoryWindow;
class LocalSession;
class StaleFlagsWindow;
class UserFlagsWindow;
class WindowRegistry;

// Where the window keeps what outlives it; tests point everything at temporary places.
struct MainWindowSetup
{
    // The profiles, each kind of window's geometry, the list's columns, whether the editor shows
    // its JSON and how new flags start; not the filters: the list opens unfiltered.
    QSettings *settings = nullptr;
    QString localDatabasePath; // the local profile's SQLite file
    QString keyDirectory;      // where API keys go when no keychain runs
    api::SecretStore::Mode keyMode = api::SecretStore::Mode::Automatic;
};

// The app's window: the flag list of the current connection, its filters and actions, and the
// choice of connection. Switching profiles keeps the window and swaps the client under the model.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const MainWindowSetup &setup, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Connects to a profile; the local one starts the embedded server on first use.
    void switchToProfile(const QString &profileId);
    // Adds a remote profile with its key and switches to it (what the connection dialog does).
    void addRemoteProfile(const api::ConnectionProfile &profile, const QString &apiKey);
    // Export and import without the file dialogs, which the actions open first.
    void exportFlagsTo(const FlagChoice &flags, const QString &path);
    void importFlagsFrom(const QString &path);

    // For tests and for the app's wiring.
    models::FlagListModel *flagModel() const { return m_model; }
    views::FlagTableView *table() const { return m_table; }
    views::FlagFilterBar *filterBar() const { return m_filters; }
    views::MessageBar *messageBar() const { return m_messages; }
    api::Client *client() const { return m_connection->client(); }
    api::ProfileStore *profiles() const { return m_connection->profiles(); }
    LocalSession *localSession() const { return m_connection->localSession(); }
    ConnectionController *connection() const { return m_connection; }
    WindowRegistry *windows() const { return m_windows; }
    QAction *action(const QString &name) const;
    QLabel *countLabel() const { return m_countLabel; }
    QLabel *connectionLabel() const { return m_connectionLabel; }
    // On an offline copy: what changed in it since it was copied or last pushed.
    QLabel *copyChangesLabel() const { return m_copyLabel; }
    bool isShowingEmptyState() const;

    // Opens the flag in its editor window (or raises the one already open).
    FlagEditorWindow *openEditor(qint64 flagId);
    // The history of one flag, or of the whole project for flag id 0.
    HistoryWindow *openHistory(qint64 flagId);
    // What the flag does out there: test a user, status, charts, remote config.
    FlagInsightWindow *openInsight(qint64 flagId);
    // Every flag's value for one person.
    UserFlagsWindow *openUserFlags();
    StaleFlagsWindow *openStaleFlags();

public Q_SLOTS:
    void newFlag();
    void editSelected();
    void toggleActive();
    void deleteSelected();
    void undoDelete();
    void copyKeys();
    void editTags();
    void refresh();
    void addConnection();
    void editConnection();
    void removeConnection();
    void workOffline();
    void pushChanges();
    void pullChanges();
    void copyFlagsTo();
    void exportFlags();
    void importFlags();
    void refreshCopyMarks();

Q_SIGNALS:
    // The client changed (a profile switch): dependants re-attach.
    void clientChanged(api::Client *client);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // The selected flags; every flag the list's query finds when all its rows are selected,
    // loaded or not.
    FlagChoice chosenFlags() const;
    // Reads `flags` from the current connection, saying so in the status bar, then `use`s them;
    // an error goes to the message bar.
    void loadChosen(const FlagChoice &flags, const QString &reading,
                    std::function<void(const FlagBundle &)> use);
    void createActions();
    void createMenus();
    void createCentre();
    void createStatusBar();
    void rebuildProfileChoices();
    // Whether the windows of the current connection may close for a switch to `to`.
    bool mayLeaveConnection(const api::ConnectionProfile &to);
    void useClient(api::Client *client, const api::ConnectionProfile &profile);
    void updateActions();
    void learnFilterChoices(int first, int last);
    void updateCounts();
    void updateEmptyState();
    // An error in the message bar; Retry (for what may go through another time) runs `retry`,
    // the action that failed, or reloads the list when none is given.
    void showError(const QString &what, const api::ApiError &error,
                   const std::function<void()> &retry = {});
    // Tells the app's other windows about a flag this one wrote.
    void announce(const bunting::FeatureFlag &flag, const QString &what);
    void announceWritten(const QList<qint64> &ids, const QString &what);
    bool closeEditors();
    // What the actions send, each retried as it was by the error's Retry.
    void setActive(qint64 id, const QString &key, bool active);
    void deleteFlags(const QList<qint64> &ids);
    void restoreDeleted(qint64 id);
    void updateTags(const QList<qint64> &ids, api::Client::TagAction action,
                    const QStringList &tags);
    // A window saved or restored the flag: the list's row follows.
    void flagChangedElsewhere(const bunting::FeatureFlag &flag, const QObject *source);
    // The insight of the flag with this key, tested for `distinctId`; the key is looked up on the
    // server when the list has not loaded it.
    void openInsightForKey(const QString &key, const QString &distinctId);
    void restoreState();
    void saveState();

    MainWindowSetup m_setup;
    ConnectionController *m_connection = nullptr;
    WindowRegistry *m_windows = nullptr;
    models::FlagListModel *m_model = nullptr;

    views::FlagFilterBar *m_filters = nullptr;
    views::MessageBar *m_messages = nullptr;
    views::FlagTableView *m_table = nullptr;
    views::EmptyState *m_empty = nullptr;
    QStackedWidget *m_stack = nullptr;
    QComboBox *m_profileBox = nullptr;
    QActionGroup *m_profileGroup = nullptr;
    QMenu *m_connectionMenu = nullptr;
    QLabel *m_connectionLabel = nullptr;
    QLabel *m_countLabel = nullptr;
    QLabel *m_copyLabel = nullptr;
    QTimer *m_copyMarksTimer = nullptr;
    QLabel *m_progressLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QHash<QString, QAction *> m_actions;
    QList<qint64> m_lastDeleted; // what Undo brings back
};

} // namespace bunting::desktop
