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
// The flag is compared field by field: each top-level field, each key of `filters`, each payload,
// the variants together (their shares must sum to 100, so one side's shares never mix with the
// other's), and each field of each condition (its rollout, its variant, its properties, its
// description...). Conditions are matched across the versions by position while all three have
// as many; when one side added or removed conditions and left the others as they were, the
// others are matched by content, so the other side's edits still land on the right condition.
// Only when neither works is the list of conditions compared as a whole.
//
// A field only one side changed takes that side's value; a field both changed to different values
// is a conflict, for the user to settle: `merged` keeps the user's value there, `mergedTheirs`
// the server's.
struct FlagRebase
{
    enum class Outcome { Unchanged, Server, User, Same, Conflict };
    struct Part
    {
        // Where the part is in the draft: "name", "filters.groups[1].rollout_percentage",
        // "filters.multivariate", "filters.payloads[a]"; a condition only one side has is one
        // part ("filters.groups[2]").
        QString path;
        Outcome outcome = Outcome::Unchanged;
        QJsonValue base = QJsonValue::Undefined; // Undefined where the part is absent
        QJsonValue server = QJsonValue::Undefined;
        QJsonValue user = QJsonValue::Undefined;
        QString serverPath; // the same place in the server's version (conditions may shift)
    };

    FeatureFlag base;
    FeatureFlag server;
    FeatureFlag draft;
    QList<FlagChange> serverChanges; // base -> server
    QList<FlagChange> userChanges;   // base -> draft
    QList<Part> parts;               // every part either side changed
    FeatureFlag merged;       // the server's version with the user's changes on top; theirs lose
    FeatureFlag mergedTheirs; // the same, but where both changed a field, the server's value

    bool hasConflicts() const;
    QList<Part> conflicts() const;
    // The user's changes inside a conflicting part, for showing next to the server's.
    QList<FlagChange> conflictingUserChanges() const;
    QList<FlagChange> conflictingServerChanges() const;

    static FlagRebase compute(const FeatureFlag &base, const FeatureFlag &draft,
                              const FeatureFlag &server);
};

} // namespace bunting::models
