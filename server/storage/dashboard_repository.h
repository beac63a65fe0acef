#pragma once

#include "storage/database.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <optional>

namespace bunting::server {

struct StoredDashboard
{
    QString name;
    bool deleted = false;
    QString createdAt;
    QJsonObject document; // what PostHog serves of it, less what is computed when serving
};

struct StoredInsight
{
    qint64 id = 0;
    QString shortId;
    QString name;
    QString createdAt;
    QJsonObject document;
};

struct StoredTile
{
    qint64 id = 0;
    QJsonObject document;
    std::optional<StoredInsight> insight; // nullopt when its insight was deleted
};

// The dashboards, dashboard_tiles and insights tables. Methods that write several rows run
// inside the caller's Database::transaction.
class DashboardRepository
{
public:
    explicit DashboardRepository(const Database &db) : m_db(db) {}

    qint64 insertDashboard(qint64 projectId, const QString &name, const QString &createdAt,
                           const QJsonObject &document);
    qint64 insertInsight(qint64 projectId, const QString &shortId, const QString &name,
                         const QString &createdAt, const QJsonObject &document);
    void insertTile(qint64 dashboardId, qint64 insightId, const QJsonObject &document);
    void updateInsightDocument(qint64 insightId, const QJsonObject &document);

    // Deleted dashboards included.
    std::optional<StoredDashboard> find(qint64 projectId, qint64 id) const;
    bool exists(qint64 projectId, qint64 id) const;
    // The dashboard's live tiles in the order they were added.
    QList<StoredTile> liveTiles(qint64 dashboardId) const;
    // The names of the insights on the dashboard's live tiles.
    QStringList liveInsightNames(qint64 dashboardId) const;
    // Every insight on the dashboard's tiles that belongs to the project, oldest first.
    QList<StoredInsight> insights(qint64 projectId, qint64 dashboardId) const;

private:
    const Database &m_db;
};

} // namespace bunting::server
