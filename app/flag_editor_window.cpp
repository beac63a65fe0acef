#include "flag_editor_window.h"

#include "flag_change_notifier.h"
#include "flag_editor.h"
#include "flag_editor_widget.h"
#include "flag_rebase.h"
#include "icons.h"
#include "impact_preview.h"
#include "impact_preview_widget.h"
#include "message_bar.h"
#include "production_save_check.h"
#include "rollout_widening.h"
#include "window_shortcuts.h"

#include <QAction>
#include <QCloseEvent>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using bunting::api::ApiError;
using bunting::views::MessageBar;

namespace bunting::desktop {

FlagEditorWindow::FlagEditorWindow(api::Client *client, qint64 flagId, QWidget *parent)
    : QMainWindow(parent), m_client(client), m_flagId(flagId)
{
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowIcon(views::appIcon());
    m_editor = new models::FlagEditor(this);

    auto *centre = new QWidget(this);
    auto *layout = new QVBoxLayout(centre);
    layout->setContentsMargins(8, 6, 8, 0);
    m_messages = new MessageBar(centre);
    m_messages->setReservesSpace(true);
    layout->addWidget(m_messages);
    m_widget = new views::FlagEditorWidget(m_editor, centre);
    m_widget->setMessageBar(m_messages);
    m_widget->setEnabled(false);
    layout->addWidget(m_widget, 1);
    setCentralWidget(centre);

    m_save = new QAction(views::themedIcon(u"flag"_s), tr("&Save"), this);
    m_save->setObjectName(u"save"_s);
    m_save->setShortcut(QKeySequence::Save);
    m_save->setToolTip(
        tr("Save the changes (%1)")
            .arg(QKeySequence(QKeySequence::Save).toString(QKeySequence::NativeText)));
    connect(m_save, &QAction::triggered, this, &FlagEditorWindow::save);
    m_reload = new QAction(views::themedIcon(u"refresh"_s), tr("&Reload"), this);
    m_reload->setShortcut(QKeySequence::Refresh);
    m_reload->setToolTip(tr("Load the flag again, dropping unsaved changes"));
    connect(m_reload, &QAction::triggered, this, &FlagEditorWindow::reload);
    auto *close = new QAction(tr("&Close"), this);
    useCloseWindowShortcuts(close);
    connect(close, &QAction::triggered, this, &QWidget::close);

    QMenu *file = menuBar()->addMenu(tr("&Flag"));
    file->addAction(m_save);
    file->addAction(m_reload);
    file->addSeparator();
    file->addAction(close);
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_widget->undoAction());
    edit->addAction(m_widget->redoAction());

