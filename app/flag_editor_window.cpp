#include "flag_editor_window.h"

#include "flag_editor.h"
#include "flag_editor_widget.h"
#include "flag_rebase.h"
#include "icons.h"
#include "impact_preview.h"
#include "impact_preview_widget.h"
#include "message_bar.h"
#include "production_save_check.h"
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
    if (busy)
        m_state->setText(what);
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
            m_messages->showMessage(
                MessageBar::Kind::Error,
                tr("The flag could not be loaded: %1").arg(result.error().message()));
            m_state->clear();
            return;
        }
        showFlag(result.value());
        Q_EMIT loaded();
    });
}

void FlagEditorWindow::showFlag(const FeatureFlag &flag)
{
    m_editor->reset(flag);
    m_loaded = true;
    m_widget->setEnabled(true);
    m_save->setEnabled(true);
    m_state->setText(tr("Version %1").arg(flag.version));
    updateTitle();
}

void FlagEditorWindow::updateTitle()
{
    const QString key = m_loaded ? m_editor->draft().key : tr("Flag %1").arg(m_flagId);
    // "[*]" is where Qt puts the modified marker the platform uses.
    setWindowTitle(tr("%1[*] — Bunting").arg(key));
    setWindowModified(m_loaded && m_editor->isDirty());
    m_save->setEnabled(!m_busy && m_loaded && m_editor->isDirty());
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
    if (!confirmSaveOnProduction(this, m_editor->draft().key)) {
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
        m_widget->showServerError(error);
        m_messages->showMessage(MessageBar::Kind::Error, tr("Not saved: %1").arg(error.message()));
        updateTitle();
    });
}

void FlagEditorWindow::resolveConflict()
{
    setBusy(true, tr("Someone else changed this flag; loading their version…"));
    m_client->getFlag(m_flagId, this, [this](const api::Result<FeatureFlag> &result) {
        setBusy(false);
        if (!result) {
            m_messages->showMessage(MessageBar::Kind::Error,
                                    tr("The flag changed on the server and its new version "
                                       "could not be loaded: %1")
                                        .arg(result.error().message()));
            return;
        }
        const models::FlagRebase rebase = m_editor->rebase(result.value());
        QStringList lines;
        for (const FlagChange &change : rebase.serverChanges)
            lines.append(u"• "_s + change.summary());
        const QString summary = lines.join(u'\n');
        switch (askConflict(summary, rebase.hasConflicts())) {
        case ConflictChoice::Merge:
            m_editor->mergeOntoServer(rebase);
            m_state->setText(tr("Version %1, with your changes on top").arg(rebase.server.version));
            m_messages->showMessage(
                MessageBar::Kind::Information,
                rebase.hasConflicts()
                    ? tr("Merged onto version %1. Where you both changed the same thing, your "
                         "change was kept. Check it, then save.")
                          .arg(rebase.server.version)
                    : tr("Merged onto version %1. Check it, then save.")
                          .arg(rebase.server.version));
            break;
        case ConflictChoice::Overwrite:
            m_editor->overwriteServer(rebase);
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
        updateTitle();
    });
}

FlagEditorWindow::ConflictChoice FlagEditorWindow::askConflict(const QString &summary,
                                                               bool conflicts)
{
    if (m_conflictChoice != ConflictChoice::Ask)
        return m_conflictChoice;
    QMessageBox box(this);
    box.setIcon(QMessageBox::Warning);
    box.setWindowTitle(tr("The flag changed on the server"));
    box.setText(conflicts ? tr("Someone saved this flag while you were editing it, and some of "
                               "their changes touch what you changed.")
                          : tr("Someone saved this flag while you were editing it. Their "
                               "changes and yours touch different things."));
    box.setInformativeText(tr("Their changes:\n%1").arg(summary));
    QPushButton *merge = box.addButton(tr("Merge"), QMessageBox::AcceptRole);
    merge->setToolTip(tr("Put your changes on top of theirs and review before saving"));
    QPushButton *overwrite = box.addButton(tr("Overwrite"), QMessageBox::DestructiveRole);
    overwrite->setToolTip(tr("Save your version over theirs"));
    QPushButton *reload = box.addButton(tr("Reload"), QMessageBox::RejectRole);
    reload->setToolTip(tr("Drop your changes and load their version"));
    box.setDefaultButton(merge);
    box.exec();
    if (box.clickedButton() == overwrite)
        return ConflictChoice::Overwrite;
    if (box.clickedButton() == reload)
        return ConflictChoice::Reload;
    return ConflictChoice::Merge;
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
