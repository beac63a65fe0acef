#include "python_repr.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace bunting {

namespace {

QString pythonFloat(double d)
{
    if (std::isnan(d))
        return u"nan"_s;
    if (std::isinf(d))
        return d < 0 ? u"-inf"_s : u"inf"_s;
    // The shortest round-tripping digits, positional for decimal exponents in [-4, 16).
    const QString sci = QString::number(std::fabs(d), 'e', QLocale::FloatingPointShortest);
    const qsizetype e = sci.indexOf(u'e');
    QString digits = sci.left(e);
    digits.remove(u'.');
    const int exponent = sci.mid(e + 1).toInt();
    const QString sign = d < 0 ? u"-"_s : QString();
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0)
            return sign + u"0."_s + QString(-exponent - 1, u'0') + digits;
        const qsizetype whole = exponent + 1;
        if (digits.size() <= whole)
            return sign + digits + QString(whole - digits.size(), u'0') + u".0"_s;
        return sign + digits.left(whole) + u'.' + digits.mid(whole);
    }
    QString mantissa = digits.left(1);
    if (digits.size() > 1)
        mantissa += u'.' + digits.mid(1);
    return sign + mantissa + u'e' + (exponent < 0 ? u'-' : u'+') +
           QString::number(std::abs(exponent)).rightJustified(2, u'0');
}

} // namespace

QString pythonNumber(double d)
{
    // Python's json reads an integral literal as int; Qt keeps no such distinction, so an
    // integral value prints as an int.
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 1e15)
        return QString::number(qint64(d));
    return pythonFloat(d);
}

QString pythonRepr(const QString &text)
{
    const QChar quote = text.contains(u'\'') && !text.contains(u'"') ? u'"' : u'\'';
    QString out = quote;
    for (const QChar c : text) {
        if (c == u'\\' || c == quote)
            out += u'\\' + QString(c);
        else if (c == u'\n')
            out += u"\\n"_s;
        else if (c == u'\r')
            out += u"\\r"_s;
        else if (c == u'\t')
            out += u"\\t"_s;
        else if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            out += u"\\x%1"_s.arg(int(c.unicode()), 2, 16, QChar(u'0'));
        else
            out += c;
    }
    return out + quote;
}

QString pythonRepr(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return u"None"_s;
    case QJsonValue::Bool:
        return value.toBool() ? u"True"_s : u"False"_s;
    case QJsonValue::Double:
        // Python's json reads an integer literal as int, anything else as float.
        if (value.toVariant().typeId() == QMetaType::LongLong)
            return QString::number(value.toInteger());
        return pythonNumber(value.toDouble());
    case QJsonValue::String:
        return pythonRepr(value.toString());
    case QJsonValue::Array: {
        QStringList items;
        for (const QJsonValue &item : value.toArray())
            items.append(pythonRepr(item));
        return u'[' + items.join(u", "_s) + u']';
    }
    case QJsonValue::Object: {
        QStringList items;
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            items.append(pythonRepr(it.key()) + u": "_s + pythonRepr(it.value()));
        return u'{' + items.join(u", "_s) + u'}';
    }
    }
    return {};
}

QString pythonStr(const QJsonValue &value)
{
    return value.isString() ? value.toString() : pythonRepr(value);
}

std::optional<qint64> pythonInt(const QString &text)
{
    const QString t = text.trimmed();
    qsizetype i = 0;
    bool negative = false;
    if (i < t.size() && (t[i] == u'+' || t[i] == u'-'))
        negative = t[i++] == u'-';
    if (i == t.size())
        return std::nullopt;
    qint64 value = 0;
    bool lastWasDigit = false;
    for (; i < t.size(); ++i) {
        const QChar c = t[i];
        if (c == u'_') {
            // Only single underscores between digits.
            if (!lastWasDigit || i + 1 == t.size())
                return std::nullopt;
            lastWasDigit = false;
            continue;
        }
        if (c < u'0' || c > u'9')
            return std::nullopt;
        const int digit = c.unicode() - u'0';
        if (value > (std::numeric_limits<qint64>::max() - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
        lastWasDigit = true;
    }
    return negative ? -value : value;
}

QString pythonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return u"bool"_s;
    case QJsonValue::Double:
        return value.toVariant().typeId() == QMetaType::LongLong ||
                       value.toDouble() == std::trunc(value.toDouble())
                   ? u"int"_s
                   : u"float"_s;
    case QJsonValue::String:
        return u"str"_s;
    case QJsonValue::Array:
        return u"list"_s;
    case QJsonValue::Object:
        return u"dict"_s;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return u"NoneType"_s;
}

bool pythonTruthy(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return false;
    case QJsonValue::Bool:
        return value.toBool();
    case QJsonValue::Double:
        return value.toDouble() != 0;
    case QJsonValue::String:
        return !value.toString().isEmpty();
    case QJsonValue::Array:
        return !value.toArray().isEmpty();
    case QJsonValue::Object:
        return !value.toObject().isEmpty();
    }
    return false;
}

} // namespace bunting
