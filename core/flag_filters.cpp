#include "flag_filters.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace bunting {

namespace {

std::optional<double> optionalNumber(const QJsonValue &v)
{
    if (v.isDouble())
        return v.toDouble();
    return std::nullopt;
}

std::optional<int> optionalInt(const QJsonValue &v)
{
    if (v.isDouble())
        return v.toInt();
    return std::nullopt;
}

QJsonValue numberOrNull(std::optional<double> v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}
QJsonValue intOrNull(std::optional<int> v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

QList<Condition> conditionsFromJson(const QJsonValue &value)
{
    QList<Condition> list;
    for (const QJsonValue &item : value.toArray())
        list.append(Condition::fromJson(item.toObject()));
    return list;
}

QJsonArray conditionsToJson(const QList<Condition> &conditions)
{
    QJsonArray array;
    for (const Condition &c : conditions)
        array.append(c.toJson());
    return array;
}

} // namespace

Variant Variant::fromJson(const QJsonObject &o)
{
    Variant v;
    v.record.read(o, {"key"_L1, "name"_L1, "rollout_percentage"_L1});
    v.key = o.value("key"_L1).toString();
    v.name = o.value("name"_L1).toString();
    v.rolloutPercentage = o.value("rollout_percentage"_L1).toDouble();
    return v;
}

QJsonObject Variant::toJson() const
{
    QJsonObject o = record.extraFields();
    record.put(o, "key"_L1, key, false);
    record.put(o, "name"_L1, name, name.isEmpty());
    record.put(o, "rollout_percentage"_L1, rolloutPercentage, false);
    return o;
}

Condition Condition::fromJson(const QJsonObject &o)
{
    Condition c;
    c.record.read(o, {"properties"_L1, "rollout_percentage"_L1, "variant"_L1, "description"_L1,
                      "aggregation_group_type_index"_L1});
    c.hasProperties = o.value("properties"_L1).isArray();
    c.properties = propertyFiltersFromJson(o.value("properties"_L1));
    c.rolloutPercentage = optionalNumber(o.value("rollout_percentage"_L1));
    if (o.value("variant"_L1).isString())
        c.variant = o.value("variant"_L1).toString();
    c.description = o.value("description"_L1).toString();
    c.aggregationGroupTypeIndex = optionalInt(o.value("aggregation_group_type_index"_L1));
    return c;
}

QJsonObject Condition::toJson() const
{
    QJsonObject o = record.extraFields();
    record.put(o, "properties"_L1, propertyFiltersToJson(properties),
               properties.isEmpty() && !hasProperties);
    record.put(o, "rollout_percentage"_L1, numberOrNull(rolloutPercentage), !rolloutPercentage);
    record.put(o, "variant"_L1, variant ? QJsonValue(*variant) : QJsonValue(), !variant);
    record.put(o, "description"_L1, description, description.isEmpty());
    record.put(o, "aggregation_group_type_index"_L1, intOrNull(aggregationGroupTypeIndex),
               !aggregationGroupTypeIndex);
    return o;
}

Holdout Holdout::fromJson(const QJsonObject &o)
{
    Holdout h;
    h.record.read(o, {"id"_L1, "exclusion_percentage"_L1});
    h.id = o.value("id"_L1).toInteger();
    h.exclusionPercentage = o.value("exclusion_percentage"_L1).toDouble();
    return h;
}

QJsonObject Holdout::toJson() const
{
    QJsonObject o = record.extraFields();
    record.put(o, "id"_L1, id, false);
    record.put(o, "exclusion_percentage"_L1, exclusionPercentage, false);
    return o;
}

const Variant *FlagFilters::findVariant(const QString &key) const
{
    if (!variants)
        return nullptr;
    for (const Variant &v : *variants)
        if (v.key == key)
            return &v;
    return nullptr;
}

FlagFilters FlagFilters::fromJson(const QJsonObject &o)
{
    FlagFilters f;
    f.record.read(o,
                  {"groups"_L1, "multivariate"_L1, "payloads"_L1, "aggregation_group_type_index"_L1,
                   "super_groups"_L1, "holdout"_L1, "feature_enrollment"_L1});
    f.groups = conditionsFromJson(o.value("groups"_L1));
    const QJsonValue multivariate = o.value("multivariate"_L1);
    if (multivariate.isObject()) {
        const QJsonObject m = multivariate.toObject();
        f.multivariateRecord.read(m, {"variants"_L1});
        QList<Variant> variants;
        for (const QJsonValue &v : m.value("variants"_L1).toArray())
            variants.append(Variant::fromJson(v.toObject()));
        f.variants = variants;
    }
    f.payloads = o.value("payloads"_L1).toObject();
    f.aggregationGroupTypeIndex = optionalInt(o.value("aggregation_group_type_index"_L1));
    f.hasSuperGroups = o.value("super_groups"_L1).isArray();
    f.superGroups = conditionsFromJson(o.value("super_groups"_L1));
    if (o.value("holdout"_L1).isObject())
        f.holdout = Holdout::fromJson(o.value("holdout"_L1).toObject());
    f.featureEnrollment = o.value("feature_enrollment"_L1).toBool();
    return f;
}

bool FlagFilters::writesMultivariate() const
{
    return variants && (!variants->isEmpty() || multivariateRecord.had("variants"_L1) ||
                        !multivariateRecord.extraFields().isEmpty());
}

QJsonObject FlagFilters::toJson() const
{
    QJsonObject o = record.extraFields();
    record.put(o, "groups"_L1, conditionsToJson(groups), groups.isEmpty());
    if (variants) {
        QJsonObject m = multivariateRecord.extraFields();
        QJsonArray array;
        for (const Variant &v : *variants)
            array.append(v.toJson());
        if (!array.isEmpty() || multivariateRecord.had("variants"_L1))
            m.insert("variants"_L1, array);
        o.insert("multivariate"_L1, m);
    } else {
        record.put(o, "multivariate"_L1, QJsonValue(), true);
    }
    record.put(o, "payloads"_L1, payloads, payloads.isEmpty());
    record.put(o, "aggregation_group_type_index"_L1, intOrNull(aggregationGroupTypeIndex),
               !aggregationGroupTypeIndex);
    record.put(o, "super_groups"_L1, conditionsToJson(superGroups),
               superGroups.isEmpty() && !hasSuperGroups);
    record.put(o, "holdout"_L1, holdout ? QJsonValue(holdout->toJson()) : QJsonValue(), !holdout);
    record.put(o, "feature_enrollment"_L1, featureEnrollment, !featureEnrollment);
    return o;
}

} // namespace bunting
