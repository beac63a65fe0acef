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

    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &key(QStringView name);
    // A key known to need no escaping (the answers' own field names).
    JsonWriter &key(QLatin1StringView name);
    JsonWriter &value(QStringView text);
    JsonWriter &value(const QString &text) { return value(QStringView(text)); }
    JsonWriter &value(bool b);
    JsonWriter &value(qint64 n);
    JsonWriter &value(int n) { return value(qint64(n)); }
    JsonWriter &null();
    JsonWriter &value(const QJsonValue &json);
    // A value that is already JSON text (a fragment written once and reused).
    JsonWriter &json(QByteArrayView text);

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
