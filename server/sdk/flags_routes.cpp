// The SDKs' remote evaluation: POST /flags/?v=2 (posthog-js adds &config=true) and the older
// POST /decide/?v=3|4, answered from the project's snapshot with no SQL but the (cached) person
// and group lookups.
#include "http/json_writer.h"
#include "http/router.h"
#include "sdk/project_snapshot.h"
#include "sdk/remote_config.h"
#include "sdk/request_body.h"
#include "sdk/subject_cache.h"
#include "sdk_id.h"
#include "services.h"
#include "stored_properties.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSet>
#include <QUuid>
#include <optional>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// What PostHog's flags service answers, by endpoint and `v` (its get_versioned_response):
// /flags v2+ and /decide v4+ {flags: {...}}; /flags v1 and /decide v3 {featureFlags: every
// flag's value, featureFlagPayloads}; /decide v2 {featureFlags: the enabled flags' values};
// /decide v1, no v or any other v {featureFlags: [the enabled flags' keys]}.
enum class Shape { Flags, Legacy, DecideV2, DecideV1 };

Shape decideShape(int version)
{
    if (version >= 4)
        return Shape::Flags;
    if (version == 3)
        return Shape::Legacy;
    if (version == 2)
        return Shape::DecideV2;
    return Shape::DecideV1;
}
enum class Runtime { Unknown, All, Client, Server };

ApiError tokenError(const QString &detail)
{
    return {401, u"authentication_error"_s, u"invalid_api_key"_s, detail};
}

QJsonObject optionalObject(const QJsonObject &body, const QString &name)
{
    const QJsonValue value = body.value(name);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isObject())
        throw ApiError::validation(u"invalid_input"_s, u"%1 must be an object."_s.arg(name), name);
    return value.toObject();
}

Runtime parseRuntime(const QString &text)
{
    // The stored values are almost always written in lower case already: no copy for them.
    if (text == "all"_L1)
        return Runtime::All;
    if (text == "client"_L1)
        return Runtime::Client;
    if (text == "server"_L1)
        return Runtime::Server;
    const QString lower = text.toLower();
    if (lower == "client"_L1)
        return Runtime::Client;
    if (lower == "server"_L1)
        return Runtime::Server;
    return Runtime::All; // PostHog reads an unknown value as "all"
}

// As PostHog's flags service: the runtime the request states, else what its User-Agent and
// browser headers suggest, else unknown.
Runtime requestRuntime(const ApiRequest &r, const QJsonObject &body)
{
    const QJsonValue stated = body.value("evaluation_runtime"_L1);
    if (stated.isString())
        return parseRuntime(stated.toString());
    const QByteArray agent = r.header("user-agent");
    if (!agent.isEmpty()) {
        for (const char *browser : {"Mozilla/", "Chrome/", "Safari/", "Firefox/", "Edge/"})
            if (agent.contains(browser))
                return Runtime::Client;
        for (const char *server :
             {"posthog-python/", "posthog-ruby/", "posthog-php/", "posthog-java/", "posthog-go/",
              "posthog-node/", "posthog-dotnet/", "posthog-elixir/"})
            if (agent.startsWith(server))
                return Runtime::Server;
        if (agent.contains("python-requests/") || agent.contains("curl/"))
            return Runtime::Server;
        for (const char *mobile :
             {"posthog-android/", "posthog-ios/", "posthog-react-native/", "posthog-flutter/"})
            if (agent.startsWith(mobile))
                return Runtime::Client;
    }
    for (const char *header : {"origin", "referer", "sec-fetch-mode", "sec-fetch-site"})
        if (r.headers.contains(header))
            return Runtime::Client;
    return Runtime::Unknown;
}

bool runtimeAllows(Runtime current, const FeatureFlag &flag)
{
    if (current == Runtime::All)
        return true;
    const Runtime required =
        flag.evaluationRuntime.isEmpty() ? Runtime::All : parseRuntime(flag.evaluationRuntime);
    return required == Runtime::All || required == current;
}

