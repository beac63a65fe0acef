#include "flag_validation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;

namespace {

FeatureFlag parseFlag(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("test JSON does not parse: %s", qPrintable(error.errorString()));
    return FeatureFlag::fromJson(doc.object());
}

FeatureFlag flagWithFilters(const QByteArray &filters, const QByteArray &key = "new-flag")
{
    return parseFlag(R"({"key": ")" + key + R"(", "filters": )" + filters + "}");
}

// A boolean flag whose single condition holds `properties` (a JSON array).
FeatureFlag flagWithProperties(const QByteArray &properties)
{
    return flagWithFilters(R"({"groups": [{"properties": )" + properties +
                           R"(, "rollout_percentage": 100}]})");
}

FeatureFlag flagWithProperty(const QByteArray &property)
{
    return flagWithProperties('[' + property + ']');
}

QByteArray flagDependency(qint64 id)
{
    return R"({"key": ")" + QByteArray::number(id) +
           R"(", "type": "flag", "value": true, "operator": "flag_evaluates_to"})";
}

FeatureFlag storedFlag(qint64 id, const QByteArray &key, const QList<qint64> &dependsOn = {},
                       bool active = true, bool deleted = false)
{
    QByteArray properties = "[";
    for (qint64 dep : dependsOn)
        properties += (properties.size() > 1 ? "," : "") + flagDependency(dep);
    properties += ']';
    FeatureFlag flag = flagWithProperties(properties);
    flag.id = id;
    flag.key = QString::fromUtf8(key);
    flag.active = active;
    flag.deleted = deleted;
    return flag;
}

Cohort cohort(qint64 id, const QByteArray &name, const QByteArray &properties,
              bool isStatic = false)
{
    Cohort c = Cohort::fromJson(QJsonDocument::fromJson(R"({"name": ")" + name +
                                                        R"(", "filters": {"properties": )" +
                                                        properties + "}}")
                                    .object());
    c.id = id;
    c.isStatic = isStatic;
    return c;
}

void addFlag(ValidationContext &context, const FeatureFlag &flag)
{
    context.flagsById.insert(flag.id, flag);
    if (!flag.deleted)
        context.liveKeys.insert(flag.key, flag.id);
}

// The project every test validates against.
ValidationContext project()
{
    ValidationContext context;
    addFlag(context, storedFlag(1, "base"));
    addFlag(context, storedFlag(2, "disabled-flag", {}, false));
    addFlag(context, storedFlag(3, "deleted-flag", {}, true, true));
    addFlag(context, storedFlag(10, "flag_a"));
    addFlag(context, storedFlag(11, "flag_b", {10}));
    addFlag(context, storedFlag(12, "flag_c", {11}));
    const QByteArray person =
        R"({"type": "AND", "values": [{"key": "plan", "type": "person", "value": "paid"}]})";
    const QByteArray behavioral =
        R"({"type": "OR", "values": [{"key": "$pageview", "type": "behavioral",
            "value": "performed_event", "event_type": "events"}]})";
    const QByteArray wrapsBehavioral =
        R"({"type": "AND", "values": [{"key": "id", "type": "cohort", "value": 6}]})";
    context.cohorts.insert(5, cohort(5, "Paying", person));
    context.cohorts.insert(6, cohort(6, "Clickers", behavioral));
    context.cohorts.insert(7, cohort(7, "Wraps clickers", wrapsBehavioral));
    context.cohorts.insert(8, cohort(8, "Snapshot", behavioral, true));
    context.groupTypeMapping.insert(0, u"company"_s);
    context.groupTypeMapping.insert(1, u"team"_s);
    return context;
}

// "code | attr | detail", attr "null" when PostHog sends null: readable when a comparison fails.
QString line(const QString &code, const QString &attr, const QString &detail)
{
    return code + u" | "_s + (attr.isEmpty() ? u"null"_s : attr) + u" | "_s + detail;
}

QStringList lines(const QList<ValidationError> &errors)
{
    QStringList out;
    for (const ValidationError &e : errors)
        out.append(line(e.code, e.attr, e.detail));
    return out;
}

QString filtersLine(const QString &detail, const QString &code = u"invalid"_s)
{
    return line(code, u"filters"_s, detail);
}

QStringList validate(const FeatureFlag &flag, const FeatureFlag *previous = nullptr)
{
    return lines(validateFlag(flag, project(), previous));
}

} // namespace

class TestFlagValidation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void errorJson();
    void validFlags_data();
    void validFlags();
    void keyRules_data();
    void keyRules();
    void keyUniqueness();
    void unchangedKeyIsNotRechecked();
    void rolloutPercentage_data();
    void rolloutPercentage();
    void variantShares();
    void variantSum_data();
    void variantSum();
    void variantKeys_data();
    void variantKeys();
    void variantOverride_data();
    void variantOverride();
    void payloads_data();
    void payloads();
    void variantsAddedToABooleanFlagTakePayloads();
    void propertyShape_data();
    void propertyShape();
    void stringValueOperators_data();
    void stringValueOperators();
    void inOperatorNeedsCohort();
    void regexMustCompile();
    void storedRegexIsNotRechecked();
    void dateValues_data();
    void dateValues();
    void semverValues_data();
    void semverValues();
    void listAndPrefixOperators_data();
    void listAndPrefixOperators();
    void isSetTakesAnyValue_data();
    void isSetTakesAnyValue();
    void tooManyValues();
    void cohorts_data();
    void cohorts();
    void flagDependencies_data();
    void flagDependencies();
    void selfDependency();
    void circularDependency_data();
    void circularDependency();
    void aggregation_data();
    void aggregation();
    void earlyAccessFeatureBlocksGroups();
    void holdout_data();
    void holdout();
    void emptyGroupsOnCreate();
    void choices_data();
    void choices();
    void deviceBucketingWithContinuity();
    void encryptedPayloadsNeedRemoteConfig();
    void enablingWithDisabledDependency();
    void unchangedFiltersAreNotRechecked();
    void everyErrorInPostHogsOrder();
    void dependents_data();
    void dependents();
    void manyDependents();
};

void TestFlagValidation::errorJson()
{
    const ValidationError field{u"unique"_s, u"There is already a feature flag with this key."_s,
                                u"key"_s};
    const QByteArray expected = R"({"attr":"key","code":"unique",)"
                                R"("detail":"There is already a feature flag with this key.",)"
                                R"("type":"validation_error"})";
    QCOMPARE(QJsonDocument(field.toJson()).toJson(QJsonDocument::Compact), expected);
    const ValidationError whole{u"invalid"_s, u"Nope."_s, {}};
    QVERIFY(whole.toJson().value("attr"_L1).isNull());
}

