#include "http/json_writer.h"

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

JsonWriter &JsonWriter::key(QStringView name)
{
    separate();
    appendString(name);
    raw(':');
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

JsonWriter &JsonWriter::value(qint64 n)
{
    separate();
    char *out = room(20); // the longest qint64, "-9223372036854775808"
    m_end = std::to_chars(out, out + 20, n).ptr;
    m_comma = true;
    return *this;
}

QByteArray JsonWriter::encode(QStringView text)
{
    JsonWriter w(text.size() + 2);
    w.appendString(text);
    return w.take();
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
    // Keys, flag keys and reasons are plain ASCII: checked, then copied in one go. Both loops
    // run without an early exit, so the compiler turns them into vector instructions.
    bool escape = false;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        escape |= (u < 0x20) | (u >= 0x80) | (u == u'"') | (u == u'\\');
    }
    if (!escape) {
        char *out = room(text.size() + 2);
        *out++ = '"';
        const char16_t *in = text.utf16();
        for (qsizetype i = 0; i < text.size(); ++i)
            out[i] = char(in[i]);
        out[text.size()] = '"';
        m_end = out + text.size() + 1;
        return;
    }
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
