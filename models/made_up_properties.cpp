#include "made_up_properties.h"

#include <QCoreApplication>
#include <QJsonValue>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

QJsonValue typedValue(const QString &text)
{
    if (text.size() >= 2 && ((text.startsWith(u'"') && text.endsWith(u'"')) ||
                             (text.startsWith(u'\'') && text.endsWith(u'\''))))
        return text.mid(1, text.size() - 2);
    if (text == "true"_L1)
        return true;
    if (text == "false"_L1)
        return false;
    bool number = false;
    const double value = text.toDouble(&number);
    if (number)
        return value;
    return text;
}

QString valueText(const QJsonValue &value)
{
    if (value.isString()) {
        // Quoted again where the bare text would read as a number or true/false.
        const QString text = value.toString();
        return typedValue(text).isString() ? text : u'"' + text + u'"';
    }
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    return QString::number(value.toDouble());
}

QStringList pairs(const QJsonObject &properties, const QString &prefix)
{
    QStringList list;
    for (auto it = properties.begin(); it != properties.end(); ++it)
        list.append(prefix + it.key() + u'=' + valueText(it.value()));
    return list;
}

} // namespace

QString madeUpPropertiesText(const MadeUpProperties &properties)
{
    QStringList list = pairs(properties.person, QString());
    for (auto it = properties.groups.begin(); it != properties.groups.end(); ++it)
        list.append(pairs(it.value().toObject(), it.key() + u'.'));
    return list.join(u", "_s);
}

MadeUpProperties parseMadeUpProperties(const QString &text, const QStringList &groupTypes)
{
    MadeUpProperties parsed;
    static const QRegularExpression separators(u"[,\\n]"_s);
    for (const QString &part : text.split(separators, Qt::SkipEmptyParts)) {
        const QString pair = part.trimmed();
        if (pair.isEmpty())
            continue;
        const qsizetype equals = pair.indexOf(u'=');
        const QString key = pair.left(equals).trimmed();
        if (equals < 0 || key.isEmpty()) {
            parsed.error = QCoreApplication::translate(
                               "MadeUpProperties", "“%1” is not a property: write name=value, e.g. "
                                                   "plan=pro.")
                               .arg(pair);
            return parsed;
        }
        const QJsonValue value = typedValue(pair.mid(equals + 1).trimmed());
        const qsizetype dot = key.indexOf(u'.');
        const QString type = key.left(dot);
        if (dot > 0 && groupTypes.contains(type)) {
            QJsonObject group = parsed.groups.value(type).toObject();
            group.insert(key.mid(dot + 1), value);
            parsed.groups.insert(type, group);
        } else {
            parsed.person.insert(key, value);
        }
    }
    return parsed;
}

} // namespace bunting::models