    QToolBar *bar = addToolBar(tr("Flag"));
    bar->setObjectName(u"flagToolBar"_s);
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_save);
    bar->addAction(m_widget->undoAction());
    bar->addAction(m_widget->redoAction());
    bar->addSeparator();
    bar->addAction(m_reload);

    m_state = new QLabel(this);
    statusBar()->addWidget(m_state);

    auto *dock = new QDockWidget(tr("Impact"), this);
    dock->setObjectName(u"impactDock"_s);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
    m_impactWidget = new views::ImpactPreviewWidget(dock);
    dock->setWidget(m_impactWidget);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(dock->toggleViewAction());
    view->addAction(m_widget->jsonPanelAction());
    // The saved flag at work: who gets it and why, its status, split and usage.
    auto *insight = new QAction(views::themedIcon(u"insight"_s), tr("&Insight"), this);
    insight->setObjectName(u"insight"_s);
    insight->setShortcut(QKeySequence(u"Ctrl+I"_s));
    insight->setToolTip(tr("Test a user, see the status, split and usage of the saved flag (%1)")
                            .arg(insight->shortcut().toString(QKeySequence::NativeText)));
    connect(insight, &QAction::triggered, this, [this] { Q_EMIT insightRequested(m_flagId); });
    view->addAction(insight);
    bar->addAction(insight);
    m_impact = new ImpactPreview(m_client, this);
    connect(m_impactWidget, &views::ImpactPreviewWidget::requested, this, [this] {
        if (!m_loaded)
            return;
        m_impactWidget->setBusy(true);
        m_impact->start(m_editor->loaded(), m_editor->draft());
    });
    connect(m_impactWidget, &views::ImpactPreviewWidget::cancelRequested, m_impact,
            &ImpactPreview::cancel);
    connect(m_impact, &ImpactPreview::progress, m_impactWidget,
            &views::ImpactPreviewWidget::setProgress);
    connect(m_impact, &ImpactPreview::finished, this, [this](const ImpactSummary &summary) {
        m_impactWidget->setBusy(false);
        m_impactWidget->showSummary(summary);
    });
    connect(m_impact, &ImpactPreview::failed, this, [this](const ApiError &error) {
        m_impactWidget->setBusy(false);
        m_impactWidget->showError(
            tr("The preview could not load what it needs: %1").arg(error.message()));
    });
    connect(m_impact, &ImpactPreview::canceled, this, [this] { m_impactWidget->setBusy(false); });
    // A preview describes one draft; an edit makes it stale.
    connect(m_editor, &models::FlagEditor::changed, m_impactWidget,
            &views::ImpactPreviewWidget::clear);
    setImpactPreviewAvailable(false);

    // What the app's other windows write to this flag, this one follows.
    m_notifier = models::FlagChangeNotifier::of(client);
    if (m_notifier)
        connect(m_notifier, &models::FlagChangeNotifier::flagChanged, this,
                &FlagEditorWindow::followChange);

    connect(m_editor, &models::FlagEditor::dirtyChanged, this, &FlagEditorWindow::updateTitle);
    connect(m_editor, &models::FlagEditor::changed, this, &FlagEditorWindow::updateTitle);
    resize(1200, 820);
    updateTitle();
    reload();
    loadChoices();
}

FlagEditorWindow::~FlagEditorWindow() = default;

void FlagEditorWindow::setKnownTags(const QStringList &tags)
{
    for (const QString &tag : tags)
        if (!m_knownTags.contains(tag))
            m_knownTags.append(tag);
    m_widget->setKnownTags(m_knownTags);
}

void FlagEditorWindow::setImpactPreviewAvailable(bool available)
{
    m_impactWidget->setPreviewAvailable(
        available, available ? QString()
                             : tr("The impact preview works on the local profile, whose "
                                  "persons the app can read."));
}

void FlagEditorWindow::choiceFailed(const QString &what, const api::ApiError &error)
{
    if (error.kind == ApiError::Kind::Canceled)
        return;
    // The editor works without these choices; say what is missing without getting in the way.
    statusBar()->showMessage(
        tr("%1 could not be loaded for the filter pickers: %2").arg(what, error.message()), 10000);
}

void FlagEditorWindow::loadChoices()
{
    if (!m_client)
        return;
    m_client->listGroupTypes(this, [this](const api::Result<QList<api::GroupType>> &result) {
        if (!result) {
            choiceFailed(tr("Group types"), result.error());
            return;
        }
        m_choices.groupTypes.clear();
        for (const api::GroupType &type : result.value())
            m_choices.groupTypes.append({type.index, type.name});
        m_widget->setGroupTypes(m_choices.groupTypes);
        m_widget->setChoices(m_choices);
    });
    m_client->listCohorts(0, 500, this, [this](const api::Result<api::Page<QJsonObject>> &result) {
        if (!result) {
            choiceFailed(tr("Cohorts"), result.error());
            return;
        }
        m_choices.cohorts.clear();
        for (const QJsonObject &cohort : result->results)
            m_choices.cohorts.append(
                {cohort.value("id"_L1).toInteger(), cohort.value("name"_L1).toString()});
        m_widget->setChoices(m_choices);
    });
    // The most recent flags are the likely dependencies; a project of thousands offers these.
    m_client->listFlags({}, 0, 500, this,
                        [this](const api::Result<api::Page<FeatureFlag>> &result) {
                            if (!result) {
                                choiceFailed(tr("Flags"), result.error());
                                return;
                            }
                            m_choices.flags.clear();
                            QStringList tags;
                            for (const FeatureFlag &flag : result->results) {
                                if (flag.id == m_flagId)
                                    continue;
                                views::PropertyFilterChoices::FlagChoice choice;
                                choice.id = flag.id;
                                choice.key = flag.key;
                                if (flag.filters.variants)
                                    for (const Variant &variant : *flag.filters.variants)
                                        choice.variants.append(variant.key);
                                m_choices.flags.append(choice);
                                tags.append(flag.tags);
                            }
                            m_widget->setChoices(m_choices);
                            setKnownTags(tags);
                        });
    m_client->listPersons(
        QString(), 0, 200, this, [this](const api::Result<api::Page<QJsonObject>> &result) {
            if (!result) {
                choiceFailed(tr("Person properties"), result.error());
                return;
            }
            QStringList keys;
            for (const QJsonObject &person : result->results)
                for (const QString &key : person.value("properties"_L1).toObject().keys())
                    if (!keys.contains(key))
                        keys.append(key);
            keys.sort(Qt::CaseInsensitive);
            m_choices.personPropertyKeys = keys;
            m_widget->setChoices(m_choices);
        });
}

