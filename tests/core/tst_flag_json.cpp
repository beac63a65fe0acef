// The PostHog JSON of flags and cohorts survives a read and a write unchanged: Bunting edits flags
// it got from PostHog and writes them back, so anything it drops, defaults or reshapes on the way
// is a silent change to someone's flag (and a spurious entry in the activity log).
#include "cohort.h"
#include "feature_flag.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <limits>

using namespace Qt::StringLiterals;
using namespace bunting;

namespace {

QString compact(const QJsonValue &value)
{
    // QJsonDocument only writes arrays and objects; the brackets are cut off again.
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.mid(1, text.size() - 2));
}

QString mismatch(const QJsonValue &actual, const QJsonValue &expected)
{
    return u"\n   actual: %1\n expected: %2"_s.arg(compact(actual), compact(expected));
}

} // namespace

// QJsonValue's == compares an integer and a double as doubles, so 2^53 + 1 would equal 2^53;
// the compact text tells them apart, and also an integer that came back as a decimal.
#define COMPARE_JSON(actual, expected)                                                             \
    do {                                                                                           \
        const QJsonValue actual_ = (actual);                                                       \
        const QJsonValue expected_ = (expected);                                                   \
        QVERIFY2(actual_ == expected_ && compact(actual_) == compact(expected_),                   \
                 qPrintable(mismatch(actual_, expected_)));                                        \
    } while (false)

namespace {

QJsonObject parseObject(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("bad test data: %s in %s", qPrintable(error.errorString()), json.constData());
    return doc.object();
}

template<typename T> void checkRoundTrip(const QByteArray &json)
{
    const QJsonObject input = parseObject(json);
    COMPARE_JSON(T::fromJson(input).toJson(), input);
}

// PostHog's reference flag object (GET /api/projects/:id/feature_flags/:id), every key of it,
// with realistic values where the reference shows placeholders.
// Payloads are JSON text inside a JSON string; their quotes are written \u0022 because moc
// mis-tokenizes a backslash-quote inside a raw string literal and then misses the test class.
const QByteArray referenceFlag = QByteArrayLiteral(R"json({
    "id": 4217,
    "name": "New checkout flow",
    "key": "new-checkout-flow",
    "filters": {
        "groups": [
            {
                "properties": [
                    {"key": "email", "type": "person", "value": "@example.com",
                     "operator": "icontains"}
                ],
                "rollout_percentage": 100,
                "variant": "treatment"
            },
            {
                "properties": [
                    {"key": "$geoip_country_code", "type": "person", "value": ["DE", "FR", "NL"],
                     "operator": "exact"},
                    {"key": "id", "type": "cohort", "value": 3021}
                ],
                "rollout_percentage": 33.33,
                "variant": null,
                "description": "EU power users"
            },
            {"properties": [], "rollout_percentage": 10}
        ],
        "multivariate": {
            "variants": [
                {"key": "control", "name": "Control", "rollout_percentage": 50},
                {"key": "treatment", "name": "One-page checkout", "rollout_percentage": 50}
            ]
        },
        "payloads": {
            "control": "{\u0022button\u0022: \u0022Continue\u0022}",
            "treatment": "{\u0022button\u0022: \u0022Pay now\u0022, \u0022steps\u0022: 1}"
        },
        "aggregation_group_type_index": null
    },
    "deleted": false,
    "active": true,
    "created_by": {
        "id": 17,
        "uuid": "0189a7c2-6d3e-7b1f-9a4e-2f6c1d8b5e30",
        "distinct_id": "kG3p9sXQ2mVb7LwYzR4tN8cHfJd1aE6uO0iPqS5yTx",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "is_email_verified": true,
        "hedgehog_config": {"use_as_profile": true, "color": "blue", "accessories": ["glasses"]},
        "role_at_organization": "engineering"
    },
    "created_at": "2024-03-11T09:26:41.918273Z",
    "updated_at": "2024-05-02T16:03:12.004511Z",
    "version": 7,
    "last_modified_by": {
        "id": 23,
        "uuid": "018f3b8e-22a1-7c55-b0d4-9e1a6f7c3b12",
        "distinct_id": "Zq8wXv3Lm1Np5Rt7Ys9Ub2Vc4Wd6Xe0Yf",
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": "grace@example.com",
        "is_email_verified": false,
        "hedgehog_config": null,
        "role_at_organization": "product"
    },
    "ensure_experience_continuity": false,
    "experiment_set": [311],
    "experiment_set_metadata": [
        {"id": 311, "name": "One-page checkout", "start_date": "2024-03-12T00:00:00Z"}
    ],
    "surveys": [{"id": "018f3c1a-7d2e-7000-a1b2-c3d4e5f60718", "name": "Checkout feedback"}],
    "features": [],
    "rollback_conditions": null,
    "performed_rollback": false,
    "can_edit": true,
    "tags": ["checkout", "q2-launch"],
    "evaluation_contexts": ["web", "checkout"],
    "usage_dashboard": 1288,
    "analytics_dashboards": [1288, 1302],
    "has_enriched_analytics": true,
    "user_access_level": "editor",
    "creation_context": "feature_flags",
    "is_remote_configuration": false,
    "has_encrypted_payloads": false,
    "status": "ACTIVE",
    "evaluation_runtime": "server",
    "bucketing_identifier": "distinct_id",
    "last_called_at": "2024-05-20T11:42:07.123Z",
    "_create_in_folder": "Unfiled/Feature Flags",
    "_should_create_usage_dashboard": true,
    "is_used_in_replay_settings": false
})json");

