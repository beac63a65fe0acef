// The rollout editor's state: every flag loads and saves back unchanged, every edit is one undo
// step that undo reverses exactly, the PATCH carries only what changed, unknown fields survive,
// validation errors land on their fields, and the 409 path merges or overwrites.
#include "flag_editor.h"
#include "test_flags.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>
#include <cmath>
#include <functional>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::models;

namespace {

// Unknown fields at the flag, filters, condition, property, multivariate and variant levels.
const char *const kFlagJson = R"({
  "id": 7, "key": "checkout", "name": "Checkout", "version": 3, "active": true,
  "x_custom": {"kept": 1}, "tags": ["a"], "created_at": "2024-01-02T03:04:05.123456Z",
  "filters": {
    "x_custom": "f",
    "groups": [
      {"x_custom": "g0", "rollout_percentage": 30, "description": "Staff",
       "properties": [
         {"key": "email", "type": "person", "value": "@acme.com", "operator": "icontains",
          "x_custom": "p0"},
         {"key": "country", "type": "person", "value": ["DE", "FR"], "operator": "exact"}]},
      {"properties": [], "rollout_percentage": null, "variant": "test"}
    ],
    "multivariate": {"x_custom": "m", "variants": [
      {"key": "control", "name": "Control", "rollout_percentage": 60, "x_custom": "v0"},
      {"key": "test", "rollout_percentage": 40}]},
    "payloads": {"control": "[1, 2]", "test": "42"}
  }
})";

QJsonObject parse(const char *json)
{
    QJsonParseError error;
    const QJsonObject object = QJsonDocument::fromJson(json, &error).object();
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return object;
}

FeatureFlag baseFlag()
{
    return FeatureFlag::fromJson(parse(kFlagJson));
}

int countCustom(const QJsonValue &value)
{
    int count = 0;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            count += (it.key() == "x_custom"_L1 ? 1 : 0) + countCustom(it.value());
    } else if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            count += countCustom(item);
    }
    return count;
}

struct Edit
{
    const char *name;
    std::function<void(FlagEditor &)> apply;
    bool keepsUnknownFields = true; // false: the edit removes an entity that carried some
};

PropertyFilter property(const QString &key, const QJsonValue &value, const QString &op)
{
    PropertyFilter p;
    p.key = key;
    p.type = u"person"_s;
    p.value = value;
    p.op = op;
    return p;
}

const QList<Edit> &edits()
{
    static const QList<Edit> list{
        {"key", [](FlagEditor &e) { e.setKey(u"checkout-v2"_s); }},
        {"name", [](FlagEditor &e) { e.setName(u"New checkout"_s); }},
        {"tags",
         [](FlagEditor &e) {
             e.setTags({u"a"_s, u"b"_s});
         }},
        {"active", [](FlagEditor &e) { e.setActive(false); }},
        {"runtime", [](FlagEditor &e) { e.setEvaluationRuntime(u"server"_s); }},
        {"contexts", [](FlagEditor &e) { e.setEvaluationContexts({u"web"_s}); }},
        {"continuity", [](FlagEditor &e) { e.setEnsureExperienceContinuity(true); }},
        {"aggregation", [](FlagEditor &e) { e.setAggregationGroupTypeIndex(0); }},
        {"holdout",
         [](FlagEditor &e) {
             e.setHoldout(Holdout{.id = 4, .exclusionPercentage = 10, .record = {}});
         }},
        {"remote config", [](FlagEditor &e) { e.setRemoteConfiguration(true); }, false},
        {"add condition", [](FlagEditor &e) { e.addCondition(); }},
        {"duplicate condition", [](FlagEditor &e) { e.duplicateCondition(0); }},
        {"remove condition", [](FlagEditor &e) { e.removeCondition(1); }},
        {"remove condition with unknown field", [](FlagEditor &e) { e.removeCondition(0); }, false},
        {"move condition", [](FlagEditor &e) { e.moveCondition(0, 1); }},
        {"condition description", [](FlagEditor &e) { e.setConditionDescription(1, u"All"_s); }},
        {"condition rollout", [](FlagEditor &e) { e.setConditionRollout(0, 12.5); }},
        {"condition rollout from none", [](FlagEditor &e) { e.setConditionRollout(1, 40); }},
        {"condition rollout to none", [](FlagEditor &e) { e.setConditionRollout(0, {}); }},
        {"variant override", [](FlagEditor &e) { e.setConditionVariant(0, u"control"_s); }},
        {"no variant override", [](FlagEditor &e) { e.setConditionVariant(1, {}); }},
        {"add property",
         [](FlagEditor &e) { e.addProperty(1, property(u"plan"_s, u"pro"_s, u"exact"_s)); }},
        {"remove property", [](FlagEditor &e) { e.removeProperty(0, 1); }},
        {"replace property",
         [](FlagEditor &e) { e.setProperty(0, 1, property(u"country"_s, u"US"_s, {})); }},
        {"move property", [](FlagEditor &e) { e.moveProperty(0, 0, 1); }},
        {"multivariate off", [](FlagEditor &e) { e.setMultivariate(false); }, false},
        {"add variant", [](FlagEditor &e) { e.addVariant(); }},
        {"remove variant", [](FlagEditor &e) { e.removeVariant(1); }},
        {"variant key", [](FlagEditor &e) { e.setVariantKey(1, u"treatment"_s); }},
        {"variant name", [](FlagEditor &e) { e.setVariantName(1, u"Test"_s); }},
        {"variant share", [](FlagEditor &e) { e.setVariantShare(0, 55.5); }},
        {"distribute evenly", [](FlagEditor &e) { e.distributeEvenly(); }},
        {"payload", [](FlagEditor &e) { e.setPayload(u"test"_s, u"[3]"_s); }},
        {"payload removed", [](FlagEditor &e) { e.setPayload(u"control"_s, {}); }},
        {"payload added", [](FlagEditor &e) { e.setPayload(u"true"_s, u"1"_s); }},
        {"filters as JSON",
         [](FlagEditor &e) {
             QJsonObject filters = e.draft().filters.toJson();
             filters.insert(u"aggregation_group_type_index"_s, 1);
             QVERIFY(e.replaceFilters(filters));
         }},
    };
    return list;
}

} // namespace

class TestFlagEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void edit_data();
    void edit();
    void consecutiveEditsMerge();
    void editTypedBackIsNoStep();
    void revertedByHandIsClean();
    void patchBodyHasOnlyChangedFields();
    void unknownFieldsSurviveInPatch();
    void variantKeyRenameMovesPayloadAndOverride();
    void evenShares_data();
    void evenShares();
    void distributeEvenlyValidates();
    void replaceFiltersRefusesWhatCoreCannotKeep_data();
    void replaceFiltersRefusesWhatCoreCannotKeep();
    void replaceFiltersKeepsUnknownFields();
    void validationMapsToFields();
    void validationContextRules();
    void dependencyErrorsMapToTheFilter();
    void serverErrorsMapToFields();
    void resetClearsHistory();
    void rebaseMergesDifferentFields();
    void rebaseReportsConflicts();
    void mergeKeepsTheirChangeOfAFieldIDidNotTouch();
    void mergeKeepsTheirChangeWhenIAddedACondition();
    void mergeKeepsMyChangeWhenTheyRemovedAnotherCondition();
    void mergeTakesTheirsWhereBothChangedWhenAsked();
    void overwriteKeepsUserValues();
};

void TestFlagEditor::roundTrip_data()
{
    QTest::addColumn<QJsonObject>("json");
    const auto vectors = vectorFlags();
    QVERIFY(!vectors.isEmpty());
    for (const auto &[file, flag] : vectors)
        QTest::addRow("%s %s", qPrintable(file), qPrintable(flag.value("key"_L1).toString()))
            << flag;
    QString error;
    const QList<QJsonObject> random = oracleRandomFlags(&error);
    QVERIFY2(random.size() >= 300, qPrintable(error));
    for (qsizetype i = 0; i < random.size(); ++i)
        QTest::addRow("random %lld %s", qlonglong(i),
                      qPrintable(random.at(i).value("key"_L1).toString()))
            << random.at(i);
    QTest::addRow("unknown fields") << parse(kFlagJson);
}

void TestFlagEditor::roundTrip()
{
    QFETCH(QJsonObject, json);
    FlagEditor editor(FeatureFlag::fromJson(json));
    QCOMPARE(editor.draft().toJson(), json);
    QVERIFY(!editor.isDirty());
    QVERIFY(editor.patchBody().isEmpty());
    QCOMPARE(editor.undoStack()->count(), 0);
}

void TestFlagEditor::edit_data()
{
    QTest::addColumn<int>("which");
    for (int i = 0; i < edits().size(); ++i)
        QTest::addRow("%s", edits().at(i).name) << i;
}

