#include "json_writer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <charconv>

namespace bunting::server {

JsonWriter::JsonWriter(qsizetype reserve)
{
    m_out.resize(std::max<qsizetype>(reserve, 64));
    m_end = m_out.data();
    m_limit = m_end + m_out.size();
}

void JsonWriter::grow(qsizetype n)
{
    const qsizetype used = m_end - m_out.constData();
    m_out.resize(std::max(used + n, m_out.size() * 2));
    m_end = m_out.data() + used;
    m_limit = m_out.data() + m_out.size();
}

QByteArray JsonWriter::take()
{
    m_out.truncate(m_end - m_out.constData());
    m_end = m_limit = nullptr;
    return std::move(m_out);
}

JsonWriter &JsonWriter::beginObject()
{
    separate();
    raw('{');
    m_comma = false;
    return *this;
}

JsonWriter &JsonWriter::endObject()
{
    raw('}');
    m_comma = true;
    return *this;
}

JsonWriter &JsonWriter::key(QStringView name)
{
    separate();
    appendString(name);
    raw(':');
    m_comma = false;
    return *this;
}

JsonWriter &JsonWriter::key(QLatin1StringView name)
{
    char *out = room(name.size() + 4);
    if (m_comma)
        *out++ = ',';
    *out++ = '"';
    std::memcpy(out, name.data(), size_t(name.size()));
    out += name.size();
    *out++ = '"';
    *out++ = ':';
    m_end = out;
    m_comma = false;
    return *this;
}

JsonWriter &JsonWriter::value(QStringView text)
{
    separate();
    appendString(text);
    m_comma = true;
    return *this;
}

JsonWriter &JsonWriter::value(bool b)
{
    separate();
    if (b)
        raw("true", 4);
    else
        raw("false", 5);
    m_comma = true;
    return *this;
}

JsonWriter &JsonWriter::value(qint64 n)
{
    separate();
    char *out = room(20); // the longest qint64, "-9223372036854775808"
    m_end = std::to_chars(out, out + 20, n).ptr;
    m_comma = true;
    return *this;
}

JsonWriter &JsonWriter::null()
{
    separate();
    raw("null", 4);
    m_comma = true;
    return *this;
}

JsonWriter &JsonWriter::json(QByteArrayView text)
{
    separate();
    raw(text.constData(), text.size());
    m_comma = true;
    return *this;
}

JsonWriter &JsonWriter::value(const QJsonValue &json)
{
    switch (json.type()) {
    case QJsonValue::String:
        return value(json.toString());
    case QJsonValue::Bool:
        return value(json.toBool());
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return null();
    default:
        break;
    }
    // Numbers, arrays and objects are rare here: let Qt write them exactly as it would.
    separate();
    const QByteArray text = QJsonDocument(QJsonArray{json}).toJson(QJsonDocument::Compact);
    raw(text.constData() + 1, text.size() - 2);
    m_comma = true;
    return *this;
}

void JsonWriter::appendString(QStringView text)
{
    // Keys, flag keys and reasons are plain ASCII: copied in the same pass that checks them.
    char *out = room(text.size() + 2);
    *out++ = '"';
    bool plain = true;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u < 0x20 || u >= 0x80 || u == u'"' || u == u'\\') {
            plain = false;
            break;
        }
        *out++ = char(u);
    }
    if (plain) {
        *out++ = '"';
        m_end = out;
        return;
    }
    // Nothing of the plain copy counts: m_end has not moved.
    raw('"');
    const QByteArray utf8 = text.toUtf8();
    qsizetype run = 0; // the start of the bytes not yet copied
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(utf8[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        raw(utf8.constData() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            raw("\\\"", 2);
            break;
        case '\\':
            raw("\\\\", 2);
            break;
        case '\n':
            raw("\\n", 2);
            break;
        case '\r':
            raw("\\r", 2);
            break;
        case '\t':
            raw("\\t", 2);
            break;
        default: {
            static constexpr char hex[] = "0123456789abcdef";
            const char escape[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
            raw(escape, sizeof escape);
        }
        }
    }
    raw(utf8.constData() + run, utf8.size() - run);
    raw('"');
}

} // namespace bunting::server
