#include "filters_shape.h"

#include "python_repr.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace bunting {

namespace {

class ShapeCheck
{
public:
    QList<ValidationError> errors;

    void fail(const QString &detail) { errors.append({u"invalid_input"_s, detail, u"filters"_s}); }
    // `path` must be `ok`, else "<path> must be <expected>, got <type>".
    bool require(bool ok, const QString &path, const QString &expected, const QJsonValue &value)
    {
        if (!ok)
            fail(u"%1 must be %2, got %3"_s.arg(path, expected, pythonTypeName(value)));
        return ok;
    }

    static bool present(const QJsonValue &v) { return !v.isUndefined() && !v.isNull(); }
    static bool isInteger(const QJsonValue &v)
    {
        return v.isDouble() && v.toDouble() == double(v.toInteger());
    }

    void optionalNumber(const QJsonObject &o, QLatin1StringView key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        require(!present(v) || v.isDouble(), path + u'.' + key, u"a number or null"_s, v);
    }
    void optionalString(const QJsonObject &o, QLatin1StringView key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        require(!present(v) || v.isString(), path + u'.' + key, u"a string or null"_s, v);
    }
    void optionalInteger(const QJsonObject &o, QLatin1StringView key, const QString &path)
    {
        const QJsonValue v = o.value(key);
        require(!present(v) || isInteger(v), path + u'.' + key, u"an integer or null"_s, v);
    }

    void property(const QJsonValue &value, const QString &path)
    {
        if (!require(value.isObject(), path, u"an object"_s, value))
            return;
        const QJsonObject p = value.toObject();
        const QJsonValue key = p.value("key"_L1);
        // A flag dependency names the flag's id, which clients send as a number or as text.
        const bool flagType = p.value("type"_L1) == QJsonValue(u"flag"_s);
        // A missing key is flag validation's to name ("This field is required.").
        require(!present(key) || key.isString() || (flagType && isInteger(key)), path + u".key"_s,
                flagType ? u"a string or an integer"_s : u"a string"_s, key);
        optionalString(p, "type"_L1, path);
        optionalString(p, "operator"_L1, path);
        optionalInteger(p, "group_type_index"_L1, path);
        const QJsonValue negation = p.value("negation"_L1);
        require(!present(negation) || negation.isBool(), path + u".negation"_s,
                u"a boolean or null"_s, negation);
    }

    void condition(const QJsonValue &value, const QString &path)
    {
        if (!require(value.isObject(), path, u"an object"_s, value))
            return;
        const QJsonObject g = value.toObject();
        const QJsonValue properties = g.value("properties"_L1);
        if (require(!present(properties) || properties.isArray(), path + u".properties"_s,
                    u"a list or null"_s, properties)) {
            const QJsonArray list = properties.toArray();
            for (qsizetype i = 0; i < list.size(); ++i)
                property(list.at(i), u"%1.properties[%2]"_s.arg(path).arg(i));
        }
        optionalNumber(g, "rollout_percentage"_L1, path);
        optionalString(g, "variant"_L1, path);
        optionalString(g, "description"_L1, path);
        optionalInteger(g, "aggregation_group_type_index"_L1, path);
    }

    void conditions(const QJsonObject &filters, QLatin1StringView key)
    {
        const QJsonValue value = filters.value(key);
        if (!require(!present(value) || value.isArray(), key, u"a list or null"_s, value))
            return;
        const QJsonArray list = value.toArray();
        for (qsizetype i = 0; i < list.size(); ++i)
            condition(list.at(i), u"%1[%2]"_s.arg(key).arg(i));
    }

    void multivariate(const QJsonValue &value)
    {
        if (!present(value))
            return;
        if (!require(value.isObject(), u"multivariate"_s, u"an object or null"_s, value))
            return;
        const QJsonValue variants = value.toObject().value("variants"_L1);
        if (!require(variants.isArray(), u"multivariate.variants"_s, u"a list"_s, variants))
            return;
        const QJsonArray list = variants.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QString path = u"multivariate.variants[%1]"_s.arg(i);
            if (!require(list.at(i).isObject(), path, u"an object"_s, list.at(i)))
                continue;
            const QJsonObject v = list.at(i).toObject();
            require(v.value("key"_L1).isString(), path + u".key"_s, u"a string"_s,
                    v.value("key"_L1));
            require(v.value("rollout_percentage"_L1).isDouble(), path + u".rollout_percentage"_s,
                    u"a number"_s, v.value("rollout_percentage"_L1));
            optionalString(v, "name"_L1, path);
        }
    }
};

} // namespace

QList<ValidationError> filtersShapeErrors(const QJsonValue &filters)
{
    ShapeCheck check;
    if (!filters.isObject())
        return check.errors; // the field's own type is the serializer's to refuse
    const QJsonObject f = filters.toObject();
    check.conditions(f, "groups"_L1);
    check.conditions(f, "super_groups"_L1);
    check.conditions(f, "holdout_groups"_L1);
    check.multivariate(f.value("multivariate"_L1));
    const QJsonValue payloads = f.value("payloads"_L1);
    if (ShapeCheck::present(payloads) && !payloads.isObject())
        check.fail(u"Payloads must be passed as a dictionary"_s);
    const QJsonValue aggregation = f.value("aggregation_group_type_index"_L1);
    check.require(!ShapeCheck::present(aggregation) || ShapeCheck::isInteger(aggregation),
                  u"aggregation_group_type_index"_s, u"an integer or null"_s, aggregation);
    const QJsonValue holdout = f.value("holdout"_L1);
    check.require(!ShapeCheck::present(holdout) || holdout.isObject(), u"holdout"_s,
                  u"an object or null"_s, holdout);
    return check.errors;
}

} // namespace bunting
