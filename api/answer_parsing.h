#pragma once

#include "api_types.h"
#include "feature_flag.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QUrl>

// Turns the JSON of a 2xx answer into the types the client's callbacks take. An answer that is
// not the expected shape throws InvalidAnswer, which the client reports as InvalidResponse:
// a half-read flag shown as if it were complete would be worse than an error.
namespace bunting::api::answers {

struct InvalidAnswer
{
    QString reason; // "expected a feature flag, got a list"
};

QJsonObject object(const QJsonValue &json, const QString &what);

FeatureFlag flag(const QJsonValue &json);
// A version as GET :id/versions/:n serves it: the flag's fields then, authors as bare ids.
FeatureFlag flagVersion(const QJsonValue &json);
ActivityEntry activityEntry(const QJsonValue &json);
FlagRef flagRef(const QJsonValue &json);
QList<FlagRef> flagRefs(const QJsonValue &json);
QList<GroupType> groupTypes(const QJsonValue &json);
FlagStatus flagStatus(const QJsonValue &json);
BulkDeleteResult bulkDelete(const QJsonValue &json);
BulkTagsResult bulkTags(const QJsonValue &json);
QHash<qint64, QString> bulkKeys(const QJsonValue &json);
Project project(const QJsonValue &json);
// POST /flags/?v=2. Like PostHog's SDKs, an answer whose `flags` is not an object is no answer,
// and one limited by the project's quota ("quotaLimited": ["feature_flags"]) neither: its flags
// would all read false.
SdkFlags sdkFlags(const QJsonValue &json);

// A page's frame: {count, next, previous, results} or the activity log's {total_count, ...}.
// Without either count (PostHog's persons list has none) the count is what is known: `offset`
// plus this page, plus one when a next page exists.
struct PageFrame
{
    int count = 0;
    QUrl next;
    QUrl previous;
    QJsonArray results;
};
PageFrame pageFrame(const QJsonValue &json, int offset);

template<typename T> Page<T> page(const QJsonValue &json, int offset, T (*item)(const QJsonValue &))
{
    PageFrame frame = pageFrame(json, offset);
    Page<T> page;
    page.count = frame.count;
    page.next = frame.next;
    page.previous = frame.previous;
    page.results.reserve(frame.results.size());
    for (const QJsonValue &value : std::as_const(frame.results))
        page.results.append(item(value));
    return page;
}

// An item of a list of objects kept as they are (persons, cohorts).
QJsonObject anyObject(const QJsonValue &json);

} // namespace bunting::api::answers
