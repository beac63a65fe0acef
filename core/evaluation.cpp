#include "evaluation.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace bunting {

namespace {

// Conditions without the JSON they were read from (JsonRecord: unknown keys, which keys were
// present), which only writing them back needs; at every level that is most of a parsed flag.
void dropRecords(QList<Condition> &conditions)
{
    for (Condition &condition : conditions) {
        condition.record = {};
        for (PropertyFilter &property : condition.properties)
            property.record = {};
    }
}

} // namespace

FeatureFlag evaluatedPart(FeatureFlag &&flag)
{
    FeatureFlag part;
    part.id = flag.id;
    part.key = std::move(flag.key);
    part.name = std::move(flag.name);
    part.version = flag.version;
    part.active = flag.active;
    part.deleted = flag.deleted;
    part.filters = std::move(flag.filters);
    part.filters.record = {};
    part.filters.multivariateRecord = {};
    dropRecords(part.filters.groups);
    dropRecords(part.filters.superGroups);
    if (part.filters.variants)
        for (Variant &variant : *part.filters.variants)
            variant.record = {};
    if (part.filters.holdout)
        part.filters.holdout->record = {};
    part.ensureExperienceContinuity = flag.ensureExperienceContinuity;
    part.evaluationRuntime = std::move(flag.evaluationRuntime);
    part.evaluationContexts = std::move(flag.evaluationContexts);
    part.bucketingIdentifier = std::move(flag.bucketingIdentifier);
    part.isRemoteConfiguration = flag.isRemoteConfiguration;
    part.hasEncryptedPayloads = flag.hasEncryptedPayloads;
    return part;
}

FeatureFlag evaluatedPart(const FeatureFlag &flag)
{
    return evaluatedPart(FeatureFlag(flag));
}

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