// A cohort as GET /api/projects/:id/cohorts/:id serves it.
const QByteArray apiCohort = QByteArrayLiteral(R"json({
    "id": 3021,
    "name": "Power users",
    "description": "Checked out five times or more",
    "groups": [],
    "deleted": false,
    "filters": {
        "properties": {
            "type": "OR",
            "values": [
                {
                    "type": "AND",
                    "values": [
                        {"key": "email", "type": "person", "value": ["ada@example.com"],
                         "operator": "exact", "negation": false},
                        {"key": "id", "type": "cohort", "value": 12, "negation": true},
                        {"key": "checkout_count", "type": "person", "value": "5",
                         "operator": "gte"},
                        {"key": "checkout_completed", "type": "behavioral",
                         "value": "performed_event", "event_type": "events", "time_value": 30,
                         "time_interval": "day", "negation": false}
                    ]
                }
            ]
        }
    },
    "query": null,
    "is_calculating": false,
    "created_by": {"id": 17, "first_name": "Ada", "email": "ada@example.com"},
    "created_at": "2024-02-01T10:00:00.000000Z",
    "last_calculation": "2024-05-20T11:00:03.512345Z",
    "errors_calculating": 0,
    "count": 1523,
    "is_static": false,
    "experiment_set": [],
    "_create_in_folder": ""
})json");

} // namespace

class TestFlagJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void referenceFlag();
    void vectorFlags_data();
    void vectorFlags();
    void flagRoundTrip_data();
    void flagRoundTrip();
    void filtersRoundTrip_data();
    void filtersRoundTrip();
    void conditionRoundTrip_data();
    void conditionRoundTrip();
    void propertyFilterRoundTrip_data();
    void propertyFilterRoundTrip();
    void variantRoundTrip_data();
    void variantRoundTrip();
    void holdoutRoundTrip_data();
    void holdoutRoundTrip();
    void userRoundTrip_data();
    void userRoundTrip();
    void cohortRoundTrip_data();
    void cohortRoundTrip();
    void propertyGroupRoundTrip_data();
    void propertyGroupRoundTrip();
    void cohortIsParsed();
    void largeIds();
    void editIsVisible();
    void isMultivariate_data();
    void isMultivariate();
    void findVariant();
    void effectiveOperator_data();
    void effectiveOperator();
    void operatorNamesRoundTrip();
    void timestamps_data();
    void timestamps();
};

void TestFlagJson::referenceFlag()
{
    const QJsonObject input = parseObject(::referenceFlag);
    const FeatureFlag flag = FeatureFlag::fromJson(input);
    COMPARE_JSON(flag.toJson(), input);

    // Every key of the reference is modelled: none of it merely rides along as an extra field.
    COMPARE_JSON(flag.record.extra(), QJsonObject());
    QCOMPARE(flag.id, qint64(4217));
    QCOMPARE(flag.key, u"new-checkout-flow"_s);
    QCOMPARE(flag.filters.groups.size(), qsizetype(3));
    QCOMPARE(flag.filters.groups[1].rolloutPercentage.value_or(-1), 33.33);
    QVERIFY(flag.filters.isMultivariate());
    QVERIFY(flag.createdBy);
    QCOMPARE(flag.createdBy->email, u"ada@example.com"_s);
    QVERIFY(flag.lastModifiedBy);
    QVERIFY(flag.lastModifiedBy->hedgehogConfig.isNull());
    QCOMPARE(flag.version, 7);
    QCOMPARE(flag.experimentSet, QList<qint64>{311});
    QCOMPARE(flag.tags, (QStringList{u"checkout"_s, u"q2-launch"_s}));
    QCOMPARE(flag.usageDashboard, std::optional<qint64>(1288));
    QCOMPARE(flag.lastCalledAt, u"2024-05-20T11:42:07.123Z"_s);
    QCOMPARE(flag.createInFolder, u"Unfiled/Feature Flags"_s);
    QVERIFY(flag.shouldCreateUsageDashboard);

    // Reading the output again gives the same object: the write is also lossless.
    QCOMPARE(FeatureFlag::fromJson(flag.toJson()), flag);
}

