#include "client.h"

#include "answer_parsing.h"
#include "client_call.h"
#include "query_value.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>

using namespace Qt::StringLiterals;

namespace bunting::api {

namespace {

const QString flagsPath = u"feature_flags/"_s;

QString flagPath(qint64 id, const QString &action = {})
{
    return flagsPath + QString::number(id) + u'/' + (action.isEmpty() ? QString() : action + u'/');
}

QJsonArray idArray(const QList<qint64> &ids)
{
    QJsonArray array;
    for (qint64 id : ids)
        array.append(id);
    return array;
}

QUrlQuery pageQuery(int page, int limit)
{
    QUrlQuery query;
    query.addQueryItem(u"page"_s, QString::number(page));
    query.addQueryItem(u"limit"_s, QString::number(limit));
    return query;
}

QUrlQuery offsetQuery(int offset, int limit)
{
    QUrlQuery query;
    query.addQueryItem(u"limit"_s, QString::number(limit));
    query.addQueryItem(u"offset"_s, QString::number(offset));
    return query;
}

QString tagActionName(Client::TagAction action)
{
    switch (action) {
    case Client::TagAction::Add:
        return u"add"_s;
    case Client::TagAction::Remove:
        return u"remove"_s;
    case Client::TagAction::Set:
        break;
    }
    return u"set"_s;
}

QJsonValue asIs(const QJsonValue &json)
{
    return json;
}

Done nothingToRead(const QJsonValue &)
{
    return {};
}

// A 2xx answer read into the call's type; one that is not the expected shape becomes the error.
template<typename T>
Result<T> readAnswer(const std::function<T(const QJsonValue &)> &read, const QJsonValue &json,
                     int status)
{
    try {
        return read(json);
    } catch (const answers::InvalidAnswer &invalid) {
        return ApiError::invalidResponse(status, invalid.reason);
    }
}

// Activity answers count from page 1, so the offset of a page is what came before it.
int activityOffset(int page, int limit)
{
    return std::max(page - 1, 0) * limit;
}

} // namespace

Client::Client(Endpoint endpoint, QObject *parent)
    : QObject(parent), m_endpoint(std::move(endpoint)), m_network(new QNetworkAccessManager(this))
{
}

Client::~Client()
{
    m_closing = true;
    const QList<Call *> calls = m_calls;
    for (Call *call : calls)
        call->abandon();
}

void Client::setEndpoint(Endpoint endpoint)
{
    m_endpoint = std::move(endpoint);
}

int Client::runningCalls() const
{
    return int(m_calls.size());
}

Client::Call *Client::startCall(const QString &description, const QObject *context,
                                std::function<void(const ApiError &)> failure)
{
    auto *call = new Call(this, description, context, std::move(failure));
    m_calls.append(call);
    Q_EMIT runningCallsChanged(int(m_calls.size()));
    return call;
}

void Client::callEnded(Call *call)
{
    m_calls.removeOne(call);
    if (!m_closing)
        Q_EMIT runningCallsChanged(int(m_calls.size()));
}

template<typename T>
PendingCall *Client::run(const Request &request, const QString &description, const QObject *context,
                         std::type_identity_t<std::function<T(const QJsonValue &)>> read,
                         Callback<T> done)
{
    Call *call = startCall(description, context, [done](const ApiError &error) { done(error); });
    call->send(request, [call, read = std::move(read), done](const QJsonValue &json, int status) {
        const Result<T> result = readAnswer<T>(read, json, status);
        call->finish([&] { done(result); });
    });
    return call;
}

Client::Request Client::flagListRequest(const FlagListQuery &query, int offset, int limit) const
{
    Request request;
    request.path = flagsPath;
    request.query = query.toUrlQuery();
    request.query.addQueryItem(u"limit"_s, QString::number(limit));
    request.query.addQueryItem(u"offset"_s, QString::number(offset));
    return request;
}

PendingCall *Client::listFlags(const FlagListQuery &query, int offset, int limit,
                               const QObject *context, Callback<Page<FeatureFlag>> done)
{
    return run<Page<FeatureFlag>>(
        flagListRequest(query, offset, limit), tr("Loading flags"), context,
        [offset](const QJsonValue &json) { return answers::page(json, offset, answers::flag); },
        std::move(done));
}

PendingCall *Client::createFlag(const QJsonObject &flag, const QObject *context,
                                Callback<FeatureFlag> done)
{
    const QString key = flag.value("key"_L1).toString();
    return run<FeatureFlag>({"POST", flagsPath, {}, flag},
                            key.isEmpty() ? tr("Creating a flag") : tr("Creating flag %1").arg(key),
                            context, answers::flag, std::move(done));
}

PendingCall *Client::getFlag(qint64 id, const QObject *context, Callback<FeatureFlag> done)
{
    return run<FeatureFlag>({"GET", flagPath(id), {}, {}}, tr("Loading flag %1").arg(id), context,
                            answers::flag, std::move(done));
}

PendingCall *Client::updateFlag(qint64 id, const QJsonObject &changes, const QObject *context,
                                Callback<FeatureFlag> done)
{
    return run<FeatureFlag>({"PATCH", flagPath(id), {}, changes}, tr("Saving flag %1").arg(id),
                            context, answers::flag, std::move(done));
}

PendingCall *Client::deleteFlag(qint64 id, const QObject *context, Callback<Done> done)
{
    return run<Done>({"DELETE", flagPath(id), {}, {}}, tr("Deleting flag %1").arg(id), context,
                     nothingToRead, std::move(done));
}

PendingCall *Client::flagActivity(qint64 id, int page, int limit, const QObject *context,
                                  Callback<Page<ActivityEntry>> done)
{
    const int offset = activityOffset(page, limit);
    return run<Page<ActivityEntry>>(
        {"GET", flagPath(id, u"activity"_s), pageQuery(page, limit), {}},
        tr("Loading the history of flag %1").arg(id), context,
        [offset](const QJsonValue &json) {
            return answers::page(json, offset, answers::activityEntry);
        },
        std::move(done));
}

PendingCall *Client::createStaticCohortForFlag(qint64 id, const QObject *context,
                                               Callback<QJsonObject> done)
{
    return run<QJsonObject>(
        {"POST", flagPath(id, u"create_static_cohort_for_flag"_s), {}, QJsonObject()},
        tr("Creating a cohort from flag %1").arg(id), context,
        [](const QJsonValue &json) {
            return answers::object(answers::object(json, u"an object"_s).value("cohort"_L1),
                                   u"the new cohort"_s);
        },
        std::move(done));
}

PendingCall *Client::createUsageDashboard(qint64 id, const QObject *context,
                                          Callback<FeatureFlag> done)
{
    Call *call = startCall(tr("Creating the usage dashboard of flag %1").arg(id), context,
                           [done](const ApiError &error) { done(error); });
    // PostHog answers the action with {"success": true} alone; the flag read back carries the
    // new dashboard's id.
    call->send({"POST", flagPath(id, u"dashboard"_s), {}, QJsonObject()},
               [call, id, done](const QJsonValue &, int) {
                   call->send({"GET", flagPath(id), {}, {}}, [call, done](const QJsonValue &json,
                                                                          int status) {
                       const auto flag = readAnswer<FeatureFlag>(answers::flag, json, status);
                       call->finish([&] { done(flag); });
                   });
               });
    return call;
}

PendingCall *Client::dependentFlags(qint64 id, const QObject *context,
                                    Callback<QList<FlagRef>> done)
{
    return run<QList<FlagRef>>({"GET", flagPath(id, u"dependent_flags"_s), {}, {}},
                               tr("Finding the flags that depend on flag %1").arg(id), context,
                               answers::flagRefs, std::move(done));
}

PendingCall *Client::enrichUsageDashboard(qint64 id, const QObject *context,
                                          Callback<QJsonObject> done)
{
    return run<QJsonObject>({"POST", flagPath(id, u"enrich_usage_dashboard"_s), {}, QJsonObject()},
                            tr("Enriching the usage dashboard of flag %1").arg(id), context,
                            answers::anyObject, std::move(done));
}

PendingCall *Client::remoteConfig(qint64 id, const QObject *context, Callback<QJsonValue> done)
{
    return run<QJsonValue>({"GET", flagPath(id, u"remote_config"_s), {}, {}},
                           tr("Loading the remote config of flag %1").arg(id), context, asIs,
                           std::move(done));
}

PendingCall *Client::flagStatus(qint64 id, const QObject *context, Callback<FlagStatus> done)
{
    return run<FlagStatus>({"GET", flagPath(id, u"status"_s), {}, {}},
                           tr("Checking the status of flag %1").arg(id), context,
                           answers::flagStatus, std::move(done));
}

PendingCall *Client::testEvaluation(qint64 id, const QJsonObject &request, const QObject *context,
                                    Callback<QJsonObject> done)
{
    const QString who = request.value("distinct_id"_L1).toString();
    return run<QJsonObject>({"POST", flagPath(id, u"test_evaluation"_s), {}, request},
                            who.isEmpty() ? tr("Testing flag %1").arg(id)
                                          : tr("Testing flag %1 for %2").arg(id).arg(who),
                            context, answers::anyObject, std::move(done));
}

PendingCall *Client::flagVersion(qint64 id, int version, const QObject *context,
                                 Callback<FeatureFlag> done)
{
    return run<FeatureFlag>(
        {"GET", flagPath(id, u"versions/"_s + QString::number(version)), {}, {}},
        tr("Loading version %1 of flag %2").arg(version).arg(id), context, answers::flagVersion,
        std::move(done));
}

PendingCall *Client::projectActivity(int page, int limit, const QObject *context,
                                     Callback<Page<ActivityEntry>> done)
{
    const int offset = activityOffset(page, limit);
    return run<Page<ActivityEntry>>(
        {"GET", flagsPath + u"activity/"_s, pageQuery(page, limit), {}},
        tr("Loading the history of all flags"), context,
        [offset](const QJsonValue &json) {
            return answers::page(json, offset, answers::activityEntry);
        },
        std::move(done));
}

PendingCall *Client::bulkDelete(const QList<qint64> &ids, const QObject *context,
                                Callback<BulkDeleteResult> done)
{
    return run<BulkDeleteResult>(
        {"POST", flagsPath + u"bulk_delete/"_s, {}, QJsonObject{{u"ids"_s, idArray(ids)}}},
        ids.size() == 1 ? tr("Deleting 1 flag") : tr("Deleting %1 flags").arg(ids.size()), context,
        answers::bulkDelete, std::move(done));
}

PendingCall *Client::bulkKeys(const QList<qint64> &ids, const QObject *context,
                              Callback<QHash<qint64, QString>> done)
{
    return run<QHash<qint64, QString>>(
        {"POST", flagsPath + u"bulk_keys/"_s, {}, QJsonObject{{u"ids"_s, idArray(ids)}}},
        ids.size() == 1 ? tr("Looking up the key of 1 flag")
                        : tr("Looking up the keys of %1 flags").arg(ids.size()),
        context, answers::bulkKeys, std::move(done));
}

PendingCall *Client::bulkUpdateTags(const QList<qint64> &ids, TagAction action,
                                    const QStringList &tags, const QObject *context,
                                    Callback<BulkTagsResult> done)
{
    const QString flags = ids.size() == 1 ? tr("1 flag") : tr("%1 flags").arg(ids.size());
    const QString description = action == TagAction::Add ? tr("Tagging %1").arg(flags)
                                : action == TagAction::Remove
                                    ? tr("Removing tags from %1").arg(flags)
                                    : tr("Setting the tags of %1").arg(flags);
    const QJsonObject body{{u"ids"_s, idArray(ids)},
                           {u"action"_s, tagActionName(action)},
                           {u"tags"_s, QJsonArray::fromStringList(tags)}};
    return run<BulkTagsResult>({"POST", flagsPath + u"bulk_update_tags/"_s, {}, body}, description,
                               context, answers::bulkTags, std::move(done));
}

PendingCall *Client::evaluationReasons(const QString &distinctId, const QJsonObject &groups,
                                       const QObject *context, Callback<QJsonObject> done)
{
    QUrlQuery query;
    addQueryValue(query, u"distinct_id"_s, distinctId);
    if (!groups.isEmpty())
        addQueryValue(query, u"groups"_s,
                      QString::fromUtf8(QJsonDocument(groups).toJson(QJsonDocument::Compact)));
    return run<QJsonObject>({"GET", flagsPath + u"evaluation_reasons/"_s, query, {}},
                            tr("Evaluating the flags for %1").arg(distinctId), context,
                            answers::anyObject, std::move(done));
}

PendingCall *Client::listPersons(const QString &search, int offset, int limit,
                                 const QObject *context, Callback<Page<QJsonObject>> done)
{
    QUrlQuery query = offsetQuery(offset, limit);
    if (!search.isEmpty())
        addQueryValue(query, u"search"_s, search);
    return run<Page<QJsonObject>>(
        {"GET", u"persons/"_s, query, {}}, tr("Loading persons"), context,
        [offset](const QJsonValue &json) {
            return answers::page(json, offset, answers::anyObject);
        },
        std::move(done));
}

PendingCall *Client::listCohorts(int offset, int limit, const QObject *context,
                                 Callback<Page<QJsonObject>> done)
{
    return run<Page<QJsonObject>>(
        {"GET", u"cohorts/"_s, offsetQuery(offset, limit), {}}, tr("Loading cohorts"), context,
        [offset](const QJsonValue &json) {
            return answers::page(json, offset, answers::anyObject);
        },
        std::move(done));
}

PendingCall *Client::getDashboard(qint64 id, const QObject *context, Callback<QJsonObject> done)
{
    // PostHog serves a dashboard's tiles from its cache and leaves a tile nobody has looked at
    // lately without a result; "blocking" has it compute a missing or stale one before answering.
    QUrlQuery query;
    addQueryValue(query, u"refresh"_s, u"blocking"_s);
    return run<QJsonObject>({"GET", u"dashboards/%1/"_s.arg(id), query, {}},
                            tr("Loading dashboard %1").arg(id), context, answers::anyObject,
                            std::move(done));
}

PendingCall *Client::listGroupTypes(const QObject *context, Callback<QList<GroupType>> done)
{
    return run<QList<GroupType>>({"GET", u"groups_types/"_s, {}, {}}, tr("Loading group types"),
                                 context, answers::groupTypes, std::move(done));
}

PendingCall *Client::currentProject(const QObject *context, Callback<Project> done)
{
    return run<Project>({"GET", QString(), {}, {}}, tr("Loading the project"), context,
                        answers::project, std::move(done));
}

PendingCall *Client::sdkFlags(const QString &token, const SdkFlagsRequest &request,
                              const QObject *context, Callback<SdkFlags> done)
{
    // What posthog-node sends (@posthog/core getFlags), less what only an SDK knows: no
    // flag_keys_to_evaluate, so every flag comes back, and the runtime "all", so that flags
    // kept to client or server SDKs come back too (the service would otherwise guess the runtime
    // from the User-Agent, and leave out both kinds for one it does not know).
    const QJsonObject body{{u"token"_s, token},
                           {u"distinct_id"_s, request.distinctId},
                           {u"groups"_s, request.groups},
                           {u"person_properties"_s, request.personProperties},
                           {u"group_properties"_s, request.groupProperties},
                           {u"evaluation_runtime"_s, u"all"_s}};
    QUrlQuery query;
    query.addQueryItem(u"v"_s, u"2"_s);
    Request post{"POST", u"flags/"_s, query, body};
    post.sdk = true;
    return run<SdkFlags>(post, tr("Evaluating the flags for %1").arg(request.distinctId), context,
                         answers::sdkFlags, std::move(done));
}

PendingCall *Client::listAllFlags(const FlagListQuery &query, const QObject *context,
                                  std::function<void(int loaded, int count)> progress,
                                  Callback<QList<FeatureFlag>> done)
{
    Call *call =
        startCall(tr("Loading all flags"), context, [done](const ApiError &error) { done(error); });
    loadFlagPages(call, query, {}, progress, done);
    return call;
}

void Client::loadFlagPages(Call *call, const FlagListQuery &query, QList<FeatureFlag> loaded,
                           const std::function<void(int, int)> &progress,
                           const Callback<QList<FeatureFlag>> &done)
{
    const int offset = int(loaded.size());
    const int limit = std::max(m_options.pageSize, 1);
    call->send(flagListRequest(query, offset, limit),
               [this, call, query, progress, done, offset,
                loaded = std::move(loaded)](const QJsonValue &json, int status) mutable {
                   const auto read = [offset](const QJsonValue &answer) {
                       return answers::page(answer, offset, answers::flag);
                   };
                   const auto result = readAnswer<Page<FeatureFlag>>(read, json, status);
                   if (!result) {
                       call->fail(result.error());
                       return;
                   }
                   const Page<FeatureFlag> &page = result.value();
                   loaded.append(page.results);
                   if (progress && call->contextAlive())
                       progress(int(loaded.size()), page.count);
                   // The progress callback may have canceled the call.
                   if (!call->isRunning())
                       return;
                   if (page.next.isEmpty() || page.results.isEmpty()) {
                       call->finish([&] { done(loaded); });
                       return;
                   }
                   loadFlagPages(call, query, std::move(loaded), progress, done);
               });
}

} // namespace bunting::api
