#pragma once

#include "client.h"
#include "conflict_question.h"
#include "feature_flag.h"
#include "property_filter_editor.h"

#include <QMainWindow>
#include <QPointer>
#include <optional>

class QLabel;

namespace bunting {
class ImpactPreview;
}
namespace bunting::models {
class FlagChangeNotifier;
class FlagEditor;
} // namespace bunting::models
namespace bunting::views {
class FlagEditorWidget;
class ImpactPreviewWidget;
class MessageBar;
} // namespace bunting::views

namespace bunting::desktop {

// One flag open for editing, in a window of its own: loads the flag, edits it in the rollout
// editor, saves only what changed with the version it started from, and on a conflict (409)
// shows what changed on the server and lets the user merge, overwrite or reload. Closing with
// unsaved edits asks first.
//
// It follows what the app's other windows write to the flag (FlagChangeNotifier): without unsaved
// edits it shows the new version with a note; with them it says so and offers the merge. Every
// message about the editor's state goes with that state (a reload, a save).
class FlagEditorWindow : public QMainWindow
{
    Q_OBJECT
public:
    FlagEditorWindow(api::Client *client, qint64 flagId, QWidget *parent = nullptr);
    ~FlagEditorWindow() override;

    qint64 flagId() const { return m_flagId; }
    models::FlagEditor *editor() const { return m_editor; }
    views::FlagEditorWidget *editorWidget() const { return m_widget; }
    views::MessageBar *messageBar() const { return m_messages; }
    bool isLoaded() const { return m_loaded; }
    QAction *saveAction() const { return m_save; }

    // How the window answers a 409, asked of the user unless a test sets it.
    using ConflictChoice = desktop::ConflictChoice;
    void setConflictChoice(ConflictChoice choice) { m_conflictChoice = choice; }
    // How a save that widens who gets the flag is confirmed: asked of the user unless a test
    // sets it. The sentences said are kept for tests to read.
    enum class WideningChoice { Ask, Save, KeepEditing };
    void setWideningChoice(WideningChoice choice) { m_wideningChoice = choice; }
    QStringList lastWidening() const { return m_lastWidening; }
    // The newer version another window of the app wrote while this one had unsaved edits.
    std::optional<FeatureFlag> newerVersion() const { return m_newer; }

    const views::PropertyFilterChoices &choices() const { return m_choices; }
    // The impact preview evaluates the draft for every known person; only the local server
    // hands the app its persons, so elsewhere the panel says why it is off.
    void setImpactPreviewAvailable(bool available);
    views::ImpactPreviewWidget *impactWidget() const { return m_impactWidget; }
    // Tags the project uses, for completion (the list window knows them).
    void setKnownTags(const QStringList &tags);

public Q_SLOTS:
    void save();
    void reload();

Q_SIGNALS:
    void flagSaved(const bunting::FeatureFlag &flag);
    void insightRequested(qint64 flagId);
    void loaded();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void showFlag(const FeatureFlag &flag);
    // What the filter rows offer: cohorts, other flags, group types, person property keys.
    void loadChoices();
    void choiceFailed(const QString &what, const api::ApiError &error);
    void resolveConflict();
    // Says, before a save goes, how it lets more users get the flag; false to keep editing.
    bool confirmWidening();
    // Merges, overwrites or reloads onto `server`, the newer version, as the user chooses.
    void resolveAgainst(const FeatureFlag &server);
    // Another window of the app wrote the flag.
    void followChange(const FeatureFlag &flag, const QObject *source, const QString &what);
    // A save that did not reach the server (or that the server could not handle): one message,
    // with Retry; the draft and where the user is stay as they were.
    void saveDidNotReachTheServer(const api::ApiError &error);
    void updateTitle();
    void setBusy(bool busy, const QString &what = {});
    QString versionText() const;

    QPointer<api::Client> m_client;
    QPointer<models::FlagChangeNotifier> m_notifier;
    qint64 m_flagId = 0;
    std::optional<FeatureFlag> m_newer;
    models::FlagEditor *m_editor = nullptr;
    views::FlagEditorWidget *m_widget = nullptr;
    views::MessageBar *m_messages = nullptr;
    views::ImpactPreviewWidget *m_impactWidget = nullptr;
    ImpactPreview *m_impact = nullptr;
    QLabel *m_state = nullptr;
    QAction *m_save = nullptr;
    QAction *m_reload = nullptr;
    bool m_loaded = false;
    bool m_busy = false;
    bool m_closeAfterSave = false;
    ConflictChoice m_conflictChoice = ConflictChoice::Ask;
    WideningChoice m_wideningChoice = WideningChoice::Ask;
    QStringList m_lastWidening;
    views::PropertyFilterChoices m_choices;
    QStringList m_knownTags;
};

} // namespace bunting::desktop
