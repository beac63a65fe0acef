#pragma once

#include "feature_flag.h"

#include <QDateTime>
#include <QString>

// What the flag list shows of a flag, one short text per column, with the fuller text its
// tooltip shows. Pure functions of the flag (and of `now` for relative times), so each can be
// checked without a model or a server.
namespace bunting::models {

// "Boolean", "Multivariate", "Remote config" or "Experiment" (a flag an experiment uses, whatever
// its variants).
QString flagTypeText(const FeatureFlag &flag);

// "Active", "Inactive" (switched off), "Stale" (on, but fully rolled out and old: ready to come
// out of the code) or "Deleted".
QString statusText(const FeatureFlag &flag);
// Why the status is what it is, in a sentence.
QString statusToolTip(const FeatureFlag &flag);

// Who gets the flag, in a few words: "100% of users", "30% of users matching email ~ @acme.com",
// "2 conditions · up to 50%", "3 variants (control 34%, test 33%, …)", "Off" when switched off.
QString rolloutSummary(const FeatureFlag &flag);
// Every condition and variant, one per line, for the tooltip of the summary.
QString rolloutDetails(const FeatureFlag &flag);
// One property filter as a person reads it: "email ~ @acme.com", "country = DE, FR",
// "cohort 12", "flag 7 = true".
QString propertyText(const PropertyFilter &filter);

// "30%", "33.33%", "100%": a share as the list and the editor write it.
QString percentText(double percentage);

// The creator's name, their email when they have none, empty when the flag names nobody.
QString createdByText(const FeatureFlag &flag);
// "Ada Lovelace <ada@example.com>", or what there is of it.
QString createdByToolTip(const FeatureFlag &flag);

// "just now", "3 min ago", "5 hours ago", "yesterday", "4 days ago", then the date ("Mar 12",
// "Mar 12, 2023" in another year). Empty for an invalid time; times ahead of `now` (clock skew)
// read as "just now" within a minute and as the date beyond.
QString relativeTimeText(const QDateTime &time, const QDateTime &now);
// The exact time for a tooltip: "2024-01-02 03:04:05 UTC"; empty when missing or unreadable.
QString exactTimeText(const QString &timestamp);

// Operators are named by core's operatorLabel(), the one naming the editor, the activity log
// and the version diff share.
using bunting::operatorLabel;

} // namespace bunting::models