void TestFlagValidation::validFlags_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("minimal") << QByteArray(R"({"key": "omega-feature"})");
    QTest::newRow("boolean with payload") << QByteArray(
        R"({"key": "a_B-9", "filters": {"groups": [{"properties": [], "rollout_percentage": 50}],
            "payloads": {"true": "{\"color\": \"blue\"}"}}})");
    QTest::newRow("multivariate") << QByteArray(
        R"({"key": "mv", "filters": {"groups": [{"properties": [], "rollout_percentage": null,
            "variant": "second"}, {"variant": ""}],
            "multivariate": {"variants": [{"key": "first", "rollout_percentage": 33.33},
            {"key": "second", "rollout_percentage": 33.33},
            {"key": "v1.2/x", "rollout_percentage": 33.34}]},
            "payloads": {"first": "1", "second": {"a": [1, 2]}}}})");
    QTest::newRow("every person operator") << QByteArray(
        R"({"key": "ops", "filters": {"groups": [{"rollout_percentage": 0, "properties": [
            {"key": "email", "type": "person", "value": "@x.com", "operator": "icontains"},
            {"key": "email", "type": "person", "value": ["a", "b"], "operator": "exact"},
            {"key": "email", "type": "person", "value": "^a.*z$", "operator": "regex"},
            {"key": "age", "type": "person", "value": "18", "operator": "gte"},
            {"key": "seen", "type": "person", "value": "-7d", "operator": "is_date_after"},
            {"key": "seen", "type": "person", "value": "2024-01-02T03:04:05.123456Z",
             "operator": "is_date_before"},
            {"key": "app", "type": "person", "value": "v1.2.3-beta.1", "operator": "semver_gte"},
            {"key": "app", "type": "person", "value": "1.2.*", "operator": "semver_wildcard"},
            {"key": "name", "type": "person", "value": ["ann", "bob"],
             "operator": "icontains_multi"},
            {"key": "name", "type": "person", "value": "an", "operator": "starts_with"},
            {"key": "name", "type": "person", "operator": "is_set"},
            {"key": "id", "type": "cohort", "value": 5, "operator": "in"},
            {"key": "id", "type": "cohort", "value": "8"},
            {"key": "1", "type": "flag", "value": "true", "operator": "flag_evaluates_to"}]}]}})");
    QTest::newRow("group flag") << QByteArray(
        R"({"key": "groups", "filters": {"aggregation_group_type_index": 0, "groups": [
            {"properties": [{"key": "size", "type": "group", "group_type_index": 0,
            "value": "10", "operator": "gt"}], "rollout_percentage": 100}]}})");
    QTest::newRow("mixed aggregation") << QByteArray(
        R"({"key": "mixed", "filters": {"aggregation_group_type_index": 0, "groups": [
            {"aggregation_group_type_index": null,
             "properties": [{"key": "email", "type": "person", "value": "a"}]},
            {"properties": [{"key": "name", "type": "group", "group_type_index": 0, "value": "a"}]},
            {"aggregation_group_type_index": 1,
             "properties": [{"key": "n", "type": "group", "group_type_index": 1, "value": "a"}]}
            ]}})");
    QTest::newRow("chain of dependencies") << QByteArray(
        R"({"key": "flag_d", "filters": {"groups": [{"properties": [
            {"key": "12", "type": "flag", "value": true, "operator": "flag_evaluates_to"},
            {"key": " 10 ", "type": "flag", "value": false, "operator": "flag_evaluates_to"}
            ]}]}})");
    QTest::newRow("holdout") << QByteArray(
        R"({"key": "held", "filters": {"groups": [{"rollout_percentage": 100}],
            "holdout": {"id": 3, "exclusion_percentage": 10}}})");
    QTest::newRow("settings") << QByteArray(
        R"({"key": "cfg", "evaluation_runtime": "server", "bucketing_identifier": "device_id",
            "creation_context": "experiments", "is_remote_configuration": true,
            "has_encrypted_payloads": true})");
}

void TestFlagValidation::validFlags()
{
    QFETCH(QByteArray, json);
    QCOMPARE(validate(parseFlag(json)), QStringList());
}

void TestFlagValidation::keyRules_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("detail");
    const QString chars = u"Only letters, numbers, hyphens (-) & underscores (_) are allowed."_s;
    QTest::newRow("missing") << QByteArray("{}") << u"required"_s << u"This field is required."_s;
    QTest::newRow("null") << QByteArray(R"({"key": null})") << u"null"_s
                          << u"This field may not be null."_s;
    QTest::newRow("empty") << QByteArray(R"({"key": ""})") << u"blank"_s
                           << u"This field may not be blank."_s;
    QTest::newRow("spaces") << QByteArray(R"({"key": "   "})") << u"blank"_s
                            << u"This field may not be blank."_s;
    QTest::newRow("too long") << "{\"key\": \"" + QByteArray(401, 'k') + "\"}" << u"max_length"_s
                              << u"Ensure this field has no more than 400 characters."_s;
    QTest::newRow("space inside") << QByteArray(R"({"key": "my flag"})") << u"invalid_key"_s
                                  << chars;
    QTest::newRow("dot") << QByteArray(R"({"key": "my.flag"})") << u"invalid_key"_s << chars;
    QTest::newRow("slash") << QByteArray(R"({"key": "a/b"})") << u"invalid_key"_s << chars;
    QTest::newRow("accent") << QByteArray(R"({"key": "café"})") << u"invalid_key"_s << chars;
}

void TestFlagValidation::keyRules()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, code);
    QFETCH(QString, detail);
    QCOMPARE(validate(parseFlag(json)), QStringList{line(code, u"key"_s, detail)});
}

void TestFlagValidation::keyUniqueness()
{
    const QString taken =
        line(u"unique"_s, u"key"_s, u"There is already a feature flag with this key."_s);
    const auto keyed = [](const char *key) {
        return validate(parseFlag("{\"key\": \"" + QByteArray(key) + "\"}"));
    };
    QCOMPARE(keyed("base"), QStringList{taken});
    // PostHog trims the key before comparing it.
    QCOMPARE(keyed(" base "), QStringList{taken});
    QCOMPARE(keyed("Base"), QStringList());
    // A soft-deleted flag's key is free again.
    QCOMPARE(keyed("deleted-flag"), QStringList());

    const ValidationContext context = project();
    const FeatureFlag stored = context.flagsById.value(10);
    FeatureFlag renamed = stored;
    renamed.key = u"base"_s;
    QCOMPARE(lines(validateFlag(renamed, context, &stored)), QStringList{taken});
    renamed.key = u"flag_a2"_s;
    QCOMPARE(lines(validateFlag(renamed, context, &stored)), QStringList());
}