void TestFlagJson::vectorFlags_data()
{
    QTest::addColumn<QJsonObject>("flag");
    const QDir dir(QStringLiteral(BUNTING_TEST_DATA_DIR "/vectors"));
    const QStringList files = dir.entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    QVERIFY2(!files.isEmpty(), qPrintable(u"no vectors in "_s + dir.path()));
    for (const QString &name : files) {
        QFile file(dir.filePath(name));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        const QJsonArray flags =
            QJsonDocument::fromJson(file.readAll()).object().value("flags"_L1).toArray();
        QVERIFY2(!flags.isEmpty(), qPrintable(file.fileName()));
        for (const QJsonValue &flag : flags) {
            const QString row = name + u':' + flag.toObject().value("key"_L1).toString();
            QTest::newRow(qPrintable(row)) << flag.toObject();
        }
    }
}

void TestFlagJson::vectorFlags()
{
    QFETCH(QJsonObject, flag);
    COMPARE_JSON(FeatureFlag::fromJson(flag).toJson(), flag);
}

void TestFlagJson::flagRoundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    const auto row = [](const char *name, const QByteArray &json) { QTest::newRow(name) << json; };

    row("only a key", R"({"key": "k"})");
    row("explicit nulls", R"({"id": 1, "key": "k", "name": null, "created_by": null,
        "last_modified_by": null, "last_called_at": null, "usage_dashboard": null,
        "rollback_conditions": null, "surveys": null, "features": null, "filters": null})");
    row("null scalars", R"({"key": "k", "deleted": null, "active": null, "version": null,
        "created_at": null, "updated_at": null, "status": null, "can_edit": null,
        "ensure_experience_continuity": null, "evaluation_runtime": null,
        "bucketing_identifier": null, "_create_in_folder": null})");
    row("null lists", R"({"key": "k", "tags": null, "evaluation_contexts": null,
        "experiment_set": null, "experiment_set_metadata": null, "analytics_dashboards": null})");
    row("empty strings", R"({"key": "", "name": "", "created_at": "", "updated_at": "",
        "status": "", "user_access_level": "", "creation_context": "",
        "evaluation_runtime": "", "bucketing_identifier": "", "last_called_at": "",
        "_create_in_folder": ""})");
    row("empty arrays and objects", R"({"key": "k", "filters": {}, "tags": [],
        "evaluation_contexts": [], "experiment_set": [], "experiment_set_metadata": [],
        "analytics_dashboards": [], "surveys": {}, "features": {}, "rollback_conditions": []})");
    row("defaults written out", R"({"id": 0, "key": "k", "deleted": false, "active": true,
        "version": 0, "ensure_experience_continuity": false, "performed_rollback": false,
        "can_edit": false, "has_enriched_analytics": false, "is_remote_configuration": false,
        "has_encrypted_payloads": false, "_should_create_usage_dashboard": false,
        "is_used_in_replay_settings": false})");
    row("non-defaults", R"({"id": 5, "key": "k", "deleted": true, "active": false,
        "version": 12, "ensure_experience_continuity": true, "performed_rollback": true,
        "can_edit": true, "has_enriched_analytics": true, "is_remote_configuration": true,
        "has_encrypted_payloads": true, "_should_create_usage_dashboard": true,
        "is_used_in_replay_settings": true, "usage_dashboard": 0})");
    row("unknown fields", R"({"key": "k", "from_newer_posthog": {"nested": [1, "two", null]},
        "experiment_count": 3, "_internal": null, "label": ""})");
    row("unknown fields only in nested objects", R"({"key": "k",
        "created_by": {"id": 1, "is_staff": false, "organization": {"id": "o-1"}},
        "filters": {"groups": [{"properties": [], "sticky": true}], "schema_version": 2}})");
    row("device id bucketing", R"({"key": "k", "bucketing_identifier": "device_id",
        "evaluation_runtime": "client"})");
    row("remote config", R"({"key": "k", "is_remote_configuration": true,
        "has_encrypted_payloads": true, "filters": {"groups": [{"properties": [],
        "rollout_percentage": 100}], "payloads": {"true": "{\u0022theme\u0022: \u0022dark\u0022}"}}})");
    row("rollback conditions", R"({"key": "k", "performed_rollback": false,
        "rollback_conditions": [{"threshold": 50, "threshold_type": "insight",
        "threshold_metric": {"events": [{"id": "$pageview"}]}, "operator": "lt"}]})");
}

void TestFlagJson::flagRoundTrip()
{
    QFETCH(QByteArray, json);
    checkRoundTrip<FeatureFlag>(json);
}

