#include "services/dashboard_service.h"

#include "flag_diff.h"
#include "http/api_error.h"
#include "http/request.h"
#include "services/trends_results.h"
#include "storage/timestamps.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// PostHog's Dashboard.RestrictionLevel.EVERYONE_IN_PROJECT_CAN_EDIT and PrivilegeLevel.CAN_EDIT:
// the local server has no per-dashboard access control, so everyone with a key may edit.
constexpr int everyoneCanEdit = 21;
constexpr int canEdit = 37;

// PostHog's insight short ids: eight letters and digits.
QString newShortId()
{
    static const QString alphabet =
        u"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"_s;
    QString id;
    for (int i = 0; i < 8; ++i)
        id.append(alphabet.at(QRandomGenerator::global()->bounded(int(alphabet.size()))));
    return id;
}

QJsonValue orNull(const QJsonValue &value)
{
    return value.isUndefined() ? QJsonValue() : value;
}

} // namespace

QJsonValue DashboardService::userJson(qint64 userId) const
{
    if (userId <= 0)
        return QJsonValue();
    const UserBasic user = m_flagService.user(userId);
    return user.id ? QJsonValue(user.toJson()) : QJsonValue();
}

qint64 DashboardService::insertDashboard(qint64 projectId, const FeatureFlag &flag, qint64 userId)
{
    const QString now = nowTimestamp();
    const QJsonObject filters{{u"date_from"_s, u"-30d"_s}};
    const QJsonObject document{
        {u"description"_s, usageDashboardDescription(flag.key)},
        {u"pinned"_s, false},
        {u"created_by"_s, userJson(userId)},
        {u"creation_mode"_s, u"template"_s},
        {u"filters"_s, filters},
        {u"variables"_s, QJsonObject{}},
        {u"breakdown_colors"_s, QJsonArray{}},
        {u"data_color_theme_id"_s, QJsonValue()},
        {u"tags"_s, QJsonArray{}},
        {u"restriction_level"_s, everyoneCanEdit},
        {u"last_accessed_at"_s, QJsonValue()},
    };
    return m_store.insertDashboard(projectId, usageDashboardName(flag.key), now, document);
}

void DashboardService::addTiles(qint64 projectId, qint64 dashboardId,
                                const QList<InsightTemplate> &templates, qint64 userId)
{
    for (const InsightTemplate &t : templates) {
        const QString now = nowTimestamp();
        const QJsonValue author = t.byUser ? userJson(userId) : QJsonValue();
        const QJsonObject insight{
            {u"description"_s, t.description},
            {u"query"_s, t.query},
            {u"filters"_s, legacyTrendsFilters(t.query)},
            {u"derived_name"_s, QJsonValue()},
            {u"created_by"_s, author},
            {u"last_modified_by"_s, author},
            {u"last_modified_at"_s, now},
            {u"updated_at"_s, now},
            {u"is_sample"_s, true},
            {u"tags"_s, QJsonArray{}},
            {u"favorited"_s, false},
        };
        const qint64 insightId =
            m_store.insertInsight(projectId, newShortId(), t.name, now, insight);
        const QJsonObject tile{{u"layouts"_s, t.layouts},
                               {u"color"_s, t.color.isEmpty() ? QJsonValue() : QJsonValue(t.color)},
                               {u"show_description"_s, QJsonValue()},
                               {u"transparent_background"_s, QJsonValue()}};
        m_store.insertTile(dashboardId, insightId, tile);
    }
}

bool DashboardService::hasEnrichedInsights(qint64 dashboardId) const
{
    const QStringList names = m_store.liveInsightNames(dashboardId);
    return std::any_of(names.cbegin(), names.cend(), [](const QString &name) {
        return name.contains(enrichedInsightIdentifier);
    });
}

