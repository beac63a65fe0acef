#pragma once

#include "api_types.h"

#include <QDate>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace bunting::models {

// The words of an activity entry, for people: who, what, and each field change as a sentence.

// "Ada Lovelace", the email when the user has no name, "System" for changes nobody made.
QString activityUserName(const api::ActivityEntry &entry);
// What tells two users apart in a filter: the id when the server gives one, else the email,
// else the name (PostHog's activity log serves only first_name and email of a user).
QString activityUserKey(const api::ActivityEntry &entry);

// The top-level fields an entry changed, in the order of its changes ("filters", "tags"); the
// version step every edit logs is not one of them.
QStringList activityChangedFields(const api::ActivityEntry &entry);

// "Ada changed checkout: rollout, tags", "Ada created checkout", "System deleted checkout".
QString activityHeadline(const api::ActivityEntry &entry);

// One change of `detail.changes` as sentences: a `filters` change broken down by the structural
// diff ("Rollout of condition set 1: 30% → 50%"), tags as what was added and removed
// ("Tags: added \"checkout\""), any other field as "Active: on → off"; none for the version step.
QStringList activityChangeSentences(const QJsonObject &change);

// "Today", "Yesterday", or the date itself ("Mon 23 Nov 2026").
QString activityDayLabel(QDate day, QDate today);

} // namespace bunting::models
