#include "local_server.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QThread>
#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cstring>
#include <memory>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcServer, "bunting.server")

namespace bunting::server {

LocalServer::LocalServer(DatabaseLocation location)
    : m_db(std::move(location)), m_databaseStatus(m_db), m_projects(m_db), m_users(m_db),
      m_flags(m_db), m_activityStore(m_db), m_usageStore(m_db), m_dashboardStore(m_db),
      m_persons(m_db), m_cohorts(m_db), m_groups(m_db), m_auth(m_db, m_projects, m_users),
      m_activity(m_activityStore),
      m_flagService(m_db, m_flags, m_users, m_cohorts, m_groups, m_activity),
      m_usage(m_db, m_usageStore, m_flags),
      m_dashboards(m_db, m_dashboardStore, m_flags, m_flagService, m_activity, m_usage),
      m_cohortService(m_db, m_cohorts, m_persons, m_groups, m_flags, m_flagService, m_activity),
      m_origins(m_db), m_mirror(m_db, m_auth, m_flagService, m_flags, m_cohorts, m_groups,
                                m_persons, m_origins, m_users),
      m_snapshots(m_projects, m_flags, m_cohorts, m_groups), m_subjects(m_persons, m_groups),
      m_events(m_db, m_projects, m_persons, m_groups, m_usage, m_dashboards),
      m_peerChanges({m_db, m_projects, m_flags, m_flagService, m_cohorts, m_persons, m_groups,
                     m_events, m_snapshots, m_subjects}),
      m_services{m_databaseStatus, m_auth,          m_flags,      m_flagService,
                 m_activity,       m_usage,         m_dashboards, m_persons,
                 m_cohorts,        m_cohortService, m_groups,     m_snapshots,
                 m_events,         m_subjects,      m_metrics,    m_peerChanges.listener()}
{
    Router &router = m_router;
    addHealthRoutes(router, m_services);
    addHistoryRoutes(router, m_services);
    addEvaluationRoutes(router, m_services);
    addFlagRoutes(router, m_services);
    addDashboardRoutes(router, m_services);
    addRemoteConfigRoutes(router, m_services);
    addPeopleRoutes(router, m_services);
    addProjectRoutes(router, m_services);
    addSdkEventRoutes(router, m_services);
    addSdkDefinitionsRoutes(router, m_services);
    addSdkProductRoutes(router, m_services);
    addSdkFlagRoutes(router, m_services);
    addMetricsRoutes(router, m_services);
    m_http = std::make_unique<HttpServer>(m_router, &m_auth, m_httpLimits);
    m_http->setMetrics(&m_metrics);
    m_flagService.notices.listen([this](const FlagService::Change &change) { followFlag(change); });
    m_flagService.notices.listen([this](const FlagService::Change &change) {
        m_snapshots.applyFlagChange(change.projectId, change.after);
    });
    // What events change reaches the SDK endpoints' caches: a new group type changes the
    // definitions, and a $feature_view marks its flag as having enriched analytics.
    m_groups.typeAdded.listen([this](qint64 projectId) { m_snapshots.invalidate(projectId); });
    m_events.flagsChanged.listen([this](qint64 projectId) { m_snapshots.invalidate(projectId); });
    m_persons.changed.listen([this](qint64 projectId, const QStringList &distinctIds) {
        for (const QString &distinctId : distinctIds)
            m_subjects.invalidatePerson(projectId, distinctId);
    });
    m_events.groupsChanged.listen(
        [this](qint64 projectId) { m_subjects.invalidateGroups(projectId); });
    // On the repository, which every cohort write goes through.
    m_cohorts.notices.listen([this](qint64 projectId, bool membersChanged) {
        m_snapshots.invalidate(projectId);
        if (membersChanged)
            m_subjects.invalidateProject(projectId);
    });
}

void LocalServer::followFlag(const FlagService::Change &change)
{
    // As PostHog does: a new flag gets its usage dashboard unless the request said not to, and a
    // renamed one takes its dashboard's insights along. The flag itself is already saved, so a
    // failure here is logged rather than undoing it.
    try {
        if (!change.before) {
            if (change.body.value("_should_create_usage_dashboard"_L1).toBool(true))
                m_dashboards.createUsageDashboard(change.projectId, change.after.id, change.userId);
        } else if (change.before->key != change.after.key) {
            m_dashboards.followKeyChange(change.projectId, change.after, change.before->key);
        }
    } catch (const std::exception &error) {
        qCWarning(lcServer) << "usage dashboard of flag" << change.after.key
                            << "not updated:" << error.what();
    }
}

LocalServer::~LocalServer()
{
    if (m_warmUp.joinable())
        m_warmUp.join();
    for (auto &worker : m_workers)
        stopWorker(*worker);
    // Events accepted with a 200 are written before the database closes.
    try {
        m_events.flush();
        if (const qsizetype held = m_events.pending())
            qCWarning(lcServer) << held
                                << "events not written at shutdown: the database does "
                                   "not answer";
    } catch (const std::exception &error) {
        qCWarning(lcServer) << "events not written at shutdown:" << error.what();
    }
}

std::optional<Bootstrap> LocalServer::open(Use use)
{
    if (use == Use::Serve && !m_db.isPostgres() && !m_lock)
        m_lock = std::make_unique<DatabaseLock>(m_db.location().sqlitePath);
    std::optional<Bootstrap> first;
    // Under the database's set-up lock: two servers started together on an empty PostgreSQL
    // database make one first project, not two.
    m_db.open([&] { first = m_auth.bootstrapIfEmpty(); });
    return first;
}

struct LocalServer::Worker
{
    QThread thread;
    HttpServer *server = nullptr; // lives in `thread`
};

namespace {

// A listening TCP socket that other threads' sockets may share (SO_REUSEPORT): the kernel then
// spreads new connections over the threads. -1 when it cannot bind.
int listeningSocket(const QHostAddress &address, quint16 port, bool shared, quint16 *boundPort)
{
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (shared)
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (v6) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, bytes.c, sizeof bytes.c);
        length = sizeof *in6;
    } else {
        auto *in4 = reinterpret_cast<sockaddr_in *>(&storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        in4->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof *in4;
    }
    if (::bind(fd, reinterpret_cast<sockaddr *>(&storage), length) != 0 ||
        ::listen(fd, SOMAXCONN) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&storage), &length) != 0) {
        ::close(fd);
        return -1;
    }
    *boundPort = ntohs(v6 ? reinterpret_cast<sockaddr_in6 *>(&storage)->sin6_port
                          : reinterpret_cast<sockaddr_in *>(&storage)->sin_port);
    return fd;
}

