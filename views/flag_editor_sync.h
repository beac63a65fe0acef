#pragma once

#include <QString>
#include <QStringList>

class QJsonObject;
class QLineEdit;
class QPlainTextEdit;

namespace bunting::views {

// Shows `text` in a field that may be the one being typed into: nothing happens while the field
// already says it, and otherwise the cursor keeps its place, so an undo or a change elsewhere
// never throws the typing position to the end. No edit signal is emitted.
void syncText(QLineEdit *field, const QString &text);
void syncText(QPlainTextEdit *field, const QString &text);

// JSON objects indented by two spaces rather than QJsonDocument's four: `filters` nests six levels
// deep, and the panel beside the form is narrow.
QString compactIndentedJson(const QJsonObject &object);

// "beta, growth ,, ui" -> {"beta", "growth", "ui"}: the comma lists of tags and contexts.
QStringList splitList(const QString &text);

} // namespace bunting::views