void TestFlagValidation::unchangedKeyIsNotRechecked()
{
    ValidationContext context = project();
    FeatureFlag legacy = storedFlag(40, "legacy.key");
    addFlag(context, legacy);
    FeatureFlag update = legacy;
    update.name = u"New description"_s;
    QCOMPARE(lines(validateFlag(update, context, &legacy)), QStringList());
}

void TestFlagValidation::rolloutPercentage_data()
{
    QTest::addColumn<QByteArray>("rollout");
    QTest::addColumn<QString>("detail");
    const QString valid;
    QTest::newRow("null") << QByteArray("null") << valid;
    QTest::newRow("zero") << QByteArray("0") << valid;
    QTest::newRow("hundred") << QByteArray("100") << valid;
    QTest::newRow("fraction") << QByteArray("12.5") << valid;
    QTest::newRow("negative")
        << QByteArray("-1") << u"groups[0].rollout_percentage must be between 0 and 100, got -1"_s;
    QTest::newRow("over") << QByteArray("101")
                          << u"groups[0].rollout_percentage must be between 0 and 100, got 101"_s;
    QTest::newRow("over fraction")
        << QByteArray("100.5")
        << u"groups[0].rollout_percentage must be between 0 and 100, got 100.5"_s;
}

void TestFlagValidation::rolloutPercentage()
{
    QFETCH(QByteArray, rollout);
    QFETCH(QString, detail);
    const FeatureFlag flag = flagWithFilters(
        R"({"groups": [{"properties": [], "rollout_percentage": )" + rollout + "}]}");
    QCOMPARE(validate(flag), detail.isEmpty() ? QStringList() : QStringList{filtersLine(detail)});
}

void TestFlagValidation::variantShares()
{
    const FeatureFlag flag = flagWithFilters(
        R"({"groups": [{"rollout_percentage": 100}], "multivariate": {"variants": [
            {"key": "a", "rollout_percentage": 150}, {"key": "b", "rollout_percentage": -50}]}})");
    QCOMPARE(validate(flag),
             (QStringList{filtersLine(u"multivariate.variants[0].rollout_percentage must be "
                                      u"between 0 and 100, got 150"_s),
                          filtersLine(u"multivariate.variants[1].rollout_percentage must be "
                                      u"between 0 and 100, got -50"_s)}));
}

void TestFlagValidation::variantSum_data()
{
    QTest::addColumn<QByteArray>("shares");
    QTest::addColumn<bool>("valid");
    QTest::newRow("exactly 100") << QByteArray("50, 25, 25") << true;
    QTest::newRow("float drift") << QByteArray("0.01, 64.04, 35.95") << true;
    QTest::newRow("under") << QByteArray("50, 25, 0") << false;
    QTest::newRow("over") << QByteArray("50, 25, 50") << false;
    QTest::newRow("smallest miss") << QByteArray("50, 49.99, 0") << false;
}

void TestFlagValidation::variantSum()
{
    QFETCH(QByteArray, shares);
    QFETCH(bool, valid);
    const QList<QByteArray> values = shares.split(',');
    QByteArray variants;
    for (qsizetype i = 0; i < values.size(); ++i)
        variants += QByteArray(i ? "," : "") + R"({"key": "v)" + QByteArray::number(i) +
                    R"(", "rollout_percentage": )" + values[i].trimmed() + "}";
    const FeatureFlag flag = flagWithFilters(
        R"({"groups": [{"rollout_percentage": 100}], "multivariate": {"variants": [)" + variants +
        "]}}");
    const QString sum =
        filtersLine(u"Invalid variant definitions: Variant rollout percentages must sum to 100."_s,
                    u"invalid_input"_s);
    QCOMPARE(validate(flag), valid ? QStringList() : QStringList{sum});
}

void TestFlagValidation::variantKeys_data()
{
    QTest::addColumn<QByteArray>("variants");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("duplicated")
        << QByteArray(
               R"({"key": "b", "rollout_percentage": 25}, {"key": "a", "rollout_percentage": 25},
            {"key": "b", "rollout_percentage": 25}, {"key": "a", "rollout_percentage": 25})")
        << QStringList{filtersLine(
               u"multivariate.variants: Variant keys must be unique, duplicated: a, b."_s,
               u"cross_field.variant_keys_not_unique"_s)};
    QTest::newRow("blank")
        << QByteArray(
               R"({"key": "", "rollout_percentage": 50}, {"key": "x", "rollout_percentage": 50})")
        << QStringList{filtersLine(u"multivariate.variants[0].key: This field may not be blank."_s,
                                   u"structural.multivariate.variants[].key.blank"_s)};
    QTest::newRow("characters")
        << QByteArray(
               R"({"key": "ok", "rollout_percentage": 50},
                   {"key": "no way", "rollout_percentage": 50})")
        << QStringList{filtersLine(
               u"multivariate.variants[1].key: Only letters, numbers, hyphens (-), underscores "
               u"(_), dots (.) & slashes (/) are allowed."_s,
               u"structural.multivariate.variants[].key.invalid"_s)};
}

void TestFlagValidation::variantKeys()
{
    QFETCH(QByteArray, variants);
    QFETCH(QStringList, expected);
    const FeatureFlag flag = flagWithFilters(
        R"({"groups": [{"rollout_percentage": 100}], "multivariate": {"variants": [)" + variants +
        "]}}");
    QCOMPARE(validate(flag), expected);
}

void TestFlagValidation::variantOverride_data()
{
    QTest::addColumn<QByteArray>("override");
    QTest::addColumn<bool>("valid");
    QTest::newRow("existing") << QByteArray(R"("control")") << true;
    QTest::newRow("null") << QByteArray("null") << true;
    QTest::newRow("empty string") << QByteArray(R"("")") << true;
    QTest::newRow("unknown") << QByteArray(R"("unknown-variant")") << false;
    QTest::newRow("case differs") << QByteArray(R"("Control")") << false;
}

void TestFlagValidation::variantOverride()
{
    QFETCH(QByteArray, override);
    QFETCH(bool, valid);
    const FeatureFlag flag = flagWithFilters(
        R"({"groups": [{"properties": [], "rollout_percentage": null, "variant": )" + override +
        R"(}], "multivariate": {"variants": [{"key": "control", "rollout_percentage": 50},
            {"key": "test", "rollout_percentage": 50}]}})");
    const QString missing =
        filtersLine(u"Filters are not valid (variant override does not exist)"_s);
    QCOMPARE(validate(flag), valid ? QStringList() : QStringList{missing});
}

