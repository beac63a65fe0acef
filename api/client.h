#pragma once

#include "api_types.h"
#include "endpoint.h"
#include "feature_flag.h"
#include "flag_list_query.h"
#include "pending_call.h"
#include "result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <chrono>
#include <functional>
#include <type_traits>

class QNetworkAccessManager;

namespace bunting::api {

template<typename T> using Callback = std::function<void(const Result<T> &)>;

// The client of PostHog's REST API: one typed asynchronous call per endpoint, over
// QNetworkAccessManager. It speaks to PostHog Cloud, a self-hosted PostHog and Bunting's local
// server alike.
//
// Every call takes a `context` QObject: when it is destroyed first, the request is aborted and
// the callback never runs. Callbacks run on the client's thread, once, with the value or an
// ApiError. Idempotent calls (GET, and PATCH/POST the API documents as idempotent: none here)
// are retried with backoff on timeouts, unreachable hosts, 429 (after its Retry-After) and
// 502/503/504; writes are never retried, so nothing is applied twice. Each request is logged
// under "bunting.api" at debug level (off unless the logging rules turn it on).
class Client : public QObject
{
    Q_OBJECT
public:
    explicit Client(Endpoint endpoint, QObject *parent = nullptr);
    // Ends the calls in flight without running their callbacks.
    ~Client() override;

    const Endpoint &endpoint() const { return m_endpoint; }
    // For the calls started after it; calls in flight finish against the endpoint they began on.
    void setEndpoint(Endpoint endpoint);

    struct Options
    {
        std::chrono::milliseconds timeout{30000};
        int retries = 3;                             // extra attempts of idempotent calls
        std::chrono::milliseconds firstBackoff{500}; // doubled per attempt
        int pageSize = 100;                          // listAllFlags' page, one request each
    };
    void setOptions(const Options &options) { m_options = options; }
    const Options &options() const { return m_options; }

    // Calls in flight, for a status bar.
    int runningCalls() const;

    // --- the 19 endpoints of /api/projects/:project_id/feature_flags/ ---
    PendingCall *listFlags(const FlagListQuery &query, int offset, int limit,
                           const QObject *context, Callback<Page<FeatureFlag>> done);
    PendingCall *createFlag(const QJsonObject &flag, const QObject *context,
                            Callback<FeatureFlag> done);
    PendingCall *getFlag(qint64 id, const QObject *context, Callback<FeatureFlag> done);
    // PATCH with only the fields to change; include "version" to be told (409) when someone
    // else changed the flag in between.
    PendingCall *updateFlag(qint64 id, const QJsonObject &changes, const QObject *context,
                            Callback<FeatureFlag> done);
    // PostHog answers 405 (deletion is updateFlag({"deleted": true})); kept for completeness.
    PendingCall *deleteFlag(qint64 id, const QObject *context, Callback<Done> done);
    PendingCall *flagActivity(qint64 id, int page, int limit, const QObject *context,
                              Callback<Page<ActivityEntry>> done);
    // The new static cohort (the `cohort` of PostHog's answer).
    PendingCall *createStaticCohortForFlag(qint64 id, const QObject *context,
                                           Callback<QJsonObject> done);
    // PostHog answers only {"success": true}; the call then reads the flag back, so `done` gets
    // it with its new usage_dashboard.
    PendingCall *createUsageDashboard(qint64 id, const QObject *context,
                                      Callback<FeatureFlag> done);
    PendingCall *dependentFlags(qint64 id, const QObject *context, Callback<QList<FlagRef>> done);
    PendingCall *enrichUsageDashboard(qint64 id, const QObject *context,
                                      Callback<QJsonObject> done);
    // The payload as stored (usually JSON text, which SDKs parse themselves); null for none.
    PendingCall *remoteConfig(qint64 id, const QObject *context, Callback<QJsonValue> done);
    PendingCall *flagStatus(qint64 id, const QObject *context, Callback<FlagStatus> done);
    // POST :id/test_evaluation with {"distinct_id", "person_properties", "groups", ...}.
    PendingCall *testEvaluation(qint64 id, const QJsonObject &request, const QObject *context,
                                Callback<QJsonObject> done);
    // The flag as it was; PostHog names a version's authors by id only, so createdBy and
    // lastModifiedBy carry just that id, and updatedAt is the version's timestamp.
    PendingCall *flagVersion(qint64 id, int version, const QObject *context,
                             Callback<FeatureFlag> done);
    PendingCall *projectActivity(int page, int limit, const QObject *context,
                                 Callback<Page<ActivityEntry>> done);
    PendingCall *bulkDelete(const QList<qint64> &ids, const QObject *context,
                            Callback<BulkDeleteResult> done);
    // POST bulk_keys: flag id -> key for the ids given.
    PendingCall *bulkKeys(const QList<qint64> &ids, const QObject *context,
                          Callback<QHash<qint64, QString>> done);
    enum class TagAction { Add, Remove, Set };
    PendingCall *bulkUpdateTags(const QList<qint64> &ids, TagAction action, const QStringList &tags,
                                const QObject *context, Callback<BulkTagsResult> done);
    // GET evaluation_reasons?distinct_id=...: flag key -> {value, evaluation: {reason, ...}}.
    PendingCall *evaluationReasons(const QString &distinctId, const QJsonObject &groups,
                                   const QObject *context, Callback<QJsonObject> done);

