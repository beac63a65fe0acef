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

} // namespace

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
