#include "flag_list_query.h"

#include "query_value.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace bunting::api {

QUrlQuery FlagListQuery::toUrlQuery() const
{
    QUrlQuery query;
    const auto add = [&query](QLatin1StringView name, const QString &value) {
        if (!value.isEmpty())
            addQueryValue(query, name, value);
    };
    add("search"_L1, search);
    add("active"_L1, active);
    add("type"_L1, type);
    // PostHog reads `tags` as a JSON list in one parameter, not as a repeated parameter.
    if (!tags.isEmpty())
        add("tags"_L1,
            QString::fromUtf8(
                QJsonDocument(QJsonArray::fromStringList(tags)).toJson(QJsonDocument::Compact)));
    if (createdById)
        add("created_by_id"_L1, QString::number(*createdById));
    add("evaluation_runtime"_L1, evaluationRuntime);
    add("order"_L1, order);
    return query;
}

} // namespace bunting::api
