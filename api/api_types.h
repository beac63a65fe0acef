#pragma once

#include "feature_flag.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <optional>

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
    QString pluralName;
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

// The project a key reaches (GET /api/projects/:project/), as far as the app needs it.
struct Project
{
    qint64 id = 0;
    QString name;
    QString apiToken; // the public "phc_" token the SDK endpoints take; empty when not given
};

// Whom the SDKs' remote evaluation (POST /flags/?v=2) evaluates every flag for: the properties
// go over the stored ones of the person and of each group, for this answer only.
struct SdkFlagsRequest
{
    QString distinctId;
    QJsonObject groups; // group type name -> key
    QJsonObject personProperties;
    QJsonObject groupProperties; // group type name -> {property: value}
};

// One flag of the answer of /flags?v=2.
struct SdkFlag
{
    QString key;
    bool enabled = false;
    QString variant; // empty for a boolean flag
    QString reasonCode;
    std::optional<int> conditionIndex;
    QString reasonDescription;
    QJsonValue payload;  // as stored: usually JSON text; null for none
    bool failed = false; // the service could not evaluate it (reasonCode says why)

    // true, false or the variant: the value as evaluation_reasons gives it.
    QJsonValue value() const
    {
        if (!enabled)
            return false;
        return variant.isEmpty() ? QJsonValue(true) : QJsonValue(variant);
    }
};

struct SdkFlags
{
    QList<SdkFlag> flags; // in the answer's order
    bool errorsWhileComputingFlags = false;
};

} // namespace bunting::api