QStringList stringList(const QJsonValue &value, const QString &name)
{
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isArray())
        throw ApiError::validation(u"invalid_input"_s, u"%1 must be a list of strings."_s.arg(name),
                                   name);
    QStringList list;
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString())
            throw ApiError::validation(u"invalid_input"_s,
                                       u"%1 must be a list of strings."_s.arg(name), name);
        list.append(item.toString());
    }
    return list;
}

bool contextsAllow(const QStringList &requested, const FeatureFlag &flag)
{
    if (requested.isEmpty() || flag.evaluationContexts.isEmpty())
        return true;
    for (const QString &context : flag.evaluationContexts)
        if (requested.contains(context))
            return true;
    return false;
}

QString requestToken(const ApiRequest &r, const QJsonObject &body)
{
    for (const char *name : {"token", "api_key", "$token"}) {
        const QJsonValue value = body.value(QLatin1StringView(name));
        if (value.isString() && !value.toString().isEmpty())
            return value.toString();
    }
    for (const QString &name : {u"token"_s, u"api_key"_s}) {
        const QString value = r.queryValue(name);
        if (!value.isEmpty())
            return value;
    }
    return {};
}

// `storedUnread` is set when the database did not answer for the person's or a group's stored
// properties (failFlagsNeedingStored then says which flags could not be evaluated).
EvaluationContext buildContext(qint64 projectId, const ProjectSnapshot &snapshot,
                               SubjectCache &subjects, const QJsonObject &body,
                               const QString &distinctId, bool *storedUnread)
{
    EvaluationContext context;
    context.distinctId = distinctId;
    try {
        const auto stored = subjects.person(projectId, distinctId);
        context.personProperties =
            PropertyMap(stored->person ? stored->person->properties : QJsonObject());
        context.staticCohorts = stored->staticCohorts;
    } catch (const DatabaseUnavailable &) {
        *storedUnread = true;
    }
    context.personProperties.overlay(optionalObject(body, u"person_properties"_s));

    const QString deviceId = sdkIdText(body.value("$device_id"_L1));
    if (!deviceId.isEmpty())
        context.deviceId = deviceId;
    context.anonDistinctId = sdkIdText(body.value("$anon_distinct_id"_L1));

    const QJsonObject groups = optionalObject(body, u"groups"_s);
    const QJsonObject groupProperties = optionalObject(body, u"group_properties"_s);
    QHash<QString, int> indexByType;
    const QHash<int, QString> &groupTypes = snapshot.engine->groupTypeMapping();
    for (auto it = groupTypes.cbegin(); it != groupTypes.cend(); ++it)
        indexByType.insert(it.value(), it.key());
    for (auto it = groups.constBegin(); it != groups.constEnd(); ++it) {
        const QString key = sdkIdText(it.value());
        if (key.isEmpty())
            continue;
        context.groups.insert(it.key(), key);
        QJsonObject storedProperties;
        if (const auto index = indexByType.constFind(it.key()); index != indexByType.cend()) {
            try {
                storedProperties = subjects.group(projectId, *index, key).value_or(QJsonObject());
            } catch (const DatabaseUnavailable &) {
                *storedUnread = true;
            }
        }
        PropertyMap properties(storedProperties);
        properties.overlay(groupProperties.value(it.key()).toObject());
        context.groupProperties.insert(it.key(), std::move(properties));
    }
    return context;
}

// A random (version 4) UUID for the answer. QUuid::createUuid() asks the kernel for entropy on
// every call; an id that only tells requests apart needs no more than the global generator.
QString requestId()
{
    quint64 bits[2];
    QRandomGenerator::global()->fillRange(bits);
    auto *bytes = reinterpret_cast<uchar *>(bits);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    return QUuid::fromRfc4122(QByteArrayView(bytes, 16)).toString(QUuid::WithoutBraces);
}

