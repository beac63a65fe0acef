#include "property_value_text.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace bunting::views {

QString valueText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
    case QJsonValue::Bool:
        return value.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

QString joinValues(const QStringList &values)
{
    QStringList escaped;
    escaped.reserve(values.size());
    for (QString value : values)
        escaped.append(value.replace(u"\\"_s, u"\\\\"_s).replace(u","_s, u"\\,"_s));
    return escaped.join(u", "_s);
}

QStringList splitValues(const QString &text)
{
    QStringList values;
    QString current;
    const auto finish = [&] {
        const QString trimmed = current.trimmed();
        if (!trimmed.isEmpty())
            values.append(trimmed);
        current.clear();
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == u'\\' && i + 1 < text.size()) {
            current.append(text.at(++i));
        } else if (c == u',') {
            finish();
        } else {
            current.append(c);
        }
    }
    finish();
    return values;
}

QJsonValue scalarFromText(const QString &text, const QJsonValue &previous)
{
    if (previous.isDouble()) {
        bool ok = false;
        const double number = text.trimmed().toDouble(&ok);
        if (ok)
            return number;
    }
    if (previous.isBool()) {
        if (text == "true"_L1)
            return true;
        if (text == "false"_L1)
            return false;
    }
    return text;
}

QStringList listEntries(const QJsonValue &value)
{
    QStringList entries;
    if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            entries.append(valueText(item));
    } else if (!value.isUndefined() && !value.isNull()) {
        entries.append(valueText(value));
    }
    return entries;
}

QJsonValue listFromText(const QString &text, const QJsonValue &previous)
{
    const QStringList entries = splitValues(text);
    if (!previous.isArray() && !previous.isUndefined() && !previous.isNull() && entries.size() == 1)
        return scalarFromText(entries.first(), previous);
    QJsonArray known = previous.isArray() ? previous.toArray() : QJsonArray{previous};
    QJsonArray list;
    for (const QString &entry : entries) {
        QJsonValue item = entry;
        for (const QJsonValue &candidate : std::as_const(known)) {
            if (!candidate.isArray() && !candidate.isObject() && valueText(candidate) == entry &&
                !candidate.isNull() && !candidate.isUndefined()) {
                item = candidate;
                break;
            }
        }
        list.append(item);
    }
    return list;
}

} // namespace bunting::views
