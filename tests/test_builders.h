#pragma once

// The JSON the suites send to a server, spelled once: flags' filters as PostHog stores them and
// the events SDKs send, so that each test shows only the values it is about.
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>
#include <initializer_list>
#include <utility>

namespace test_builders {

// A filter on a person property; an undefined value is left out, as for is_set and is_not_set.
inline QJsonObject personProperty(const QString &key, const QJsonValue &value,
                                  const QString &op = QStringLiteral("exact"))
{
    QJsonObject property{{QStringLiteral("key"), key},
                         {QStringLiteral("operator"), op},
                         {QStringLiteral("type"), QStringLiteral("person")}};
    if (!value.isUndefined())
        property.insert(QStringLiteral("value"), value);
    return property;
}

// The filter that makes a flag depend on flag `id`: it holds while that flag evaluates to true.
inline QJsonObject flagDependency(qint64 id)
{
    return QJsonObject{{QStringLiteral("key"), QString::number(id)},
                       {QStringLiteral("type"), QStringLiteral("flag")},
                       {QStringLiteral("value"), true},
                       {QStringLiteral("operator"), QStringLiteral("flag_evaluates_to")}};
}

// One condition set: whoever passes `properties`, rolled out to `rollout` percent of them, with
// the variant it overrides to when `variant` is given.
inline QJsonObject condition(double rollout, const QJsonArray &properties = {},
                             const QString &variant = {})
{
    QJsonObject set{{QStringLiteral("properties"), properties},
                    {QStringLiteral("rollout_percentage"), rollout}};
    if (!variant.isEmpty())
        set.insert(QStringLiteral("variant"), variant);
    return set;
}

// A multivariate block: each variant's key and share, in order.
inline QJsonObject multivariate(std::initializer_list<std::pair<QString, double>> variants)
{
    QJsonArray list;
    for (const auto &[key, share] : variants)
        list.append(QJsonObject{{QStringLiteral("key"), key},
                                {QStringLiteral("rollout_percentage"), share}});
    return QJsonObject{{QStringLiteral("variants"), list}};
}

// A flag's filters: its condition sets, and its variants when it has any.
inline QJsonObject flagFilters(const QJsonArray &conditions, const QJsonObject &variants = {})
{
    QJsonObject filters{{QStringLiteral("groups"), conditions}};
    if (!variants.isEmpty())
        filters.insert(QStringLiteral("multivariate"), variants);
    return filters;
}

// Filters releasing a flag to `rollout` percent of everyone.
inline QJsonObject everyone(double rollout = 100)
{
    return flagFilters({condition(rollout)});
}

// Filters that release a flag to everyone for whom any of the flags `ids` is on, one condition
// set per flag.
inline QJsonObject dependingOn(const QList<qint64> &ids)
{
    QJsonArray conditions;
    for (qint64 id : ids)
        conditions.append(condition(100, {flagDependency(id)}));
    return flagFilters(conditions);
}

// A flag released to everyone passing `properties`, with `payload` for true unless it is null,
// and marked as a remote config flag or not.
inline QJsonObject payloadFlag(const QString &key, const QJsonValue &payload, bool remoteConfig,
                               const QJsonArray &properties = {})
{
    QJsonObject filters = flagFilters({condition(100, properties)});
    if (!payload.isNull())
        filters.insert(QStringLiteral("payloads"), QJsonObject{{QStringLiteral("true"), payload}});
    return QJsonObject{{QStringLiteral("key"), key},
                       {QStringLiteral("filters"), filters},
                       {QStringLiteral("is_remote_configuration"), remoteConfig}};
}

// A person as SDKs make one: a distinct id and the properties `$set` on it.
struct Person
{
    QString distinctId;
    QJsonObject properties;
};

// One `$set` event per person, for /batch/.
inline QJsonArray personEvents(const QList<Person> &persons)
{
    QJsonArray events;
    for (const Person &person : persons)
        events.append(QJsonObject{{QStringLiteral("event"), QStringLiteral("$set")},
                                  {QStringLiteral("distinct_id"), person.distinctId},
                                  {QStringLiteral("properties"),
                                   QJsonObject{{QStringLiteral("$set"), person.properties}}}});
    return events;
}

// The `$feature_flag_called` event an SDK sends when `distinctId` got `response` for flag `key`.
inline QJsonObject flagCalled(const QString &key, const QJsonValue &response,
                              const QString &distinctId, const QDateTime &time)
{
    return QJsonObject{{QStringLiteral("event"), QStringLiteral("$feature_flag_called")},
                       {QStringLiteral("distinct_id"), distinctId},
                       {QStringLiteral("properties"),
                        QJsonObject{{QStringLiteral("$feature_flag"), key},
                                    {QStringLiteral("$feature_flag_response"), response}}},
                       {QStringLiteral("timestamp"), time.toUTC().toString(Qt::ISODateWithMs)}};
}

// Midday UTC, `days` days before today: no time zone moves an event at that time to another day.
inline QDateTime daysAgo(int days)
{
    const QDate day = QDateTime::currentDateTimeUtc().date().addDays(-days);
    return QDateTime(day, QTime(12, 0), Qt::UTC);
}

// `count` edits of a flag that starts at a 30% rollout, each of one kind in turn: the rollout
// (30% <-> 50%), its tags, active, its name, its variants. `filters(rollout, controlShare)` gives
// the filters, with control and test variants when controlShare > 0.
inline QList<QJsonObject> cyclingEdits(int count,
                                       const std::function<QJsonObject(int, int)> &filters)
{
    QList<QJsonObject> edits;
    int percentage = 30;
    QStringList tags;
    bool active = true;
    for (int i = 0; i < count; ++i) {
        QJsonObject patch;
        switch (i % 5) {
        case 0:
            percentage = percentage == 30 ? 50 : 30;
            patch.insert(QStringLiteral("filters"), filters(percentage, 0));
            break;
        case 1:
            tags.append(i == 1 ? QStringLiteral("beta") : QStringLiteral("t%1").arg(i));
            patch.insert(QStringLiteral("tags"), QJsonArray::fromStringList(tags));
            break;
        case 2:
            active = !active;
            patch.insert(QStringLiteral("active"), active);
            break;
        case 3:
            patch.insert(QStringLiteral("name"), QStringLiteral("Checkout %1").arg(i));
            break;
        case 4:
            patch.insert(QStringLiteral("filters"), filters(percentage, 10 + i));
            break;
        }
        edits.append(patch);
    }
    return edits;
}

// A time as PostHog writes it in the activity log, with microseconds.
inline QString activityTimestamp(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'000Z'"));
}

} // namespace test_builders
