#pragma once

#include "feature_flag.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace bunting::api {

// One page of a `{count, next, previous, results}` answer.
template<typename T> struct Page
{
    // Every item of the list: `count`, or the activity log's `total_count`. PostHog's persons
    // list gives neither; there it is the items up to this page, plus one if a next page exists.
    int count = 0;
    QList<T> results;
    QUrl next;     // empty on the last page
    QUrl previous; // empty on the first page
};

// A flag named by id and key, as dependent_flags and bulk answers list them.
struct FlagRef
{
    qint64 id = 0;
    QString key;
    QString name;
};

// A group type of the project (GET groups_types): what flags can aggregate by.
struct GroupType
{
    int index = 0;
    QString name;         // "company"
    QString singularName; // as the project names it, may be empty
};

// POST bulk_update_tags: which flags changed, which were skipped and why.
struct BulkTagsResult
{
    QList<qint64> updated;
    QList<std::pair<qint64, QString>> skipped; // flag id, reason
};

// POST bulk_delete: what was deleted and what was refused, with the server's reason.
struct BulkDeleteResult
{
    struct Refused
    {
        qint64 id = 0; // 0 when the server could not name the flag
        QString key;
        QString reason;
    };
    QList<FlagRef> deleted;
    QList<Refused> refused;
};

// GET :id/status
struct FlagStatus
{
    QString status; // "active", "stale", "deleted", "unknown"
    QString reason;
};

// One entry of an activity log (GET :id/activity, GET activity).
struct ActivityEntry
{
    QString id;
    QString activity; // "created", "updated", "deleted", ...
    QString scope;
    QString itemId;
    QString createdAt;
    std::optional<UserBasic> user;
    QJsonObject detail; // name, changes (field, action, before, after), ...
};

} // namespace bunting::api
