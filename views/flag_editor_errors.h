#pragma once

#include "field_path.h"
#include "flag_editor.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>

class QLabel;
class QWidget;

namespace bunting::api {
struct ApiError;
}

namespace bunting::views {

// The problems the rollout editor shows beside its fields: the editor's live validation and the
// last error the server reported on save. The server's errors stay until the next edit, which may
// have fixed them; only then would showing them be misleading.
class FlagEditorErrors : public QObject
{
    Q_OBJECT
public:
    explicit FlagEditorErrors(models::FlagEditor *editor, QObject *parent = nullptr);

    QList<models::FieldError> all() const;
    // The messages at `path` or inside it, each once, in the editor's words (problemMessage()).
    QStringList messagesIn(const models::FieldPath &path) const;
    // The server's refusal of the draft (a validation error); any other error clears it.
    void setServerError(const api::ApiError &error);

Q_SIGNALS:
    void changed();

private:
    QPointer<models::FlagEditor> m_editor;
    QList<models::FieldError> m_server;
};

// A red, word-wrapped label for messages under a field; hidden while there are none.
QLabel *makeErrorLabel(QWidget *parent);
// A field with its error label under it, as one row of a form; focusing the row (a label's buddy)
// focuses the field.
QWidget *fieldWithError(QWidget *field, QLabel *error, QWidget *parent);
// Shows `messages` in `label` (may be null) and marks `field` (may be null) invalid: a red frame
// through the "invalid" property the rollout editor's style sheet matches, and the messages as its
// tooltip for when the label is out of sight.
void showErrors(QWidget *field, QLabel *label, const QStringList &messages);

} // namespace bunting::views
