#include "flag_diff.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;

namespace {

// Version 1 of the flag every test edits: two condition sets, two variants, a payload.
FeatureFlag base()
{
    FeatureFlag flag = FeatureFlag::fromJson(QJsonDocument::fromJson(R"({
        "id": 7, "key": "beta", "name": "Beta", "active": true, "version": 3,
        "updated_at": "2024-01-02T03:04:05.123456Z", "status": "ACTIVE",
        "tags": ["growth", "beta"],
        "filters": {
            "groups": [
                {"properties": [{"key": "email", "type": "person", "value": "@acme.com",
                                 "operator": "icontains"},
                                {"key": "plan", "type": "person", "value": ["pro"],
                                 "operator": "exact"}],
                 "rollout_percentage": null},
                {"properties": [], "rollout_percentage": 20, "description": "everyone"}
            ],
            "multivariate": {"variants": [{"key": "a", "rollout_percentage": 70},
                                          {"key": "b", "name": "B", "rollout_percentage": 30}]}
        }
    })")
                                                 .object());
    // Not in the raw string above: moc misreads an escaped quote inside one.
    flag.filters.payloads.insert("a"_L1, u"{\"x\": 1}"_s);
    return flag;
}

Condition condition(const char *json)
{
    return Condition::fromJson(QJsonDocument::fromJson(json).object());
}

PropertyFilter propertyFilter(const char *json)
{
    return PropertyFilter::fromJson(QJsonDocument::fromJson(json).object());
}

QByteArray dump(const QList<FlagChange> &changes)
{
    QStringList lines;
    for (const FlagChange &c : changes)
        lines.append(c.path + u" | "_s + c.summary());
    return lines.join(u'\n').toUtf8();
}

// The only change of the diff, failing the test (with the diff shown) when there are others.
#define ONLY_CHANGE(changes)                                                                       \
    QVERIFY2((changes).size() == 1, dump(changes).constData());                                    \
    const FlagChange &only = (changes).first()

} // namespace

class TestFlagDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void equalFlagsGiveNoChanges();
    void bookkeepingIsIgnored();
    void explicitDefaultsAreNoChange();
    void activeToggle();
    void softDelete();
    void nameChange();
    void tags();
    void unknownTopLevelField();
    void conditionRollout();
    void conditionAttributes();
    void conditionAdded();
    void conditionRemoved();
    void conditionsReordered();
    void conditionRemovedAndEdited();
    void conditionsReorderedAndEdited();
    void propertyValueEdit();
    void propertyOperatorEdit();
    void operatorsAreNamedAsTheEditorNamesThem_data();
    void operatorsAreNamedAsTheEditorNamesThem();
    void propertyAddedAndRemoved();
    void propertiesReordered();
    void variantShares();
    void variantsAddedRemovedRenamed();
    void variantsReordered();
    void becomesMultivariate();
    void payloads();
    void filterKeysComparedWhole();
    void unknownConditionKey();
    void fieldOrder();
    void activityChangesShape();
    void activityCreatedAndDeleted();
};

void TestFlagDiff::equalFlagsGiveNoChanges()
{
    const FeatureFlag a = base();
    QVERIFY(diffFlags(a, a).isEmpty());
    QVERIFY(diffFlags(a, FeatureFlag::fromJson(a.toJson())).isEmpty());
    QVERIFY(diffFlags(FeatureFlag(), FeatureFlag()).isEmpty());
    QVERIFY(activityChanges(a, a).isEmpty());
}

void TestFlagDiff::bookkeepingIsIgnored()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.version = 4;
    b.updatedAt = u"2024-02-02T00:00:00Z"_s;
    b.lastModifiedBy = UserBasic();
    b.lastModifiedBy->email = u"pm@acme.com"_s;
    b.status = u"STALE"_s;
    b.lastCalledAt = u"2024-02-03T00:00:00Z"_s;
    b.canEdit = true;
    b.experimentSet = {12};
    b.usageDashboard = 99;
    QVERIFY2(diffFlags(a, b).isEmpty(), dump(diffFlags(a, b)).constData());
    QVERIFY(activityChanges(a, b).isEmpty());
}