void TestFlagValidation::payloads_data()
{
    QTest::addColumn<QByteArray>("filters");
    QTest::addColumn<QStringList>("expected");
    const QString json = filtersLine(u"Payload value is not valid JSON"_s);
    const QString boolean = filtersLine(u"Payload keys must be 'true' for boolean flags"_s);
    const QString variant =
        filtersLine(u"Payload keys must match a variant key for multivariate flags"_s);
    const QByteArray groups = R"("groups": [{"rollout_percentage": 100}], )";
    const QByteArray variants =
        R"("multivariate": {"variants": [{"key": "a", "rollout_percentage": 100}]}, )";
    QTest::newRow("boolean true") << QByteArray(groups + R"("payloads": {"true": "{\"a\": 1}"}})")
                                  << QStringList();
    QTest::newRow("json scalars") << QByteArray(groups + R"("payloads": {"true": " \"text\" "}})")
                                  << QStringList();
    QTest::newRow("json number") << QByteArray(groups + R"("payloads": {"true": "12"}})")
                                 << QStringList();
    QTest::newRow("python NaN") << QByteArray(groups + R"("payloads": {"true": "NaN"}})")
                                << QStringList();
    QTest::newRow("non-string values")
        << QByteArray(groups + variants + R"("payloads": {"a": {"nested": [true, null]}}})")
        << QStringList();
    QTest::newRow("boolean false key")
        << QByteArray(groups + R"("payloads": {"false": "1"}})") << QStringList{boolean};
    QTest::newRow("boolean two keys")
        << QByteArray(groups + R"("payloads": {"true": "1", "other": "2"}})")
        << QStringList{boolean};
    QTest::newRow("variant key") << QByteArray(groups + variants + R"("payloads": {"a": "1"}})")
                                 << QStringList();
    QTest::newRow("unknown variant key")
        << QByteArray(groups + variants + R"("payloads": {"b": "1"}})") << QStringList{variant};
    QTest::newRow("true on multivariate")
        << QByteArray(groups + variants + R"("payloads": {"true": "1"}})") << QStringList{variant};
    QTest::newRow("not json") << QByteArray(groups + R"("payloads": {"true": "{oops"}})")
                              << QStringList{json};
    QTest::newRow("empty string") << QByteArray(groups + R"("payloads": {"true": ""}})")
                                  << QStringList{json};
    QTest::newRow("two values") << QByteArray(groups + R"("payloads": {"true": "1, 2"}})")
                                << QStringList{json};
    QTest::newRow("bad json and key")
        << QByteArray(groups + R"("payloads": {"nope": "{"}})") << QStringList{json, boolean};
}

void TestFlagValidation::payloads()
{
    QFETCH(QByteArray, filters);
    QFETCH(QStringList, expected);
    QCOMPARE(validate(flagWithFilters('{' + filters)), expected);
}

// A boolean flag read from the server ("multivariate": null) given variants in memory, as the
// editor's "Serve variants" does, is judged as the server will judge what it is sent: a
// multivariate flag, whose payloads belong to its variants.
void TestFlagValidation::variantsAddedToABooleanFlagTakePayloads()
{
    FeatureFlag flag = flagWithFilters(
        R"({"groups": [{"properties": [], "rollout_percentage": 30}], "multivariate": null})");
    Variant control, test;
    control.key = u"control"_s;
    control.rolloutPercentage = 50;
    test.key = u"test"_s;
    test.rolloutPercentage = 50;
    flag.filters.variants = QList<Variant>{control, test};
    flag.filters.payloads.insert(u"control"_s, u"{\"color\": \"blue\"}"_s);
    QVERIFY(flag.filters.writesMultivariate());
    QCOMPARE(validate(flag), QStringList());
    // What it writes reads back the same way, and is as valid.
    QCOMPARE(validate(FeatureFlag::fromJson(flag.toJson())), QStringList());
    // A payload for no variant is still refused, with the multivariate rule.
    flag.filters.payloads.insert(u"true"_s, u"1"_s);
    QCOMPARE(validate(flag),
             QStringList{
                 filtersLine(u"Payload keys must match a variant key for multivariate flags"_s)});
}

void TestFlagValidation::propertyShape_data()
{
    QTest::addColumn<QByteArray>("property");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("unknown operator")
        << QByteArray(
               R"({"key": "email", "type": "person", "value": "a", "operator": "does not equal"})")
        << QStringList{filtersLine(
               u"groups[0].properties[0].operator: unsupported operator for feature flags"_s)};
    QTest::newRow("alias operator")
        << QByteArray(R"({"key": "age", "type": "person", "value": 3, "operator": "min"})")
        << QStringList();
    // PostHog's structural tier (filters_schema.py's PropertyKeyField, a CharField) as its write
    // path reports it: "<path>: <DRF message>", code the index-free rule id, attr "filters".
    const QString keyRule = u"structural.groups[].properties[].key."_s;
    QTest::newRow("missing key") << QByteArray(R"({"type": "person", "value": "a"})")
                                 << QStringList{filtersLine(
                                        u"groups[0].properties[0].key: This field is required."_s,
                                        keyRule + u"required"_s)};
    QTest::newRow("null key") << QByteArray(R"({"key": null, "type": "person", "value": "a"})")
                              << QStringList{filtersLine(
                                     u"groups[0].properties[0].key: This field may not be null."_s,
                                     keyRule + u"null"_s)};
    // What the editor's "Add filter" left behind when saved untouched: it matched nobody.
    QTest::newRow("blank key")
        << QByteArray(R"({"key": "", "type": "person", "operator": "exact", "value": ""})")
        << QStringList{filtersLine(u"groups[0].properties[0].key: This field may not be blank."_s,
                                   keyRule + u"blank"_s)};
    QTest::newRow("event type")
        << QByteArray(R"({"key": "$browser", "type": "event", "value": "a"})")
        << QStringList{filtersLine(u"groups[0].properties[0].type: invalid property type"_s)};
    QTest::newRow("missing type") << QByteArray(R"({"key": "email", "value": "a"})")
                                  << QStringList{filtersLine(
                                         u"groups[0].properties[0].type: invalid property type"_s)};
    QTest::newRow("person metadata")
        << QByteArray(R"({"key": "created_at", "type": "person_metadata", "value": "a"})")
        << QStringList{filtersLine(
               u"Filters are not valid (can only use person, cohort, and flag properties)"_s)};
}

void TestFlagValidation::propertyShape()
{
    QFETCH(QByteArray, property);
    QFETCH(QStringList, expected);
    QCOMPARE(validate(flagWithProperty(property)), expected);
}

void TestFlagValidation::stringValueOperators_data()
{
    QTest::addColumn<QString>("op");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("shown");
    for (const char *op :
         {"icontains", "regex", "not_icontains", "not_regex", "lt", "gt", "lte", "gte"})
        QTest::addRow("%s list", op) << QString::fromLatin1(op) << QByteArray(R"(["@posthog.com"])")
                                     << u"['@posthog.com']"_s;
    QTest::newRow("integer") << u"gt"_s << QByteArray("5") << u"5"_s;
    QTest::newRow("float") << u"lt"_s << QByteArray("1.5") << u"1.5"_s;
    QTest::newRow("bool") << u"gte"_s << QByteArray("true") << u"True"_s;
    QTest::newRow("null") << u"regex"_s << QByteArray("null") << u"None"_s;
    QTest::newRow("quote in list")
        << u"icontains"_s << QByteArray(R"(["it's", 2, false])") << u"[\"it's\", 2, False]"_s;
    QTest::newRow("object") << u"lte"_s << QByteArray(R"({"a": 1})") << u"{'a': 1}"_s;
}

void TestFlagValidation::stringValueOperators()
{
    QFETCH(QString, op);
    QFETCH(QByteArray, value);
    QFETCH(QString, shown);
    const FeatureFlag flag = flagWithProperty(R"({"key": "email", "type": "person", "value": )" +
                                              value + R"(, "operator": ")" + op.toUtf8() + "\"}");
    QCOMPARE(validate(flag),
             QStringList{filtersLine(u"Invalid value for operator %1: %2"_s.arg(op, shown),
                                     u"invalid_value"_s)});
    // The same operators accept any string, even one that looks like a list.
    const FeatureFlag fine = flagWithProperty(
        R"({"key": "email", "type": "person", "value": "[\"@posthog.com\"]", "operator": ")" +
        op.toUtf8() + "\"}");
    QCOMPARE(validate(fine), QStringList());
}

void TestFlagValidation::inOperatorNeedsCohort()
{
    const FeatureFlag person = flagWithProperty(
        R"({"key": "email", "type": "person", "value": [1], "operator": "not_in"})");
    QCOMPARE(validate(person),
             QStringList{filtersLine(u"The 'not_in' operator is only valid for cohort properties, "
                                     u"not 'person' properties."_s,
                                     u"invalid_operator"_s)});
    const FeatureFlag cohort =
        flagWithProperty(R"({"key": "id", "type": "cohort", "value": 5, "operator": "not_in"})");
    QCOMPARE(validate(cohort), QStringList());
}

void TestFlagValidation::regexMustCompile()
{
    const FeatureFlag flag = flagWithProperties(
        R"([{"key": "email", "type": "person", "value": "fine.*", "operator": "regex"},
            {"key": "email", "type": "person", "value": "[unclosed", "operator": "not_regex"}])");
    QCOMPARE(validate(flag),
             QStringList{filtersLine(u"groups[0].properties[1].value: invalid regex pattern"_s)});
}

void TestFlagValidation::storedRegexIsNotRechecked()
{
    const QByteArray regex =
        R"({"key": "email", "type": "person", "value": "(?<=a+)b", "operator": "regex"})";
    FeatureFlag stored = flagWithProperty(regex);
    stored.id = 50;
    FeatureFlag update = flagWithProperties(
        '[' + regex + R"(, {"key": "plan", "type": "person", "value": "paid"}])");
    update.id = 50;
    QCOMPARE(lines(validateFlag(update, project(), &stored)), QStringList());
    QCOMPARE(validate(update),
             QStringList{filtersLine(u"groups[0].properties[0].value: invalid regex pattern"_s)});
}

void TestFlagValidation::dateValues_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("shown");
    for (const char *relative : {"-7d", "-2h", "-1w", "-3m", "-1y", "30d", "-9999d"})
        QTest::addRow("%s", relative) << '"' + QByteArray(relative) + '"' << true << QString();
    for (const char *absolute :
         {"2024-01-31", "2024-01-02T03:04:05Z", "2024-01-02 03:04:05",
          "2024-01-02T03:04:05.123456+02:00", "2024/01/31", "Wed, 31 Jan 2024 10:00:00 +0000"})
        QTest::addRow("%s", absolute) << '"' + QByteArray(absolute) + '"' << true << QString();
    // PostHog's dateutil reads these too, but the engine would never match them: refused, so a
    // condition is never saved that silently matches nobody.
    for (const char *ambiguous : {"01/31/2024", "Jan 31 2024", "31 January 2024"})
        QTest::addRow("%s", ambiguous)
            << '"' + QByteArray(ambiguous) + '"' << false << QString::fromLatin1(ambiguous);
    QTest::newRow("unknown unit") << QByteArray(R"("-7x")") << false << u"-7x"_s;
    QTest::newRow("too far back") << QByteArray(R"("-10000d")") << false << u"-10000d"_s;
    QTest::newRow("upper case unit") << QByteArray(R"("-7D")") << false << u"-7D"_s;
    QTest::newRow("no month 13") << QByteArray(R"("2024-13-01")") << false << u"2024-13-01"_s;
    QTest::newRow("words") << QByteArray(R"("last tuesday")") << false << u"last tuesday"_s;
    QTest::newRow("empty") << QByteArray(R"("")") << false << QString();
    QTest::newRow("null") << QByteArray("null") << false << u"None"_s;
    QTest::newRow("bool") << QByteArray("true") << false << u"True"_s;
}

