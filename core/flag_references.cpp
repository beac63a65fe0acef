#include "flag_references.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace bunting {

namespace {

bool isCohortReference(const QJsonObject &object)
{
    return object.value("type"_L1).toString() == "cohort"_L1 &&
           object.value("key"_L1).toString() == "id"_L1;
}

bool isFlagReference(const QJsonObject &object)
{
    return object.value("type"_L1).toString() == "flag"_L1;
}

} // namespace

qint64 idIn(const QJsonValue &value)
{
    if (value.isDouble())
        return qint64(value.toDouble());
    bool ok = false;
    const qint64 id = value.toString().toLongLong(&ok);
    return ok ? id : 0;
}

FlagReferences referencesIn(const QJsonValue &value)
{
    FlagReferences found;
    remapReferences(value, {}, {}, &found);
    return found;
}

QJsonValue remapReferences(const QJsonValue &value, const QHash<qint64, qint64> &cohorts,
                           const QHash<qint64, qint64> &flags, FlagReferences *unknown)
{
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue &item : value.toArray())
            out.append(remapReferences(item, cohorts, flags, unknown));
        return out;
    }
    if (!value.isObject())
        return value;
    QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it)
        it.value() = remapReferences(it.value(), cohorts, flags, unknown);
    if (isCohortReference(object)) {
        const QJsonValue old = object.value("value"_L1);
        if (const auto now = cohorts.constFind(idIn(old)); now != cohorts.cend())
            object.insert("value"_L1,
                          old.isString() ? QJsonValue(QString::number(*now)) : QJsonValue(*now));
        else if (unknown)
            unknown->cohorts.append(idIn(old));
    } else if (isFlagReference(object)) {
        const qint64 id = idIn(object.value("key"_L1));
        if (const auto now = flags.constFind(id); now != flags.cend())
            object.insert("key"_L1, QString::number(*now));
        else if (unknown)
            unknown->flags.append(id);
    }
    return object;
}

QList<qsizetype> dependenciesFirst(const QList<QJsonObject> &flags)
{
    QHash<qint64, qsizetype> byId;
    for (qsizetype i = 0; i < flags.size(); ++i)
        byId.insert(idIn(flags[i].value("id"_L1)), i);
    QList<qsizetype> ordered;
    QList<bool> visited(flags.size(), false);
    // Depth-first, without recursion: a long chain of dependencies must not exhaust the stack.
    for (qsizetype start = 0; start < flags.size(); ++start) {
        if (visited[start])
            continue;
        QList<std::pair<qsizetype, qsizetype>> stack{{start, 0}}; // flag, next dependency
        QList<QList<qint64>> named{referencesIn(flags[start].value("filters"_L1)).flags};
        visited[start] = true;
        while (!stack.isEmpty()) {
            auto &[flag, next] = stack.last();
            const QList<qint64> &dependencies = named.last();
            if (next < dependencies.size()) {
                const auto found = byId.constFind(dependencies[next++]);
                if (found != byId.cend() && !visited[*found]) {
                    visited[*found] = true;
                    stack.append({*found, 0});
                    named.append(referencesIn(flags[*found].value("filters"_L1)).flags);
                }
                continue;
            }
            ordered.append(flag);
            stack.removeLast();
            named.removeLast();
        }
    }
    return ordered;
}

} // namespace bunting
