#include "http/router.h"
#include "services.h"

#include <QDeadlineTimer>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

void metric(QByteArray &out, const char *name, const char *type, const char *help,
            const QByteArray &value)
{
    out += "# HELP "_ba + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n' + name + ' ' +
           value + '\n';
}

QByteArray number(quint64 value)
{
    return QByteArray::number(value);
}

} // namespace

void addMetricsRoutes(Router &router, Services &s)
{
    // Prometheus' text format. Only with --metrics: off, the path is unknown, as on a server
    // without it.
    router.add(HttpMethod::Get, u"/metrics"_s, RouteAccess::open(), [&s](ApiRequest &) {
        if (!s.metrics.enabled())
            throw ApiError::notFound();
        QByteArray out = s.metrics.text();

        out += "# HELP bunting_snapshot_age_seconds Time since each project's SDK snapshot last "
               "matched the database (built, or a change applied).\n"
               "# TYPE bunting_snapshot_age_seconds gauge\n";
        const qint64 now = QDeadlineTimer::current().deadline();
        for (const auto &snapshot : s.snapshots.current())
            out += "bunting_snapshot_age_seconds{project=\"" +
                   QByteArray::number(snapshot->projectId) + "\"} " +
                   QByteArray::number(double(now - snapshot->currentAtMs) / 1000.0, 'f', 3) + '\n';
        metric(out, "bunting_snapshot_builds_total", "counter",
               "Snapshots built whole from the database.", number(s.snapshots.buildsRun()));
        metric(out, "bunting_snapshot_changes_applied_total", "counter",
               "Flag changes applied to a snapshot without building it again.",
               number(s.snapshots.changesApplied()));
        metric(out, "bunting_snapshot_stale_answers_total", "counter",
               "SDK answers given from an outdated snapshot while the database did not answer.",
               number(s.snapshots.staleAnswers()));
        metric(out, "bunting_snapshot_ready", "gauge",
               "1 once every project was compiled at start-up.",
               number(s.snapshots.ready() ? 1 : 0));
        metric(out, "bunting_database_errors_total", "counter",
               "Statements the database failed, lost connections included.",
               number(s.database.errorsSeen()));
        if (s.peers) {
            metric(out, "bunting_peer_notifications_received_total", "counter",
                   "Changes heard from other servers on the PostgreSQL database.",
                   number(s.peers->received()));
            metric(out, "bunting_peer_reconnects_total", "counter",
                   "Times the connection that hears other servers was made again.",
                   number(s.peers->reconnects()));
            metric(out, "bunting_peer_connected", "gauge",
                   "1 while this server hears other servers' changes.",
                   number(s.peers->connected() ? 1 : 0));
        }
        ApiResponse response;
        response.body = std::move(out);
        response.contentType = "text/plain; version=0.0.4; charset=utf-8";
        return response;
    });
}

} // namespace bunting::server