void TestFlagEditor::edit()
{
    QFETCH(int, which);
    const Edit &edit = edits().at(which);
    FlagEditor editor(baseFlag());
    QSignalSpy changed(&editor, &FlagEditor::changed);
    QSignalSpy dirty(&editor, &FlagEditor::dirtyChanged);
    const QJsonObject before = editor.draft().toJson();

    edit.apply(editor);
    const QJsonObject after = editor.draft().toJson();
    QVERIFY2(after != before, "the edit changed nothing");
    QCOMPARE(editor.undoStack()->count(), 1);
    QVERIFY(!editor.undoStack()->text(0).isEmpty());
    QVERIFY(editor.isDirty());
    QCOMPARE(dirty.size(), 1);
    QCOMPARE(changed.size(), 1);
    QVERIFY(!editor.patchBody().isEmpty());
    if (edit.keepsUnknownFields)
        QVERIFY(countCustom(after) >= countCustom(before));

    editor.undoStack()->undo();
    QCOMPARE(editor.draft().toJson(), before);
    QVERIFY(!editor.isDirty());
    QVERIFY(editor.patchBody().isEmpty());
    QCOMPARE(dirty.size(), 2);

    editor.undoStack()->redo();
    QCOMPARE(editor.draft().toJson(), after);
    QVERIFY(editor.isDirty());
}

void TestFlagEditor::consecutiveEditsMerge()
{
    FlagEditor editor(baseFlag());
    const QJsonObject before = editor.draft().toJson();
    for (double rollout : {20.0, 25.0, 30.5})
        editor.setConditionRollout(1, rollout);
    QCOMPARE(editor.undoStack()->count(), 1);
    QCOMPARE(editor.undoStack()->undoText(), u"Change rollout of condition 2 to 30.5%"_s);

    // Another condition, another field or a closed group is another step.
    editor.setConditionRollout(0, 10);
    QCOMPARE(editor.undoStack()->count(), 2);
    editor.setVariantKey(0, u"c"_s);
    editor.setVariantKey(0, u"co"_s);
    QCOMPARE(editor.undoStack()->count(), 3);
    editor.endMergeGroup();
    editor.setVariantKey(0, u"con"_s);
    QCOMPARE(editor.undoStack()->count(), 4);

    editor.undoStack()->setIndex(0);
    QCOMPARE(editor.draft().toJson(), before);
    QVERIFY(!editor.isDirty());
}

void TestFlagEditor::editTypedBackIsNoStep()
{
    FlagEditor editor(baseFlag());
    editor.setName(u"Checkout!"_s);
    editor.setName(u"Checkout"_s);
    QCOMPARE(editor.undoStack()->count(), 0);
    QVERIFY(!editor.isDirty());
    QVERIFY(editor.undoStack()->isClean());
}

void TestFlagEditor::revertedByHandIsClean()
{
    FlagEditor editor(baseFlag());
    QSignalSpy dirty(&editor, &FlagEditor::dirtyChanged);
    editor.setConditionRollout(0, 45);
    editor.endMergeGroup();
    editor.setConditionRollout(0, 30);
    QCOMPARE(editor.undoStack()->count(), 2);
    QVERIFY(!editor.undoStack()->isClean());
    QVERIFY(!editor.isDirty());
    QCOMPARE(dirty.size(), 2);
    QCOMPARE(dirty.at(0).at(0).toBool(), true);
    QCOMPARE(dirty.at(1).at(0).toBool(), false);
    QVERIFY(editor.patchBody().isEmpty());
}

void TestFlagEditor::patchBodyHasOnlyChangedFields()
{
    FlagEditor editor(baseFlag());
    // PostHog checks for a conflict only with the flag as it was loaded (original_flag) beside
    // the version (rest-api-behaviour.md §3.4).
    const QJsonObject loaded = editor.loaded().toJson();
    editor.setName(u"Renamed"_s);
    QCOMPARE(
        editor.patchBody(),
        (QJsonObject{{u"name"_s, u"Renamed"_s}, {u"version"_s, 3}, {u"original_flag"_s, loaded}}));

    editor.setConditionRollout(0, 50);
    const QJsonObject body = editor.patchBody();
    QCOMPARE(body.keys(), (QStringList{u"filters"_s, u"name"_s, u"original_flag"_s, u"version"_s}));
    QCOMPARE(body.value("filters"_L1).toObject(), editor.draft().filters.toJson());
    QCOMPARE(body.value("filters"_L1)["groups"_L1][0]["rollout_percentage"_L1].toDouble(), 50.0);

    editor.undoStack()->undo();
    editor.undoStack()->undo();
    QVERIFY(editor.patchBody().isEmpty());

    editor.setActive(false);
    QCOMPARE(editor.patchBody(),
             (QJsonObject{{u"active"_s, false}, {u"version"_s, 3}, {u"original_flag"_s, loaded}}));
}

