#include "property_map.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

using namespace Qt::StringLiterals;

namespace bunting {

namespace {

bool isIntegral(const QJsonValue &value)
{
    return value.toVariant().typeId() == QMetaType::LongLong;
}

// serde_json's text of a number (ryu's layout): an integer as its digits; a float as the
// shortest digits that read back as the same double, in plain notation with ".0" on whole
// numbers while the decimal point falls within 16 digits ("1.5", "1.0", "0.0001",
// "1000000000000000.0"), else in exponent notation without "+" ("1e20", "1.5e-7").
QString numberText(const QJsonValue &value)
{
    if (isIntegral(value))
        return QString::number(value.toInteger());
    const double number = value.toDouble();
    char buffer[64];
    if (!std::isfinite(number)) // no JSON holds one; what a caller built keeps C's "inf", "nan"
        return QString::fromLatin1(
            buffer, std::to_chars(buffer, buffer + sizeof buffer, number).ptr - buffer);
    const auto end =
        std::to_chars(buffer, buffer + sizeof buffer, number, std::chars_format::scientific).ptr;
    const std::string_view text(buffer, end - buffer);
    const bool negative = text.front() == '-';
    const std::size_t e = text.find('e');
    std::string digits;
    for (const char c : text.substr(negative ? 1 : 0, e - (negative ? 1 : 0)))
        if (c != '.')
            digits += c;
    int exponent = 0;
    std::from_chars(text.data() + e + 1 + (text[e + 1] == '+' ? 1 : 0), end, exponent);
    const int length = int(digits.size());
    const int point = exponent + 1; // digits before the decimal point
    std::string out = negative ? "-" : "";
    if (point >= length && point <= 16) {
        out += digits + std::string(std::size_t(point - length), '0') + ".0";
    } else if (point > 0 && point <= 16) {
        out += digits.substr(0, std::size_t(point)) + '.' + digits.substr(std::size_t(point));
    } else if (point > -5 && point <= 0) {
        out += "0." + std::string(std::size_t(-point), '0') + digits;
    } else {
        out += digits.substr(0, 1);
        if (length > 1)
            out += '.' + digits.substr(1);
        out += 'e' + std::to_string(point - 1);
    }
    return QString::fromLatin1(out.data(), qsizetype(out.size()));
}

// Whether `text` can be a number at all. QString::toDouble() costs thousands of instructions
// even on text it rejects, and most string properties (emails, plans, countries, dates) hold a
// character no number has: a letter outside "e", "inf", "infinity" and "nan", or one of ":@/_,".
bool mayBeNumber(QStringView text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u == u':' || u == u'@' || u == u'/' || u == u'_' || u == u',')
            return false;
        const char16_t lower = (u >= u'A' && u <= u'Z') ? char16_t(u + 32) : u;
        if (lower >= u'a' && lower <= u'z' && !QStringView(u"einfaty").contains(QChar(lower)))
            return false;
    }
    return true;
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

namespace {

// Case-ignorable characters are skipped when looking for the letters around a sigma.
bool isCaseIgnorable(QChar c)
{
    const auto category = c.category();
    return category == QChar::Mark_NonSpacing || category == QChar::Mark_Enclosing ||
           category == QChar::Other_Format || category == QChar::Letter_Modifier ||
           category == QChar::Symbol_Modifier || c == u'\'' || c == u'.' || c == u':';
}

bool isCased(QChar c)
{
    return c.isLower() || c.isUpper() || c.isTitleCase();
}

bool isFinalSigma(const QString &text, qsizetype at)
{
    qsizetype before = at - 1;
    while (before >= 0 && isCaseIgnorable(text[before]))
        --before;
    if (before < 0 || !isCased(text[before]))
        return false;
    qsizetype after = at + 1;
    while (after < text.size() && isCaseIgnorable(text[after]))
        ++after;
    return after >= text.size() || !isCased(text[after]);
}

} // namespace

QString unicodeLower(const QString &text)
{
    QString lower = text.toLower();
    constexpr char16_t capitalSigma = 0x03A3;
    constexpr char16_t finalSigma = 0x03C2;
    if (text.size() == lower.size()) {
        for (qsizetype i = 0; i < text.size(); ++i)
            if (text[i] == capitalSigma && isFinalSigma(text, i))
                lower[i] = QChar(finalSigma);
    }
    return lower;
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
    v.lowerText = unicodeLower(v.text);
    v.foldedText = asciiLower(v.text);
    if (value.isDouble()) {
        v.number = value.toDouble();
    } else if (value.isString() && mayBeNumber(v.text)) {
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
