#pragma once

// The JSON types a flag's `filters` may have, field by field: one table for the check itself
// (tests/core/tst_filters_shape.cpp) and for the server that must refuse every wrong type over
// HTTP, on create and on PATCH (tests/server/tst_flag_input_types.cpp).
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QVariant>

namespace filters_shape_cases {

using namespace Qt::StringLiterals;

// Every shape a field's value can have in JSON; each field accepts some and refuses the rest.
enum Kind { Null, Bool, Integer, Fraction, Text, List, Object };
inline const QList<QPair<Kind, QJsonValue>> &samples()
{
    static const QList<QPair<Kind, QJsonValue>> values{
        {Null, QJsonValue()},    {Bool, true},   {Integer, 5},
        {Fraction, 5.5},         {Text, u"0"_s}, {List, QJsonArray()},
        {Object, QJsonObject()},
    };
    return values;
}

// A filters document with every field set to a right value.
inline QJsonObject validFilters()
{
    const QJsonObject property{{u"key"_s, u"plan"_s},       {u"type"_s, u"person"_s},
                               {u"operator"_s, u"exact"_s}, {u"value"_s, u"pro"_s},
                               {u"negation"_s, false},      {u"group_type_index"_s, QJsonValue()}};
    const QJsonObject condition{{u"properties"_s, QJsonArray{property}},
                                {u"rollout_percentage"_s, 50},
                                {u"variant"_s, u"a"_s},
                                {u"description"_s, u"d"_s},
                                {u"aggregation_group_type_index"_s, QJsonValue()}};
    return QJsonObject{
        {u"groups"_s, QJsonArray{condition}},
        {u"super_groups"_s, QJsonArray{condition}},
        {u"holdout_groups"_s, QJsonArray{condition}},
        {u"multivariate"_s,
         QJsonObject{{u"variants"_s, QJsonArray{QJsonObject{{u"key"_s, u"a"_s},
                                                            {u"name"_s, u"A"_s},
                                                            {u"rollout_percentage"_s, 100}}}}}},
        {u"payloads"_s, QJsonObject{{u"a"_s, u"1"_s}}},
        {u"aggregation_group_type_index"_s, QJsonValue()},
        {u"holdout"_s, QJsonObject{{u"id"_s, 1}, {u"exclusion_percentage"_s, 10}}},
    };
}

// `root` with the value at `path` ("groups", 0, "properties", 0, "key") replaced.
inline QJsonValue replaced(const QJsonValue &root, QList<QVariant> path, const QJsonValue &value)
{
    if (path.isEmpty())
        return value;
    const QVariant step = path.takeFirst();
    if (step.typeId() == QMetaType::Int) {
        QJsonArray array = root.toArray();
        array[step.toInt()] = replaced(array.at(step.toInt()), path, value);
        return array;
    }
    QJsonObject object = root.toObject();
    object.insert(step.toString(), replaced(object.value(step.toString()), path, value));
    return object;
}

struct Field
{
    QString name; // as the error names it
    QList<QVariant> path;
    QList<Kind> accepted;
};

inline QList<Field> fields()
{
    QList<Field> all;
    for (const QString &list : {u"groups"_s, u"super_groups"_s, u"holdout_groups"_s}) {
        const QString c = list + u"[0]"_s;
        const QString p = c + u".properties[0]"_s;
        const QList<QVariant> at{list, 0};
        const QList<QVariant> prop = at + QList<QVariant>{u"properties"_s, 0};
        all += {
            {list, {list}, {Null, List}},
            {c, at, {Object}},
            {c + u".properties"_s, at + QList<QVariant>{u"properties"_s}, {Null, List}},
            {p, prop, {Object}},
            // A null key is flag validation's to refuse: "This field may not be null.".
            {p + u".key"_s, prop + QList<QVariant>{u"key"_s}, {Null, Text}},
            {p + u".type"_s, prop + QList<QVariant>{u"type"_s}, {Null, Text}},
            {p + u".operator"_s, prop + QList<QVariant>{u"operator"_s}, {Null, Text}},
            {p + u".group_type_index"_s,
             prop + QList<QVariant>{u"group_type_index"_s},
             {Null, Integer}},
            {p + u".negation"_s, prop + QList<QVariant>{u"negation"_s}, {Null, Bool}},
            {c + u".rollout_percentage"_s,
             at + QList<QVariant>{u"rollout_percentage"_s},
             {Null, Integer, Fraction}},
            {c + u".variant"_s, at + QList<QVariant>{u"variant"_s}, {Null, Text}},
            {c + u".description"_s, at + QList<QVariant>{u"description"_s}, {Null, Text}},
            {c + u".aggregation_group_type_index"_s,
             at + QList<QVariant>{u"aggregation_group_type_index"_s},
             {Null, Integer}},
        };
    }
    const QList<QVariant> variant{u"multivariate"_s, u"variants"_s, 0};
    all += {
        // {} has no variants: PostHog asks for the list.
        {u"multivariate"_s, {u"multivariate"_s}, {Null}},
        {u"multivariate.variants"_s, {u"multivariate"_s, u"variants"_s}, {List}},
        {u"multivariate.variants[0]"_s, variant, {}}, // {} has no key
        {u"multivariate.variants[0].key"_s, variant + QList<QVariant>{u"key"_s}, {Text}},
        {u"multivariate.variants[0].name"_s, variant + QList<QVariant>{u"name"_s}, {Null, Text}},
        {u"multivariate.variants[0].rollout_percentage"_s,
         variant + QList<QVariant>{u"rollout_percentage"_s},
         {Integer, Fraction}},
        {u"Payloads"_s, {u"payloads"_s}, {Null, Object}},
        {u"aggregation_group_type_index"_s, {u"aggregation_group_type_index"_s}, {Null, Integer}},
        {u"holdout"_s, {u"holdout"_s}, {Null, Object}},
    };
    return all;
}

} // namespace filters_shape_cases