void TestFlagDiff::explicitDefaultsAreNoChange()
{
    const FeatureFlag a = base();
    QJsonObject json = a.toJson();
    json.remove("active"_L1); // absent means true
    json.insert("rollback_conditions"_L1, QJsonValue());
    json.insert("tags"_L1, QJsonArray{u"beta"_s, u"growth"_s});
    FeatureFlag b = FeatureFlag::fromJson(json);
    b.filters.groups[0].rolloutPercentage = 100; // null meant 100 too
    b.filters.groups[1].hasProperties = false;
    b.filters.groups[0].properties[1].op.clear();   // absent means exact
    b.filters.groups[0].properties[1].type.clear(); // absent means person
    b.filters.groups[1].variant = QString();
    QVERIFY2(diffFlags(a, b).isEmpty(), dump(diffFlags(a, b)).constData());
}

void TestFlagDiff::activeToggle()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.active = false;
    const QList<FlagChange> changes = diffFlags(a, b);
    ONLY_CHANGE(changes);
    QCOMPARE(only.level, ChangeLevel::Field);
    QCOMPARE(only.kind, ChangeKind::Changed);
    QCOMPARE(only.path, u"active"_s);
    QCOMPARE(only.field, u"active"_s);
    QCOMPARE(only.before, QJsonValue(true));
    QCOMPARE(only.after, QJsonValue(false));
    QCOMPARE(only.summary(), u"Flag disabled"_s);
    QCOMPARE(diffFlags(b, a).first().summary(), u"Flag enabled"_s);
}

void TestFlagDiff::softDelete()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.deleted = true;
    const QList<FlagChange> changes = diffFlags(a, b);
    ONLY_CHANGE(changes);
    QCOMPARE(only.path, u"deleted"_s);
    QCOMPARE(only.kind, ChangeKind::Changed);
    QCOMPARE(only.summary(), u"Flag deleted"_s);
    QCOMPARE(diffFlags(b, a).first().summary(), u"Flag restored"_s);
}

void TestFlagDiff::nameChange()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.name = u"Beta programme"_s;
    const QList<FlagChange> changes = diffFlags(a, b);
    ONLY_CHANGE(changes);
    QCOMPARE(only.summary(), u"Name: \"Beta\" → \"Beta programme\""_s);
    b.name.clear();
    const FlagChange cleared = diffFlags(a, b).first();
    QCOMPARE(cleared.kind, ChangeKind::Removed);
    QCOMPARE(cleared.summary(), u"Name removed (was \"Beta\")"_s);
    const FlagChange set = diffFlags(b, a).first();
    QCOMPARE(set.kind, ChangeKind::Added);
    QCOMPARE(set.summary(), u"Name set to \"Beta\""_s);
}

void TestFlagDiff::tags()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.tags = {u"beta"_s, u"new"_s};
    const QList<FlagChange> changes = diffFlags(a, b);
    ONLY_CHANGE(changes);
    QCOMPARE(only.path, u"tags"_s);
    QCOMPARE(only.kind, ChangeKind::Changed);
    QCOMPARE(only.before, QJsonValue(QJsonArray{u"beta"_s, u"growth"_s}));
    QCOMPARE(only.summary(), u"Tags: added \"new\"; removed \"growth\""_s);
    b.tags.clear();
    QCOMPARE(diffFlags(a, b).first().kind, ChangeKind::Removed);
    QCOMPARE(diffFlags(b, a).first().kind, ChangeKind::Added);
    QCOMPARE(diffFlags(b, a).first().summary(), u"Tags: added \"beta\", \"growth\""_s);
}

void TestFlagDiff::unknownTopLevelField()
{
    QJsonObject json = base().toJson();
    json.insert("new_field"_L1, 1);
    const FeatureFlag a = FeatureFlag::fromJson(json);
    json.insert("new_field"_L1, 2);
    const QList<FlagChange> changes = diffFlags(a, FeatureFlag::fromJson(json));
    ONLY_CHANGE(changes);
    QCOMPARE(only.level, ChangeLevel::Field);
    QCOMPARE(only.path, u"new_field"_s);
    QCOMPARE(only.summary(), u"New field: 1 → 2"_s);
}