// The `reason` object of one answer, {code, condition_index, description}: it depends only on
// the reason and the condition, so each one is written once and copied into every answer.
class ReasonFragments
{
public:
    ReasonFragments()
    {
        for (int reason = 0; reason <= int(MatchReason::MissingDependency); ++reason) {
            m_text[reason][0] = write(MatchReason(reason), std::nullopt);
            for (int index = 0; index < indexes; ++index)
                m_text[reason][index + 1] = write(MatchReason(reason), index);
        }
    }

    static QByteArray write(MatchReason reason, std::optional<int> conditionIndex)
    {
        JsonWriter w(128);
        w.beginObject();
        w.key("code"_L1).value(reasonCode(reason));
        if (conditionIndex)
            w.key("condition_index"_L1).value(*conditionIndex);
        else
            w.key("condition_index"_L1).null();
        w.key("description"_L1).value(reasonDescription(reason, conditionIndex));
        w.endObject();
        return w.take();
    }

    // Empty for a condition index beyond the table.
    QByteArrayView find(MatchReason reason, std::optional<int> conditionIndex) const
    {
        const int slot = conditionIndex ? *conditionIndex + 1 : 0;
        if (int(reason) < 0 || int(reason) > int(MatchReason::MissingDependency) || slot < 0 ||
            slot > indexes)
            return {};
        return m_text[int(reason)][slot];
    }

private:
    static constexpr int indexes = 32; // conditions per flag the table covers
    QByteArray m_text[int(MatchReason::MissingDependency) + 1][indexes + 1];
};

void writeReason(JsonWriter &w, const EvaluationResult &result)
{
    static const ReasonFragments fragments;
    const QByteArrayView text = fragments.find(result.reason, result.conditionIndex);
    if (!text.isEmpty())
        w.json(text);
    else
        w.json(ReasonFragments::write(result.reason, result.conditionIndex));
}

// `keyJson`: the flag's key, already a JSON string. A flag that `failed` is written as PostHog's
// flags service writes one it could not evaluate because its database did not answer.
void writeFlagDetail(JsonWriter &w, QByteArrayView keyJson, const EvaluationResult &result,
                     bool failed)
{
    w.beginObject();
    w.key("key"_L1).json(keyJson);
    w.key("enabled"_L1).value(result.value.enabled);
    if (result.value.variant.isEmpty())
        w.key("variant"_L1).null();
    else
        w.key("variant"_L1).value(result.value.variant);
    if (failed) {
        w.key("failed"_L1).value(true);
        w.key("reason"_L1).beginObject();
        w.key("code"_L1).value(u"database_error"_s);
        w.key("condition_index"_L1).null();
        w.key("description"_L1).value(u"Database connection error during evaluation"_s);
        w.endObject();
    } else {
        writeReason(w.key("reason"_L1), result);
    }
    // The payload as stored (a JSON-encoded string, as PostHog keeps it): the SDKs parse it.
    w.key("metadata"_L1).beginObject();
    w.key("id"_L1).value(result.flagId);
    w.key("version"_L1).value(result.flagVersion);
    w.key("description"_L1).null();
    w.key("payload"_L1).value(result.payload);
    w.endObject();
    w.endObject();
}

// posthog-js reads its remote config beside the flags when it asks with `&config=true`.
void writeConfig(JsonWriter &w, const ProjectSnapshot &snapshot)
{
    const QJsonObject config = sdkRemoteConfig(snapshot);
    for (auto it = config.begin(); it != config.end(); ++it)
        w.key(it.key()).value(it.value());
    w.key("toolbarParams"_L1).value(QJsonValue(QJsonObject()));
    w.key("isAuthenticated"_L1).value(false);
}

// What an SDK asked: of which project, for whom, and which of its flags.
struct SdkQuestion
{
    std::shared_ptr<const ProjectSnapshot> snapshot;
    QString distinctId;
    Runtime runtime = Runtime::All;
    QStringList contexts;
    std::optional<QStringList> onlyKeys; // flag_keys_to_evaluate, in the order sent
    QJsonObject body;
};