void TestFlagJson::filtersRoundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    const auto row = [](const char *name, const QByteArray &json) { QTest::newRow(name) << json; };

    row("empty", "{}");
    row("empty groups", R"({"groups": []})");
    row("empty payloads", R"({"groups": [], "payloads": {}})");
    row("explicit nulls", R"({"groups": null, "multivariate": null, "payloads": null,
        "aggregation_group_type_index": null, "super_groups": null, "holdout": null,
        "feature_enrollment": null})");
    row("boolean flag", R"({"groups": [{"properties": [], "rollout_percentage": 50}],
        "payloads": {"true": "{\u0022limit\u0022: 10}"}})");
    row("multivariate", R"({"groups": [{"properties": [], "rollout_percentage": 100}],
        "multivariate": {"variants": [
            {"key": "control", "name": "Control", "rollout_percentage": 50},
            {"key": "test", "rollout_percentage": 50}]},
        "payloads": {"control": "1", "test": "{\u0022a\u0022: [1, 2]}"}})");
    row("multivariate, no variants", R"({"multivariate": {"variants": []}})");
    row("multivariate, empty object", R"({"multivariate": {}})");
    row("group aggregation", R"({"aggregation_group_type_index": 0, "groups": [
        {"properties": [{"key": "plan", "type": "group", "value": "enterprise",
         "operator": "exact", "group_type_index": 0}], "rollout_percentage": 100}]})");
    row("group aggregation index 3", R"({"aggregation_group_type_index": 3, "groups": []})");
    row("early access", R"({"groups": [], "feature_enrollment": true, "super_groups": [
        {"properties": [{"key": "$feature_enrollment/k", "type": "person", "value": ["true"],
         "operator": "exact"}], "rollout_percentage": 100}]})");
    row("empty super groups", R"({"super_groups": []})");
    row("holdout", R"({"groups": [], "holdout": {"id": 9, "exclusion_percentage": 10}})");
    row("feature enrollment false", R"({"feature_enrollment": false})");
    row("unknown fields at every level", R"({
        "groups": [{"properties": [{"key": "email", "type": "person", "value": "a",
                    "operator": "exact", "x_property": 1}],
                   "rollout_percentage": 20, "x_condition": [true]}],
        "multivariate": {"variants": [{"key": "a", "rollout_percentage": 100,
                                       "x_variant": "v"}],
                         "x_multivariate": {"m": null}},
        "holdout": {"id": 2, "exclusion_percentage": 5, "x_holdout": "h"},
        "super_groups": [{"properties": [], "x_super": 0}],
        "x_filters": {"f": []}})");
}

void TestFlagJson::filtersRoundTrip()
{
    QFETCH(QByteArray, json);
    checkRoundTrip<FlagFilters>(json);
}

void TestFlagJson::conditionRoundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    const auto row = [](const char *name, const QByteArray &json) { QTest::newRow(name) << json; };

    row("empty", "{}");
    row("empty properties", R"({"properties": []})");
    row("rollout 50", R"({"properties": [], "rollout_percentage": 50})");
    row("rollout 33.33", R"({"properties": [], "rollout_percentage": 33.33})");
    row("rollout 0", R"({"properties": [], "rollout_percentage": 0})");
    row("rollout 0.01", R"({"properties": [], "rollout_percentage": 0.01})");
    row("rollout 100", R"({"properties": [], "rollout_percentage": 100})");
    row("rollout 99.999", R"({"rollout_percentage": 99.999})");
    row("explicit nulls", R"({"properties": [], "rollout_percentage": null, "variant": null,
        "aggregation_group_type_index": null, "description": null})");
    row("null properties", R"({"properties": null, "rollout_percentage": 100})");
    row("variant override", R"({"properties": [], "rollout_percentage": 100,
        "variant": "test"})");
    row("empty strings", R"({"variant": "", "description": ""})");
    row("description", R"({"properties": [], "description": "Internal users first"})");
    row("aggregation 0", R"({"aggregation_group_type_index": 0})");
    row("unknown fields", R"({"properties": [], "sort_key": "c-1",
        "x": {"deep": [{"deeper": null}]}})");
}

void TestFlagJson::conditionRoundTrip()
{
    QFETCH(QByteArray, json);
    checkRoundTrip<Condition>(json);
}