void TestFlagDiff::conditionRollout()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.filters.groups[1].rolloutPercentage = 50;
    const QList<FlagChange> changes = diffFlags(a, b);
    ONLY_CHANGE(changes);
    QCOMPARE(only.level, ChangeLevel::Condition);
    QCOMPARE(only.kind, ChangeKind::Changed);
    QCOMPARE(only.path, u"filters.groups[1].rollout_percentage"_s);
    QCOMPARE(only.field, u"filters"_s);
    QCOMPARE(only.conditionIndex, std::optional<int>(1));
    QCOMPARE(only.propertyIndex, std::nullopt);
    QCOMPARE(only.before.toDouble(), 20.0);
    QCOMPARE(only.after.toDouble(), 50.0);
    QCOMPARE(only.summary(), u"Rollout of condition set 2: 20% → 50%"_s);

    b = a;
    b.filters.groups[0].rolloutPercentage = 0; // from null, which means 100
    QCOMPARE(diffFlags(a, b).first().summary(), u"Rollout of condition set 1: 100% → 0%"_s);
}

void TestFlagDiff::conditionAttributes()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.filters.groups[1].variant = u"b"_s;
    b.filters.groups[1].description = u"the rest"_s;
    b.filters.groups[1].aggregationGroupTypeIndex = 0;
    const QList<FlagChange> changes = diffFlags(a, b);
    QCOMPARE(changes.size(), 3);
    for (const FlagChange &c : changes) {
        QCOMPARE(c.level, ChangeLevel::Condition);
        QCOMPARE(c.kind, ChangeKind::Changed);
        QCOMPARE(c.conditionIndex, std::optional<int>(1));
    }
    QCOMPARE(changes[0].path, u"filters.groups[1].aggregation_group_type_index"_s);
    QCOMPARE(changes[0].summary(),
             u"Aggregation of condition set 2: flag default → group type 0"_s);
    QCOMPARE(changes[1].path, u"filters.groups[1].description"_s);
    QCOMPARE(changes[1].summary(),
             u"Description of condition set 2: \"everyone\" → \"the rest\""_s);
    QCOMPARE(changes[2].path, u"filters.groups[1].variant"_s);
    QCOMPARE(changes[2].before, QJsonValue(QJsonValue::Undefined));
    QCOMPARE(changes[2].summary(), u"Variant override of condition set 2: none → \"b\""_s);
}

void TestFlagDiff::conditionAdded()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.filters.groups.append(condition(R"({"properties": [], "rollout_percentage": 5})"));
    const QList<FlagChange> changes = diffFlags(a, b);
    ONLY_CHANGE(changes);
    QCOMPARE(only.level, ChangeLevel::Condition);
    QCOMPARE(only.kind, ChangeKind::Added);
    QCOMPARE(only.path, u"filters.groups[2]"_s);
    QCOMPARE(only.conditionIndex, std::optional<int>(2));
    QCOMPARE(only.before, QJsonValue(QJsonValue::Undefined));
    QCOMPARE(only.after.toObject().value("rollout_percentage"_L1).toDouble(), 5.0);
    QCOMPARE(only.summary(), u"Condition set 3 added"_s);
}

void TestFlagDiff::conditionRemoved()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.filters.groups.removeFirst();
    const QList<FlagChange> changes = diffFlags(a, b);
    ONLY_CHANGE(changes); // the other condition moving up is no change of its own
    QCOMPARE(only.kind, ChangeKind::Removed);
    QCOMPARE(only.path, u"filters.groups[0]"_s);
    QCOMPARE(only.conditionIndex, std::optional<int>(0));
    QVERIFY(only.after.isUndefined());
    QCOMPARE(only.before.toObject().value("properties"_L1).toArray().size(), 2);
    QCOMPARE(only.summary(), u"Condition set 1 removed"_s);
}

void TestFlagDiff::conditionsReordered()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.filters.groups.swapItemsAt(0, 1);
    const QList<FlagChange> changes = diffFlags(a, b);
    ONLY_CHANGE(changes);
    QCOMPARE(only.level, ChangeLevel::Condition);
    QCOMPARE(only.kind, ChangeKind::Moved);
    QCOMPARE(only.path, u"filters.groups[0]"_s);
    QCOMPARE(only.before, QJsonValue(1));
    QCOMPARE(only.after, QJsonValue(0));
    QCOMPARE(only.summary(), u"Condition set 2 moved to position 1"_s);
}

