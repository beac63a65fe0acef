#pragma once

#include "flag_editor.h"

#include <QPointer>
#include <QString>
#include <QWidget>

class QCheckBox;
class QLabel;
class QPushButton;
class QTableView;

namespace bunting::models {
class VariantTableModel;
} // namespace bunting::models

namespace bunting::views {

class FlagEditorErrors;
class JsonEditor;

// Variants and payloads: the multivariate switch, the variants' table (key, name, share) with the
// live sum and "distribute evenly", and the payload editor of the selected variant; for a boolean
// flag or a remote configuration, the payload served with `true`.
class FlagEditorVariants : public QWidget
{
    Q_OBJECT
public:
    FlagEditorVariants(models::FlagEditor *editor, FlagEditorErrors *errors,
                       QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    JsonEditor *payloadEditor() const { return m_payload; }
    // The variant key, or "true", whose payload the editor shows; empty when there is none.
    QString payloadKey() const { return m_payloadKey; }
    // Selects the variant (or payload) `path` is about and focuses the field it names.
    void focusProblem(const models::FieldPath &path);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refresh();
    void refreshSum();
    void refreshErrors();
    void removeSelected();

    QPointer<models::FlagEditor> m_editor;
    FlagEditorErrors *m_errors = nullptr;
    models::VariantTableModel *m_model = nullptr;

    QCheckBox *m_multivariate = nullptr;
    QWidget *m_variantsBox = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_distribute = nullptr;
    QLabel *m_sum = nullptr;
    QLabel *m_variantsError = nullptr;
    QLabel *m_payloadTitle = nullptr;
    JsonEditor *m_payload = nullptr;
    QLabel *m_payloadError = nullptr;
    QString m_payloadKey;
};

} // namespace bunting::views
