#pragma once

#include "feature_flag.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <memory>

namespace bunting::models {

// What the flag list keeps of a flag: its identity and the texts of its columns, worked out once
// when the flag arrives. A whole FeatureFlag keeps its JSON at every level for a lossless round
// trip, ten times the size; at 100,000 rows that difference is a gigabyte.
struct FlagRow
{
    qint64 id = 0;
    QString key;
    QString name;
    bool active = true;
    int version = 0;
    QStringList tags;
    std::shared_ptr<const UserBasic> createdBy; // shared by the rows of one author
    QString updatedAt;                          // PostHog's timestamps, as written
    QString lastCalledAt;
    QDateTime updated; // the same, parsed once: views repaint them often
    QDateTime lastCalled;

    QString typeText;
    QString statusText;
    QString statusToolTip;
    QString rolloutSummary;
    QString rolloutDetails;
    QString createdByText;
    QString createdByToolTip;

    static FlagRow fromFlag(const FeatureFlag &flag);
    friend bool operator==(const FlagRow &, const FlagRow &) = default;
};

} // namespace bunting::models
