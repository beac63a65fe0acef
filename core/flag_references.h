#pragma once

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>

namespace bunting {

// The objects a flag's conditions name by id, anywhere in them: cohorts ({"type": "cohort",
// "key": "id", "value": <cohort id>}) and other flags ({"type": "flag", "key": "<flag id>"}).
// Ids are project-local, so a flag moving to another project (a copy, a push, an export) has
// them rewritten.
struct FlagReferences
{
    QList<qint64> cohorts;
    QList<qint64> flags;
};

// An id as PostHog's JSON writes one: a number, or a string of digits (a flag dependency's key);
// 0 for anything else.
qint64 idIn(const QJsonValue &value);

// Every id `value` names.
FlagReferences referencesIn(const QJsonValue &value);

// `value` with each id the maps know rewritten (old id -> new id), in the form it had (a
// cohort id stays a string when it was one); an id they do not know stays as it is and, when
// `unknown` is given, is added to it.
QJsonValue remapReferences(const QJsonValue &value, const QHash<qint64, qint64> &cohorts,
                           const QHash<qint64, qint64> &flags, FlagReferences *unknown = nullptr);

// The positions of `flags` (PostHog's objects, each with its "id" and "filters") ordered so
// that a flag comes after the flags of the list its conditions name, otherwise as listed.
QList<qsizetype> dependenciesFirst(const QList<QJsonObject> &flags);

} // namespace bunting
