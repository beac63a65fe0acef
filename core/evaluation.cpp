#include "evaluation.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace bunting {

FlagValue FlagValue::fromJson(const QJsonValue &value)
{
    if (value.isString())
        return {true, value.toString()};
    return {value.toBool(), {}};
}

QJsonValue FlagValue::toJson() const
{
    if (!enabled)
        return false;
    return variant.isEmpty() ? QJsonValue(true) : QJsonValue(variant);
}

QJsonValue EvaluationResult::parsedPayload() const
{
    if (!payload.isString())
        return payload;
    QJsonParseError error;
    const QByteArray text = payload.toString().toUtf8();
    // QJsonDocument only reads arrays and objects; wrapping reads scalars too.
    const QJsonDocument doc = QJsonDocument::fromJson("[" + text + "]", &error);
    if (error.error != QJsonParseError::NoError || doc.array().size() != 1)
        return payload;
    return doc.array().first();
}

} // namespace bunting