void TestFlagEditor::unknownFieldsSurviveInPatch()
{
    FlagEditor editor(baseFlag());
    editor.setVariantShare(1, 45);
    editor.setVariantShare(0, 55);
    editor.setConditionRollout(1, 5);
    const QJsonObject filters = editor.patchBody().value("filters"_L1).toObject();
    QCOMPARE(filters.value("x_custom"_L1).toString(), u"f"_s);
    QCOMPARE(filters["groups"_L1][0]["x_custom"_L1].toString(), u"g0"_s);
    QCOMPARE(filters["groups"_L1][0]["properties"_L1][0]["x_custom"_L1].toString(), u"p0"_s);
    QCOMPARE(filters["multivariate"_L1]["x_custom"_L1].toString(), u"m"_s);
    QCOMPARE(filters["multivariate"_L1]["variants"_L1][0]["x_custom"_L1].toString(), u"v0"_s);
    // The flag-level one is not in the PATCH (nothing changed it) but stays in the draft.
    QCOMPARE(editor.draft().toJson().value("x_custom"_L1), parse(kFlagJson).value("x_custom"_L1));
}

void TestFlagEditor::variantKeyRenameMovesPayloadAndOverride()
{
    FlagEditor editor(baseFlag());
    editor.setVariantKey(1, u"treatment"_s);
    const FlagFilters &filters = editor.draft().filters;
    QCOMPARE(filters.payloads.value("treatment"_L1).toString(), u"42"_s);
    QVERIFY(!filters.payloads.contains("test"_L1));
    QCOMPARE(filters.groups.at(1).variant, std::optional(u"treatment"_s));
    QVERIFY(editor.validation().isEmpty());

    editor.removeVariant(1);
    QVERIFY(!editor.draft().filters.payloads.contains("treatment"_L1));
    QVERIFY(!editor.draft().filters.groups.at(1).variant);
}

void TestFlagEditor::evenShares_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("split");
    for (int count = 1; count <= 7; ++count) {
        QTest::addRow("%d integer", count) << count << int(VariantSplit::Integer);
        QTest::addRow("%d decimal", count) << count << int(VariantSplit::Decimal);
    }
}

void TestFlagEditor::evenShares()
{
    QFETCH(int, count);
    QFETCH(int, split);
    const QList<double> shares = models::evenShares(count, VariantSplit(split));
    QCOMPARE(shares.size(), count);
    double sum = 0;
    for (double share : shares) {
        sum += share;
        QVERIFY(share > 0);
        if (split == int(VariantSplit::Integer))
            QCOMPARE(share, std::round(share));
        else
            QVERIFY(std::fabs(share * 100 - std::round(share * 100)) < 1e-6);
        // Even: no share is more than the rounding step away from 100 / count.
        QVERIFY(std::fabs(share - 100.0 / count) <
                (split == int(VariantSplit::Integer) ? 3 : 0.01));
    }
    QVERIFY(std::fabs(sum - 100) < 1e-9);
}

void TestFlagEditor::distributeEvenlyValidates()
{
    // PostHog's form: round(100 / n) each, the last takes the difference.
    QCOMPARE(models::evenShares(3, VariantSplit::Integer), (QList<double>{33, 33, 34}));
    QCOMPARE(models::evenShares(6, VariantSplit::Integer), (QList<double>{17, 17, 17, 17, 17, 15}));
    QCOMPARE(models::evenShares(7, VariantSplit::Integer),
             (QList<double>{14, 14, 14, 14, 14, 14, 16}));
    QCOMPARE(models::evenShares(3, VariantSplit::Decimal), (QList<double>{33.34, 33.33, 33.33}));

    for (int split : {int(VariantSplit::Integer), int(VariantSplit::Decimal)}) {
        FlagEditor editor(baseFlag());
        for (int count = 3; count <= 7; ++count) {
            editor.addVariant();
            editor.distributeEvenly(VariantSplit(split));
            QVERIFY2(editor.validation().isEmpty(),
                     qPrintable(editor.validation().value(0).error.detail));
            QList<double> shares;
            for (const Variant &variant : *editor.draft().filters.variants)
                shares.append(variant.rolloutPercentage);
            QCOMPARE(shares, models::evenShares(count, VariantSplit(split)));
        }
    }
}