void FlagEditorWindow::setBusy(bool busy, const QString &what)
{
    m_busy = busy;
    m_save->setEnabled(!busy && m_loaded);
    m_reload->setEnabled(!busy);
    // Done (whichever way): the status bar says again what is shown, not what was being done.
    m_state->setText(busy ? what : versionText());
}

QString FlagEditorWindow::versionText() const
{
    if (!m_loaded)
        return {};
    return m_editor->isDirty()
               ? tr("Version %1, with unsaved changes").arg(m_editor->loaded().version)
               : tr("Version %1").arg(m_editor->loaded().version);
}

void FlagEditorWindow::reload()
{
    if (!m_client)
        return;
    if (m_loaded && m_editor->isDirty() &&
        QMessageBox::question(this, tr("Reload flag"),
                              tr("Drop your unsaved changes and load the flag again?"),
                              QMessageBox::Discard | QMessageBox::Cancel) != QMessageBox::Discard)
        return;
    setBusy(true, tr("Loading…"));
    m_client->getFlag(m_flagId, this, [this](const api::Result<FeatureFlag> &result) {
        setBusy(false);
        if (!result) {
            auto *retry = new QAction(tr("Retry"), m_messages);
            connect(retry, &QAction::triggered, this, &FlagEditorWindow::reload);
            m_messages->showMessage(
                MessageBar::Kind::Error,
                tr("The flag could not be loaded: %1").arg(result.error().message()),
                result.error().kind == ApiError::Kind::Http && result.error().status < 500
                    ? QList<QAction *>{}
                    : QList<QAction *>{retry});
            return;
        }
        showFlag(result.value());
        Q_EMIT loaded();
    });
}

void FlagEditorWindow::showFlag(const FeatureFlag &flag)
{
    // A new state of the editor: what the messages said about the old one no longer holds.
    m_messages->dismiss();
    m_newer.reset();
    m_editor->reset(flag);
    m_loaded = true;
    m_widget->setEnabled(true);
    m_save->setEnabled(true);
    m_state->setText(versionText());
    updateTitle();
}

void FlagEditorWindow::updateTitle()
{
    const QString key = m_loaded ? m_editor->draft().key : tr("Flag %1").arg(m_flagId);
    // "[*]" is where Qt puts the modified marker the platform uses.
    setWindowTitle(tr("%1[*] — Bunting").arg(key));
    setWindowModified(m_loaded && m_editor->isDirty());
    m_save->setEnabled(!m_busy && m_loaded && m_editor->isDirty());
    if (!m_busy)
        m_state->setText(versionText());
}

