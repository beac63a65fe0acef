#pragma once

#include "http/request.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>
#include <array>
#include <atomic>

namespace bunting::server {

// What the HTTP front counts for GET /metrics: requests by route and status, and how long the
// SDKs' /flags and /decide take, as a Prometheus histogram. Off until enabled, so that a
// server started without --metrics neither counts nor answers /metrics. Thread-safe: every
// server thread records into one instance.
class HttpMetrics
{
public:
    void enable() { m_enabled = true; }
    bool enabled() const { return m_enabled.load(std::memory_order_relaxed); }

    // `route` is the pattern that answered ("/api/projects/:project/feature_flags/:id/"), or
    // null when none did.
    void record(HttpMethod method, const QString *route, int status, qint64 nanoseconds);
    // The Prometheus text exposition of what was recorded.
    QByteArray text() const;

private:
    static constexpr std::array<double, 12> bucketBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                         0.05,   0.1,   0.25,   0.5,   1,    2.5};
    struct Histogram
    {
        std::array<std::atomic<quint64>, bucketBounds.size()> buckets{};
        std::atomic<quint64> count{0};
        std::atomic<quint64> nanoseconds{0};
        void observe(qint64 ns);
    };

    std::atomic<bool> m_enabled{false};
    mutable QMutex m_mutex;
    QHash<QString, quint64> m_requests; // "method\troute\tstatus"
    Histogram m_flags;
    Histogram m_decide;
};

} // namespace bunting::server
