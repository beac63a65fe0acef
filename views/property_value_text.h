#pragma once

#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace bunting::views {

// A filter value as the user reads it: strings as they are, numbers without a trailing ".0",
// booleans as true / false, null as nothing, lists and objects as compact JSON.
QString valueText(const QJsonValue &value);

// The values of an exact / is_not list as the list field shows them: "a, b, c", with a comma or
// backslash inside a value written as "\," or "\\".
QString joinValues(const QStringList &values);
// The inverse of joinValues; surrounding spaces and empty entries are dropped.
QStringList splitValues(const QString &text);

// `text` typed over `previous`, in previous's JSON type where the text allows it: a number stays
// a number while the text is one, a boolean while it says true or false; a string otherwise.
QJsonValue scalarFromText(const QString &text, const QJsonValue &previous);
// The list field's text as a filter value shaped like `previous`: an entry typed the same as an
// entry of `previous` keeps that entry's JSON type; a scalar previous value stays a scalar while
// there is one entry; a new value is a list of strings, as PostHog's form writes it.
QJsonValue listFromText(const QString &text, const QJsonValue &previous);
// The entries a value shows in the list field.
QStringList listEntries(const QJsonValue &value);

} // namespace bunting::views