void FlagEditorWindow::save()
{
    if (!m_client || m_busy || !m_loaded)
        return;
    const QJsonObject patch = m_editor->patchBody();
    if (patch.isEmpty()) {
        if (m_closeAfterSave)
            close();
        return;
    }
    // What the editor itself calls wrong is never sent, a wider audience is said first, and a
    // production connection asks.
    if (!m_widget->checkBeforeSave() || !confirmWidening() ||
        !confirmSaveOnProduction(this, m_editor->draft().key)) {
        m_closeAfterSave = false;
        return;
    }
    setBusy(true, tr("Saving…"));
    m_client->updateFlag(m_flagId, patch, this, [this](const api::Result<FeatureFlag> &result) {
        setBusy(false);
        if (result) {
            showFlag(result.value());
            m_messages->showMessage(MessageBar::Kind::Positive,
                                    tr("Saved as version %1.").arg(result->version), {}, 4000);
            if (m_notifier)
                m_notifier->announce(result.value(), this, tr("saved in another editor window"));
            Q_EMIT flagSaved(result.value());
            if (m_closeAfterSave)
                close();
            return;
        }
        m_closeAfterSave = false;
        const ApiError &error = result.error();
        if (error.isConflict()) {
            resolveConflict();
            return;
        }
        // Only a refusal of the flag's content belongs next to the fields.
        if (error.kind != ApiError::Kind::Http || error.status >= 500 || error.status == 429) {
            saveDidNotReachTheServer(error);
            return;
        }
        m_widget->showServerError(error);
        m_messages->showMessage(MessageBar::Kind::Error, tr("Not saved: %1").arg(error.message()));
        updateTitle();
    });
}

void FlagEditorWindow::saveDidNotReachTheServer(const ApiError &error)
{
    if (error.kind == ApiError::Kind::Canceled)
        return;
    auto *retry = new QAction(tr("Retry"), m_messages);
    retry->setObjectName(u"retrySave"_s);
    connect(retry, &QAction::triggered, this, &FlagEditorWindow::save);
    m_messages->showMessage(MessageBar::Kind::Error,
                            tr("Not saved: %1 Your changes are still here.").arg(error.message()),
                            {retry});
    updateTitle();
}

void FlagEditorWindow::resolveConflict()
{
    setBusy(true, tr("The flag changed on the server; loading its new version…"));
    m_client->getFlag(m_flagId, this, [this](const api::Result<FeatureFlag> &result) {
        setBusy(false);
        if (!result) {
            auto *retry = new QAction(tr("Retry"), m_messages);
            connect(retry, &QAction::triggered, this, &FlagEditorWindow::resolveConflict);
            m_messages->showMessage(MessageBar::Kind::Error,
                                    tr("The flag changed on the server and its new version "
                                       "could not be loaded: %1")
                                        .arg(result.error().message()),
                                    {retry});
            return;
        }
        resolveAgainst(result.value());
    });
}

void FlagEditorWindow::resolveAgainst(const FeatureFlag &server)
{
    const models::FlagRebase rebase = m_editor->rebase(server);
    ConflictChoice choice = m_conflictChoice;
    if (choice == ConflictChoice::Ask) {
        ConflictAuthor author;
        author.ownWindow = m_notifier && m_notifier->isOwnVersion(server.id, server.version);
        author.name = m_notifier ? m_notifier->authorOf(server) : tr("Someone");
        choice = askAboutConflict(this, rebase, author);
    }
    switch (choice) {
    case ConflictChoice::Merge:
    case ConflictChoice::MergeTakingTheirs: {
        const bool theirs = choice == ConflictChoice::MergeTakingTheirs;
        m_editor->mergeOntoServer(rebase, theirs ? models::FlagEditor::BothChanged::TakeTheirs
                                                 : models::FlagEditor::BothChanged::KeepMine);
        m_newer.reset();
        m_messages->showMessage(
            MessageBar::Kind::Information,
            !rebase.hasConflicts()
                ? tr("Merged onto version %1. Check it, then save.").arg(rebase.server.version)
            : theirs ? tr("Merged onto version %1. Where you both changed the same field, theirs "
                          "was kept. Check it, then save.")
                           .arg(rebase.server.version)
                     : tr("Merged onto version %1. Where you both changed the same field, yours "
                          "was kept. Check it, then save.")
                           .arg(rebase.server.version));
        break;
    }
    case ConflictChoice::Overwrite:
        m_editor->overwriteServer(rebase);
        m_newer.reset();
        save();
        break;
    case ConflictChoice::Reload:
        showFlag(rebase.server);
        m_messages->showMessage(
            MessageBar::Kind::Information,
            tr("Loaded version %1; your changes were dropped.").arg(rebase.server.version), {},
            5000);
        break;
    case ConflictChoice::Ask:
        break;
    }
    m_state->setText(versionText());
    updateTitle();
}

