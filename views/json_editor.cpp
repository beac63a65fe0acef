#include "json_editor.h"

#include <QCoreApplication>
#include <QFontDatabase>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonParseError>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

// QJsonParseError gives an offset into the text; people count lines and columns.
QString place(const QString &text, int offset)
{
    const QString before = text.left(offset);
    const int line = int(before.count(u'\n')) + 1;
    const int column = int(offset - before.lastIndexOf(u'\n'));
    return QCoreApplication::translate("JsonEditor", "line %1, column %2").arg(line).arg(column);
}

} // namespace

JsonEditor::JsonEditor(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_edit = new QPlainTextEdit(this);
    m_edit->setObjectName(u"jsonText"_s);
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setTabChangesFocus(true);
    m_edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    layout->addWidget(m_edit, 1);
    auto *row = new QHBoxLayout;
    m_error = new QLabel(this);
    m_error->setObjectName(u"jsonError"_s);
    m_error->setWordWrap(true);
    QPalette p = m_error->palette();
    p.setColor(QPalette::WindowText, QColor(0xda, 0x44, 0x53));
    m_error->setPalette(p);
    row->addWidget(m_error, 1);
    auto *format = new QPushButton(tr("Format"), this);
    format->setObjectName(u"formatJson"_s);
    format->setToolTip(tr("Indent the JSON (Ctrl+Shift+F)"));
    format->setShortcut(QKeySequence(u"Ctrl+Shift+F"_s));
    // At the right edge, beside an error or alone.
    format->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    row->addWidget(format, 0, Qt::AlignRight);
    layout->addLayout(row);
    connect(format, &QPushButton::clicked, this, &JsonEditor::format);
    connect(m_edit, &QPlainTextEdit::textChanged, this, [this] {
        check();
        Q_EMIT edited();
    });
    check();
}

QString JsonEditor::text() const
{
    return m_edit->toPlainText();
}

void JsonEditor::setText(const QString &text)
{
    const QSignalBlocker blocker(m_edit);
    m_edit->setPlainText(text);
    check();
}

void JsonEditor::setJson(const QJsonValue &value)
{
    if (value.isUndefined()) {
        setText(QString());
        return;
    }
    // QJsonDocument only writes objects and arrays; a scalar is written inside an array and
    // taken out again.
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Indented);
    QString inner = QString::fromUtf8(wrapped).trimmed();
    inner = inner.mid(1, inner.size() - 2).trimmed(); // the array's brackets
    // One level of the array's indentation came along with it.
    QStringList lines = inner.split(u'\n');
    for (QString &line : lines)
        if (line.startsWith(u"    "_s))
            line.remove(0, 4);
    setText(lines.join(u'\n'));
}

QJsonValue JsonEditor::parse(const QString &text, QString *error)
{
    // Wrapping in an array lets QJsonDocument take scalars, which payloads may be.
    const QString wrapped = u"["_s + text + u"\n]"_s;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(wrapped.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (error) {
            const int offset = std::max(0, std::min(int(text.size()), parseError.offset - 1));
            *error = u"%1: %2"_s.arg(place(text, offset), parseError.errorString());
        }
        return QJsonValue::Undefined;
    }
    const QJsonArray array = document.array();
    if (array.size() != 1) {
        if (error)
            *error = QCoreApplication::translate("JsonEditor", "one JSON value is expected");
        return QJsonValue::Undefined;
    }
    return array.first();
}

QJsonValue JsonEditor::json() const
{
    if (text().trimmed().isEmpty())
        return QJsonValue::Undefined;
    return parse(text(), nullptr);
}

QString JsonEditor::errorText() const
{
    return m_errorText;
}

void JsonEditor::setReadOnly(bool readOnly)
{
    m_edit->setReadOnly(readOnly);
}

void JsonEditor::setEmptyAllowed(bool allowed)
{
    m_emptyAllowed = allowed;
    check();
}

void JsonEditor::format()
{
    const QJsonValue value = json();
    if (!value.isUndefined()) {
        setJson(value);
        Q_EMIT edited();
    }
}

void JsonEditor::check()
{
    QString error;
    if (text().trimmed().isEmpty()) {
        if (!m_emptyAllowed)
            error = tr("A value is needed.");
    } else {
        parse(text(), &error);
    }
    m_errorText = error;
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
    const bool valid = error.isEmpty();
    if (valid != m_valid) {
        m_valid = valid;
        Q_EMIT validityChanged(valid);
    }
}

} // namespace bunting::views