void TestFlagJson::propertyFilterRoundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    const auto row = [](const char *name, const QByteArray &json) { QTest::newRow(name) << json; };

    row("string value", R"({"key": "email", "type": "person", "value": "ada@example.com",
        "operator": "exact"})");
    row("empty string value", R"({"key": "email", "type": "person", "value": ""})");
    row("integer value", R"({"key": "age", "type": "person", "value": 42, "operator": "gt"})");
    row("negative value", R"({"key": "balance", "value": -17, "operator": "lt"})");
    row("decimal value", R"({"key": "score", "value": 0.75, "operator": "gte"})");
    row("large integer value", R"({"key": "account_id", "value": 9007199254740993})");
    row("true value", R"({"key": "beta", "type": "person", "value": true})");
    row("false value", R"({"key": "beta", "type": "person", "value": false})");
    row("null value", R"({"key": "plan", "type": "person", "value": null,
        "operator": "is_set"})");
    row("no value", R"({"key": "plan", "type": "person", "operator": "is_not_set"})");
    row("list value", R"({"key": "country", "type": "person", "value": ["DE", 1, true, null,
        1.5, ["nested"], {"o": 1}], "operator": "exact"})");
    row("empty list value", R"({"key": "country", "value": []})");
    row("object value", R"({"key": "address", "value": {"city": "Berlin", "zip": 10115,
        "tags": ["a"], "extra": null}})");
    row("empty object value", R"({"key": "address", "value": {}})");
    row("no operator", R"({"key": "email", "value": "a"})");
    row("null operator", R"({"key": "email", "value": "a", "operator": null})");
    row("unknown operator", R"({"key": "email", "value": "a", "operator": "fuzzy_match"})");
    row("negation", R"({"key": "id", "type": "cohort", "value": 7, "negation": true})");
    row("negation false", R"({"key": "id", "type": "cohort", "value": 7, "negation": false})");
    row("cohort id as string", R"({"key": "id", "type": "cohort", "value": "7",
        "operator": "in"})");
    row("group property", R"({"key": "plan", "type": "group", "value": ["pro"],
        "operator": "exact", "group_type_index": 1})");
    row("null group type index", R"({"key": "plan", "type": "group", "value": "pro",
        "group_type_index": null})");
    row("flag dependency", R"({"key": "42", "type": "flag", "value": "test",
        "operator": "flag_evaluates_to", "dependency_chain": ["base-flag", "k"],
        "label": "base-flag"})");
    row("empty dependency chain", R"({"key": "42", "type": "flag", "value": true,
        "operator": "flag_evaluates_to", "dependency_chain": []})");
    row("relative date", R"({"key": "signup", "value": "-30d", "operator": "is_date_after"})");
    row("semver", R"({"key": "$app_version", "value": "1.2.*",
        "operator": "semver_wildcard"})");
    row("unknown type", R"({"key": "q", "type": "hogql", "value": "x"})");
    row("empty type and label", R"({"key": "k", "type": "", "label": ""})");
    row("unknown fields", R"({"key": "email", "value": "a", "cohort_name": "Beta",
        "x": [{"y": null}], "z": 3.5})");
}

void TestFlagJson::propertyFilterRoundTrip()
{
    QFETCH(QByteArray, json);
    checkRoundTrip<PropertyFilter>(json);
}

void TestFlagJson::variantRoundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    const auto row = [](const char *name, const QByteArray &json) { QTest::newRow(name) << json; };

    row("integer share", R"({"key": "control", "name": "Control", "rollout_percentage": 50})");
    row("decimal share", R"({"key": "a", "rollout_percentage": 33.33})");
    row("zero share", R"({"key": "a", "rollout_percentage": 0})");
    row("empty name", R"({"key": "a", "name": "", "rollout_percentage": 100})");
    row("null name", R"({"key": "a", "name": null, "rollout_percentage": 100})");
    row("unknown fields", R"({"key": "a", "rollout_percentage": 100, "description": "d",
        "x": {"y": [1]}})");
}

void TestFlagJson::variantRoundTrip()
{
    QFETCH(QByteArray, json);
    checkRoundTrip<Variant>(json);
}

void TestFlagJson::holdoutRoundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    const auto row = [](const char *name, const QByteArray &json) { QTest::newRow(name) << json; };

    row("integer", R"({"id": 9, "exclusion_percentage": 10})");
    row("decimal", R"({"id": 9, "exclusion_percentage": 12.5})");
    row("unknown fields", R"({"id": 9, "exclusion_percentage": 0, "name": "Q3 holdout",
        "filters": [{"properties": [], "rollout_percentage": 10}]})");
}

void TestFlagJson::holdoutRoundTrip()
{
    QFETCH(QByteArray, json);
    checkRoundTrip<Holdout>(json);
}

void TestFlagJson::userRoundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    const auto row = [](const char *name, const QByteArray &json) { QTest::newRow(name) << json; };

    row("full", R"({"id": 17, "uuid": "0189a7c2-6d3e-7b1f-9a4e-2f6c1d8b5e30",
        "distinct_id": "d-17", "first_name": "Ada", "last_name": "Lovelace",
        "email": "ada@example.com", "is_email_verified": true,
        "hedgehog_config": {"color": "green"}, "role_at_organization": "engineering"})");
    row("only an id", R"({"id": 17})");
    row("id 0", R"({"id": 0})");
    row("explicit nulls", R"({"id": 17, "first_name": null, "last_name": null,
        "is_email_verified": null, "hedgehog_config": null, "role_at_organization": null})");
    row("empty strings", R"({"id": 17, "first_name": "", "last_name": "", "email": "",
        "role_at_organization": ""})");
    row("empty hedgehog", R"({"id": 17, "hedgehog_config": {}, "is_email_verified": false})");
    row("unknown fields", R"({"id": 17, "is_staff": true, "organization": {"id": "o"},
        "teams": []})");
}

