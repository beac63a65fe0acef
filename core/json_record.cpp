#include "json_record.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>

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
    m_seen.clear();
    m_seen.reserve(qsizetype(known.size()));
    for (QLatin1StringView key : known) {
        const auto it = object.constFind(key);
        if (it != object.constEnd())
            m_seen.append({key, it->isNull()});
    }
    m_extra = {};
    // Most objects hold only known keys: then there is nothing else to look for.
    if (m_seen.size() == object.size())
        return;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const QString key = it.key();
        const bool isKnown = std::any_of(known.begin(), known.end(),
                                         [&key](QLatin1StringView k) { return key == k; });
        if (!isKnown)
            m_extra.insert(key, it.value());
    }
}

const JsonRecord::Seen *JsonRecord::seen(QLatin1StringView key) const
{
    for (const Seen &s : m_seen)
        if (s.key == key)
            return &s;
    return nullptr;
}

void JsonRecord::put(QJsonObject &out, QLatin1StringView key, const QJsonValue &value,
                     bool isDefault) const
{
    if (!isDefault) {
        out.insert(key, value);
        return;
    }
    const Seen *s = seen(key);
    if (!s)
        return;
    out.insert(key, s->wasNull ? QJsonValue(QJsonValue::Null) : value);
}

} // namespace bunting