void TestFlagValidation::dateValues()
{
    QFETCH(QByteArray, value);
    QFETCH(bool, valid);
    QFETCH(QString, shown);
    for (const char *op : {"is_date_before", "is_date_after", "is_date_exact"}) {
        const FeatureFlag flag = flagWithProperty(R"({"key": "seen", "type": "person", "value": )" +
                                                  value + R"(, "operator": ")" + op + "\"}");
        const QStringList expected =
            valid ? QStringList()
                  : QStringList{filtersLine(u"Invalid date value: "_s + shown, u"invalid_date"_s)};
        QCOMPARE(validate(flag), expected);
    }
}

void TestFlagValidation::semverValues_data()
{
    QTest::addColumn<QString>("op");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("detail"); // empty when valid
    for (const char *version : {"1.2.3", "v1.2.3", "1.2", "3", "3.08.1", "1.0.0-alpha.1+build.7"})
        QTest::addRow("gt %s", version)
            << u"semver_gt"_s << '"' + QByteArray(version) + '"' << QString();
    QTest::newRow("wildcard") << u"semver_wildcard"_s << QByteArray(R"("1.2.*")") << QString();
    QTest::newRow("tilde") << u"semver_tilde"_s << QByteArray(R"("~1.2.3")")
                           << u"groups[0].properties[0].value: Invalid semver value for operator "
                              u"semver_tilde: ~1.2.3."_s;
    QTest::newRow("words") << u"semver_eq"_s << QByteArray(R"("abc")")
                           << u"groups[0].properties[0].value: Invalid semver value for operator "
                              u"semver_eq: abc."_s;
    QTest::newRow("four parts") << u"semver_lt"_s << QByteArray(R"("1.2.3.4")")
                                << u"groups[0].properties[0].value: Invalid semver value for "
                                   u"operator semver_lt: 1.2.3.4."_s;
    QTest::newRow("number") << u"semver_eq"_s << QByteArray("123")
                            << u"groups[0].properties[0].value: Invalid value for operator "
                               u"semver_eq: expected a semver string."_s;
}

