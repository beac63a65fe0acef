#pragma once

#include <QJsonDocument>
#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace bunting::views {

// A JSON text field that checks as it is typed: the parse error's place and reason under it,
// "Format" to pretty-print, and read-only mode for the view of `filters` beside the form.
// Used for payloads and the advanced mode of the rollout editor.
class JsonEditor : public QWidget
{
    Q_OBJECT
public:
    explicit JsonEditor(QWidget *parent = nullptr);

    QString text() const;
    void setText(const QString &text);
    // Shows `value` indented; the field is then valid.
    void setJson(const QJsonValue &value);
    // The parsed value; Undefined while the text is not valid JSON (or empty when that is not
    // allowed).
    QJsonValue json() const;
    bool isValid() const { return m_valid; }
    // "line 3, column 7: missing value"; empty when valid.
    QString errorText() const;
    void setReadOnly(bool readOnly);
    // Whether an empty field counts as valid (an unset payload).
    void setEmptyAllowed(bool allowed);
    QPlainTextEdit *textEdit() const { return m_edit; }

    // JSON text that QJsonDocument also accepts as a bare scalar ("42", "\"text\"", "true").
    static QJsonValue parse(const QString &text, QString *error);

public Q_SLOTS:
    void format();

Q_SIGNALS:
    void validityChanged(bool valid);
    void edited();

private:
    void check();

    QPlainTextEdit *m_edit = nullptr;
    QLabel *m_error = nullptr;
    bool m_valid = true;
    bool m_emptyAllowed = true;
    QString m_errorText;
};

} // namespace bunting::views
