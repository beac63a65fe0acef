#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QStringView>
#include <cstring>

namespace bunting::server {

// Writes JSON text straight into one buffer, for the SDK endpoints' large answers: building a
// QJsonObject tree first (sorted inserts, nested copies) costs more than evaluating the flags.
// The buffer is written through a raw pointer: QByteArray's own append() checks for sharing and
// growth out of line on every call, which cost more than the answer's text itself.
class JsonWriter
{
public:
    explicit JsonWriter(qsizetype reserve = 8192);

    // The small steps are inline: an answer of 50 flags takes about 1,500 of them, and inlined
    // the field names' lengths are constants, so their copies need no call.
    JsonWriter &beginObject()
    {
        separate();
        raw('{');
        m_comma = false;
        return *this;
    }
    JsonWriter &endObject()
    {
        raw('}');
        m_comma = true;
        return *this;
    }
    JsonWriter &beginArray()
    {
        separate();
        raw('[');
        m_comma = false;
        return *this;
    }
    JsonWriter &endArray()
    {
        raw(']');
        m_comma = true;
        return *this;
    }
    JsonWriter &key(QStringView name);
    // A key known to need no escaping (the answers' own field names).
    JsonWriter &key(QLatin1StringView name)
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
    JsonWriter &value(QStringView text);
    JsonWriter &value(const QString &text) { return value(QStringView(text)); }
    JsonWriter &value(bool b)
    {
        separate();
        if (b)
            raw("true", 4);
        else
            raw("false", 5);
        m_comma = true;
        return *this;
    }
    JsonWriter &value(qint64 n);
    JsonWriter &value(int n) { return value(qint64(n)); }
    JsonWriter &null()
    {
        separate();
        raw("null", 4);
        m_comma = true;
        return *this;
    }
    JsonWriter &value(const QJsonValue &json);
    // A value that is already JSON text (a fragment written once and reused).
    JsonWriter &json(QByteArrayView text);
    // A key already written as a JSON string by encode(): flag keys, the same in every answer.
    JsonWriter &encodedKey(QByteArrayView quoted)
    {
        separate();
        raw(quoted.data(), quoted.size());
        raw(':');
        m_comma = false;
        return *this;
    }
    // `text` as a JSON string, quotes included.
    static QByteArray encode(QStringView text);

    QByteArray take();

private:
    // Room for `n` more bytes at m_end; the caller advances m_end past what it wrote.
    char *room(qsizetype n)
    {
        if (m_limit - m_end < n)
            grow(n);
        return m_end;
    }
    void grow(qsizetype n);
    void raw(const char *data, qsizetype n)
    {
        std::memcpy(room(n), data, size_t(n));
        m_end += n;
    }
    void raw(char c)
    {
        *room(1) = c;
        ++m_end;
    }
    // A value or key follows an earlier one in the same object.
    void separate()
    {
        if (m_comma)
            raw(',');
    }
    void appendString(QStringView text);

    QByteArray m_out; // its size is the capacity; [data, m_end) is written
    char *m_end = nullptr;
    char *m_limit = nullptr;
    // Whether the next key needs a comma: after a value or a closed object, not after `{` or a
    // key. Only objects are written here, so one flag does what a stack of states would.
    bool m_comma = false;
};

} // namespace bunting::server
