#include "json_record.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace bunting {

QString compactJson(const QJsonValue &value)
{
    if (value.isUndefined())
        return {};
    // QJsonDocument holds only arrays and objects: the value is written inside an array.
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.sliced(1, wrapped.size() - 2));
}

void JsonRecord::read(const QJsonObject &object, std::initializer_list<QLatin1StringView> known)
{
    m_extra = object;
    m_seen.clear();
    for (QLatin1StringView key : known) {
        const auto it = m_extra.constFind(key);
        if (it == m_extra.constEnd())
            continue;
        m_seen.insert(QString(key), it->isNull());
        m_extra.remove(key);
    }
}

void JsonRecord::put(QJsonObject &out, QLatin1StringView key, const QJsonValue &value,
                     bool isDefault) const
{
    if (!isDefault) {
        out.insert(key, value);
        return;
    }
    const auto seen = m_seen.constFind(QString(key));
    if (seen == m_seen.constEnd())
        return;
    out.insert(key, *seen ? QJsonValue(QJsonValue::Null) : value);
}

} // namespace bunting