void TestFlagValidation::semverValues()
{
    QFETCH(QString, op);
    QFETCH(QByteArray, value);
    QFETCH(QString, detail);
    const FeatureFlag flag = flagWithProperty(R"({"key": "app", "type": "person", "value": )" +
                                              value + R"(, "operator": ")" + op.toUtf8() + "\"}");
    const QStringList expected =
        detail.isEmpty() ? QStringList()
                         : QStringList{filtersLine(detail, u"cross_field.semver_value_invalid"_s)};
    QCOMPARE(validate(flag), expected);
}

void TestFlagValidation::listAndPrefixOperators_data()
{
    QTest::addColumn<QString>("op");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QStringList>("expected");
    const QString list = u"cross_field.operator_requires_list_value"_s;
    const QString string = u"cross_field.operator_requires_string_value"_s;
    QTest::newRow("multi with list")
        << u"not_icontains_multi"_s << QByteArray(R"(["a"])") << QStringList();
    QTest::newRow("multi with string")
        << u"icontains_multi"_s << QByteArray(R"("a")")
        << QStringList{filtersLine(u"groups[0].properties[0].value: Operator icontains_multi "
                                   u"requires a list of values."_s,
                                   list)};
    for (const char *op : {"starts_with", "not_starts_with", "ends_with", "not_ends_with"}) {
        QTest::addRow("%s string", op)
            << QString::fromLatin1(op) << QByteArray(R"("x")") << QStringList();
        QTest::addRow("%s number", op)
            << QString::fromLatin1(op) << QByteArray("123")
            << QStringList{filtersLine(
                   u"groups[0].properties[0].value: Operator %1 requires a string value."_s.arg(
                       QString::fromLatin1(op)),
                   string)};
    }
}

void TestFlagValidation::listAndPrefixOperators()
{
    QFETCH(QString, op);
    QFETCH(QByteArray, value);
    QFETCH(QStringList, expected);
    const FeatureFlag flag = flagWithProperty(R"({"key": "name", "type": "person", "value": )" +
                                              value + R"(, "operator": ")" + op.toUtf8() + "\"}");
    QCOMPARE(validate(flag), expected);
}

void TestFlagValidation::isSetTakesAnyValue_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("absent") << QByteArray();
    QTest::newRow("null") << QByteArray(R"(, "value": null)");
    QTest::newRow("ui placeholder") << QByteArray(R"(, "value": "is_set")");
    QTest::newRow("list") << QByteArray(R"(, "value": [1, 2])");
    QTest::newRow("object") << QByteArray(R"(, "value": {"a": 1})");
}

void TestFlagValidation::isSetTakesAnyValue()
{
    QFETCH(QByteArray, value);
    for (const char *op : {"is_set", "is_not_set"}) {
        const FeatureFlag flag =
            flagWithProperty(R"({"key": "email", "type": "person", "operator": ")" +
                             QByteArray(op) + '"' + value + '}');
        QCOMPARE(validate(flag), QStringList());
    }
}

void TestFlagValidation::tooManyValues()
{
    QByteArray values = "[";
    for (int i = 0; i <= 1000; ++i)
        values += (i ? "," : "") + QByteArray::number(i);
    values += ']';
    const FeatureFlag flag =
        flagWithProperty(R"({"key": "plan", "type": "person", "value": )" + values + "}");
    QCOMPARE(
        validate(flag),
        QStringList{filtersLine(
            u"Property group expressions of type plan cannot contain more than 1000 values."_s)});
}

void TestFlagValidation::cohorts_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QStringList>("expected");
    const QString missing = u"cohort_does_not_exist"_s;
    const QString behavioral = u"behavioral_cohort_found"_s;
    QTest::newRow("existing") << QByteArray("5") << QStringList();
    QTest::newRow("id as string") << QByteArray(R"("5")") << QStringList();
    QTest::newRow("static with event filters") << QByteArray("8") << QStringList();
    QTest::newRow("unknown") << QByteArray("99")
                             << QStringList{
                                    filtersLine(u"Cohort with id 99 does not exist"_s, missing)};
    QTest::newRow("not a number") << QByteArray(R"("abc")")
                                  << QStringList{filtersLine(u"Cohort with id abc does not exist"_s,
                                                             missing)};
    QTest::newRow("event filters")
        << QByteArray("6")
        << QStringList{filtersLine(
               u"Cohort 'Clickers' with filters on events cannot be used in feature flags."_s,
               behavioral)};
    QTest::newRow("nested event filters")
        << QByteArray("7")
        << QStringList{filtersLine(
               u"Cohort 'Clickers' with filters on events cannot be used in feature flags."_s,
               behavioral)};
}

void TestFlagValidation::cohorts()
{
    QFETCH(QByteArray, value);
    QFETCH(QStringList, expected);
    const FeatureFlag flag = flagWithProperty(
        R"({"key": "id", "type": "cohort", "operator": "in", "value": )" + value + '}');
    QCOMPARE(validate(flag), expected);
}

void TestFlagValidation::flagDependencies_data()
{
    QTest::addColumn<QByteArray>("property");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("active flag") << flagDependency(1) << QStringList();
    QTest::newRow("flag key instead of id")
        << QByteArray(
               R"({"key": "base", "type": "flag", "value": true, "operator": "flag_evaluates_to"})")
        << QStringList{filtersLine(u"Flag dependencies must reference flag IDs (integers), not "
                                   u"flag keys. Invalid reference: 'base'"_s)};
    QTest::newRow("unknown id")
        << flagDependency(99999)
        << QStringList{
               filtersLine(u"Flag dependency references non-existent flag with ID 99999"_s)};
    QTest::newRow("deleted flag")
        << flagDependency(3)
        << QStringList{filtersLine(u"Flag dependency references non-existent flag with ID 3"_s)};
    QTest::newRow("disabled flag")
        << flagDependency(2)
        << QStringList{
               filtersLine(u"Cannot create dependency on disabled flag 'disabled-flag' "
                           u"(ID: 2). Flag dependencies must reference active flags only."_s)};
    QTest::newRow("wrong operator")
        << QByteArray(R"({"key": "1", "type": "flag", "value": true, "operator": "exact"})")
        << QStringList{filtersLine(u"Flag properties must use the 'flag_evaluates_to' operator"_s)};
    QTest::newRow("no operator")
        << QByteArray(R"({"key": "1", "type": "flag", "value": true})")
        << QStringList{filtersLine(u"Flag properties must use the 'flag_evaluates_to' operator"_s)};
}