void TestFlagEditor::replaceFiltersRefusesWhatCoreCannotKeep_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("path");
    QTest::addRow("groups not a list") << u"{\"groups\": {}}"_s << u"filters.groups"_s;
    QTest::addRow("rollout as text")
        << u"{\"groups\": [{\"properties\": [], \"rollout_percentage\": \"30\"}]}"_s
        << u"filters.groups[0].rollout_percentage"_s;
    QTest::addRow("variants not a list")
        << u"{\"multivariate\": {\"variants\": 3}}"_s << u"filters.multivariate.variants"_s;
    QTest::addRow("payloads a list") << u"{\"payloads\": [1]}"_s << u"filters.payloads"_s;
    QTest::addRow("property not an object") << u"{\"groups\": [{\"properties\": [\"email\"]}]}"_s
                                            << u"filters.groups[0].properties[0]"_s;
}

void TestFlagEditor::replaceFiltersRefusesWhatCoreCannotKeep()
{
    QFETCH(QString, json);
    QFETCH(QString, path);
    FlagEditor editor(baseFlag());
    QSignalSpy changed(&editor, &FlagEditor::changed);
    const QJsonObject before = editor.draft().toJson();
    QString error;
    QVERIFY(!editor.replaceFilters(QJsonDocument::fromJson(json.toUtf8()).object(), &error));
    QVERIFY2(error.startsWith(path), qPrintable(error));
    QCOMPARE(editor.draft().toJson(), before);
    QCOMPARE(editor.undoStack()->count(), 0);
    QCOMPARE(changed.size(), 0);
}

void TestFlagEditor::replaceFiltersKeepsUnknownFields()
{
    FlagEditor editor(baseFlag());
    QJsonObject filters = editor.draft().filters.toJson();
    filters.insert(u"x_new"_s, QJsonArray{1, 2});
    QJsonArray groups = filters.value("groups"_L1).toArray();
    QJsonObject second = groups.at(1).toObject();
    second.insert(u"x_new"_s, true);
    groups.replace(1, second);
    filters.insert(u"groups"_s, groups);
    QString error;
    QVERIFY2(editor.replaceFilters(filters, &error), qPrintable(error));
    QCOMPARE(editor.draft().filters.toJson(), filters);
    QCOMPARE(editor.undoStack()->undoText(), u"Edit filters as JSON"_s);

    editor.setConditionRollout(0, 5);
    const QJsonObject sent = editor.patchBody().value("filters"_L1).toObject();
    QCOMPARE(sent.value("x_new"_L1), QJsonValue(QJsonArray{1, 2}));
    QCOMPARE(sent["groups"_L1][1]["x_new"_L1], QJsonValue(true));
}

void TestFlagEditor::validationMapsToFields()
{
    FlagEditor editor(baseFlag());
    QVERIFY(editor.validation().isEmpty());
    QSignalSpy validation(&editor, &FlagEditor::validationChanged);

    editor.setVariantKey(1, u"control"_s);
    QCOMPARE(validation.size(), 1);
    QVERIFY(!editor.errorsAt(FieldPath::atVariant(0, u"key"_s)).isEmpty());
    QVERIFY(!editor.errorsAt(FieldPath::atVariant(1, u"key"_s)).isEmpty());
    const ValidationError duplicate = editor.errorsAt(FieldPath::atVariant(1, u"key"_s)).first();
    QCOMPARE(duplicate.attr, u"filters"_s);
    QVERIFY(duplicate.detail.contains("duplicated: control"_L1));
    editor.undoStack()->undo();
    QVERIFY(editor.validation().isEmpty());

    editor.setVariantShare(0, 70);
    QCOMPARE(editor.errorsAt(FieldPath::atVariants()).size(), 1);
    QCOMPARE(editor.validation().first().path.toString(), u"filters.multivariate"_s);
    editor.undoStack()->undo();

    editor.setConditionRollout(1, 150);
    QCOMPARE(editor.validation().size(), 1);
    QCOMPARE(editor.validation().first().path, FieldPath::atCondition(1, u"rollout_percentage"_s));
    QCOMPARE(editor.validation().first().path.toString(),
             u"filters.groups[1].rollout_percentage"_s);
    QVERIFY(FieldPath::atCondition(1).contains(editor.validation().first().path));
    QVERIFY(!FieldPath::atCondition(0).contains(editor.validation().first().path));
    editor.undoStack()->undo();

    editor.setPayload(u"test"_s, u"{not json"_s);
    QCOMPARE(editor.validation().size(), 1);
    QCOMPARE(editor.validation().first().path, FieldPath::atPayload(u"test"_s));
    QCOMPARE(editor.validation().first().error.detail, u"Payload value is not valid JSON"_s);
    editor.undoStack()->undo();

    editor.setConditionVariant(0, u"missing"_s);
    QCOMPARE(editor.validation().first().path, FieldPath::atCondition(0, u"variant"_s));
    editor.undoStack()->undo();

    editor.setKey(u"bad key!"_s);
    QCOMPARE(editor.validation().first().path, FieldPath::atField(u"key"_s));
    QCOMPARE(editor.validation().first().error.code, u"invalid_key"_s);
}

