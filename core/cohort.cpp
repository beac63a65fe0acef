#include "cohort.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace bunting {

PropertyGroup PropertyGroup::fromJson(const QJsonObject &o)
{
    PropertyGroup g;
    g.record.read(o, {"type"_L1, "values"_L1});
    g.empty = o.isEmpty();
    g.type = o.value("type"_L1).toString();
    if (g.type == "property"_L1)
        g.type = u"AND"_s;
    for (const QJsonValue &v : o.value("values"_L1).toArray()) {
        const QJsonObject item = v.toObject();
        if (item.contains("values"_L1))
            g.groups.push_back(PropertyGroup::fromJson(item));
        else
            g.filters.append(PropertyFilter::fromJson(item));
    }
    return g;
}

QJsonObject PropertyGroup::toJson() const
{
    QJsonObject o = record.extraFields();
    if (empty && groups.empty() && filters.isEmpty() && type.isEmpty())
        return o;
    o.insert("type"_L1, type.isEmpty() ? u"AND"_s : type);
    QJsonArray values;
    for (const PropertyGroup &g : groups)
        values.append(g.toJson());
    for (const PropertyFilter &f : filters)
        values.append(f.toJson());
    o.insert("values"_L1, values);
    return o;
}

Cohort Cohort::fromJson(const QJsonObject &o)
{
    Cohort c;
    c.record.read(
        o, {"id"_L1, "name"_L1, "description"_L1, "is_static"_L1, "deleted"_L1, "filters"_L1});
    c.id = o.value("id"_L1).toInteger();
    c.name = o.value("name"_L1).toString();
    c.description = o.value("description"_L1).toString();
    c.isStatic = o.value("is_static"_L1).toBool();
    c.deleted = o.value("deleted"_L1).toBool();
    c.hasFilters = o.value("filters"_L1).isObject();
    const QJsonObject filters = o.value("filters"_L1).toObject();
    c.filtersRecord.read(filters, {"properties"_L1});
    c.properties = PropertyGroup::fromJson(filters.value("properties"_L1).toObject());
    return c;
}

QJsonObject Cohort::toJson() const
{
    QJsonObject o = record.extraFields();
    record.put(o, "id"_L1, id, false);
    record.put(o, "name"_L1, name, name.isEmpty());
    record.put(o, "description"_L1, description, description.isEmpty());
    record.put(o, "is_static"_L1, isStatic, !isStatic);
    record.put(o, "deleted"_L1, deleted, !deleted);
    QJsonObject filters = filtersRecord.extraFields();
    const QJsonObject tree = properties.toJson();
    if (!tree.isEmpty() || filtersRecord.had("properties"_L1))
        filters.insert("properties"_L1, tree);
    record.put(o, "filters"_L1, filters, filters.isEmpty() && !hasFilters);
    return o;
}

} // namespace bunting