void TestFlagJson::userRoundTrip()
{
    QFETCH(QByteArray, json);
    checkRoundTrip<UserBasic>(json);
}

void TestFlagJson::cohortRoundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    const auto row = [](const char *name, const QByteArray &json) { QTest::newRow(name) << json; };

    row("cohorts API", apiCohort);
    row("canonical empty group", R"({"id": 1, "name": "Everyone", "filters":
        {"properties": {}}})");
    row("empty filters", R"({"id": 1, "filters": {}})");
    row("null filters", R"({"id": 1, "filters": null})");
    row("no filters", R"({"id": 1, "name": "Imported", "is_static": true})");
    row("explicit nulls", R"({"id": 1, "name": null, "description": null, "is_static": null,
        "deleted": null})");
    row("empty strings", R"({"id": 1, "name": "", "description": ""})");
    row("nested groups", R"({"id": 2, "filters": {"properties": {"type": "AND", "values": [
        {"type": "OR", "values": [
            {"key": "plan", "type": "person", "value": "pro", "operator": "exact"},
            {"key": "plan", "type": "person", "value": "team", "operator": "exact"}]},
        {"type": "AND", "values": [
            {"key": "id", "type": "cohort", "value": 3021, "negation": true}]}]}}})");
    row("empty values", R"({"id": 3, "filters": {"properties": {"type": "AND",
        "values": []}}})");
    row("unknown fields at every level", R"({"id": 4, "x_cohort": 1,
        "filters": {"x_filters": [1], "properties": {"type": "OR", "x_group": "g", "values": [
            {"type": "AND", "x_inner": null, "values": [
                {"key": "k", "type": "person", "value": 1, "x_property": {}}]}]}}})");
}

void TestFlagJson::cohortRoundTrip()
{
    QFETCH(QByteArray, json);
    checkRoundTrip<Cohort>(json);
}

void TestFlagJson::propertyGroupRoundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    const auto row = [](const char *name, const QByteArray &json) { QTest::newRow(name) << json; };

    row("canonical empty group", "{}");
    row("and of filters", R"({"type": "AND", "values": [
        {"key": "email", "type": "person", "value": "@example.com", "operator": "icontains"},
        {"key": "beta", "type": "person", "value": [true], "operator": "exact"}]})");
    row("or of ands", R"({"type": "OR", "values": [
        {"type": "AND", "values": [{"key": "a", "type": "person", "value": 1}]},
        {"type": "AND", "values": [{"key": "b", "type": "person", "value": null,
         "operator": "is_not_set"}]}]})");
    row("empty nested group", R"({"type": "OR", "values": [{"type": "AND", "values": []}]})");
}

void TestFlagJson::propertyGroupRoundTrip()
{
    QFETCH(QByteArray, json);
    checkRoundTrip<PropertyGroup>(json);
}

void TestFlagJson::cohortIsParsed()
{
    // The round trip alone would also pass if the tree were kept as an opaque extra field.
    const Cohort cohort = Cohort::fromJson(parseObject(apiCohort));
    QCOMPARE(cohort.id, qint64(3021));
    QCOMPARE(cohort.name, u"Power users"_s);
    QVERIFY(!cohort.isStatic);
    QVERIFY(!cohort.properties.empty);
    QVERIFY(cohort.properties.isOr());
    QCOMPARE(cohort.properties.groups.size(), size_t(1));
    const PropertyGroup &inner = cohort.properties.groups.front();
    QVERIFY(!inner.isOr());
    QCOMPARE(inner.filters.size(), qsizetype(4));
    QCOMPARE(inner.filters[1].propertyType(), PropertyType::Cohort);
    QVERIFY(inner.filters[1].negation);
    QCOMPARE(inner.filters[2].effectiveOperator(), Operator::Gte);
    QCOMPARE(inner.filters[3].propertyType(), PropertyType::Other);

    const PropertyGroup empty = PropertyGroup::fromJson({});
    QVERIFY(empty.empty);
    QVERIFY(empty.groups.empty());
    QVERIFY(empty.filters.isEmpty());
}