void TestFlagEditor::validationContextRules()
{
    FlagEditor editor(baseFlag());
    PropertyFilter cohort;
    cohort.key = u"id"_s;
    cohort.type = u"cohort"_s;
    cohort.value = 12;
    cohort.op = u"in"_s;
    editor.addProperty(1, cohort);
    // Without the project, the cohort is taken to exist.
    QVERIFY(editor.validation().isEmpty());

    editor.setValidationContext(ValidationContext{});
    QCOMPARE(editor.validation().size(), 1);
    QCOMPARE(editor.validation().first().path, FieldPath::atProperty(1, 0, u"value"_s));
    QCOMPARE(editor.validation().first().error.code, u"cohort_does_not_exist"_s);

    ValidationContext context;
    context.liveKeys.insert(u"taken"_s, 99);
    Cohort known;
    known.id = 12;
    known.isStatic = true;
    context.cohorts.insert(12, known);
    editor.setValidationContext(context);
    QVERIFY(editor.validation().isEmpty());
    editor.setKey(u"taken"_s);
    QCOMPARE(editor.validation().first().path, FieldPath::atField(u"key"_s));
    QCOMPARE(editor.validation().first().error.code, u"unique"_s);
}

void TestFlagEditor::dependencyErrorsMapToTheFilter()
{
    FlagEditor editor(baseFlag());
    PropertyFilter dependency;
    dependency.key = u"42"_s;
    dependency.type = u"flag"_s;
    dependency.value = true;
    dependency.op = u"flag_evaluates_to"_s;
    editor.addProperty(1, dependency);
    QVERIFY(editor.validation().isEmpty());
    editor.setValidationContext({});
    QCOMPARE(editor.validation().size(), 1);
    QCOMPARE(editor.validation().first().path, FieldPath::atProperty(1, 0, u"key"_s));
    QVERIFY(editor.validation().first().error.detail.contains("ID 42"_L1));

    dependency.key = u"7"_s; // the flag itself
    editor.setProperty(1, 0, dependency);
    ValidationContext context;
    context.flagsById.insert(7, editor.loaded());
    editor.setValidationContext(context);
    QCOMPARE(editor.validation().size(), 1);
    QCOMPARE(editor.validation().first().path, FieldPath::atProperty(1, 0, u"key"_s));
    QVERIFY(editor.validation().first().error.detail.contains("cannot depend on itself"_L1));
}

void TestFlagEditor::serverErrorsMapToFields()
{
    FlagEditor editor(baseFlag());
    api::ApiError error = api::ApiError::fromHttp(
        400, R"({"type": "validation_error", "code": "invalid", "attr": "filters",
                 "detail": "groups[0].properties[1].value: invalid regex pattern"})");
    QCOMPARE(editor.fieldsOfServerError(error),
             (QList<FieldPath>{FieldPath::atProperty(0, 1, u"value"_s)}));

    error = api::ApiError::fromHttp(
        400, R"({"type": "validation_error", "code": "unique", "attr": "key", "detail": "x"})");
    QCOMPARE(editor.fieldsOfServerError(error), (QList<FieldPath>{FieldPath::atField(u"key"_s)}));

    // A rule of PostHog's the editor does not place stays on the field PostHog named.
    error = api::ApiError::fromHttp(
        400, R"({"type": "validation_error", "code": "x", "attr": "filters", "detail": "?"})");
    QCOMPARE(editor.fieldsOfServerError(error),
             (QList<FieldPath>{FieldPath::atField(u"filters"_s)}));
    QCOMPARE(editor.fieldsOfError(
                 {u"invalid"_s, u"Group type with index 3 does not exist"_s, u"filters"_s}),
             (QList<FieldPath>{FieldPath::atField(u"filters"_s)}));
}

void TestFlagEditor::resetClearsHistory()
{
    FlagEditor editor(baseFlag());
    editor.setName(u"Saved"_s);
    FeatureFlag saved = editor.draft();
    saved.version = 4;
    editor.reset(saved);
    QCOMPARE(editor.undoStack()->count(), 0);
    QVERIFY(!editor.isDirty());
    QCOMPARE(editor.loaded().version, 4);
    editor.setName(u"Again"_s);
    QCOMPARE(editor.patchBody().value("version"_L1).toInt(), 4);
}