SdkQuestion parseQuestion(ApiRequest &r, Services &s)
{
    SdkQuestion q;
    q.body = sdkRequestObject(r);
    const QString token = requestToken(r, q.body);
    if (token.isEmpty())
        throw tokenError(
            u"No API token provided. Please include a valid API token in your request."_s);
    q.snapshot = s.snapshots.byToken(token);
    if (!q.snapshot)
        throw tokenError(u"The provided API key is invalid or has expired. Please check your API "
                         "key and try again."_s);

    const QJsonValue distinctValue = q.body.value("distinct_id"_L1);
    if (distinctValue.isUndefined() || distinctValue.isNull())
        throw ApiError::validation(u"required"_s,
                                   u"The distinct_id field is missing from the request. Please "
                                   "include a valid identifier."_s,
                                   u"distinct_id"_s);
    q.distinctId = sdkIdText(distinctValue);
    if (q.distinctId.trimmed().isEmpty())
        throw ApiError::validation(u"invalid_input"_s,
                                   u"The distinct_id field cannot be empty. Please provide a "
                                   "valid identifier."_s,
                                   u"distinct_id"_s);

    q.runtime = requestRuntime(r, q.body);
    q.contexts = stringList(q.body.value("evaluation_contexts"_L1), u"evaluation_contexts"_s);
    if (q.contexts.isEmpty()) // the name before the rename
        q.contexts =
            stringList(q.body.value("evaluation_environments"_L1), u"evaluation_environments"_s);
    const QJsonValue keysValue = q.body.value("flag_keys_to_evaluate"_L1);
    if (keysValue.isArray())
        q.onlyKeys = stringList(keysValue, u"flag_keys_to_evaluate"_s);
    return q;
}

// The flags the answer holds, as indexes into the project's engine: those named (in the order
// named) or all, in definition order. Inactive flags are left out as deleted ones are: PostHog's
// flags service skips both before matching, so an SDK never hears of them.
QList<qsizetype> selectFlags(const CompiledProject &engine, const SdkQuestion &q)
{
    const auto wanted = [&](const FeatureFlag &flag) {
        return flag.active && !flag.deleted && runtimeAllows(q.runtime, flag) &&
               contextsAllow(q.contexts, flag);
    };
    QList<qsizetype> indexes;
    if (q.onlyKeys) {
        // A set beside the list: a client may name the same keys many thousand times.
        QSet<qsizetype> taken;
        for (const QString &key : *q.onlyKeys) {
            const qsizetype index = engine.indexOfKey(key);
            if (index >= 0 && wanted(engine.flag(index)) && !taken.contains(index)) {
                taken.insert(index);
                indexes.append(index);
            }
        }
    } else {
        indexes.reserve(engine.flagCount());
        for (qsizetype i = 0; i < engine.flagCount(); ++i)
            if (wanted(engine.flag(i)))
                indexes.append(i);
    }
    return indexes;
}

struct SdkAnswer
{
    QList<EvaluationResult> results;
    bool errors = false;    // errorsWhileComputingFlags
    QSet<qsizetype> failed; // flag indexes answered as not evaluated
};

// The stored person or group could not be read: as PostHog does, each flag that needed them
// (needsStoredProperties) is answered false and marked failed, and the others stand.
void failFlagsNeedingStored(SdkAnswer &answer, const CompiledProject &engine,
                            const QJsonObject &sentPersonProperties)
{
    answer.errors = true;
    for (EvaluationResult &result : answer.results) {
        if (!needsStoredProperties(engine.flag(result.flagIndex), sentPersonProperties))
            continue;
        result.value = FlagValue{};
        result.payload = QJsonValue::Undefined;
        answer.failed.insert(result.flagIndex);
    }
}

SdkAnswer evaluateFlags(const CompiledProject &engine, const QList<qsizetype> &indexes,
                        const EvaluationContext &context)
{
    SdkAnswer answer;
    try {
        answer.results = engine.evaluate(indexes, context);
    } catch (const std::exception &) {
        // As PostHog's service does when evaluation fails: no flags, and the SDK is told.
        answer.errors = true;
    }
    return answer;
}