    // --- what the app needs beyond the flag endpoints ---
    PendingCall *listPersons(const QString &search, int offset, int limit, const QObject *context,
                             Callback<Page<QJsonObject>> done);
    PendingCall *listCohorts(int offset, int limit, const QObject *context,
                             Callback<Page<QJsonObject>> done);
    // With every tile's result, computed by PostHog when its cache has none (refresh=blocking).
    PendingCall *getDashboard(qint64 id, const QObject *context, Callback<QJsonObject> done);
    PendingCall *listGroupTypes(const QObject *context, Callback<QList<GroupType>> done);
    // GET /api/projects/:project/: with "@current", the project of the key, and its public token.
    PendingCall *currentProject(const QObject *context, Callback<Project> done);
    // The SDKs' remote evaluation, POST /flags/?v=2 at the host's root with the project's public
    // `token` (see currentProject()): every flag for a person, with properties sent over the
    // stored ones, which evaluation_reasons cannot take. Not repeated on failure, being a POST,
    // though it changes nothing.
    PendingCall *sdkFlags(const QString &token, const SdkFlagsRequest &request,
                          const QObject *context, Callback<SdkFlags> done);

    // Every page of a list, one call after another; `progress` after each page (loaded, count).
    PendingCall *listAllFlags(const FlagListQuery &query, const QObject *context,
                              std::function<void(int loaded, int count)> progress,
                              Callback<QList<FeatureFlag>> done);

Q_SIGNALS:
    // A call started or ended: for progress in a status bar.
    void runningCallsChanged(int running);

private:
    class Call;
    friend class Call;
    struct Request;

    Call *startCall(const QString &description, const QObject *context,
                    std::function<void(const ApiError &)> failure);
    void callEnded(Call *call);
    // One request, its answer read by `read` (which throws answers::InvalidAnswer) for `done`.
    template<typename T>
    PendingCall *run(const Request &request, const QString &description, const QObject *context,
                     std::type_identity_t<std::function<T(const QJsonValue &)>> read,
                     Callback<T> done);
    Request flagListRequest(const FlagListQuery &query, int offset, int limit) const;
    void loadFlagPages(Call *call, const FlagListQuery &query, QList<FeatureFlag> loaded,
                       const std::function<void(int, int)> &progress,
                       const Callback<QList<FeatureFlag>> &done);

    Endpoint m_endpoint;
    Options m_options;
    QNetworkAccessManager *m_network = nullptr;
    QList<Call *> m_calls;
    bool m_closing = false;
};

} // namespace bunting::api
