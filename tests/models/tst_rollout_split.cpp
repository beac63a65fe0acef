// The configured split the rollout charts draw: variant shares and each condition set's rollout,
// read from flags as PostHog serves them.
#include "flag_summary.h"
#include "rollout_split.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::models;

namespace {

FeatureFlag flagFrom(const char *json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", json);
    QJsonObject object = doc.object();
    object.insert(u"key"_s, u"flag"_s);
    object.insert(u"active"_s, true);
    return FeatureFlag::fromJson(object);
}

} // namespace

class TestRolloutSplit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void booleanFlagHasNoVariants();
    void variantsInOrder();
    void variantLabel_data();
    void variantLabel();
    void conditionsWithPropertiesAndOverrides();
    void missingRolloutIsEveryone();
    void groupFlagSaysGroups();
    void noConditions();
};

void TestRolloutSplit::booleanFlagHasNoVariants()
{
    const FeatureFlag flag =
        flagFrom(R"({"filters": {"groups": [{"properties": [], "rollout_percentage": 30}]}})");
    QVERIFY(variantShares(flag).isEmpty());
    // An empty variant list is not multivariate either.
    QVERIFY(
        variantShares(flagFrom(R"({"filters": {"groups": [], "multivariate": {"variants": []}}})"))
            .isEmpty());
}

void TestRolloutSplit::variantsInOrder()
{
    const FeatureFlag flag = flagFrom(R"({"filters": {"groups": [{"rollout_percentage": 100}],
        "multivariate": {"variants": [
            {"key": "control", "name": "Old checkout", "rollout_percentage": 50},
            {"key": "test", "rollout_percentage": 33.5},
            {"key": "third", "name": "", "rollout_percentage": 16.5}]}}})");
    const QList<VariantShare> shares = variantShares(flag);
    QCOMPARE(shares.size(), 3);
    QCOMPARE(shares.at(0), (VariantShare{u"control"_s, u"Old checkout"_s, 50}));
    QCOMPARE(shares.at(1), (VariantShare{u"test"_s, QString(), 33.5}));
    QCOMPARE(shares.at(2), (VariantShare{u"third"_s, QString(), 16.5}));
    double sum = 0;
    for (const VariantShare &s : shares)
        sum += s.percent;
    QCOMPARE(sum, 100.0);
}

void TestRolloutSplit::variantLabel_data()
{
    QTest::addColumn<double>("percent");
    QTest::addColumn<QString>("label");
    QTest::newRow("whole") << 50.0 << u"control 50%"_s;
    QTest::newRow("fraction") << 33.33 << u"control 33.33%"_s;
    QTest::newRow("zero") << 0.0 << u"control 0%"_s;
}

void TestRolloutSplit::variantLabel()
{
    QFETCH(double, percent);
    QFETCH(QString, label);
    QCOMPARE((VariantShare{u"control"_s, {}, percent}).label(), label);
}

void TestRolloutSplit::conditionsWithPropertiesAndOverrides()
{
    const FeatureFlag flag = flagFrom(R"({"filters": {
        "groups": [
            {"properties": [{"key": "email", "type": "person", "operator": "icontains",
                             "value": "@acme.com"},
                            {"key": "plan", "type": "person", "operator": "exact",
                             "value": ["pro"]}],
             "rollout_percentage": 30, "variant": "test", "description": "Acme staff"},
            {"properties": [], "rollout_percentage": 5}],
        "multivariate": {"variants": [{"key": "control", "rollout_percentage": 50},
                                      {"key": "test", "rollout_percentage": 50}]}}})");
    const QList<ConditionRollout> rollouts = conditionRollouts(flag);
    QCOMPARE(rollouts.size(), 2);
    const PropertyFilter &email = flag.filters.groups.at(0).properties.at(0);
    const PropertyFilter &plan = flag.filters.groups.at(0).properties.at(1);
    QCOMPARE(rollouts.at(0).label, u"Condition set 1"_s);
    QCOMPARE(rollouts.at(0).summary, propertyText(email) + u" and "_s + propertyText(plan));
    QVERIFY2(rollouts.at(0).summary.contains("@acme.com"_L1), qPrintable(rollouts.at(0).summary));
    QCOMPARE(rollouts.at(0).percent, 30.0);
    QCOMPARE(rollouts.at(0).variantOverride, u"test"_s);
    QCOMPARE(rollouts.at(0).description, u"Acme staff"_s);
    QCOMPARE(rollouts.at(1),
             (ConditionRollout{u"Condition set 2"_s, u"Everyone"_s, 5, QString(), QString()}));
}

void TestRolloutSplit::missingRolloutIsEveryone()
{
    // PostHog treats an absent or null rollout_percentage as 100.
    const FeatureFlag flag =
        flagFrom(R"({"filters": {"groups": [{"properties": []}, {"rollout_percentage": null}]}})");
    const QList<ConditionRollout> rollouts = conditionRollouts(flag);
    QCOMPARE(rollouts.size(), 2);
    QCOMPARE(rollouts.at(0).percent, 100.0);
    QCOMPARE(rollouts.at(1).percent, 100.0);
}

void TestRolloutSplit::groupFlagSaysGroups()
{
    const FeatureFlag flag = flagFrom(R"({"filters": {"aggregation_group_type_index": 0,
        "groups": [{"properties": [], "rollout_percentage": 40}]}})");
    QCOMPARE(conditionRollouts(flag).at(0).summary, u"All groups"_s);
}

void TestRolloutSplit::noConditions()
{
    QVERIFY(conditionRollouts(flagFrom(R"({"filters": {"groups": []}})")).isEmpty());
}

QTEST_GUILESS_MAIN(TestRolloutSplit)
#include "tst_rollout_split.moc"