void TestFlagDiff::conditionRemovedAndEdited()
{
    FeatureFlag a = base();
    a.filters.groups.append(condition(R"({"rollout_percentage": 5})"));
    FeatureFlag b = a;
    b.filters.groups.removeFirst();
    b.filters.groups[0].rolloutPercentage = 25;
    const QList<FlagChange> changes = diffFlags(a, b);
    QVERIFY2(changes.size() == 2, dump(changes).constData());
    QCOMPARE(changes[0].kind, ChangeKind::Removed);
    QCOMPARE(changes[0].conditionIndex, std::optional<int>(0));
    QCOMPARE(changes[1].path, u"filters.groups[0].rollout_percentage"_s);
    QCOMPARE(changes[1].summary(), u"Rollout of condition set 1: 20% → 25%"_s);
}

void TestFlagDiff::conditionsReorderedAndEdited()
{
    FeatureFlag a = base();
    a.filters.groups[1].properties.append(
        propertyFilter(R"({"key": "country", "type": "person", "value": ["US"]})"));
    FeatureFlag b = a;
    b.filters.groups.swapItemsAt(0, 1);
    b.filters.groups[0].properties[0].value = QJsonArray{u"US"_s, u"CA"_s};
    b.filters.groups[1].properties[0].value = u"@acme.io"_s;
    const QList<FlagChange> changes = diffFlags(a, b);
    QVERIFY2(changes.size() == 3, dump(changes).constData());
    QCOMPARE(changes[0].kind, ChangeKind::Moved);
    QCOMPARE(changes[0].summary(), u"Condition set 2 moved to position 1"_s);
    QCOMPARE(changes[1].path, u"filters.groups[0].properties[0].value"_s);
    QCOMPARE(changes[1].subject, u"country equals"_s);
    QCOMPARE(changes[2].path, u"filters.groups[1].properties[0].value"_s);
    QCOMPARE(changes[2].subject, u"email contains"_s);
}

void TestFlagDiff::propertyValueEdit()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.filters.groups[0].properties[0].value = u"@acme.io"_s;
    const QList<FlagChange> changes = diffFlags(a, b);
    ONLY_CHANGE(changes);
    QCOMPARE(only.level, ChangeLevel::Property);
    QCOMPARE(only.kind, ChangeKind::Changed);
    QCOMPARE(only.path, u"filters.groups[0].properties[0].value"_s);
    QCOMPARE(only.conditionIndex, std::optional<int>(0));
    QCOMPARE(only.propertyIndex, std::optional<int>(0));
    QCOMPARE(only.subject, u"email contains"_s);
    QCOMPARE(only.before, QJsonValue(u"@acme.com"_s));
    QCOMPARE(only.after, QJsonValue(u"@acme.io"_s));
    QCOMPARE(
        only.summary(),
        u"Value of property email contains in condition set 1: \"@acme.com\" → \"@acme.io\""_s);
}

void TestFlagDiff::propertyOperatorEdit()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.filters.groups[0].properties[0].op = u"not_icontains"_s;
    const QList<FlagChange> changes = diffFlags(a, b);
    ONLY_CHANGE(changes);
    QCOMPARE(only.path, u"filters.groups[0].properties[0].operator"_s);
    QCOMPARE(only.summary(), u"Operator of property email doesn't contain in condition set 1: "
                             u"\"contains\" → \"doesn't contain\""_s);
}

// The history and the activity log name an operator with the words of the editor's operator
// combo box (core's operatorLabel(), which both use), never PostHog's name for it.
void TestFlagDiff::operatorsAreNamedAsTheEditorNamesThem_data()
{
    QTest::addColumn<QString>("op");
    QTest::addColumn<QString>("words");
    QTest::newRow("icontains") << u"icontains"_s << u"contains"_s;
    QTest::newRow("not_icontains") << u"not_icontains"_s << u"doesn't contain"_s;
    QTest::newRow("not_regex") << u"not_regex"_s << u"doesn't match regex"_s;
    QTest::newRow("gt") << u"gt"_s << u"greater than"_s;
    QTest::newRow("is_date_before") << u"is_date_before"_s << u"before"_s;
    QTest::newRow("semver_gte") << u"semver_gte"_s << u"semver ≥"_s;
    QTest::newRow("is_not_set") << u"is_not_set"_s << u"is not set"_s;
}

