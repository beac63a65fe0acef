#pragma once

#include "services/flag_usage.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

namespace bunting::server {

struct TrendsResult
{
    QJsonValue result;             // PostHog's trends series, null for a query it cannot answer
    QJsonObject resolvedDateRange; // {"date_from", "date_to"}
};

// Answers a usage insight's TrendsQuery (wrapped in an InsightVizNode or not) the way PostHog's
// trends query runner does, from what FlagUsage recorded: daily buckets over the query's date
// range (a dashboard's `date_from` overrides it), zero-filled, one series per event and, with a
// `$feature_flag_response` breakdown, per response; total-value displays (a table) aggregate the
// whole range instead. The flag is the one the query's `$feature_flag` / `feature_flag` property
// names.
TrendsResult computeTrends(const FlagUsage &usage, qint64 projectId, const QJsonObject &query,
                           const QJsonObject &dashboardFilters, const QDateTime &now);

} // namespace bunting::server