ApiResponse writeAnswer(const ApiRequest &r, const ProjectSnapshot &snapshot, Shape shape,
                        const SdkAnswer &answer)
{
    const QList<EvaluationResult> &results = answer.results;
    // The flag's key as JSON text: escaped once per snapshot rather than twice per answer.
    const auto keyJson = [&](const EvaluationResult &result) {
        return result.flagIndex < snapshot.flagKeysJson.size()
                   ? snapshot.flagKeysJson[result.flagIndex]
                   : JsonWriter::encode(result.key);
    };
    JsonWriter w(1024 + results.size() * 256);
    w.beginObject();
    if (shape == Shape::Flags) {
        w.key("flags"_L1).beginObject();
        for (const EvaluationResult &result : results) {
            const QByteArray key = keyJson(result);
            writeFlagDetail(w.encodedKey(key), key, result,
                            answer.failed.contains(result.flagIndex));
        }
        w.endObject();
    } else if (shape == Shape::Legacy) {
        w.key("featureFlags"_L1).beginObject();
        for (const EvaluationResult &result : results)
            w.encodedKey(keyJson(result)).value(result.value.toJson());
        w.endObject();
        w.key("featureFlagPayloads"_L1).beginObject();
        for (const EvaluationResult &result : results)
            if (result.value.enabled && !result.payload.isUndefined())
                w.encodedKey(keyJson(result)).value(result.payload);
        w.endObject();
    } else if (shape == Shape::DecideV2) {
        w.key("featureFlags"_L1).beginObject();
        for (const EvaluationResult &result : results)
            if (result.value.enabled)
                w.encodedKey(keyJson(result)).value(result.value.toJson());
        w.endObject();
    } else {
        w.key("featureFlags"_L1).beginArray();
        for (const EvaluationResult &result : results)
            if (result.value.enabled)
                w.json(keyJson(result));
        w.endArray();
    }
    // PostHog's two oldest shapes have no such field.
    if (shape == Shape::Flags || shape == Shape::Legacy)
        w.key("errorsWhileComputingFlags"_L1).value(answer.errors);
    w.key("requestId"_L1).value(requestId());
    w.key("evaluatedAt"_L1).value(QDateTime::currentMSecsSinceEpoch());
    if (r.queryValue(u"config"_s) == "true"_L1)
        writeConfig(w, snapshot);
    w.endObject();
    ApiResponse response;
    response.body = w.take();
    return response;
}

ApiResponse evaluateForSdk(ApiRequest &r, Services &s, Shape shape)
{
    const SdkQuestion question = parseQuestion(r, s);
    const ProjectSnapshot &snapshot = *question.snapshot;
    bool storedUnread = false;
    const EvaluationContext context =
        buildContext(snapshot.projectId, snapshot, s.subjects, question.body, question.distinctId,
                     &storedUnread);
    const CompiledProject &engine = *snapshot.engine;
    SdkAnswer answer = evaluateFlags(engine, selectFlags(engine, question), context);
    if (storedUnread)
        failFlagsNeedingStored(answer, engine,
                               optionalObject(question.body, u"person_properties"_s));
    return writeAnswer(r, snapshot, shape, answer);
}

int versionParam(const ApiRequest &r)
{
    bool ok = false;
    const int version = r.queryValue(u"v"_s).toInt(&ok);
    return ok ? version : 0;
}

} // namespace

void addSdkFlagRoutes(Router &router, Services &services)
{
    Services &s = services;
    // /flags answers v2 and later with {flags}, v1 (or no version) in the older maps.
    router.add(HttpMethod::Post, u"/flags"_s, RouteAccess::sdkConcurrent(), [&s](ApiRequest &r) {
        return evaluateForSdk(r, s, versionParam(r) >= 2 ? Shape::Flags : Shape::Legacy);
    });
    // /decide answers v4 as /flags v2 does, v3 in the maps, v2 and v1 in PostHog's older shapes.
    router.add(HttpMethod::Post, u"/decide"_s, RouteAccess::sdkConcurrent(),
               [&s](ApiRequest &r) { return evaluateForSdk(r, s, decideShape(versionParam(r))); });
}

} // namespace bunting::server
