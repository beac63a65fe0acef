#pragma once

#include "flag_editor.h"

#include <QJsonObject>
#include <QPointer>
#include <QTabWidget>

class QLabel;
class QPushButton;

namespace bunting::views {

class JsonEditor;

// Beside the form: the draft's `filters` as PostHog stores them, read-only and following every
// edit, and the advanced mode, where they are edited as JSON for what the form does not cover.
// "Apply" replaces the draft's filters (one undo step) or says why it cannot, changing nothing.
class FlagEditorJsonPanel : public QTabWidget
{
    Q_OBJECT
public:
    explicit FlagEditorJsonPanel(models::FlagEditor *editor, QWidget *parent = nullptr);

    JsonEditor *filtersView() const { return m_view; }
    JsonEditor *advancedEditor() const { return m_advanced; }
    QString advancedError() const;

public Q_SLOTS:
    bool apply();
    // The advanced editor shows the draft again, dropping what was typed there.
    void revert();

private:
    void refresh();
    void showAdvancedError(const QString &message);

    QPointer<models::FlagEditor> m_editor;
    JsonEditor *m_view = nullptr;
    JsonEditor *m_advanced = nullptr;
    QLabel *m_advancedError = nullptr;
    QLabel *m_pending = nullptr;
    QPushButton *m_apply = nullptr;
    QPushButton *m_revert = nullptr;
    QJsonObject m_shown;           // the filters the read-only view shows
    bool m_advancedEdited = false; // typed there and not applied: the draft must not overwrite it
};

} // namespace bunting::views