void TestFlagValidation::flagDependencies()
{
    QFETCH(QByteArray, property);
    QFETCH(QStringList, expected);
    QCOMPARE(validate(flagWithProperty(property)), expected);
}

void TestFlagValidation::selfDependency()
{
    const ValidationContext context = project();
    const FeatureFlag stored = context.flagsById.value(10);
    FeatureFlag update = flagWithProperty(flagDependency(10));
    update.id = 10;
    update.key = stored.key;
    QCOMPARE(lines(validateFlag(update, context, &stored)),
             QStringList{filtersLine(u"Feature flag 'flag_a' cannot depend on itself"_s)});
}

void TestFlagValidation::circularDependency_data()
{
    QTest::addColumn<qint64>("flagId");
    QTest::addColumn<qint64>("dependsOn");
    QTest::addColumn<QString>("cycle");
    QTest::newRow("direct") << qint64(10) << qint64(11) << u"flag_a → flag_b → flag_a"_s;
    QTest::newRow("indirect") << qint64(10) << qint64(12) << u"flag_a → flag_c → flag_b → flag_a"_s;
    QTest::newRow("no cycle") << qint64(12) << qint64(1) << QString();
}

void TestFlagValidation::circularDependency()
{
    QFETCH(qint64, flagId);
    QFETCH(qint64, dependsOn);
    QFETCH(QString, cycle);
    const ValidationContext context = project();
    const FeatureFlag stored = context.flagsById.value(flagId);
    FeatureFlag update = flagWithProperty(flagDependency(dependsOn));
    update.id = stored.id;
    update.key = stored.key;
    const QStringList expected =
        cycle.isEmpty() ? QStringList()
                        : QStringList{filtersLine(u"Circular dependency detected: "_s + cycle)};
    QCOMPARE(lines(validateFlag(update, context, &stored)), expected);
}

void TestFlagValidation::aggregation_data()
{
    QTest::addColumn<QByteArray>("filters");
    QTest::addColumn<QStringList>("expected");
    const QString groupOnly =
        filtersLine(u"Filters are not valid (can only use group properties)"_s);
    QTest::newRow("person property on group flag")
        << QByteArray(R"({"aggregation_group_type_index": 0, "groups": [{"properties": [
            {"key": "email", "type": "person", "value": "a"}]}]})")
        << QStringList{groupOnly};
    QTest::newRow("other group type")
        << QByteArray(R"({"aggregation_group_type_index": 0, "groups": [{"properties": [
            {"key": "name", "type": "group", "group_type_index": 1, "value": "a"}]}]})")
        << QStringList{groupOnly};
    QTest::newRow("group property on person flag")
        << QByteArray(R"({"groups": [{"properties": [
            {"key": "name", "type": "group", "group_type_index": 0, "value": "a"}]}]})")
        << QStringList{filtersLine(
               u"Filters are not valid (can only use person, cohort, and flag properties)"_s)};
    QTest::newRow("unknown group type")
        << QByteArray(
               R"({"aggregation_group_type_index": 4, "groups": [{"rollout_percentage": 10}]})")
        << QStringList{filtersLine(u"Group type with index 4 does not exist"_s)};
    QTest::newRow("unknown group type in condition")
        << QByteArray(R"({"groups": [{"aggregation_group_type_index": 7, "properties": []}]})")
        << QStringList{filtersLine(u"Group type with index 7 does not exist"_s)};
}

void TestFlagValidation::aggregation()
{
    QFETCH(QByteArray, filters);
    QFETCH(QStringList, expected);
    QCOMPARE(validate(flagWithFilters(filters)), expected);
}

void TestFlagValidation::earlyAccessFeatureBlocksGroups()
{
    FeatureFlag stored = storedFlag(60, "beta");
    stored.features = QJsonArray{QJsonObject{{u"id"_s, u"f1"_s}}};
    FeatureFlag update = flagWithFilters(
        R"({"aggregation_group_type_index": 0, "groups": [{"rollout_percentage": 100}]})", "beta");
    update.id = 60;
    update.features = stored.features;
    QCOMPARE(lines(validateFlag(update, project(), &stored)),
             QStringList{filtersLine(u"Cannot change this flag to a group-based when linked to "
                                     u"an Early Access Feature."_s)});
}

void TestFlagValidation::holdout_data()
{
    QTest::addColumn<QByteArray>("exclusion");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("zero") << QByteArray("0") << QStringList();
    QTest::newRow("hundred") << QByteArray("100") << QStringList();
    QTest::newRow("over") << QByteArray("101")
                          << QStringList{filtersLine(
                                 u"holdout.exclusion_percentage: Ensure this value is less than "
                                 u"or equal to 100."_s,
                                 u"structural.holdout.exclusion_percentage.max_value"_s)};
    QTest::newRow("negative") << QByteArray("-5")
                              << QStringList{filtersLine(
                                     u"holdout.exclusion_percentage: Ensure this value is "
                                     u"greater than or equal to 0."_s,
                                     u"structural.holdout.exclusion_percentage.min_value"_s)};
}

void TestFlagValidation::holdout()
{
    QFETCH(QByteArray, exclusion);
    QFETCH(QStringList, expected);
    const FeatureFlag flag = flagWithFilters(
        R"({"groups": [{"rollout_percentage": 100}],
            "holdout": {"id": 3, "exclusion_percentage": )" +
        exclusion + "}}");
    QCOMPARE(validate(flag), expected);
}

void TestFlagValidation::emptyGroupsOnCreate()
{
    const QString empty =
        filtersLine(u"Feature flags must have at least one condition set (group)."_s);
    const QByteArray noGroups = R"({"groups": []})";
    QCOMPARE(validate(flagWithFilters(noGroups)), QStringList{empty});
    QCOMPARE(validate(flagWithFilters("{}")), QStringList{empty});
    // Updates may clear the targeting.
    const FeatureFlag stored = storedFlag(70, "cleared");
    FeatureFlag update = flagWithFilters(R"({"groups": []})", "cleared");
    update.id = 70;
    QCOMPARE(lines(validateFlag(update, project(), &stored)), QStringList());
}

void TestFlagValidation::choices_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("attr");
    QTest::addColumn<QString>("value");
    QTest::newRow("evaluation runtime")
        << QByteArray(R"({"key": "k", "evaluation_runtime": "mobile"})") << u"evaluation_runtime"_s
        << u"mobile"_s;
    QTest::newRow("bucketing identifier")
        << QByteArray(R"({"key": "k", "bucketing_identifier": "ip"})") << u"bucketing_identifier"_s
        << u"ip"_s;
    QTest::newRow("creation context")
        << QByteArray(R"({"key": "k", "_create_in_folder": "x", "creation_context": "cli"})")
        << u"creation_context"_s << u"cli"_s;
}