void TestFlagJson::largeIds()
{
    // Above 2^53 a double can no longer hold every integer; ids must stay integers throughout.
    const QByteArray json = R"({"id": 9007199254740993, "key": "k",
        "created_by": {"id": 9007199254740995},
        "experiment_set": [9007199254740997, 1], "usage_dashboard": 9007199254740999,
        "analytics_dashboards": [4611686018427387904],
        "filters": {"holdout": {"id": 9223372036854775807, "exclusion_percentage": 1}}})";
    const QJsonObject input = parseObject(json);
    const FeatureFlag flag = FeatureFlag::fromJson(input);
    QCOMPARE(flag.id, Q_INT64_C(9007199254740993));
    QCOMPARE(flag.createdBy->id, Q_INT64_C(9007199254740995));
    QCOMPARE(flag.experimentSet.first(), Q_INT64_C(9007199254740997));
    QCOMPARE(flag.filters.holdout->id, std::numeric_limits<qint64>::max());
    COMPARE_JSON(flag.toJson(), input);

    const QJsonObject cohort = parseObject(R"({"id": 9007199254740993, "name": "c"})");
    COMPARE_JSON(Cohort::fromJson(cohort).toJson(), cohort);
}

void TestFlagJson::editIsVisible()
{
    const QJsonObject input = parseObject(::referenceFlag);
    FeatureFlag flag = FeatureFlag::fromJson(input);

    flag.filters.groups[0].rolloutPercentage = 25;
    QJsonObject expected = input;
    QJsonObject filters = expected.value("filters"_L1).toObject();
    QJsonArray groups = filters.value("groups"_L1).toArray();
    QJsonObject first = groups.at(0).toObject();
    first.insert("rollout_percentage"_L1, 25);
    groups.replace(0, first);
    filters.insert("groups"_L1, groups);
    expected.insert("filters"_L1, filters);
    COMPARE_JSON(flag.toJson(), expected);

    // A rollout that was null or absent in the input is written once it is set.
    for (const QByteArray &condition :
         {QByteArray(R"({"rollout_percentage": null})"), QByteArray(R"({"properties": []})")}) {
        FeatureFlag edited = FeatureFlag::fromJson(
            parseObject(R"({"key": "k", "filters": {"groups": [)" + condition + "]}}"));
        edited.filters.groups[0].rolloutPercentage = 12.5;
        const QJsonValue written = edited.toJson()
                                       .value("filters"_L1)
                                       .toObject()
                                       .value("groups"_L1)
                                       .toArray()
                                       .at(0)
                                       .toObject()
                                       .value("rollout_percentage"_L1);
        COMPARE_JSON(written, QJsonValue(12.5));
    }

    // Clearing it writes null rather than silently keeping the old 100.
    FeatureFlag cleared = FeatureFlag::fromJson(input);
    cleared.filters.groups[0].rolloutPercentage.reset();
    const QJsonValue clearedValue = cleared.toJson()
                                        .value("filters"_L1)
                                        .toObject()
                                        .value("groups"_L1)
                                        .toArray()
                                        .at(0)
                                        .toObject()
                                        .value("rollout_percentage"_L1);
    COMPARE_JSON(clearedValue, QJsonValue(QJsonValue::Null));
}

void TestFlagJson::isMultivariate_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("expected");

    QTest::newRow("no multivariate") << QByteArray("{}") << false;
    QTest::newRow("null") << QByteArray(R"({"multivariate": null})") << false;
    QTest::newRow("empty object") << QByteArray(R"({"multivariate": {}})") << false;
    QTest::newRow("no variants") << QByteArray(R"({"multivariate": {"variants": []}})") << false;
    QTest::newRow("one variant")
        << QByteArray(
               R"({"multivariate": {"variants": [{"key": "a", "rollout_percentage": 100}]}})")
        << true;
}

void TestFlagJson::isMultivariate()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, expected);
    QCOMPARE(FlagFilters::fromJson(parseObject(json)).isMultivariate(), expected);
}

void TestFlagJson::findVariant()
{
    const FlagFilters filters = FlagFilters::fromJson(parseObject(R"({"multivariate":
        {"variants": [{"key": "control", "name": "Control", "rollout_percentage": 66.67},
                      {"key": "test", "rollout_percentage": 33.33}]}})"));
    const Variant *test = filters.findVariant(u"test"_s);
    QVERIFY(test);
    QCOMPARE(test->key, u"test"_s);
    QCOMPARE(test->rolloutPercentage, 33.33);
    QVERIFY(test == &filters.variants->at(1));
    const Variant *control = filters.findVariant(u"control"_s);
    QVERIFY(control);
    QCOMPARE(control->name, u"Control"_s);
    // Variant keys are case-sensitive, as in PostHog.
    QVERIFY(!filters.findVariant(u"Control"_s));
    QVERIFY(!filters.findVariant(u"missing"_s));
    QVERIFY(!filters.findVariant(QString()));

    QVERIFY(!FlagFilters().findVariant(u"control"_s));
    QVERIFY(
        !FlagFilters::fromJson(parseObject(R"({"multivariate": null})")).findVariant(u"control"_s));
}