void TestFlagDiff::operatorsAreNamedAsTheEditorNamesThem()
{
    QFETCH(QString, op);
    QFETCH(QString, words);
    QCOMPARE(operatorLabel(operatorFromName(op)), words);
    const FeatureFlag a = base();
    FeatureFlag b = a;
    PropertyFilter added = propertyFilter(R"({"key": "plan", "type": "person", "value": "x"})");
    added.op = op;
    b.filters.groups[0].properties.append(added);
    const QList<FlagChange> changes = diffFlags(a, b);
    ONLY_CHANGE(changes);
    QCOMPARE(only.subject, u"plan "_s + words);
    QVERIFY2(only.summary().startsWith(u"Property plan "_s + words + u" \"x\" added"_s),
             qPrintable(only.summary()));
}

void TestFlagDiff::propertyAddedAndRemoved()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.filters.groups[0].properties.removeFirst();
    b.filters.groups[1].properties.append(propertyFilter(
        R"({"key": "country", "type": "person", "value": ["US"], "operator": "exact"})"));
    const QList<FlagChange> changes = diffFlags(a, b);
    QVERIFY2(changes.size() == 2, dump(changes).constData());
    const FlagChange &removed = changes[0];
    QCOMPARE(removed.level, ChangeLevel::Property);
    QCOMPARE(removed.kind, ChangeKind::Removed);
    QCOMPARE(removed.path, u"filters.groups[0].properties[0]"_s);
    QCOMPARE(removed.summary(),
             u"Property email contains \"@acme.com\" removed from condition set 1"_s);
    const FlagChange &added = changes[1];
    QCOMPARE(added.kind, ChangeKind::Added);
    QCOMPARE(added.path, u"filters.groups[1].properties[0]"_s);
    QCOMPARE(added.conditionIndex, std::optional<int>(1));
    QCOMPARE(added.propertyIndex, std::optional<int>(0));
    QCOMPARE(added.after.toObject().value("key"_L1), QJsonValue(u"country"_s));
    QCOMPARE(added.summary(), u"Property country equals [\"US\"] added to condition set 2"_s);

    b = a;
    b.filters.groups[1].properties.append(
        propertyFilter(R"({"key": "id", "type": "cohort", "value": 42, "operator": "in"})"));
    QCOMPARE(diffFlags(a, b).first().summary(),
             u"Property cohort id in 42 added to condition set 2"_s);
}

void TestFlagDiff::propertiesReordered()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.filters.groups[0].properties.swapItemsAt(0, 1);
    const QList<FlagChange> changes = diffFlags(a, b);
    ONLY_CHANGE(changes);
    QCOMPARE(only.level, ChangeLevel::Property);
    QCOMPARE(only.kind, ChangeKind::Moved);
    QCOMPARE(only.subject, u"plan equals"_s);
    QCOMPARE(only.summary(),
             u"Property plan equals in condition set 1 moved from position 2 to 1"_s);
}

void TestFlagDiff::variantShares()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    (*b.filters.variants)[0].rolloutPercentage = 60;
    (*b.filters.variants)[1].rolloutPercentage = 40;
    const QList<FlagChange> changes = diffFlags(a, b);
    QVERIFY2(changes.size() == 2, dump(changes).constData());
    const FlagChange &share = changes[1];
    QCOMPARE(share.level, ChangeLevel::Variant);
    QCOMPARE(share.kind, ChangeKind::Changed);
    QCOMPARE(share.variantKey, u"b"_s);
    QCOMPARE(share.path, u"filters.multivariate.variants[b].rollout_percentage"_s);
    QCOMPARE(share.summary(), u"Share of variant \"b\": 30% → 40%"_s);
    QCOMPARE(changes[0].summary(), u"Share of variant \"a\": 70% → 60%"_s);
}

