#pragma once

#include "feature_flag.h"
#include "flag_diff.h"

#include <QJsonValue>
#include <QList>
#include <QString>

namespace bunting::models {

// The three-way comparison of a save refused with 409: the version the edit started from
// (`base`), the server's newer version and the user's draft.
//
// The flag is compared in parts that can change independently: each top-level field, each key
// of `filters`, each payload, the variants together (their shares must sum to 100, so one side's
// shares never mix with the other's), and the conditions one by one while all three versions have
// as many (otherwise the list of conditions as a whole). A part only one side changed takes that
// side's value; a part both changed to different values is a conflict, and the merge keeps the
// user's value there, so no edit is lost without the user seeing it.
struct FlagRebase
{
    enum class Outcome { Unchanged, Server, User, Same, Conflict };
    struct Part
    {
        QString path; // "name", "filters.groups[1]", "filters.multivariate", "filters.payloads[a]"
        Outcome outcome = Outcome::Unchanged;
        QJsonValue base = QJsonValue::Undefined; // Undefined where the part is absent
        QJsonValue server = QJsonValue::Undefined;
        QJsonValue user = QJsonValue::Undefined;
    };

    FeatureFlag base;
    FeatureFlag server;
    FeatureFlag draft;
    QList<FlagChange> serverChanges; // base -> server
    QList<FlagChange> userChanges;   // base -> draft
    QList<Part> parts;               // every part either side changed
    FeatureFlag merged;              // the server's version with the user's changes applied on top

    bool hasConflicts() const;
    QList<Part> conflicts() const;
    // The user's changes inside a conflicting part, for showing next to the server's.
    QList<FlagChange> conflictingUserChanges() const;
    QList<FlagChange> conflictingServerChanges() const;

    static FlagRebase compute(const FeatureFlag &base, const FeatureFlag &draft,
                              const FeatureFlag &server);
};

} // namespace bunting::models
