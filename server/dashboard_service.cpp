#include "dashboard_service.h"

#include "api.h"
#include "flag_diff.h"
#include "timestamps.h"
#include "trends_results.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <tuple>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// PostHog's Dashboard.RestrictionLevel.EVERYONE_IN_PROJECT_CAN_EDIT and PrivilegeLevel.CAN_EDIT:
// the local server has no per-dashboard access control, so everyone with a key may edit.
constexpr int everyoneCanEdit = 21;
constexpr int canEdit = 37;

QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject jsonObject(const QVariant &text)
{
    return QJsonDocument::fromJson(text.toString().toUtf8()).object();
}

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
    return m_db
        .scalar(u"INSERT INTO dashboards (project_id, name, deleted, created_at, document) VALUES "
                "(?, ?, 0, ?, ?) RETURNING id"_s,
                {projectId, usageDashboardName(flag.key), now, jsonText(document)})
        ->toLongLong();
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
            m_db.scalar(u"INSERT INTO insights (project_id, short_id, name, deleted, created_at, "
                        "document) VALUES (?, ?, ?, 0, ?, ?) RETURNING id"_s,
                        {projectId, newShortId(), t.name, now, jsonText(insight)})
                ->toLongLong();
        const QJsonObject tile{{u"layouts"_s, t.layouts},
                               {u"color"_s, t.color.isEmpty() ? QJsonValue() : QJsonValue(t.color)},
                               {u"show_description"_s, QJsonValue()},
                               {u"transparent_background"_s, QJsonValue()}};
        m_db.exec(u"INSERT INTO dashboard_tiles (dashboard_id, insight_id, deleted, document) "
                  "VALUES (?, ?, 0, ?)"_s,
                  {dashboardId, insightId, jsonText(tile)});
    }
}

bool DashboardService::dashboardExists(qint64 projectId, qint64 id) const
{
    return m_db
        .scalar(u"SELECT id FROM dashboards WHERE project_id = ? AND id = ?"_s, {projectId, id})
        .has_value();
}

bool DashboardService::hasEnrichedInsights(qint64 dashboardId) const
{
    QSqlQuery q = m_db.exec(u"SELECT i.name FROM dashboard_tiles t JOIN insights i ON i.id = "
                            "t.insight_id WHERE t.dashboard_id = ? AND t.deleted = 0"_s,
                            {dashboardId});
    while (q.next())
        if (q.value(0).toString().contains(enrichedInsightIdentifier))
            return true;
    return false;
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
        if (!flag.usageDashboard || !dashboardExists(projectId, *flag.usageDashboard))
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
        if (flag.usageDashboard && dashboardExists(projectId, *flag.usageDashboard) &&
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
        QSqlQuery q = m_db.exec(u"SELECT i.id, i.name, i.document FROM dashboard_tiles t JOIN "
                                "insights i ON i.id = t.insight_id WHERE t.dashboard_id = ? AND "
                                "i.project_id = ? ORDER BY i.id"_s,
                                {*flag.usageDashboard, projectId});
        QList<std::tuple<qint64, QString, QJsonObject>> insights;
        while (q.next())
            insights.append(
                {q.value(0).toLongLong(), q.value(1).toString(), jsonObject(q.value(2))});
        q.finish();
        for (auto &[id, name, document] : insights) {
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
                m_db.exec(u"UPDATE insights SET document = ? WHERE id = ?"_s,
                          {jsonText(document), id});
            }
        }
    });
}

QJsonObject DashboardService::dashboard(qint64 projectId, qint64 id, const QDateTime &now) const
{
    QSqlQuery row = m_db.exec(u"SELECT name, deleted, created_at, document FROM dashboards WHERE "
                              "project_id = ? AND id = ?"_s,
                              {projectId, id});
    if (!row.next() || row.value(1).toInt() != 0)
        throw ApiError::notFound();
    QJsonObject d = jsonObject(row.value(3));
    const QString name = row.value(0).toString();
    const QString createdAt = row.value(2).toString();
    row.finish();

    const QString refreshed = formatApiTimestamp(now);
    const QJsonObject filters = d.value("filters"_L1).toObject();
    QJsonArray tiles;
    QSqlQuery q = m_db.exec(
        u"SELECT t.id, t.document, i.id, i.short_id, i.name, i.created_at, i.document FROM "
        "dashboard_tiles t LEFT JOIN insights i ON i.id = t.insight_id AND i.deleted = 0 WHERE "
        "t.dashboard_id = ? AND t.deleted = 0 ORDER BY t.id"_s,
        {id});
    struct TileRow
    {
        qint64 id;
        QJsonObject tile;
        QVariant insightId;
        QString shortId;
        QString name;
        QString createdAt;
        QJsonObject insight;
    };
    // Read before computing, which queries too.
    QList<TileRow> rows;
    while (q.next())
        rows.append({q.value(0).toLongLong(), jsonObject(q.value(1)), q.value(2),
                     q.value(3).toString(), q.value(4).toString(), q.value(5).toString(),
                     jsonObject(q.value(6))});
    q.finish();
    for (const TileRow &r : rows) {
        const qint64 tileId = r.id;
        QJsonObject tile = r.tile;
        tile.insert(u"id"_s, tileId);
        tile.insert(u"order"_s, tiles.size());
        tile.insert(u"text"_s, QJsonValue());
        tile.insert(u"button_tile"_s, QJsonValue());
        tile.insert(u"is_cached"_s, false);
        if (r.insightId.isNull()) {
            tile.insert(u"insight"_s, QJsonValue());
            tile.insert(u"last_refresh"_s, QJsonValue());
            tiles.append(tile);
            continue;
        }
        const QJsonObject &stored = r.insight;
        const TrendsResult computed =
            computeTrends(m_usage, projectId, stored.value("query"_L1).toObject(), filters, now);
        QJsonObject insight{
            {u"id"_s, r.insightId.toLongLong()},
            {u"short_id"_s, r.shortId},
            {u"name"_s, r.name},
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
            {u"created_at"_s, r.createdAt},
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