void TestFlagEditor::rebaseMergesDifferentFields()
{
    FlagEditor editor(baseFlag());
    editor.setConditionRollout(0, 80);
    editor.setPayload(u"test"_s, u"43"_s);

    FeatureFlag server = baseFlag();
    server.version = 5;
    server.name = u"Renamed on the server"_s;
    server.filters.groups[1].description = u"Server's note"_s;
    server.filters.payloads.insert(u"control"_s, u"[9]"_s);

    const FlagRebase rebase = editor.rebase(server);
    QVERIFY(!rebase.hasConflicts());
    QVERIFY(!rebase.serverChanges.isEmpty());
    QVERIFY(!rebase.userChanges.isEmpty());
    editor.mergeOntoServer(rebase);

    const FeatureFlag &draft = editor.draft();
    QCOMPARE(draft.name, server.name);
    QCOMPARE(draft.filters.groups.at(1).description, u"Server's note"_s);
    QCOMPARE(draft.filters.payloads.value("control"_L1).toString(), u"[9]"_s);
    QCOMPARE(draft.filters.groups.at(0).rolloutPercentage, std::optional(80.0));
    QCOMPARE(draft.filters.payloads.value("test"_L1).toString(), u"43"_s);
    QCOMPARE(editor.loaded(), server);
    QVERIFY(editor.isDirty());
    const QJsonObject body = editor.patchBody();
    QCOMPARE(body.keys(), (QStringList{u"filters"_s, u"original_flag"_s, u"version"_s}));
    QCOMPARE(body.value("version"_L1).toInt(), 5);
    QCOMPARE(body.value("filters"_L1)["x_custom"_L1].toString(), u"f"_s);
}

void TestFlagEditor::rebaseReportsConflicts()
{
    FlagEditor editor(baseFlag());
    editor.setConditionRollout(0, 80);
    editor.setName(u"Mine"_s);

    FeatureFlag server = baseFlag();
    server.version = 5;
    server.filters.groups[0].rolloutPercentage = 10;
    server.name = u"Mine"_s; // the same change on both sides is no conflict

    const FlagRebase rebase = editor.rebase(server);
    QVERIFY(rebase.hasConflicts());
    const QList<FlagRebase::Part> conflicts = rebase.conflicts();
    QCOMPARE(conflicts.size(), 1);
    QCOMPARE(conflicts.first().path, u"filters.groups[0].rollout_percentage"_s);
    QCOMPARE(conflicts.first().server.toDouble(), 10.0);
    QCOMPARE(conflicts.first().user.toDouble(), 80.0);
    QCOMPARE(rebase.conflictingUserChanges().size(), 1);
    QCOMPARE(rebase.conflictingUserChanges().first().path,
             u"filters.groups[0].rollout_percentage"_s);
    QCOMPARE(rebase.conflictingServerChanges().first().after.toDouble(), 10.0);

    editor.mergeOntoServer(rebase);
    QCOMPARE(editor.draft().filters.groups.at(0).rolloutPercentage, std::optional(80.0));
    QCOMPARE(editor.patchBody().keys(),
             (QStringList{u"filters"_s, u"original_flag"_s, u"version"_s}));
    // The merge's base is the server's version: that is what the next save says it started from.
    QCOMPARE(editor.patchBody().value("original_flag"_L1).toObject(), rebase.server.toJson());
}

void TestFlagEditor::mergeKeepsTheirChangeOfAFieldIDidNotTouch()
{
    // They moved condition 1 from 30 % to 50 % while I described it: the merge keeps their 50 %
    // and my description; neither is a conflict, since nobody changed what the other did.
    FlagEditor editor(baseFlag());
    editor.setConditionDescription(0, u"Staff and friends"_s);
    editor.setProperty(0, 0, [] {
        PropertyFilter filter = baseFlag().filters.groups.at(0).properties.at(0);
        filter.value = u"@acme.org"_s;
        return filter;
    }());

    FeatureFlag server = baseFlag();
    server.version = 4;
    server.filters.groups[0].rolloutPercentage = 50;

    const FlagRebase rebase = editor.rebase(server);
    QVERIFY(!rebase.hasConflicts());
    editor.mergeOntoServer(rebase);
    const Condition &merged = editor.draft().filters.groups.at(0);
    QCOMPARE(merged.rolloutPercentage, std::optional(50.0));
    QCOMPARE(merged.description, u"Staff and friends"_s);
    QCOMPARE(merged.properties.at(0).value, QJsonValue(u"@acme.org"_s));
    QCOMPARE(merged.properties.at(1), baseFlag().filters.groups.at(0).properties.at(1));
    // Saving sends their rollout as the stored one, not as a change of mine.
    const QJsonObject sent = editor.patchBody()["filters"_L1]["groups"_L1][0].toObject();
    QCOMPARE(sent.value("rollout_percentage"_L1).toDouble(), 50.0);
}