qint64 DashboardService::createUsageDashboard(qint64 projectId, qint64 flagId, qint64 userId)
{
    qint64 dashboardId = 0;
    m_db.transaction([&] {
        FeatureFlag flag = m_flagService.get(projectId, flagId);
        dashboardId = insertDashboard(projectId, flag, userId);
        addTiles(projectId, dashboardId, usageInsights(flag.key), userId);
        if (flag.hasEnrichedAnalytics)
            addTiles(projectId, dashboardId, enrichedUsageInsights(flag.key), 0);
        flag.usageDashboard = dashboardId;
        flag.updatedAt = nowTimestamp();
        m_flags.saveServerFields(projectId, flag);
    });
    return dashboardId;
}

DashboardService::Enrichment DashboardService::enrichUsageDashboard(qint64 projectId, qint64 flagId)
{
    Enrichment outcome = Enrichment::Enriched;
    m_db.transaction([&] {
        const FeatureFlag flag = m_flagService.get(projectId, flagId);
        if (!flag.usageDashboard || !m_store.exists(projectId, *flag.usageDashboard))
            outcome = Enrichment::NoDashboard;
        else if (hasEnrichedInsights(*flag.usageDashboard))
            outcome = Enrichment::AlreadyEnriched;
        else if (!flag.hasEnrichedAnalytics)
            outcome = Enrichment::NoEnrichedAnalytics;
        else
            addTiles(projectId, *flag.usageDashboard, enrichedUsageInsights(flag.key), 0);
    });
    return outcome;
}

void DashboardService::markEnrichedAnalytics(qint64 projectId, const QString &flagKey)
{
    m_db.transaction([&] {
        const auto id = m_flags.liveIdForKey(projectId, flagKey);
        if (!id)
            return;
        const FeatureFlag before = m_flagService.get(projectId, *id);
        if (before.hasEnrichedAnalytics)
            return;
        FeatureFlag flag = before;
        flag.hasEnrichedAnalytics = true;
        flag.updatedAt = nowTimestamp();
        m_flags.saveServerFields(projectId, flag);
        m_activity.record(projectId, u"FeatureFlag"_s, flag.id, u"updated"_s, 0, flag.key,
                          activityChanges(before, flag));
        if (flag.usageDashboard && m_store.exists(projectId, *flag.usageDashboard) &&
            !hasEnrichedInsights(*flag.usageDashboard))
            addTiles(projectId, *flag.usageDashboard, enrichedUsageInsights(flag.key), 0);
    });
}

void DashboardService::followKeyChange(qint64 projectId, const FeatureFlag &flag,
                                       const QString &oldKey)
{
    if (!flag.usageDashboard || oldKey.isEmpty() || oldKey == flag.key)
        return;
    const QList<InsightTemplate> before = usageInsights(oldKey);
    const QList<InsightTemplate> after = usageInsights(flag.key);
    m_db.transaction([&] {
        for (StoredInsight &stored : m_store.insights(projectId, *flag.usageDashboard)) {
            const QString &name = stored.name;
            QJsonObject &document = stored.document;
            for (qsizetype i = 0; i < before.size(); ++i) {
                // An insight someone has edited since it was generated is theirs: left alone.
                if (name != before[i].name ||
                    document.value("description"_L1) != before[i].description)
                    continue;
                QJsonObject query = document.value("query"_L1).toObject();
                if (!retargetUsageQuery(query, oldKey, flag.key))
                    continue;
                const QString now = nowTimestamp();
                document.insert(u"query"_s, query);
                document.insert(u"filters"_s, legacyTrendsFilters(query));
                document.insert(u"description"_s, after[i].description);
                document.insert(u"updated_at"_s, now);
                m_store.updateInsightDocument(stored.id, document);
            }
        }
    });
}