void TestFlagJson::effectiveOperator_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<Operator>("expected");
    QTest::addColumn<QString>("name");

    const auto row = [](const char *name, const QByteArray &json, Operator op,
                        const QString &kept) { QTest::newRow(name) << json << op << kept; };
    row("absent", R"({"key": "k", "value": "v"})", Operator::Exact, QString());
    row("null", R"({"key": "k", "value": "v", "operator": null})", Operator::Exact, QString());
    row("empty", R"({"key": "k", "value": "v", "operator": ""})", Operator::Exact, QString());
    row("exact", R"({"key": "k", "operator": "exact"})", Operator::Exact, u"exact"_s);
    row("is_not", R"({"key": "k", "operator": "is_not"})", Operator::IsNot, u"is_not"_s);
    row("icontains", R"({"key": "k", "operator": "icontains"})", Operator::Icontains,
        u"icontains"_s);
    row("semver_caret", R"({"key": "k", "operator": "semver_caret"})", Operator::SemverCaret,
        u"semver_caret"_s);
    row("not_in", R"({"key": "id", "type": "cohort", "operator": "not_in"})", Operator::NotIn,
        u"not_in"_s);
    row("flag_evaluates_to", R"({"key": "1", "type": "flag", "operator": "flag_evaluates_to"})",
        Operator::FlagEvaluatesTo, u"flag_evaluates_to"_s);
    row("unknown", R"({"key": "k", "operator": "fuzzy_match"})", Operator::Unknown,
        u"fuzzy_match"_s);
    // Operator names are case-sensitive in PostHog too.
    row("wrong case", R"({"key": "k", "operator": "EXACT"})", Operator::Unknown, u"EXACT"_s);
}

void TestFlagJson::effectiveOperator()
{
    QFETCH(QByteArray, json);
    QFETCH(Operator, expected);
    QFETCH(QString, name);
    const QJsonObject input = parseObject(json);
    const PropertyFilter filter = PropertyFilter::fromJson(input);
    QCOMPARE(filter.effectiveOperator(), expected);
    QCOMPARE(filter.op, name);
    // An unknown operator is still written back under its own name.
    COMPARE_JSON(filter.toJson(), input);
}

void TestFlagJson::operatorNamesRoundTrip()
{
    for (int i = 0; i < int(Operator::Unknown); ++i) {
        const auto op = Operator(i);
        const QString name = operatorName(op);
        QVERIFY2(!name.isEmpty(), qPrintable(QString::number(i)));
        QCOMPARE(operatorFromName(name), op);
    }
    QVERIFY(operatorName(Operator::Unknown).isEmpty());
}

void TestFlagJson::timestamps_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");
    QTest::addColumn<QString>("formatted");

    const QDate day(2024, 1, 2);
    const auto utc = [&](int h, int m, int s, int ms) {
        return QDateTime(day, QTime(h, m, s, ms), Qt::UTC);
    };
    QTest::newRow("posthog microseconds")
        << u"2024-01-02T03:04:05.123456Z"_s << utc(3, 4, 5, 123) << u"2024-01-02T03:04:05.123Z"_s;
    QTest::newRow("milliseconds") << u"2024-01-02T03:04:05.120Z"_s << utc(3, 4, 5, 120)
                                  << u"2024-01-02T03:04:05.120Z"_s;
    QTest::newRow("whole seconds")
        << u"2024-01-02T03:04:05Z"_s << utc(3, 4, 5, 0) << u"2024-01-02T03:04:05.000Z"_s;
    QTest::newRow("offset") << u"2024-01-02T05:04:05.5+02:00"_s << utc(3, 4, 5, 500)
                            << u"2024-01-02T03:04:05.500Z"_s;
    QTest::newRow("zero offset") << u"2024-01-02T03:04:05+00:00"_s << utc(3, 4, 5, 0)
                                 << u"2024-01-02T03:04:05.000Z"_s;
    QTest::newRow("empty") << QString() << QDateTime() << QString();
    QTest::newRow("not a date") << u"yesterday"_s << QDateTime() << QString();
    QTest::newRow("no such day") << u"2024-02-30T00:00:00Z"_s << QDateTime() << QString();
}

void TestFlagJson::timestamps()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    QFETCH(QString, formatted);

    const QDateTime parsed = parseTimestamp(text);
    QCOMPARE(parsed.isValid(), expected.isValid());
    if (!expected.isValid())
        return;
    QCOMPARE(parsed, expected);
    QCOMPARE(parsed.timeSpec(), Qt::UTC);
    QCOMPARE(formatTimestamp(parsed), formatted);
    // What Bunting writes it reads back as the same instant.
    QCOMPARE(parseTimestamp(formatTimestamp(parsed)), parsed);
    // A local time is written in UTC.
    QCOMPARE(formatTimestamp(parsed.toOffsetFromUtc(-5 * 3600)), formatted);
}

QTEST_GUILESS_MAIN(TestFlagJson)
#include "tst_flag_json.moc"
