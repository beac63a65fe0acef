#pragma once

#include "flag_editor.h"
#include "property_filter_editor.h"

#include <QList>
#include <QPointer>
#include <QStringList>
#include <QWidget>
#include <utility>

class QAction;
class QLabel;
class QSplitter;
class QTabWidget;

namespace bunting::api {
struct ApiError;
}

namespace bunting::views {

class FlagEditorConditions;
class FlagEditorErrors;
class FlagEditorHeader;
class FlagEditorJsonPanel;
class FlagEditorVariants;
class MessageBar;

// The rollout editor: a form over a FlagEditor (not owned) with the flag's fields, its release
// conditions and its variants and payloads, and beside it `filters` as JSON, read-only or edited
// directly in the advanced tab. Every edit is one of the editor's undoable commands, and the form
// follows the editor (undo, redo, a merge after a conflict) without disturbing the field being
// typed into. Validation shows beside each field as it changes; loading and saving are the
// caller's, which passes a refused save's error to showServerError().
class FlagEditorWidget : public QWidget
{
    Q_OBJECT
public:
    explicit FlagEditorWidget(models::FlagEditor *editor, QWidget *parent = nullptr);
    ~FlagEditorWidget() override;

    models::FlagEditor *editor() const { return m_editor; }
    bool isDirty() const;

    // Shows the form's messages in `bar` (the window's, which keeps its place while hidden)
    // instead of a bar of its own above the form, so one message bar serves the window.
    void setMessageBar(MessageBar *bar);

    // The project's tags, completed while typing tags.
    void setKnownTags(const QStringList &tags);
    // The project's group types (index, name) the flag can match by instead of persons.
    void setGroupTypes(const QList<std::pair<int, QString>> &groupTypes);
    // What property filter rows offer: known keys, cohorts, flags, group types.
    void setChoices(const PropertyFilterChoices &choices);
    // A save the server refused: its message above the form and beside the fields it names,
    // until the next edit.
    void showServerError(const api::ApiError &error);

    // The problems the editor shows (its validation, and what the server last refused), each
    // once, in the order of the form's tabs. Listed above the form, each a link to its field.
    QList<models::FieldError> problems() const;
    bool hasProblems() const { return !problems().isEmpty(); }
    // Shows the tab, condition or variant `path` is in and gives its field the focus.
    void focusProblem(const models::FieldPath &path);
    // Whether the draft may be sent: not while the editor shows a problem, which is then said
    // above the form in plain words, and the first one's field focused.
    bool checkBeforeSave();
    QLabel *problemsLabel() const { return m_problems; }

    // Undo and redo of the editor's stack, named for the step ("Undo Change key"), with the
    // standard shortcuts; for the window's Edit menu and toolbar.
    QAction *undoAction() const { return m_undo; }
    QAction *redoAction() const { return m_redo; }
    // Shows or hides the JSON beside the form (checkable, on at first), for the View menu: on a
    // small screen the form wants the whole width.
    QAction *jsonPanelAction() const { return m_showJson; }

    FlagEditorHeader *header() const { return m_header; }
    FlagEditorConditions *conditions() const { return m_conditions; }
    FlagEditorVariants *variants() const { return m_variants; }
    FlagEditorJsonPanel *jsonPanel() const { return m_json; }
    QTabWidget *formTabs() const { return m_tabs; }

Q_SIGNALS:
    // The draft now differs from what was loaded, or no longer does: the title's "*".
    void dirtyChanged(bool dirty);

private:
    void refreshErrors();

    QPointer<models::FlagEditor> m_editor;
    FlagEditorErrors *m_errors = nullptr;
    void dismissErrorsOnEdit();

    MessageBar *m_messages = nullptr;
    QLabel *m_problems = nullptr;
    QSplitter *m_splitter = nullptr;
    QTabWidget *m_tabs = nullptr;
    FlagEditorHeader *m_header = nullptr;
    FlagEditorConditions *m_conditions = nullptr;
    FlagEditorVariants *m_variants = nullptr;
    FlagEditorJsonPanel *m_json = nullptr;
    QAction *m_undo = nullptr;
    QAction *m_redo = nullptr;
    QAction *m_showJson = nullptr;
};

} // namespace bunting::views