QJsonObject DashboardService::dashboard(qint64 projectId, qint64 id, const QDateTime &now) const
{
    const std::optional<StoredDashboard> row = m_store.find(projectId, id);
    if (!row || row->deleted)
        throw ApiError::notFound();
    QJsonObject d = row->document;
    const QString &name = row->name;
    const QString &createdAt = row->createdAt;

    const QString refreshed = formatApiTimestamp(now);
    const QJsonObject filters = d.value("filters"_L1).toObject();
    QJsonArray tiles;
    for (const StoredTile &r : m_store.liveTiles(id)) {
        const qint64 tileId = r.id;
        QJsonObject tile = r.document;
        tile.insert(u"id"_s, tileId);
        tile.insert(u"order"_s, tiles.size());
        tile.insert(u"text"_s, QJsonValue());
        tile.insert(u"button_tile"_s, QJsonValue());
        tile.insert(u"is_cached"_s, false);
        if (!r.insight) {
            tile.insert(u"insight"_s, QJsonValue());
            tile.insert(u"last_refresh"_s, QJsonValue());
            tiles.append(tile);
            continue;
        }
        const QJsonObject &stored = r.insight->document;
        const TrendsResult computed =
            computeTrends(m_usage, projectId, stored.value("query"_L1).toObject(), filters, now);
        QJsonObject insight{
            {u"id"_s, r.insight->id},
            {u"short_id"_s, r.insight->shortId},
            {u"name"_s, r.insight->name},
            {u"derived_name"_s, orNull(stored.value("derived_name"_L1))},
            {u"query"_s, stored.value("query"_L1)},
            {u"filters"_s, stored.value("filters"_L1)},
            {u"order"_s, QJsonValue()},
            {u"deleted"_s, false},
            {u"dashboards"_s, QJsonArray{id}},
            {u"dashboard_tiles"_s,
             QJsonArray{
                 QJsonObject{{u"id"_s, tileId}, {u"dashboard_id"_s, id}, {u"deleted"_s, false}}}},
            {u"last_refresh"_s, refreshed},
            {u"cache_target_age"_s, QJsonValue()},
            {u"next_allowed_client_refresh"_s, QJsonValue()},
            {u"result"_s, computed.result},
            {u"hasMore"_s, false},
            {u"columns"_s, QJsonValue()},
            {u"created_at"_s, r.insight->createdAt},
            {u"created_by"_s, orNull(stored.value("created_by"_L1))},
            {u"description"_s, stored.value("description"_L1).toString()},
            {u"updated_at"_s, orNull(stored.value("updated_at"_L1))},
            {u"tags"_s, stored.value("tags"_L1).toArray()},
            {u"favorited"_s, stored.value("favorited"_L1).toBool()},
            {u"last_modified_at"_s, orNull(stored.value("last_modified_at"_L1))},
            {u"last_modified_by"_s, orNull(stored.value("last_modified_by"_L1))},
            {u"is_sample"_s, stored.value("is_sample"_L1).toBool()},
            {u"effective_restriction_level"_s, everyoneCanEdit},
            {u"effective_privilege_level"_s, canEdit},
            {u"user_access_level"_s, u"editor"_s},
            {u"timezone"_s, u"UTC"_s},
            {u"is_cached"_s, false},
            {u"query_status"_s, QJsonValue()},
            {u"hogql"_s, QJsonValue()},
            {u"types"_s, QJsonValue()},
            {u"resolved_date_range"_s, computed.resolvedDateRange.isEmpty()
                                           ? QJsonValue()
                                           : QJsonValue(computed.resolvedDateRange)},
        };
        tile.insert(u"insight"_s, insight);
        tile.insert(u"last_refresh"_s, refreshed);
        tiles.append(tile);
    }

    d.insert(u"id"_s, id);
    d.insert(u"name"_s, name);
    d.insert(u"created_at"_s, createdAt);
    d.insert(u"deleted"_s, false);
    d.insert(u"team_id"_s, projectId);
    d.insert(u"last_viewed_at"_s, QJsonValue());
    d.insert(u"is_shared"_s, false);
    d.insert(u"effective_restriction_level"_s, everyoneCanEdit);
    d.insert(u"effective_privilege_level"_s, canEdit);
    d.insert(u"user_access_level"_s, u"editor"_s);
    d.insert(u"access_control_version"_s, u"v2"_s);
    d.insert(u"last_refresh"_s, refreshed);
    d.insert(u"persisted_filters"_s, filters.isEmpty() ? QJsonValue() : QJsonValue(filters));
    d.insert(u"persisted_variables"_s, QJsonValue());
    d.insert(u"quick_filter_ids"_s, QJsonArray{});
    d.insert(u"tiles"_s, tiles);
    return d;
}

} // namespace bunting::server
