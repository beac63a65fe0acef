#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <initializer_list>

namespace bunting {

// The value as compact JSON text, a string with its quotes, so that it reads back as the same
// value; empty for undefined.
QString compactJson(const QJsonValue &value);

// Remembers what a typed object did not model, and which modelled keys were present or null,
// so that reading PostHog JSON and writing it back loses nothing: a flag from a newer PostHog
// keeps its unknown fields, and an absent key is not turned into a default value.
class JsonRecord
{
public:
    // Keeps the keys of `object` that are not in `known` as extra fields. The known keys must
    // be string literals: the record keeps views of them rather than copies, since every flag
    // read carries dozens of records.
    void read(const QJsonObject &object, std::initializer_list<QLatin1StringView> known);

    // Starts the output object from the extra fields.
    QJsonObject extraFields() const { return m_extra; }

    // Writes `value` under `key`, unless it is the default and the input did not carry the key;
    // a default value for a key that was null in the input is written back as null.
    void put(QJsonObject &out, QLatin1StringView key, const QJsonValue &value,
             bool isDefault) const;

    bool had(QLatin1StringView key) const { return seen(key) != nullptr; }
    const QJsonObject &extra() const { return m_extra; }
    void setExtra(const QJsonObject &extra) { m_extra = extra; }

    friend bool operator==(const JsonRecord &, const JsonRecord &) = default;

private:
    struct Seen
    {
        QLatin1StringView key; // one of read()'s literals
        bool wasNull = false;
        friend bool operator==(const Seen &, const Seen &) = default;
    };
    const Seen *seen(QLatin1StringView key) const;

    QJsonObject m_extra;
    QList<Seen> m_seen; // in the order of read()'s known keys
};

} // namespace bunting