void TestFlagEditor::mergeKeepsTheirChangeWhenIAddedACondition()
{
    FlagEditor editor(baseFlag());
    const int added = editor.addCondition();
    editor.setConditionRollout(added, 5);

    FeatureFlag server = baseFlag();
    server.version = 4;
    server.filters.groups[0].rolloutPercentage = 50;
    server.filters.groups[1].description = u"Theirs"_s;

    const FlagRebase rebase = editor.rebase(server);
    QVERIFY(!rebase.hasConflicts());
    editor.mergeOntoServer(rebase);
    const QList<Condition> &groups = editor.draft().filters.groups;
    QCOMPARE(groups.size(), 3);
    QCOMPARE(groups.at(0).rolloutPercentage, std::optional(50.0));
    QCOMPARE(groups.at(1).description, u"Theirs"_s);
    QCOMPARE(groups.at(2).rolloutPercentage, std::optional(5.0));
}

void TestFlagEditor::mergeKeepsMyChangeWhenTheyRemovedAnotherCondition()
{
    FlagEditor editor(baseFlag());
    editor.setConditionRollout(1, 20);

    FeatureFlag server = baseFlag();
    server.version = 4;
    server.filters.groups.removeFirst();

    const FlagRebase rebase = editor.rebase(server);
    QVERIFY(!rebase.hasConflicts());
    editor.mergeOntoServer(rebase);
    QCOMPARE(editor.draft().filters.groups.size(), 1);
    QCOMPARE(editor.draft().filters.groups.at(0).rolloutPercentage, std::optional(20.0));
    QCOMPARE(editor.draft().filters.groups.at(0).variant, std::optional(u"test"_s));

    // An edit of the condition they removed cannot go anywhere on its own: a conflict.
    FlagEditor other(baseFlag());
    other.setConditionRollout(0, 90);
    QVERIFY(other.rebase(server).hasConflicts());
}

void TestFlagEditor::mergeTakesTheirsWhereBothChangedWhenAsked()
{
    FlagEditor editor(baseFlag());
    editor.setConditionRollout(0, 80);
    editor.setName(u"Mine"_s);

    FeatureFlag server = baseFlag();
    server.version = 5;
    server.filters.groups[0].rolloutPercentage = 10;

    const FlagRebase rebase = editor.rebase(server);
    QVERIFY(rebase.hasConflicts());
    editor.mergeOntoServer(rebase, FlagEditor::BothChanged::TakeTheirs);
    QCOMPARE(editor.draft().filters.groups.at(0).rolloutPercentage, std::optional(10.0));
    QCOMPARE(editor.draft().name, u"Mine"_s); // only I changed it
    QCOMPARE(editor.patchBody().keys(), (QStringList{u"name"_s, u"original_flag"_s, u"version"_s}));
}

void TestFlagEditor::overwriteKeepsUserValues()
{
    FlagEditor editor(baseFlag());
    editor.setConditionRollout(0, 80);

    FeatureFlag server = baseFlag();
    server.version = 6;
    server.updatedAt = u"2025-01-01T00:00:00Z"_s;
    server.filters.groups[0].rolloutPercentage = 10;
    server.name = u"Server name"_s;

    editor.overwriteServer(editor.rebase(server));
    QCOMPARE(editor.loaded(), server);
    QCOMPARE(editor.draft().filters.groups.at(0).rolloutPercentage, std::optional(80.0));
    QCOMPARE(editor.draft().name, u"Checkout"_s);
    QCOMPARE(editor.draft().updatedAt, server.updatedAt);
    const QJsonObject body = editor.patchBody();
    QCOMPARE(body.keys(), (QStringList{u"filters"_s, u"name"_s, u"original_flag"_s, u"version"_s}));
    QCOMPARE(body.value("version"_L1).toInt(), 6);
    QCOMPARE(body.value("name"_L1).toString(), u"Checkout"_s);
}

QTEST_GUILESS_MAIN(TestFlagEditor)
#include "tst_flag_editor.moc"
