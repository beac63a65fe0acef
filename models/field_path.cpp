#include "field_path.h"

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

const QString kFilters = u"filters"_s;

QString indexed(const QString &prefix, const QString &index)
{
    return prefix + u'[' + index + u']';
}

} // namespace

FieldPath FieldPath::filtersSection(const QString &section, const QString &attribute)
{
    return {.field = kFilters, .section = section, .attribute = attribute};
}

FieldPath FieldPath::condition(int index, const QString &attribute)
{
    return {.field = kFilters, .section = u"groups"_s, .condition = index, .attribute = attribute};
}

FieldPath FieldPath::property(int condition, int property, const QString &attribute)
{
    return {.field = kFilters,
            .section = u"groups"_s,
            .condition = condition,
            .property = property,
            .attribute = attribute};
}

FieldPath FieldPath::variants()
{
    return {.field = kFilters, .section = u"multivariate"_s};
}

FieldPath FieldPath::variant(int index, const QString &attribute)
{
    return {.field = kFilters, .section = u"multivariate"_s, .variant = index,
            .attribute = attribute};
}

FieldPath FieldPath::payload(const QString &key)
{
    return {.field = kFilters, .section = u"payloads"_s, .payloadKey = key};
}

QString FieldPath::toString() const
{
    QString path = field;
    if (!section.isEmpty())
        path += u'.' + section;
    if (condition >= 0)
        path = indexed(path, QString::number(condition));
    if (property >= 0)
        path = indexed(path + u".properties"_s, QString::number(property));
    if (variant >= 0)
        path = indexed(path + u".variants"_s, QString::number(variant));
    if (!payloadKey.isNull())
        path = indexed(path, payloadKey);
    if (!attribute.isEmpty())
        path += (path.isEmpty() ? QString() : u"."_s) + attribute;
    return path;
}

bool FieldPath::contains(const FieldPath &other) const
{
    const auto covers = [](const auto &mine, const auto &theirs, const auto &unset) {
        return mine == unset || mine == theirs;
    };
    return covers(field, other.field, QString()) && covers(section, other.section, QString()) &&
           covers(condition, other.condition, -1) && covers(property, other.property, -1) &&
           covers(variant, other.variant, -1) &&
           (payloadKey.isNull() || payloadKey == other.payloadKey) &&
           covers(attribute, other.attribute, QString());
}

} // namespace bunting::models
