#pragma once

#include "cohort.h"
#include "feature_flag.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace bunting {

// One rejection as PostHog's API reports it: `{"type": "validation_error", "code", "detail",
// "attr"}`. An empty `attr` is PostHog's null, used for errors about the flag as a whole.
struct ValidationError
{
    QString code;
    QString detail;
    QString attr;

    QJsonObject toJson() const;
    friend bool operator==(const ValidationError &, const ValidationError &) = default;
};

// What validation needs to know about the rest of the project.
struct ValidationContext
{
    QHash<QString, qint64> liveKeys;      // key -> id of the project's non-deleted flags
    QHash<qint64, FeatureFlag> flagsById; // the project's flags, for dependencies and cycles
    QHash<qint64, Cohort> cohorts;        // existing cohorts by id
    QHash<int, QString> groupTypeMapping; // group type index -> name
};

// What validateFlag() reads of the project beyond `flag`, so that a server can load that and
// no more (a write then costs what it touches, not what the project holds): the flags its
// conditions name as dependencies and the cohorts they name. Validation follows both further
// (cycles of flags, cohorts within cohorts), so a loader asks the same of each flag and cohort it
// loads, until nothing new is named.
QList<qint64> flagDependencyIds(const FeatureFlag &flag);
QList<qint64> cohortIds(const FeatureFlag &flag);
// The cohorts a cohort's criteria name; none for a static cohort, whose criteria are never run.
QList<qint64> cohortIds(const Cohort &cohort);

// Checks `flag` with the rules and messages of PostHog's FeatureFlagSerializer and returns every
// error found, the one PostHog would report first. `previous` is the stored flag for an update
// (nullptr on create). As PostHog only validates the fields a request carries, an update checks
// the key only when it changes and the filters only when they change; the key is checked as
// PostHog reads it, trimmed. Refusing to disable or delete a flag others depend on is not part of
// this: see checkDependentsBeforeDisable().
QList<ValidationError> validateFlag(const FeatureFlag &flag, const ValidationContext &context,
                                    const FeatureFlag *previous = nullptr);

// Whether PostHog accepts `payload` as a flag payload: a JSON text (as PostHog stores payloads,
// read as Python's json.loads reads it) or a JSON value that is not a string. The editor marks a
// payload with the same rule validateFlag() applies.
bool isValidPayload(const QJsonValue &payload);

// The error that refuses to disable or delete `flag` while active flags depend on it, or nullopt.
// `flag` is the requested state: `deleted` set asks about a deletion, otherwise a disabling.
std::optional<ValidationError> checkDependentsBeforeDisable(const FeatureFlag &flag,
                                                            const ValidationContext &context);

} // namespace bunting
