#include "sdk/event_ingest.h"

#include "sdk/request_body.h"
#include "sdk_id.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QMutexLocker>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcIngest, "bunting.server.ingest")

namespace bunting::server {

namespace {

QDateTime eventTime(const QJsonObject &event)
{
    const QDateTime time =
        QDateTime::fromString(event.value("timestamp"_L1).toString(), Qt::ISODateWithMs);
    return time.isValid() ? time.toUTC() : QDateTime::currentDateTimeUtc();
}

// `$set` and friends ride in the properties (posthog-js, posthog-node) or at the top level of
// the event (older SDKs); the properties win, as PostHog reads them first.
QJsonValue personUpdate(const QJsonObject &event, const QJsonObject &properties,
                        QLatin1StringView key)
{
    return properties.contains(key) ? properties.value(key) : event.value(key);
}

} // namespace

EventIngest::EventIngest(const Database &db, const ProjectRepository &projects,
                         PersonRepository &persons, GroupRepository &groups, FlagUsage &usage,
                         DashboardService &dashboards, QObject *parent)
    : QObject(parent), groupsChanged(db), flagsChanged(db), m_db(db), m_projects(projects),
      m_persons(persons), m_groups(groups), m_usage(usage), m_dashboards(dashboards)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(flushDelayMs);
    connect(&m_timer, &QTimer::timeout, this, &EventIngest::flush);
}

EventIngest::~EventIngest()
{
    flush();
}

QString EventIngest::distinctIdOf(const QJsonObject &event)
{
    const QString top = sdkIdText(event.value("distinct_id"_L1));
    if (!top.isEmpty())
        return top;
    return sdkIdText(event.value("properties"_L1).toObject().value("distinct_id"_L1));
}

std::optional<qint64> EventIngest::projectForToken(const QString &token)
{
    if (token.isEmpty())
        return std::nullopt;
    {
        QMutexLocker lock(&m_tokenMutex);
        const auto it = m_projectByToken.constFind(token);
        if (it != m_projectByToken.cend())
            return *it;
    }
    const std::optional<qint64> id = m_projects.idForToken(token);
    if (!id)
        return std::nullopt;
    QMutexLocker lock(&m_tokenMutex);
    m_projectByToken.insert(token, *id);
    return id;
}

void EventIngest::enqueue(qint64 projectId, const QList<QJsonObject> &events)
{
    if (events.isEmpty())
        return;
    qsizetype size = 0;
    {
        QMutexLocker lock(&m_queueMutex);
        for (const QJsonObject &event : events)
            m_queue.append({projectId, event});
        size = m_queue.size();
    }
    // Either way the work runs on this object's thread from its event loop, never inside the
    // request that queued it.
    if (size >= flushThreshold)
        QMetaObject::invokeMethod(this, &EventIngest::flush, Qt::QueuedConnection);
    else
        scheduleFlush();
}

void EventIngest::scheduleFlush()
{
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (!m_timer.isActive())
                m_timer.start();
        },
        Qt::AutoConnection);
}

qsizetype EventIngest::pending() const
{
    QMutexLocker lock(&m_queueMutex);
    return m_queue.size();
}

void EventIngest::flush()
{
    QMutexLocker flushLock(&m_flushMutex);
    QList<Queued> batch;
    {
        QMutexLocker lock(&m_queueMutex);
        batch.swap(m_queue);
    }
    if (batch.isEmpty())
        return;

    try {
        m_db.transaction([&] {
            Effects effects;
            QHash<qint64, QList<FlagCall>> calls;
            for (const Queued &item : std::as_const(batch))
                apply(item, calls[item.projectId], effects);
            for (auto it = calls.cbegin(); it != calls.cend(); ++it)
                if (!it.value().isEmpty())
                    m_usage.recordCalls(it.key(), it.value());
            announce(effects);
        });
    } catch (const DatabaseUnavailable &error) {
        holdWhileUnavailable(std::move(batch), error);
        return;
    } catch (const std::exception &error) {
        qCWarning(lcIngest) << "dropped" << batch.size() << "events:" << error.what();
    }
    if (std::exchange(m_holding, false))
        qCInfo(lcIngest) << "the database answers again; events held meanwhile are written";
}

void EventIngest::holdWhileUnavailable(QList<Queued> batch, const DatabaseUnavailable &error)
{
    // Events were acknowledged with a 200 when queued: while the database is down (a team's
    // PostgreSQL restarting) they wait for it, in order, up to a bound, rather than be lost.
    qsizetype dropped = 0;
    {
        QMutexLocker lock(&m_queueMutex);
        const qsizetype room = std::max<qsizetype>(0, maxHeldEvents - m_queue.size());
        if (batch.size() > room) {
            dropped = batch.size() - room;
            batch.remove(0, dropped); // the oldest go first
        }
        batch.append(m_queue);
        m_queue.swap(batch);
    }
    if (!std::exchange(m_holding, true))
        qCWarning(lcIngest) << "holding events until the database answers:" << error.what();
    if (dropped > 0)
        qCWarning(lcIngest) << "dropped" << dropped << "events: more than" << maxHeldEvents
                            << "wait for the database";
    scheduleFlush();
}

