#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace bunting::server {

// One insight tile of a generated dashboard, as PostHog's dashboard templates define it.
struct InsightTemplate
{
    QString name;
    QString description;
    QJsonObject query; // an InsightVizNode around a TrendsQuery
    QJsonObject layouts;
    QString color;      // empty for none
    bool byUser = true; // PostHog records the requesting user as the author of the base tiles only
};

// PostHog names a flag's usage dashboard and describes it after the flag's key.
QString usageDashboardName(const QString &flagKey);
QString usageDashboardDescription(const QString &flagKey);

// The two tiles every usage dashboard starts with: calls per day by response, and unique
// callers per response.
QList<InsightTemplate> usageInsights(const QString &flagKey);
// The tiles added once the flag reports `$feature_view` and `$feature_interaction`.
QList<InsightTemplate> enrichedUsageInsights(const QString &flagKey);

// A tile whose insight's name holds this is an enriched one (PostHog's
// ENRICHED_DASHBOARD_INSIGHT_IDENTIFIER).
inline const QString enrichedInsightIdentifier = QStringLiteral("Feature Viewed");

// The legacy `filters` form of a TrendsQuery insight, as PostHog still serves beside `query`.
QJsonObject legacyTrendsFilters(const QJsonObject &query);

// Points the usage insights' flag-key property from `oldKey` to `newKey`, as PostHog does when a
// flag's key changes; false when the query is not one the template made for `oldKey`.
bool retargetUsageQuery(QJsonObject &query, const QString &oldKey, const QString &newKey);

} // namespace bunting::server
