#pragma once

#include "services/dashboard_service.h"
#include "services/flag_usage.h"
#include "storage/change_notices.h"
#include "storage/database.h"
#include "storage/group_repository.h"
#include "storage/person_repository.h"
#include "storage/project_repository.h"

#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QTimer>
#include <functional>
#include <optional>

namespace bunting::server {

// The events SDKs send to /batch/, /e/, /capture/ and /i/v0/e/, applied off the request path:
// requests only queue them, and a short timer (or a full queue) writes what is queued in one
// transaction. What they change: flag usage ($feature_flag_called, $feature_view,
// $feature_interaction), persons ($set, $set_once, $unset, $identify, $create_alias) and groups
// ($groupidentify).
class EventIngest : public QObject
{
    Q_OBJECT

public:
    static constexpr int flushDelayMs = 200;
    // Past this many queued events the next enqueue flushes at once rather than on the timer.
    static constexpr qsizetype flushThreshold = 1000;

    EventIngest(const Database &db, const ProjectRepository &projects, PersonRepository &persons,
                GroupRepository &groups, FlagUsage &usage, DashboardService &dashboards,
                QObject *parent = nullptr);
    ~EventIngest() override;

    // Thread-safe. Each event is a validated object with "event" and "distinct_id".
    void enqueue(qint64 projectId, const QList<QJsonObject> &events);
    // Applies everything queued so far, on the calling thread; for tests and for shutdown.
    void flush();
    qsizetype pending() const;

    // The project whose api_token this is; known tokens are remembered, as projects keep theirs.
    std::optional<qint64> projectForToken(const QString &token);

    // What a flush changed, once it commits, so caches over persons, groups and flags can drop
    // it; heard on the flushing thread.
    ChangeNotices<qint64 /*projectId*/> groupsChanged; // any group's properties
    ChangeNotices<qint64 /*projectId*/> flagsChanged;

    // The distinct id of an event as SDKs send it: top-level, else in its properties.
    static QString distinctIdOf(const QJsonObject &event);

private:
    struct Queued
    {
        qint64 projectId = 0;
        QJsonObject event;
    };
    struct Effects
    {
        QHash<qint64, QSet<QString>> persons;
        QSet<qint64> groups;
        QSet<qint64> flags;
    };

    void scheduleFlush();
    void holdWhileUnavailable(QList<Queued> batch, const DatabaseUnavailable &error);
    void announce(const Effects &effects) const;
    void apply(const Queued &item, QList<FlagCall> &calls, Effects &effects);
    void applyPersonUpdates(qint64 projectId, const QString &distinctId, const QJsonObject &event,
                            Effects &effects);
    void applyGroupIdentify(qint64 projectId, const QJsonObject &properties, Effects &effects);

    const Database &m_db;
    const ProjectRepository &m_projects;
    PersonRepository &m_persons;
    GroupRepository &m_groups;
    FlagUsage &m_usage;
    DashboardService &m_dashboards;

    QMutex m_tokenMutex;
    QHash<QString, qint64> m_projectByToken;

    mutable QMutex m_queueMutex;
    QList<Queued> m_queue;
    // One flush at a time, so the events of one project are applied in the order they came.
    QMutex m_flushMutex;
    QTimer m_timer;
    // Events kept while the database does not answer, at most.
    static constexpr qsizetype maxHeldEvents = 100000;
    bool m_holding = false; // under m_flushMutex
};

} // namespace bunting::server
