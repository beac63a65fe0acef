#include "storage/dashboard_repository.h"

#include "storage/json_column.h"

using namespace Qt::StringLiterals;

namespace bunting::server {

qint64 DashboardRepository::insertDashboard(qint64 projectId, const QString &name,
                                            const QString &createdAt, const QJsonObject &document)
{
    return m_db
        .scalar(u"INSERT INTO dashboards (project_id, name, deleted, created_at, document) VALUES "
                "(?, ?, 0, ?, ?) RETURNING id"_s,
                {projectId, name, createdAt, jsonColumn(document)})
        ->toLongLong();
}

qint64 DashboardRepository::insertInsight(qint64 projectId, const QString &shortId,
                                          const QString &name, const QString &createdAt,
                                          const QJsonObject &document)
{
    return m_db
        .scalar(u"INSERT INTO insights (project_id, short_id, name, deleted, created_at, "
                "document) VALUES (?, ?, ?, 0, ?, ?) RETURNING id"_s,
                {projectId, shortId, name, createdAt, jsonColumn(document)})
        ->toLongLong();
}

void DashboardRepository::insertTile(qint64 dashboardId, qint64 insightId,
                                     const QJsonObject &document)
{
    m_db.exec(u"INSERT INTO dashboard_tiles (dashboard_id, insight_id, deleted, document) "
              "VALUES (?, ?, 0, ?)"_s,
              {dashboardId, insightId, jsonColumn(document)});
}

void DashboardRepository::updateInsightDocument(qint64 insightId, const QJsonObject &document)
{
    m_db.exec(u"UPDATE insights SET document = ? WHERE id = ?"_s,
              {jsonColumn(document), insightId});
}

std::optional<StoredDashboard> DashboardRepository::find(qint64 projectId, qint64 id) const
{
    QSqlQuery row = m_db.exec(u"SELECT name, deleted, created_at, document FROM dashboards WHERE "
                              "project_id = ? AND id = ?"_s,
                              {projectId, id});
    if (!row.next())
        return std::nullopt;
    return StoredDashboard{row.value(0).toString(), row.value(1).toInt() != 0,
                           row.value(2).toString(), objectFromColumn(row.value(3))};
}

bool DashboardRepository::exists(qint64 projectId, qint64 id) const
{
    return m_db
        .scalar(u"SELECT id FROM dashboards WHERE project_id = ? AND id = ?"_s, {projectId, id})
        .has_value();
}

QList<StoredTile> DashboardRepository::liveTiles(qint64 dashboardId) const
{
    QSqlQuery q = m_db.exec(
        u"SELECT t.id, t.document, i.id, i.short_id, i.name, i.created_at, i.document FROM "
        "dashboard_tiles t LEFT JOIN insights i ON i.id = t.insight_id AND i.deleted = 0 WHERE "
        "t.dashboard_id = ? AND t.deleted = 0 ORDER BY t.id"_s,
        {dashboardId});
    QList<StoredTile> tiles;
    while (q.next()) {
        StoredTile tile{q.value(0).toLongLong(), objectFromColumn(q.value(1)), std::nullopt};
        if (!q.value(2).isNull())
            tile.insight =
                StoredInsight{q.value(2).toLongLong(), q.value(3).toString(), q.value(4).toString(),
                              q.value(5).toString(), objectFromColumn(q.value(6))};
        tiles.append(tile);
    }
    return tiles;
}

QStringList DashboardRepository::liveInsightNames(qint64 dashboardId) const
{
    QSqlQuery q = m_db.exec(u"SELECT i.name FROM dashboard_tiles t JOIN insights i ON i.id = "
                            "t.insight_id WHERE t.dashboard_id = ? AND t.deleted = 0"_s,
                            {dashboardId});
    QStringList names;
    while (q.next())
        names.append(q.value(0).toString());
    return names;
}

QList<StoredInsight> DashboardRepository::insights(qint64 projectId, qint64 dashboardId) const
{
    QSqlQuery q = m_db.exec(u"SELECT i.id, i.short_id, i.name, i.created_at, i.document FROM "
                            "dashboard_tiles t JOIN insights i ON i.id = t.insight_id WHERE "
                            "t.dashboard_id = ? AND i.project_id = ? ORDER BY i.id"_s,
                            {dashboardId, projectId});
    QList<StoredInsight> insights;
    while (q.next())
        insights.append({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                         q.value(3).toString(), objectFromColumn(q.value(4))});
    return insights;
}

} // namespace bunting::server
