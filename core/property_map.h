#pragma once

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <optional>

namespace bunting {

// A property value with the forms the operators compare, computed once when a context is built
// rather than once per flag: evaluating 200 flags for one person converts each value once.
struct PropertyValue
{
    QJsonValue json;
    QString text;       // PostHog's string form: strings as they are, anything else as JSON
    QString lowerText;  // `text` in lower case (Unicode), for exact matching
    QString foldedText; // `text` with only A-Z folded, for contains, starts and ends with
    std::optional<double> number; // a number, or a string that parses as one
};

// Person or group properties: what `/flags` receives, overlaid on what the server stored.
class PropertyMap
{
public:
    PropertyMap() = default;
    explicit PropertyMap(const QJsonObject &properties);

    void insert(const QString &key, const QJsonValue &value);
    // Later values win: the request's properties over the stored ones.
    void overlay(const QJsonObject &properties);

    const PropertyValue *find(const QString &key) const;
    bool contains(const QString &key) const { return m_values.contains(key); }
    qsizetype size() const { return m_values.size(); }
    QJsonObject toJson() const;

private:
    QHash<QString, PropertyValue> m_values;
};

// PostHog's string form of a JSON value (serde_json's `to_string` for non-strings).
QString propertyText(const QJsonValue &value);
// Unicode lower case with the final-sigma rule ("ΟΔΟΣ" -> "οδος"), as Rust, Python and
// JavaScript lower case; QString::toLower() does not apply it.
QString unicodeLower(const QString &text);
// Folds A-Z only: PostHog's substring, prefix and suffix operators ignore other cases.
QString asciiLower(const QString &text);

} // namespace bunting
