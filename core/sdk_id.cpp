#include "sdk_id.h"

#include "property_map.h"

namespace bunting {

QString sdkIdText(const QJsonValue &value)
{
    if (value.isString() || value.isDouble())
        return propertyText(value);
    return {};
}

} // namespace bunting
