#include "field_path.h"

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

const QString kFilters = u"filters"_s;

QString indexed(const QString &prefix, const QString &index)
{
    return prefix + u'[' + index + u']';
}

FieldPath inFilters(const QString &section, const QString &attribute)
{
    FieldPath path;
    path.field = kFilters;
    path.section = section;
    path.attribute = attribute;
    return path;
}

} // namespace

FieldPath FieldPath::atField(const QString &field)
{
    FieldPath path;
    path.field = field;
    return path;
}

FieldPath FieldPath::atFilters(const QString &section, const QString &attribute)
{
    return inFilters(section, attribute);
}

FieldPath FieldPath::atCondition(int index, const QString &attribute)
{
    FieldPath path = inFilters(u"groups"_s, attribute);
    path.condition = index;
    return path;
}

FieldPath FieldPath::atProperty(int condition, int property, const QString &attribute)
{
    FieldPath path = atCondition(condition, attribute);
    path.property = property;
    return path;
}

FieldPath FieldPath::atVariants()
{
    return inFilters(u"multivariate"_s, {});
}

FieldPath FieldPath::atVariant(int index, const QString &attribute)
{
    FieldPath path = inFilters(u"multivariate"_s, attribute);
    path.variant = index;
    return path;
}

FieldPath FieldPath::atPayload(const QString &key)
{
    FieldPath path = inFilters(u"payloads"_s, {});
    path.payloadKey = key.isNull() ? QString(u""_s) : key;
    return path;
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
