#include "http/metrics.h"

#include <QMutexLocker>

using namespace Qt::StringLiterals;

namespace bunting::server {

void HttpMetrics::Histogram::observe(qint64 ns)
{
    const double seconds = double(ns) / 1e9;
    for (std::size_t i = 0; i < bucketBounds.size(); ++i)
        if (seconds <= bucketBounds[i])
            buckets[i].fetch_add(1, std::memory_order_relaxed);
    count.fetch_add(1, std::memory_order_relaxed);
    nanoseconds.fetch_add(quint64(std::max<qint64>(ns, 0)), std::memory_order_relaxed);
}

void HttpMetrics::record(HttpMethod method, const QString *route, int status, qint64 nanoseconds)
{
    if (!enabled())
        return;
    if (route && *route == "/flags"_L1)
        m_flags.observe(nanoseconds);
    else if (route && *route == "/decide"_L1)
        m_decide.observe(nanoseconds);
    // Unmatched paths share one label, so that scanning for URLs cannot grow the table.
    const QString key = methodName(method) + u'\t' + (route ? *route : u"unmatched"_s) + u'\t' +
                        QString::number(status);
    QMutexLocker lock(&m_mutex);
    ++m_requests[key];
}

QByteArray HttpMetrics::text() const
{
    QByteArray out;
    out += "# HELP bunting_http_requests_total HTTP requests answered, by route and status.\n"
           "# TYPE bunting_http_requests_total counter\n";
    {
        QMutexLocker lock(&m_mutex);
        for (auto it = m_requests.cbegin(); it != m_requests.cend(); ++it) {
            const QStringList parts = it.key().split(u'\t');
            out += "bunting_http_requests_total{method=\"" + parts[0].toUtf8() + "\",route=\"" +
                   parts[1].toUtf8() + "\",status=\"" + parts[2].toUtf8() + "\"} " +
                   QByteArray::number(it.value()) + '\n';
        }
    }
    out += "# HELP bunting_flags_request_duration_seconds Time to answer the SDKs' /flags and "
           "/decide.\n"
           "# TYPE bunting_flags_request_duration_seconds histogram\n";
    const auto histogram = [&](const char *route, const Histogram &h) {
        const QByteArray label = "route=\""_ba + route + '"';
        for (std::size_t i = 0; i < bucketBounds.size(); ++i)
            out += "bunting_flags_request_duration_seconds_bucket{" + label + ",le=\"" +
                   QByteArray::number(bucketBounds[i]) + "\"} " +
                   QByteArray::number(h.buckets[i].load()) + '\n';
        const QByteArray count = QByteArray::number(h.count.load());
        out += "bunting_flags_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " + count +
               '\n';
        out += "bunting_flags_request_duration_seconds_sum{" + label + "} " +
               QByteArray::number(double(h.nanoseconds.load()) / 1e9, 'g', 9) + '\n';
        out += "bunting_flags_request_duration_seconds_count{" + label + "} " + count + '\n';
    };
    histogram("/flags", m_flags);
    histogram("/decide", m_decide);
    return out;
}

} // namespace bunting::server
