#include "environment_options.h"

#include <QProcessEnvironment>

using namespace Qt::StringLiterals;

namespace {

QString environment(const QString &variable, bool *present)
{
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    *present = env.contains(variable);
    return env.value(variable);
}

} // namespace

QString EnvironmentOptions::variableFor(const QString &option)
{
    return u"BUNTING_"_s + option.toUpper().replace(u'-', u'_');
}

QString EnvironmentOptions::value(const QString &option) const
{
    if (m_parser.isSet(option))
        return m_parser.value(option);
    bool present = false;
    const QString fromEnvironment = environment(variableFor(option), &present);
    return present ? fromEnvironment : m_parser.value(option);
}

QStringList EnvironmentOptions::values(const QString &option) const
{
    if (m_parser.isSet(option))
        return m_parser.values(option);
    bool present = false;
    const QString fromEnvironment = environment(variableFor(option), &present);
    QStringList list;
    for (const QString &item : fromEnvironment.split(u',', Qt::SkipEmptyParts))
        if (!item.trimmed().isEmpty())
            list.append(item.trimmed());
    return list;
}

bool EnvironmentOptions::isSet(const QString &option) const
{
    if (m_parser.isSet(option))
        return true;
    bool present = false;
    const QString text = environment(variableFor(option), &present).trimmed().toLower();
    return text == "1"_L1 || text == "true"_L1 || text == "yes"_L1 || text == "on"_L1;
}

bool EnvironmentOptions::flagVariableInvalid(const QString &option) const
{
    bool present = false;
    const QString text = environment(variableFor(option), &present).trimmed().toLower();
    static const QStringList known{u""_s,    u"0"_s,  u"1"_s,  u"true"_s, u"false"_s,
                                   u"yes"_s, u"no"_s, u"on"_s, u"off"_s};
    return present && !known.contains(text);
}
