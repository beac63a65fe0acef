// Client::sdkFlags and Client::currentProject on the wire, against canned answers in PostHog's
// own words: what the app sends to evaluate every flag with made-up properties, and how it reads
// the flags service's answer.
#include "await_call.h"
#include "canned_http_server.h"
#include "client.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::api;

namespace {

Endpoint endpointOf(const CannedServer &server)
{
    return {QUrl(u"http://127.0.0.1:%1"_s.arg(server.port())), u"@current"_s, u"phx_personal"_s};
}

// An answer of PostHog's flags service (rust/feature-flags FlagsResponse, camelCase at the top,
// snake_case inside), as the spec's section "Wire formats" quotes it. (No escaped quote in it:
// moc misreads one inside a raw string, and then finds no class in the file.)
const QByteArray flagsAnswer = R"({
    "errorsWhileComputingFlags": false,
    "flags": {
        "for-pros": {"key": "for-pros", "enabled": true, "variant": null,
            "reason": {"code": "condition_match", "condition_index": 1,
                       "description": "Matched condition set 2"},
            "metadata": {"id": 12, "version": 3, "description": null,
                         "payload": "[1, 2]"}},
        "colour": {"key": "colour", "enabled": true, "variant": "blue",
            "reason": {"code": "condition_match", "condition_index": 0,
                       "description": "Matched condition set 1"},
            "metadata": {"id": 13, "version": 1, "description": null, "payload": null}},
        "nobody": {"key": "nobody", "enabled": false, "variant": null,
            "reason": {"code": "no_condition_match", "condition_index": null,
                       "description": "No matching condition set"},
            "metadata": {"id": 14, "version": 1, "description": null, "payload": null}}
    },
    "requestId": "0b6f7c2e-8d1a-4a36-9f7e-2f1c3b9f1a55",
    "evaluatedAt": 1737312368000
})";

} // namespace

class TestSdkFlagsCall : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sendsWhatTheSdksSend();
    void readsEveryFlag();
    void flagsThatAreNotAnObjectAreNoAnswer();
    void aQuotaLimitedAnswerIsNoAnswer();
    void currentProjectGivesItsToken();
    void aProjectWithoutTokenReadsAsEmpty();
};

// PostHog's rule pinned here: remote evaluation is POST {host}/flags/?v=2 at the host's root
// (not under /api/projects/), authenticated by the project's public token in the JSON body
// (`token`), with `distinct_id`, `groups`, `person_properties` and `group_properties` as
// @posthog/core's getFlags sends them; the personal API key is not the flags service's and is
// not sent.
void TestSdkFlagsCall::sendsWhatTheSdksSend()
{
    CannedServer server(httpResponse("200 OK", "application/json", flagsAnswer));
    Client client(endpointOf(server));
    SdkFlagsRequest request;
    request.distinctId = u"carol"_s;
    request.groups = {{u"company"_s, u"acme"_s}};
    request.personProperties = {{u"plan"_s, u"pro"_s}};
    request.groupProperties = {{u"company"_s, QJsonObject{{u"seats"_s, 50}}}};
    const auto answer = await<SdkFlags>(
        [&](auto done) { return client.sdkFlags(u"phc_public"_s, request, this, done); });
    QVERIFY2(answer.ok(), why(answer));

    const QByteArray sent = server.request();
    QVERIFY2(sent.startsWith("POST /flags/?v=2 HTTP/1.1\r\n"), sent.left(60).constData());
    QVERIFY(!sent.toLower().contains("authorization:"));
    QVERIFY(sent.toLower().contains("content-type: application/json"));
    const QJsonObject body = QJsonDocument::fromJson(server.requestBody()).object();
    QCOMPARE(body.value("token"_L1), QJsonValue(u"phc_public"_s));
    QCOMPARE(body.value("distinct_id"_L1), QJsonValue(u"carol"_s));
    QCOMPARE(body.value("groups"_L1).toObject(), request.groups);
    QCOMPARE(body.value("person_properties"_L1).toObject(), request.personProperties);
    QCOMPARE(body.value("group_properties"_L1).toObject(), request.groupProperties);
    // Every flag, whichever SDKs it is kept to.
    QCOMPARE(body.value("evaluation_runtime"_L1), QJsonValue(u"all"_s));
    QVERIFY(!body.contains("flag_keys_to_evaluate"_L1));
}

