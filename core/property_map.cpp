#include "property_map.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <charconv>

using namespace Qt::StringLiterals;

namespace bunting {

namespace {

bool isIntegral(const QJsonValue &value)
{
    return value.toVariant().typeId() == QMetaType::LongLong;
}

QString numberText(const QJsonValue &value)
{
    if (isIntegral(value))
        return QString::number(value.toInteger());
    // Shortest text that reads back as the same double, with ".0" on whole numbers as JSON
    // serialisers of floats write it.
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value.toDouble());
    QString text = QString::fromLatin1(buffer, result.ptr - buffer);
    if (!text.contains(u'.') && !text.contains(u'e') && !text.contains(u'n') &&
        !text.contains(u'i'))
        text += ".0"_L1;
    return text;
}

} // namespace

QString propertyText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Bool:
        return value.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double:
        return numberText(value);
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return u"null"_s;
}

QString asciiLower(const QString &text)
{
    QString out = text;
    for (QChar &c : out)
        if (c >= u'A' && c <= u'Z')
            c = QChar(c.unicode() + 32);
    return out;
}

PropertyMap::PropertyMap(const QJsonObject &properties)
{
    overlay(properties);
}

void PropertyMap::insert(const QString &key, const QJsonValue &value)
{
    PropertyValue v;
    v.json = value;
    v.text = propertyText(value);
    v.lowerText = v.text.toLower();
    v.foldedText = asciiLower(v.text);
    if (value.isDouble()) {
        v.number = value.toDouble();
    } else if (value.isString()) {
        bool ok = false;
        const double d = v.text.trimmed().toDouble(&ok);
        if (ok)
            v.number = d;
    }
    m_values.insert(key, std::move(v));
}

void PropertyMap::overlay(const QJsonObject &properties)
{
    for (auto it = properties.begin(); it != properties.end(); ++it)
        insert(it.key(), it.value());
}

const PropertyValue *PropertyMap::find(const QString &key) const
{
    const auto it = m_values.constFind(key);
    return it == m_values.constEnd() ? nullptr : &*it;
}

QJsonObject PropertyMap::toJson() const
{
    QJsonObject o;
    for (auto it = m_values.begin(); it != m_values.end(); ++it)
        o.insert(it.key(), it->json);
    return o;
}

} // namespace bunting
