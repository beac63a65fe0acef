#pragma once

#include "feature_flag.h"
#include "flag_editor.h"
#include "property_filter_editor.h"

#include <QList>
#include <QPointer>
#include <QWidget>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QToolButton;
class QVBoxLayout;

namespace bunting::models {
class ConditionListModel;
} // namespace bunting::models

namespace bunting::views {

class FlagEditorErrors;
class PercentEditor;

// The release conditions: their list above, in evaluation order (drag, or Ctrl+Up and Ctrl+Down,
// to reorder; add, duplicate, remove), and the selected one's editor below it, across a splitter:
// description, rollout, variant override and property filters.
class FlagEditorConditions : public QWidget
{
    Q_OBJECT
public:
    FlagEditorConditions(models::FlagEditor *editor, FlagEditorErrors *errors,
                         QWidget *parent = nullptr);
    ~FlagEditorConditions() override;

    void setChoices(const PropertyFilterChoices &choices);
    int currentCondition() const;
    void setCurrentCondition(int index);
    QListView *listView() const { return m_list; }
    // Shows the condition `path` is in and focuses the field it names.
    void focusProblem(const models::FieldPath &path);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void add();
    void duplicate();
    void remove();
    void move(int delta);
    void refresh();
    void refreshErrors();
    void refreshVariants(const Condition &condition);
    void syncFilterRows(const Condition &condition);
    PropertyFilterEditor *createFilterRow();
    void addFilter();

    QPointer<models::FlagEditor> m_editor;
    FlagEditorErrors *m_errors = nullptr;
    models::ConditionListModel *m_model = nullptr;
    PropertyFilterChoices m_choices;

    QListView *m_list = nullptr;
    QToolButton *m_add = nullptr;
    QToolButton *m_duplicate = nullptr;
    QToolButton *m_remove = nullptr;
    QToolButton *m_up = nullptr;
    QToolButton *m_down = nullptr;
    QLabel *m_listError = nullptr;

    QWidget *m_detail = nullptr;
    QFormLayout *m_form = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_placeholder = nullptr;
    QLineEdit *m_description = nullptr;
    QLabel *m_descriptionError = nullptr;
    PercentEditor *m_rollout = nullptr;
    QLabel *m_rolloutError = nullptr;
    QComboBox *m_variant = nullptr;
    QLabel *m_variantError = nullptr;
    QVBoxLayout *m_filterLayout = nullptr;
    QLabel *m_noFilters = nullptr;
    QPushButton *m_addFilter = nullptr;
    QLabel *m_conditionError = nullptr;

    // The rows of the shown condition and the filter each was last given or reported, so a row
    // is only set again when the draft says something else (an undo, a removal before it).
    QList<PropertyFilterEditor *> m_rows;
    QList<std::optional<PropertyFilter>> m_shown;
    int m_shownCondition = -1;
};

} // namespace bunting::views
