#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QStringView>
#include <vector>

namespace bunting::server {

// Writes JSON text straight into one buffer, for the SDK endpoints' large answers: building a
// QJsonObject tree first (sorted inserts, nested copies) costs more than evaluating the flags.
class JsonWriter
{
public:
    explicit JsonWriter(qsizetype reserve = 8192) { m_out.reserve(reserve); }

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

    QByteArray take() { return std::move(m_out); }

private:
    void beforeValue();
    void appendString(QStringView text);

    QByteArray m_out;
    std::vector<bool> m_empty; // per open object: nothing written in it yet
    bool m_afterKey = false;
};

} // namespace bunting::server
