#include "flag_editor_sync.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QTextCursor>

namespace bunting::views {

void syncText(QLineEdit *field, const QString &text)
{
    if (field->text() == text)
        return;
    const QSignalBlocker blocker(field);
    const int position = field->cursorPosition();
    field->setText(text);
    field->setCursorPosition(std::min(position, int(text.size())));
}

void syncText(QPlainTextEdit *field, const QString &text)
{
    if (field->toPlainText() == text)
        return;
    const QSignalBlocker blocker(field);
    const int position = field->textCursor().position();
    field->setPlainText(text);
    QTextCursor cursor = field->textCursor();
    cursor.setPosition(std::min(position, int(text.size())));
    field->setTextCursor(cursor);
}

QString compactIndentedJson(const QJsonObject &object)
{
    QStringList lines =
        QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented)).split(u'\n');
    for (QString &line : lines) {
        qsizetype indent = 0;
        while (indent < line.size() && line.at(indent) == u' ')
            ++indent;
        line.remove(0, indent / 2);
    }
    return lines.join(u'\n').trimmed();
}

QStringList splitList(const QString &text)
{
    QStringList items;
    for (const QString &part : text.split(u','))
        if (const QString item = part.trimmed(); !item.isEmpty())
            items.append(item);
    return items;
}

} // namespace bunting::views
