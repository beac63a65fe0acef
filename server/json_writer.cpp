#include "json_writer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

namespace bunting::server {

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_empty.empty()) {
        if (!m_empty.back())
            m_out.append(',');
        m_empty.back() = false;
    }
}

JsonWriter &JsonWriter::beginObject()
{
    beforeValue();
    m_out.append('{');
    m_empty.push_back(true);
    return *this;
}

JsonWriter &JsonWriter::endObject()
{
    m_out.append('}');
    m_empty.pop_back();
    return *this;
}

JsonWriter &JsonWriter::key(QStringView name)
{
    beforeValue();
    appendString(name);
    m_out.append(':');
    m_afterKey = true;
    return *this;
}

JsonWriter &JsonWriter::key(QLatin1StringView name)
{
    beforeValue();
    m_out.append('"').append(name.data(), name.size()).append("\":");
    m_afterKey = true;
    return *this;
}

JsonWriter &JsonWriter::value(QStringView text)
{
    beforeValue();
    appendString(text);
    return *this;
}

JsonWriter &JsonWriter::value(bool b)
{
    beforeValue();
    m_out.append(b ? "true" : "false");
    return *this;
}

JsonWriter &JsonWriter::value(qint64 n)
{
    beforeValue();
    m_out.append(QByteArray::number(n));
    return *this;
}

JsonWriter &JsonWriter::null()
{
    beforeValue();
    m_out.append("null");
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
    beforeValue();
    const QByteArray text = QJsonDocument(QJsonArray{json}).toJson(QJsonDocument::Compact);
    m_out.append(text.constData() + 1, text.size() - 2);
    return *this;
}

void JsonWriter::appendString(QStringView text)
{
    // Keys, flag keys and reasons are plain ASCII: copy them in one go.
    const bool plain = std::all_of(text.begin(), text.end(), [](QChar c) {
        const char16_t u = c.unicode();
        return u >= 0x20 && u < 0x80 && u != u'"' && u != u'\\';
    });
    const qsizetype start = m_out.size();
    if (plain) {
        m_out.resize(start + text.size() + 2);
        char *out = m_out.data() + start;
        *out++ = '"';
        for (const QChar c : text)
            *out++ = char(c.unicode());
        *out = '"';
        return;
    }
    m_out.append('"');
    const QByteArray utf8 = text.toUtf8();
    qsizetype run = 0; // the start of the bytes not yet copied
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(utf8[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        m_out.append(utf8.constData() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            m_out.append("\\\"");
            break;
        case '\\':
            m_out.append("\\\\");
            break;
        case '\n':
            m_out.append("\\n");
            break;
        case '\r':
            m_out.append("\\r");
            break;
        case '\t':
            m_out.append("\\t");
            break;
        default: {
            static constexpr char hex[] = "0123456789abcdef";
            const char escape[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
            m_out.append(escape, sizeof escape);
        }
        }
    }
    m_out.append(utf8.constData() + run, utf8.size() - run);
    m_out.append('"');
}

} // namespace bunting::server