void TestFlagDiff::variantsAddedRemovedRenamed()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    QList<Variant> &variants = *b.filters.variants;
    variants.removeLast();
    variants[0].name = u"Control"_s;
    variants.append(
        Variant::fromJson(QJsonObject{{"key"_L1, u"c"_s}, {"rollout_percentage"_L1, 30}}));
    const QList<FlagChange> changes = diffFlags(a, b);
    QVERIFY2(changes.size() == 3, dump(changes).constData());
    QCOMPARE(changes[0].kind, ChangeKind::Removed);
    QCOMPARE(changes[0].path, u"filters.multivariate.variants[b]"_s);
    QCOMPARE(changes[0].summary(), u"Variant \"b\" removed"_s);
    QCOMPARE(changes[1].kind, ChangeKind::Changed);
    QCOMPARE(changes[1].path, u"filters.multivariate.variants[a].name"_s);
    QCOMPARE(changes[1].summary(), u"Name of variant \"a\": none → \"Control\""_s);
    QCOMPARE(changes[2].kind, ChangeKind::Added);
    QCOMPARE(changes[2].variantKey, u"c"_s);
    QCOMPARE(changes[2].summary(), u"Variant \"c\" added with 30%"_s);
}

void TestFlagDiff::variantsReordered()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.filters.variants->swapItemsAt(0, 1);
    const QList<FlagChange> changes = diffFlags(a, b);
    ONLY_CHANGE(changes); // the order of variants moves users between them
    QCOMPARE(only.level, ChangeLevel::Variant);
    QCOMPARE(only.kind, ChangeKind::Moved);
    QCOMPARE(only.variantKey, u"b"_s);
    QCOMPARE(only.summary(), u"Variant \"b\" moved from position 2 to 1"_s);
}

void TestFlagDiff::becomesMultivariate()
{
    FeatureFlag a = base();
    a.filters.variants.reset();
    a.filters.payloads = {};
    const QList<FlagChange> changes = diffFlags(a, base());
    QVERIFY2(changes.size() == 3, dump(changes).constData());
    QCOMPARE(changes[0].kind, ChangeKind::Added);
    QCOMPARE(changes[0].variantKey, u"a"_s);
    QCOMPARE(changes[1].variantKey, u"b"_s);
    QCOMPARE(changes[2].level, ChangeLevel::Payload);

    FeatureFlag empty = a;
    empty.filters.variants = QList<Variant>(); // `{"variants": []}` is not multivariate either
    QVERIFY(diffFlags(a, empty).isEmpty());
}

void TestFlagDiff::payloads()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.filters.payloads.insert("a"_L1, u"{\"x\": 2}"_s);
    b.filters.payloads.insert("b"_L1, QJsonObject{{"y"_L1, true}});
    const QList<FlagChange> changes = diffFlags(a, b);
    QVERIFY2(changes.size() == 2, dump(changes).constData());
    QCOMPARE(changes[0].level, ChangeLevel::Payload);
    QCOMPARE(changes[0].kind, ChangeKind::Changed);
    QCOMPARE(changes[0].path, u"filters.payloads[a]"_s);
    QCOMPARE(changes[0].variantKey, u"a"_s);
    QCOMPARE(changes[0].summary(), u"Payload for \"a\": \"{\"x\": 1}\" → \"{\"x\": 2}\""_s);
    QCOMPARE(changes[1].kind, ChangeKind::Added);
    QCOMPARE(changes[1].summary(), u"Payload for \"b\" added: {\"y\":true}"_s);
    const QList<FlagChange> back = diffFlags(b, a);
    QCOMPARE(back[1].kind, ChangeKind::Removed);
    QCOMPARE(back[1].summary(), u"Payload for \"b\" removed"_s);
}

void TestFlagDiff::filterKeysComparedWhole()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.filters.holdout =
        Holdout::fromJson(QJsonObject{{"id"_L1, 3}, {"exclusion_percentage"_L1, 10}});
    b.filters.aggregationGroupTypeIndex = 1;
    b.filters.superGroups.append(condition(R"({"rollout_percentage": 100})"));
    QJsonObject extra;
    extra.insert("sort_key"_L1, u"x"_s);
    b.filters.record.setExtra(extra);
    QJsonObject multivariateExtra;
    multivariateExtra.insert("seed"_L1, 1);
    b.filters.multivariateRecord.setExtra(multivariateExtra);
    const QList<FlagChange> changes = diffFlags(a, b);
    QVERIFY2(changes.size() == 5, dump(changes).constData());
    for (const FlagChange &c : changes) {
        QCOMPARE(c.level, ChangeLevel::Field);
        QCOMPARE(c.kind, ChangeKind::Added);
        QCOMPARE(c.field, u"filters"_s);
    }
    QCOMPARE(changes[0].path, u"filters.multivariate.seed"_s);
    QCOMPARE(changes[1].path, u"filters.aggregation_group_type_index"_s);
    QCOMPARE(changes[1].summary(), u"Aggregation set to group type 1"_s);
    QCOMPARE(changes[2].path, u"filters.holdout"_s);
    QCOMPARE(changes[2].summary(), u"Holdout set to {\"exclusion_percentage\":10,\"id\":3}"_s);
    QCOMPARE(changes[3].path, u"filters.sort_key"_s);
    QCOMPARE(changes[4].path, u"filters.super_groups"_s);

    FeatureFlag c = b;
    c.filters.featureEnrollment = true;
    const QList<FlagChange> enrollment = diffFlags(b, c);
    ONLY_CHANGE(enrollment);
    QCOMPARE(only.kind, ChangeKind::Changed);
    QCOMPARE(only.summary(), u"Feature enrollment: false → true"_s);
}