// PostHog's rule pinned here: each flag of `flags` has `enabled`, `variant` (null for a boolean
// flag), `reason {code, condition_index, description}` and `metadata.payload` (the stored JSON
// text); the value is the variant when there is one, else `enabled`.
void TestSdkFlagsCall::readsEveryFlag()
{
    CannedServer server(httpResponse("200 OK", "application/json", flagsAnswer));
    Client client(endpointOf(server));
    const auto answer = await<SdkFlags>([&](auto done) {
        return client.sdkFlags(u"phc_public"_s, {u"carol"_s, {}, {}, {}}, this, done);
    });
    QVERIFY2(answer.ok(), why(answer));
    QVERIFY(!answer->errorsWhileComputingFlags);
    QCOMPARE(answer->flags.size(), 3);
    QHash<QString, SdkFlag> byKey;
    for (const SdkFlag &flag : answer->flags)
        byKey.insert(flag.key, flag);

    const SdkFlag pros = byKey.value(u"for-pros"_s);
    QCOMPARE(pros.value(), QJsonValue(true));
    QCOMPARE(pros.reasonCode, u"condition_match"_s);
    QCOMPARE(pros.conditionIndex.value_or(-1), 1);
    QCOMPARE(pros.reasonDescription, u"Matched condition set 2"_s);
    QCOMPARE(pros.payload, QJsonValue(u"[1, 2]"_s)); // JSON text, as stored

    const SdkFlag colour = byKey.value(u"colour"_s);
    QCOMPARE(colour.variant, u"blue"_s);
    QCOMPARE(colour.value(), QJsonValue(u"blue"_s));
    QCOMPARE(colour.payload, QJsonValue(QJsonValue::Null));

    const SdkFlag nobody = byKey.value(u"nobody"_s);
    QCOMPARE(nobody.value(), QJsonValue(false));
    QCOMPARE(nobody.reasonCode, u"no_condition_match"_s);
    QVERIFY(!nobody.conditionIndex);
}

// As @posthog/core: a `flags` field that is not an object makes the whole answer a failure.
void TestSdkFlagsCall::flagsThatAreNotAnObjectAreNoAnswer()
{
    CannedServer server(httpResponse("200 OK", "application/json",
                                     R"({"flags": [], "errorsWhileComputingFlags": false})"));
    Client client(endpointOf(server));
    const auto answer = await<SdkFlags>([&](auto done) {
        return client.sdkFlags(u"phc_public"_s, {u"carol"_s, {}, {}, {}}, this, done);
    });
    QVERIFY(!answer.ok());
    QCOMPARE(answer.error().kind, ApiError::Kind::InvalidResponse);
}

// As @posthog/core: "quotaLimited" naming feature_flags means no flag was evaluated, so the
// (empty) flags must not read as everything off.
void TestSdkFlagsCall::aQuotaLimitedAnswerIsNoAnswer()
{
    CannedServer server(
        httpResponse("200 OK", "application/json",
                     R"({"flags": {}, "quotaLimited": ["feature_flags"], "requestId": "x"})"));
    Client client(endpointOf(server));
    const auto answer = await<SdkFlags>([&](auto done) {
        return client.sdkFlags(u"phc_public"_s, {u"carol"_s, {}, {}, {}}, this, done);
    });
    QVERIFY(!answer.ok());
    QVERIFY2(answer.error().message().contains(u"quota"_s), why(answer));
}

// PostHog's rule pinned here: GET /api/projects/@current/ (TeamSerializer) answers the project of
// the personal key with its public `api_token`.
void TestSdkFlagsCall::currentProjectGivesItsToken()
{
    CannedServer server(httpResponse(
        "200 OK", "application/json",
        R"({"id": 2, "uuid": "0188a1b2-0000-0000-0000-000000000000", "organization": "0188a1b2",
            "api_token": "phc_public", "name": "Default project", "timezone": "UTC"})"));
    Client client(endpointOf(server));
    const auto project =
        await<Project>([&](auto done) { return client.currentProject(this, done); });
    QVERIFY2(project.ok(), why(project));
    QCOMPARE(project->id, qint64(2));
    QCOMPARE(project->apiToken, u"phc_public"_s);
    QCOMPARE(project->name, u"Default project"_s);
    QVERIFY2(server.request().startsWith("GET /api/projects/@current/ HTTP/1.1\r\n"),
             server.request().left(60).constData());
    QVERIFY(server.request().contains("Authorization: Bearer phx_personal"));
}

void TestSdkFlagsCall::aProjectWithoutTokenReadsAsEmpty()
{
    CannedServer server(httpResponse("200 OK", "application/json", R"({"id": 2, "name": "P"})"));
    Client client(endpointOf(server));
    const auto project =
        await<Project>([&](auto done) { return client.currentProject(this, done); });
    QVERIFY2(project.ok(), why(project));
    QVERIFY(project->apiToken.isEmpty());
}

QTEST_GUILESS_MAIN(TestSdkFlagsCall)
#include "tst_sdk_flags_call.moc"