void EventIngest::announce(const Effects &effects) const
{
    for (auto it = effects.persons.cbegin(); it != effects.persons.cend(); ++it)
        m_persons.changed.send(it.key(), QStringList(it.value().cbegin(), it.value().cend()));
    for (const qint64 projectId : std::as_const(effects.groups))
        groupsChanged.send(projectId);
    for (const qint64 projectId : std::as_const(effects.flags))
        flagsChanged.send(projectId);
}

void EventIngest::apply(const Queued &item, QList<FlagCall> &calls, Effects &effects)
{
    const QJsonObject &event = item.event;
    const qint64 projectId = item.projectId;
    const QString name = event.value("event"_L1).toString();
    const QString distinctId = distinctIdOf(event);
    const QJsonObject properties = event.value("properties"_L1).toObject();

    if (name == FlagUsage::calledEvent) {
        const QString key = properties.value("$feature_flag"_L1).toString();
        if (!key.isEmpty())
            calls.append({key,
                          FlagUsage::flagCallVariant(properties.value("$feature_flag_response"_L1)),
                          eventTime(event), distinctId});
        return;
    }

    // Each event's writes are a savepoint of the batch's transaction: one that fails (a merge
    // the data refuses, say) is skipped without losing the others.
    try {
        m_db.transaction([&] {
            if (name == FlagUsage::viewEvent || name == FlagUsage::interactionEvent) {
                const QString key = properties.value("feature_flag"_L1).toString();
                if (key.isEmpty())
                    return;
                m_usage.recordFeatureEvent(projectId, key, name, eventTime(event), distinctId);
                if (name == FlagUsage::viewEvent) {
                    m_dashboards.markEnrichedAnalytics(projectId, key);
                    effects.flags.insert(projectId);
                }
                return;
            }
            if (name == "$groupidentify"_L1) {
                applyGroupIdentify(projectId, properties, effects);
                return;
            }

            // PostHog's merges: $identify folds the anonymous id into the identified one,
            // $create_alias the alias into the distinct id, and $merge_dangerously does the
            // same even when the alias's person is already identified.
            QString source;
            bool force = false;
            if (name == "$identify"_L1) {
                source = sdkIdText(properties.value("$anon_distinct_id"_L1));
            } else if (name == "$create_alias"_L1 || name == "$merge_dangerously"_L1) {
                source = sdkIdText(properties.value("alias"_L1));
                force = name == "$merge_dangerously"_L1;
            }
            if (!source.isEmpty() && source != distinctId) {
                m_persons.mergeDistinctIds(projectId, distinctId, source, force);
                effects.persons[projectId].insert(source);
                effects.persons[projectId].insert(distinctId);
            }
            applyPersonUpdates(projectId, distinctId, event, effects);
        });
    } catch (const std::exception &error) {
        qCWarning(lcIngest) << "skipped" << name << "of" << distinctId << ":" << error.what();
    }
}

void EventIngest::applyPersonUpdates(qint64 projectId, const QString &distinctId,
                                     const QJsonObject &event, Effects &effects)
{
    const QJsonObject properties = event.value("properties"_L1).toObject();
    const QJsonValue set = personUpdate(event, properties, "$set"_L1);
    const QJsonValue setOnce = personUpdate(event, properties, "$set_once"_L1);
    const QJsonValue unset = personUpdate(event, properties, "$unset"_L1);
    QStringList unsetKeys;
    // $unset is a list of keys; some SDKs send an object whose keys are the ones to remove.
    if (unset.isArray()) {
        for (const QJsonValue &key : unset.toArray())
            if (key.isString())
                unsetKeys.append(key.toString());
    } else if (unset.isObject()) {
        unsetKeys = unset.toObject().keys();
    }
    if (set.toObject().isEmpty() && setOnce.toObject().isEmpty() && unsetKeys.isEmpty())
        return;
    m_persons.updateProperties(projectId, distinctId, set.toObject(), setOnce.toObject(),
                               unsetKeys);
    effects.persons[projectId].insert(distinctId);
}

void EventIngest::applyGroupIdentify(qint64 projectId, const QJsonObject &properties,
                                     Effects &effects)
{
    const QString groupType = properties.value("$group_type"_L1).toString();
    const QString groupKey = sdkIdText(properties.value("$group_key"_L1));
    if (groupType.isEmpty() || groupKey.isEmpty())
        return;
    const std::optional<int> index = m_groups.ensureMapping(projectId, groupType);
    if (!index) {
        qCWarning(lcIngest) << "project" << projectId << "has no room for group type" << groupType;
        return;
    }
    effects.groups.insert(projectId);
    m_groups.updateGroup(projectId, *index, groupKey, properties.value("$group_set"_L1).toObject());
}

} // namespace bunting::server