void TestFlagDiff::unknownConditionKey()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    QJsonObject extra;
    extra.insert("sort_key"_L1, u"x"_s);
    b.filters.groups[0].record.setExtra(extra);
    const QList<FlagChange> changes = diffFlags(a, b);
    ONLY_CHANGE(changes);
    QCOMPARE(only.level, ChangeLevel::Condition);
    QCOMPARE(only.path, u"filters.groups[0].sort_key"_s);
    QCOMPARE(only.summary(), u"Sort key of condition set 1: none → \"x\""_s);
}

void TestFlagDiff::fieldOrder()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.tags.append(u"new"_s);
    b.name = u"B"_s;
    b.active = false;
    b.filters.groups[1].rolloutPercentage = 50;
    QStringList paths;
    for (const FlagChange &c : diffFlags(a, b))
        paths.append(c.path);
    QCOMPARE(paths, (QStringList{u"active"_s, u"filters.groups[1].rollout_percentage"_s, u"name"_s,
                                 u"tags"_s}));
}

void TestFlagDiff::activityChangesShape()
{
    const FeatureFlag a = base();
    FeatureFlag b = a;
    b.name = u"Beta 2"_s;
    b.filters.groups[1].rolloutPercentage = 50;
    (*b.filters.variants)[1].rolloutPercentage = 30; // unchanged
    const QJsonArray changes = activityChanges(a, b);
    QCOMPARE(changes.size(), 2);
    QCOMPARE(changes[0].toObject(), (QJsonObject{{"type"_L1, u"FeatureFlag"_s},
                                                 {"action"_L1, u"changed"_s},
                                                 {"field"_L1, u"filters"_s},
                                                 {"before"_L1, a.filters.toJson()},
                                                 {"after"_L1, b.filters.toJson()}}));
    QCOMPARE(changes[1].toObject(), (QJsonObject{{"type"_L1, u"FeatureFlag"_s},
                                                 {"action"_L1, u"changed"_s},
                                                 {"field"_L1, u"name"_s},
                                                 {"before"_L1, u"Beta"_s},
                                                 {"after"_L1, u"Beta 2"_s}}));
}

void TestFlagDiff::activityCreatedAndDeleted()
{
    FeatureFlag a = base();
    a.tags.clear();
    FeatureFlag b = base();
    b.name.clear();
    const QJsonArray changes = activityChanges(a, b);
    QCOMPARE(changes.size(), 2);
    const QJsonObject deleted = changes[0].toObject();
    QCOMPARE(deleted.value("field"_L1), QJsonValue(u"name"_s));
    QCOMPARE(deleted.value("action"_L1), QJsonValue(u"deleted"_s));
    QCOMPARE(deleted.value("after"_L1), QJsonValue(QJsonValue::Null));
    const QJsonObject created = changes[1].toObject();
    QCOMPARE(created.value("field"_L1), QJsonValue(u"tags"_s));
    QCOMPARE(created.value("action"_L1), QJsonValue(u"created"_s));
    QCOMPARE(created.value("before"_L1), QJsonValue(QJsonValue::Null));
    QCOMPARE(created.value("after"_L1), QJsonValue(QJsonArray{u"beta"_s, u"growth"_s}));
}

QTEST_GUILESS_MAIN(TestFlagDiff)
#include "tst_flag_diff.moc"