void TestFlagValidation::choices()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, attr);
    QFETCH(QString, value);
    QCOMPARE(validate(parseFlag(json)),
             QStringList{
                 line(u"invalid_choice"_s, attr, u"\"%1\" is not a valid choice."_s.arg(value))});
}

void TestFlagValidation::deviceBucketingWithContinuity()
{
    const QByteArray json =
        R"({"key": "dev", "bucketing_identifier": "device_id",
            "ensure_experience_continuity": true})";
    const QString incompatible =
        line(u"invalid"_s, {},
             u"Cannot enable 'persist across authentication steps' when using device ID "
             u"bucketing. These features are incompatible."_s);
    QCOMPARE(validate(parseFlag(json)), QStringList{incompatible});
    // A flag stored with both may keep them.
    FeatureFlag stored = parseFlag(json);
    stored.id = 80;
    FeatureFlag update = stored;
    update.name = u"renamed"_s;
    QCOMPARE(lines(validateFlag(update, project(), &stored)), QStringList());
    FeatureFlag distinct = stored;
    distinct.bucketingIdentifier = u"distinct_id"_s;
    QCOMPARE(lines(validateFlag(update, project(), &distinct)), QStringList{incompatible});
}

void TestFlagValidation::encryptedPayloadsNeedRemoteConfig()
{
    const FeatureFlag flag = parseFlag(R"({"key": "secret", "has_encrypted_payloads": true})");
    QCOMPARE(
        validate(flag),
        QStringList{line(u"invalid"_s, {},
                         u"Encrypted payloads require the flag to be a remote configuration."_s)});
}

void TestFlagValidation::enablingWithDisabledDependency()
{
    ValidationContext context = project();
    const FeatureFlag stored = storedFlag(90, "dependent", {2, 1}, false);
    addFlag(context, stored);
    FeatureFlag enable = stored;
    enable.active = true;
    QCOMPARE(lines(validateFlag(enable, context, &stored)),
             QStringList{line(u"invalid"_s, {},
                              u"Cannot enable this feature flag because it depends on disabled "
                              u"flags: disabled-flag (ID: 2). Please enable the dependency flags "
                              u"first."_s)});
    const FeatureFlag fine = storedFlag(91, "fine", {1}, false);
    FeatureFlag enableFine = fine;
    enableFine.active = true;
    QCOMPARE(lines(validateFlag(enableFine, context, &fine)), QStringList());
}

void TestFlagValidation::unchangedFiltersAreNotRechecked()
{
    // Stored before today's rules: a missing cohort and a bad variant sum.
    FeatureFlag stored = flagWithFilters(
        R"({"groups": [{"properties": [{"key": "id", "type": "cohort", "value": 404}]}],
            "multivariate": {"variants": [{"key": "a", "rollout_percentage": 10}]}})",
        "old-flag");
    stored.id = 100;
    FeatureFlag update = stored;
    update.name = u"new name"_s;
    update.active = false;
    QCOMPARE(lines(validateFlag(update, project(), &stored)), QStringList());
}

void TestFlagValidation::everyErrorInPostHogsOrder()
{
    const FeatureFlag flag = parseFlag(
        R"({"key": "base", "evaluation_runtime": "edge", "has_encrypted_payloads": true,
            "filters": {"groups": [{"rollout_percentage": 120, "variant": "nope",
            "properties": [{"key": "email", "type": "person", "value": 5, "operator": "regex"}]}],
            "payloads": {"false": "x"}}})");
    QCOMPARE(validate(flag),
             (QStringList{
                 line(u"unique"_s, u"key"_s, u"There is already a feature flag with this key."_s),
                 filtersLine(u"groups[0].rollout_percentage must be between 0 and 100, got 120"_s),
                 filtersLine(u"Filters are not valid (variant override does not exist)"_s),
                 filtersLine(u"Invalid value for operator regex: 5"_s, u"invalid_value"_s),
                 filtersLine(u"Payload value is not valid JSON"_s),
                 filtersLine(u"Payload keys must be 'true' for boolean flags"_s),
                 line(u"invalid_choice"_s, u"evaluation_runtime"_s,
                      u"\"edge\" is not a valid choice."_s),
                 line(u"invalid"_s, {},
                      u"Encrypted payloads require the flag to be a remote configuration."_s)}));
}

void TestFlagValidation::dependents_data()
{
    QTest::addColumn<qint64>("flagId");
    QTest::addColumn<bool>("deleting");
    QTest::addColumn<QString>("detail"); // empty when allowed
    QTest::newRow("no dependents") << qint64(12) << false << QString();
    QTest::newRow("disable") << qint64(11) << false
                             << u"Cannot disable this feature flag because other flags depend on "
                                u"it: flag_c (ID: 12). Please update or disable the dependent "
                                u"flags first."_s;
    QTest::newRow("delete") << qint64(10) << true
                            << u"Cannot delete this feature flag because other flags depend on "
                               u"it: flag_b (ID: 11). Please update or delete the dependent flags "
                               u"first."_s;
}

void TestFlagValidation::dependents()
{
    QFETCH(qint64, flagId);
    QFETCH(bool, deleting);
    QFETCH(QString, detail);
    const ValidationContext context = project();
    FeatureFlag flag = context.flagsById.value(flagId);
    flag.deleted = deleting;
    flag.active = deleting;
    const std::optional<ValidationError> error = checkDependentsBeforeDisable(flag, context);
    if (detail.isEmpty()) {
        QVERIFY(!error);
        return;
    }
    QVERIFY(error);
    QCOMPARE(lines({*error}), QStringList{line(u"invalid"_s, {}, detail)});
}

void TestFlagValidation::manyDependents()
{
    ValidationContext context = project();
    for (int i = 7; i >= 0; --i)
        addFlag(context, storedFlag(200 + i, "dep_" + QByteArray::number(i), {1}));
    addFlag(context, storedFlag(300, "aaa-disabled", {1}, false));
    addFlag(context, storedFlag(301, "aaa-deleted", {1}, true, true));
    FeatureFlag disable = context.flagsById.value(1);
    disable.active = false;
    const std::optional<ValidationError> error = checkDependentsBeforeDisable(disable, context);
    QVERIFY(error);
    QCOMPARE(error->detail,
             u"Cannot disable this feature flag because other flags depend on it: dep_0 (ID: 200), "
             u"dep_1 (ID: 201), dep_2 (ID: 202), dep_3 (ID: 203), dep_4 (ID: 204), and 3 more. "
             u"Please update or disable the dependent flags first."_s);
    QVERIFY(error->attr.isEmpty());
}

QTEST_GUILESS_MAIN(TestFlagValidation)
#include "tst_flag_validation.moc"
