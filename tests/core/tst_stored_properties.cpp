// needsStoredProperties: which flags PostHog's flags service answers as failed (`database_error`)
// when it cannot read the person or groups it stores (rust/feature-flags,
// FeatureFlag::requires_db_preparation and PropertyFilter::requires_db_property).
#include "stored_properties.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;

class TestStoredProperties : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rule_data();
    void rule();
};

void TestStoredProperties::rule_data()
{
    QTest::addColumn<QString>("filters"); // the flag's filters, as JSON
    QTest::addColumn<QString>("sent");    // the request's person_properties
    QTest::addColumn<bool>("needed");

    const QString email =
        uR"({"groups":[{"properties":[{"key":"email","type":"person","value":"x","operator":"exact"}],"rollout_percentage":100}]})"_s;
    QTest::newRow("no properties")
        << uR"({"groups":[{"properties":[],"rollout_percentage":50}]})"_s << u"{}"_s << false;
    QTest::newRow("a person property not sent") << email << u"{}"_s << true;
    QTest::newRow("a person property sent") << email << uR"({"email":"a@b.c"})"_s << false;
    QTest::newRow("sent with null still counts as sent")
        << email << uR"({"email":null})"_s << false;
    QTest::newRow("rolled out to 0 %")
        << uR"({"groups":[{"properties":[{"key":"email","type":"person","value":"x"}],"rollout_percentage":0}]})"_s
        << u"{}"_s << false;
    QTest::newRow("rollout absent means 100 %")
        << uR"({"groups":[{"properties":[{"key":"email","type":"person","value":"x"}]}]})"_s
        << u"{}"_s << true;
    QTest::newRow("a cohort, whatever was sent")
        << uR"({"groups":[{"properties":[{"key":"id","type":"cohort","value":4}],"rollout_percentage":100}]})"_s
        << uR"({"id":4})"_s << true;
    QTest::newRow("a flag filter never")
        << uR"({"groups":[{"properties":[{"key":"12","type":"flag","value":true,"operator":"flag_evaluates_to"}]}]})"_s
        << u"{}"_s << false;
    // PostHog looks only at the key: a group filter whose key the person properties hold passes.
    QTest::newRow("a group filter's key among the person properties")
        << uR"({"groups":[{"properties":[{"key":"plan","type":"group","group_type_index":0,"value":"pro"}]}]})"_s
        << uR"({"plan":"pro"})"_s << false;
    QTest::newRow("a group flag")
        << uR"({"aggregation_group_type_index":0,"groups":[{"properties":[],"rollout_percentage":100}]})"_s
        << u"{}"_s << true;
    QTest::newRow("a condition aggregated by a group")
        << uR"({"groups":[{"properties":[],"rollout_percentage":100,"aggregation_group_type_index":1}]})"_s
        << u"{}"_s << true;
    QTest::newRow("a super condition")
        << uR"({"groups":[{"properties":[]}],"super_groups":[{"properties":[{"key":"$feature_enrollment/f","type":"person","value":["true"],"operator":"exact"}]}]})"_s
        << u"{}"_s << true;
    QTest::newRow("feature enrollment not sent")
        << uR"({"groups":[{"properties":[]}],"feature_enrollment":true})"_s << u"{}"_s << true;
    QTest::newRow("feature enrollment sent")
        << uR"({"groups":[{"properties":[]}],"feature_enrollment":true})"_s
        << uR"({"$feature_enrollment/f":true})"_s << false;
}

void TestStoredProperties::rule()
{
    QFETCH(QString, filters);
    QFETCH(QString, sent);
    QFETCH(bool, needed);
    FeatureFlag flag;
    flag.key = u"f"_s;
    flag.filters = FlagFilters::fromJson(QJsonDocument::fromJson(filters.toUtf8()).object());
    QCOMPARE(needsStoredProperties(flag, QJsonDocument::fromJson(sent.toUtf8()).object()), needed);
}

QTEST_GUILESS_MAIN(TestStoredProperties)
#include "tst_stored_properties.moc"
