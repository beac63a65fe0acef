#include "flag_editor_errors.h"

#include "api_error.h"
#include "flag_editor.h"
#include "problem_text.h"

#include <QLabel>
#include <QStyle>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

FlagEditorErrors::FlagEditorErrors(models::FlagEditor *editor, QObject *parent)
    : QObject(parent), m_editor(editor)
{
    connect(editor, &models::FlagEditor::validationChanged, this, &FlagEditorErrors::changed);
    connect(editor, &models::FlagEditor::changed, this, [this] {
        if (m_server.isEmpty())
            return;
        m_server.clear();
        Q_EMIT changed();
    });
}

QList<models::FieldError> FlagEditorErrors::all() const
{
    QList<models::FieldError> errors =
        m_editor ? m_editor->validation() : QList<models::FieldError>();
    errors += m_server;
    return errors;
}

QStringList FlagEditorErrors::messagesIn(const models::FieldPath &path) const
{
    QStringList messages;
    for (const models::FieldError &e : all())
        if (const QString text = models::problemMessage(e.error);
            path.contains(e.path) && !messages.contains(text))
            messages.append(text);
    return messages;
}

void FlagEditorErrors::setServerError(const api::ApiError &error)
{
    m_server.clear();
    // Only a refusal of what the flag says is a problem of the draft; a server that could not be
    // reached says nothing about it, and saving again must stay possible.
    if (m_editor && error.type == "validation_error"_L1) {
        const ValidationError asValidation{error.code, error.message(), error.attr};
        for (const models::FieldPath &path : m_editor->fieldsOfServerError(error))
            m_server.append({path, asValidation});
    }
    Q_EMIT changed();
}

QLabel *makeErrorLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setProperty("fieldError", true);
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText, QColor(0xda, 0x44, 0x53));
    label->setPalette(p);
    label->hide();
    return label;
}

QWidget *fieldWithError(QWidget *field, QLabel *error, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(field);
    layout->addWidget(error);
    box->setFocusProxy(field);
    return box;
}

void showErrors(QWidget *field, QLabel *label, const QStringList &messages)
{
    const QString text = messages.join(u'\n');
    if (label) {
        label->setText(text);
        label->setVisible(!messages.isEmpty());
    }
    if (field) {
        field->setToolTip(text);
        const bool invalid = !messages.isEmpty();
        if (field->property("invalid").toBool() != invalid) {
            field->setProperty("invalid", invalid);
            // A dynamic property only reaches the style sheet when the widget is polished again.
            field->style()->unpolish(field);
            field->style()->polish(field);
            field->update();
        }
    }
}

} // namespace bunting::views