bool bindSocket(HttpServer *server, int fd)
{
    if (server->listenOn(fd))
        return true;
    ::close(fd);
    return false;
}

// Connections one server thread may hold: a share of the file descriptors the process may
// open, less those the database, the threads and the logs need.
int connectionShare(int threads)
{
    constexpr rlim_t reserved = 64;
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return 4096;
    const rlim_t usable =
        limit.rlim_cur > reserved * 2 ? limit.rlim_cur - reserved : limit.rlim_cur / 2;
    return int(std::max<rlim_t>(8, std::min<rlim_t>(usable / rlim_t(threads), 1 << 20)));
}

} // namespace

quint16 LocalServer::listen(const QHostAddress &address, quint16 port, int threads)
{
    const bool shared = threads > 1;
    quint16 bound = 0;
    if (shared && port != 0) {
        // Shared sockets would also share the port with another server already on it, splitting
        // the traffic silently; a plain bind first fails as it should when the port is taken.
        const int probe = listeningSocket(address, port, false, &bound);
        if (probe < 0)
            return 0;
        ::close(probe);
    }
    HttpLimits limits = m_httpLimits;
    if (limits.maxConnections == 0)
        limits.maxConnections = connectionShare(threads);
    m_http->setLimits(limits);
    m_http->setCrossOrigin(m_crossOrigin);
    const int fd = listeningSocket(address, port, shared, &bound);
    if (fd < 0 || !bindSocket(m_http.get(), fd))
        return 0;
    for (int i = 1; i < threads; ++i) {
        quint16 same = 0;
        const int workerFd = listeningSocket(address, bound, true, &same);
        if (workerFd < 0)
            break; // serve with the threads there are
        auto worker = std::make_unique<Worker>();
        worker->server = new HttpServer(m_router, &m_auth, limits, m_http.get());
        worker->server->setCrossOrigin(m_crossOrigin);
        worker->server->setMetrics(&m_metrics);
        worker->server->moveToThread(&worker->thread);
        worker->thread.setObjectName(u"bunting-http-%1"_s.arg(i));
        worker->thread.start();
        HttpServer *server = worker->server;
        bool ok = false;
        QMetaObject::invokeMethod(
            server, [&] { ok = bindSocket(server, workerFd); }, Qt::BlockingQueuedConnection);
        if (!ok) {
            stopWorker(*worker);
            break;
        }
        m_workers.push_back(std::move(worker));
    }
    // Before the first snapshots are read, so that no other server's change after that read
    // goes unheard.
    m_peerChanges.listen();
    if (!m_warmUp.joinable())
        m_warmUp = std::thread([this] {
            try {
                QElapsedTimer timer;
                timer.start();
                const QList<qint64> projects = m_projects.ids();
                m_snapshots.warmUp(projects);
                qCInfo(lcServer).noquote()
                    << u"ready: %1 project(s) compiled in %2 ms"_s.arg(projects.size())
                           .arg(timer.elapsed());
            } catch (const std::exception &error) {
                // Each project is then compiled by its first request instead.
                qCWarning(lcServer) << "projects not compiled at start-up:" << error.what();
                m_snapshots.warmUp({});
            }
            m_db.closeThreadConnection();
        });
    return bound;
}

void LocalServer::stopWorker(Worker &worker)
{
    HttpServer *server = worker.server;
    const Database &db = m_db;
    // Not a blocking call: the worker may itself be waiting on this thread, handing it a
    // request, and would wait forever. This thread goes on serving such hand-offs until the
    // worker has let go of its server.
    auto stopped = std::make_shared<std::atomic<bool>>(false);
    QMetaObject::invokeMethod(
        server,
        [server, &db, stopped] {
            delete server;
            db.closeThreadConnection();
            stopped->store(true);
        },
        Qt::QueuedConnection);
    while (!stopped->load()) {
        QCoreApplication::sendPostedEvents();
        QThread::msleep(1);
    }
    worker.thread.quit();
    worker.thread.wait();
}

} // namespace bunting::server