void FlagEditorWindow::followChange(const FeatureFlag &flag, const QObject *source,
                                    const QString &what)
{
    // Some writes change a flag in place, keeping its version (PostHog's bulk tags).
    if (source == this || flag.id != m_flagId || !m_loaded ||
        flag.version < m_editor->loaded().version || flag == m_editor->loaded())
        return;
    if (!m_editor->isDirty()) {
        showFlag(flag);
        m_messages->showMessage(MessageBar::Kind::Information,
                                tr("Now showing version %1: %2.").arg(flag.version).arg(what));
        return;
    }
    // Unsaved edits: nothing changes under the user's hands; they choose when to merge.
    m_newer = flag;
    auto *merge = new QAction(tr("Merge…"), m_messages);
    merge->setObjectName(u"mergeNewer"_s);
    connect(merge, &QAction::triggered, this, [this] {
        if (m_newer)
            resolveAgainst(*m_newer);
    });
    const QString text =
        flag.version == m_editor->loaded().version
            ? tr("This flag changed (%1) while you have unsaved changes.").arg(what)
            : tr("This flag changed (%1) and is now version %2; your unsaved changes are on "
                 "version %3.")
                  .arg(what)
                  .arg(flag.version)
                  .arg(m_editor->loaded().version);
    m_messages->showMessage(MessageBar::Kind::Warning, text, {merge});
}

bool FlagEditorWindow::confirmWidening()
{
    m_lastWidening = models::rolloutWidening(m_editor->loaded(), m_editor->draft());
    if (m_lastWidening.isEmpty() || m_wideningChoice == WideningChoice::Save)
        return true;
    if (m_wideningChoice == WideningChoice::KeepEditing)
        return false;
    QMessageBox box(this);
    box.setObjectName(u"wideningConfirmation"_s);
    box.setIcon(QMessageBox::Question);
    box.setWindowTitle(tr("Save %1").arg(m_editor->draft().key));
    box.setText(m_lastWidening.first());
    // The impact preview's numbers when it has run on this draft (an edit clears them); where
    // it can run, the way to get them.
    QStringList details = m_lastWidening.mid(1);
    const QString impact = m_impactWidget->headline();
    if (!impact.isEmpty())
        details.append(impact);
    box.setInformativeText(details.join(u'\n'));
    QPushButton *save = box.addButton(tr("Save"), QMessageBox::AcceptRole);
    QPushButton *keep = box.addButton(tr("Keep editing"), QMessageBox::RejectRole);
    QPushButton *preview = nullptr;
    if (impact.isEmpty() && m_impactWidget->previewButton()->isEnabled())
        preview = box.addButton(tr("Preview the impact first"), QMessageBox::ActionRole);
    // The safe answer is the one a stray Enter gives.
    box.setDefaultButton(keep);
    box.setEscapeButton(keep);
    box.exec();
    if (preview && box.clickedButton() == preview)
        Q_EMIT m_impactWidget->requested();
    return box.clickedButton() == save;
}

void FlagEditorWindow::closeEvent(QCloseEvent *event)
{
    if (!m_loaded || !m_editor->isDirty() || m_closeAfterSave) {
        event->accept();
        return;
    }
    const auto answer = QMessageBox::question(
        this, tr("Unsaved changes"), tr("Save your changes to %1?").arg(m_editor->draft().key),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Discard) {
        event->accept();
    } else if (answer == QMessageBox::Save) {
        // Closing waits for the server: a refused save keeps the window and says why.
        m_closeAfterSave = true;
        save();
        event->ignore();
    } else {
        event->ignore();
    }
}

} // namespace bunting::desktop
