// The flag list's column texts: type, status, who gets the flag, its creator and its times, each
// computed from a flag as PostHog serves it (and from a fixed `now`).
#include "flag_summary.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::models;

namespace {

FeatureFlag flagFrom(const QString &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(json));
    QJsonObject object = doc.object();
    object.insert(u"key"_s, u"flag"_s);
    if (!object.contains("active"_L1))
        object.insert(u"active"_s, true);
    return FeatureFlag::fromJson(object);
}

PropertyFilter filterFrom(const QString &json)
{
    return PropertyFilter::fromJson(QJsonDocument::fromJson(json.toUtf8()).object());
}

QDateTime utc(const QString &text)
{
    return QDateTime::fromString(text, Qt::ISODate).toUTC();
}

} // namespace

class TestFlagSummary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void flagType_data();
    void flagType();
    void status_data();
    void status();
    void statusToolTipSaysWhy();
    void rollout_data();
    void rollout();
    void property_data();
    void property();
    void rolloutDetailsListEveryCondition();
    void rolloutDetailsOfAnInactiveFlag();
    void createdBy_data();
    void createdBy();
    void relativeTime_data();
    void relativeTime();
    void relativeDatesInTheZoneOfNow();
    void timestamp_data();
    void timestamp();
    void exactTime_data();
    void exactTime();
};

void TestFlagSummary::flagType_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no filters") << u"{}"_s << u"Boolean"_s;
    QTest::newRow("boolean") << u"{'filters': {'groups': [{'properties': []}]}}"_s << u"Boolean"_s;
    QTest::newRow("multivariate")
        << u"{'filters': {'multivariate': {'variants': [{'key': 'a', 'rollout_percentage': 100}]}}}"_s
        << u"Multivariate"_s;
    QTest::newRow("empty variants are boolean")
        << u"{'filters': {'multivariate': {'variants': []}}}"_s << u"Boolean"_s;
    QTest::newRow("remote config") << u"{'is_remote_configuration': true}"_s << u"Remote config"_s;
    QTest::newRow("experiment")
        << u"{'experiment_set': [4], 'filters': {'multivariate': {'variants': "
           "[{'key': 'control', 'rollout_percentage': 50}, {'key': 'test', "
           "'rollout_percentage': 50}]}}}"_s
        << u"Experiment"_s;
    QTest::newRow("experiment beats remote config")
        << u"{'experiment_set': [4], 'is_remote_configuration': true}"_s << u"Experiment"_s;
    QTest::newRow("no experiments") << u"{'experiment_set': []}"_s << u"Boolean"_s;
}

void TestFlagSummary::flagType()
{
    QFETCH(QString, json);
    QFETCH(QString, expected);
    QCOMPARE(flagTypeText(flagFrom(json.replace(u'\'', u'"'))), expected);
}

void TestFlagSummary::status_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("active") << u"{'active': true, 'status': 'ACTIVE'}"_s << u"Active"_s;
    QTest::newRow("no status") << u"{'active': true}"_s << u"Active"_s;
    QTest::newRow("switched off") << u"{'active': false, 'status': 'ACTIVE'}"_s << u"Inactive"_s;
    QTest::newRow("stale") << u"{'active': true, 'status': 'STALE'}"_s << u"Stale"_s;
    QTest::newRow("stale in lower case") << u"{'active': true, 'status': 'stale'}"_s << u"Stale"_s;
    QTest::newRow("off beats stale") << u"{'active': false, 'status': 'STALE'}"_s << u"Inactive"_s;
    QTest::newRow("not called is still on")
        << u"{'active': true, 'status': 'INACTIVE'}"_s << u"Active"_s;
    QTest::newRow("deleted") << u"{'active': true, 'deleted': true}"_s << u"Deleted"_s;
}

void TestFlagSummary::status()
{
    QFETCH(QString, json);
    QFETCH(QString, expected);
    QCOMPARE(statusText(flagFrom(json.replace(u'\'', u'"'))), expected);
}

void TestFlagSummary::statusToolTipSaysWhy()
{
    const FeatureFlag on = flagFrom(u"{\"active\": true, \"status\": \"ACTIVE\"}"_s);
    const FeatureFlag off = flagFrom(u"{\"active\": false}"_s);
    const FeatureFlag unused = flagFrom(u"{\"active\": true, \"status\": \"INACTIVE\"}"_s);
    const FeatureFlag stale = flagFrom(u"{\"active\": true, \"status\": \"STALE\"}"_s);
    QVERIFY(statusToolTip(off).contains("everyone gets false"_L1));
    QVERIFY(statusToolTip(unused).contains("not called in the last 30 days"_L1));
    QVERIFY(statusToolTip(stale).contains("removed from the code"_L1));
    const QSet<QString> distinct{statusToolTip(on), statusToolTip(off), statusToolTip(unused),
                                 statusToolTip(stale)};
    QCOMPARE(distinct.size(), 4);
}

void TestFlagSummary::rollout_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    const QString email =
        u"{'key': 'email', 'type': 'person', 'value': '@acme.com', 'operator': 'icontains'}"_s;
    const QString country =
        u"{'key': 'country', 'type': 'person', 'value': ['DE'], 'operator': 'exact'}"_s;
    const QString twoVariants = u"'multivariate': {'variants': [{'key': 'control', "
                                "'rollout_percentage': 50}, {'key': 'test', "
                                "'rollout_percentage': 50}]}"_s;

    QTest::newRow("no conditions") << u"{'filters': {'groups': []}}"_s << u"No one"_s;
    QTest::newRow("no filters at all") << u"{}"_s << u"No one"_s;
    QTest::newRow("everyone, rollout absent")
        << u"{'filters': {'groups': [{'properties': []}]}}"_s << u"100% of users"_s;
    QTest::newRow("everyone, rollout null")
        << u"{'filters': {'groups': [{'properties': [], 'rollout_percentage': null}]}}"_s
        << u"100% of users"_s;
    QTest::newRow("30 percent")
        << u"{'filters': {'groups': [{'properties': [], 'rollout_percentage': 30}]}}"_s
        << u"30% of users"_s;
    QTest::newRow("0 percent")
        << u"{'filters': {'groups': [{'properties': [], 'rollout_percentage': 0}]}}"_s
        << u"0% of users"_s;
    QTest::newRow("fraction")
        << u"{'filters': {'groups': [{'properties': [], 'rollout_percentage': 12.5}]}}"_s
        << u"12.5% of users"_s;
    QTest::newRow("long fraction rounded")
        << u"{'filters': {'groups': [{'properties': [], 'rollout_percentage': 33.3333}]}}"_s
        << u"33.33% of users"_s;
    QTest::newRow("matching, everyone of them")
        << u"{'filters': {'groups': [{'properties': [%1], 'rollout_percentage': 100}]}}"_s.arg(
               email)
        << u"Users matching email ~ @acme.com"_s;
    QTest::newRow("matching, a share")
        << u"{'filters': {'groups': [{'properties': [%1], 'rollout_percentage': 50}]}}"_s.arg(email)
        << u"50% of users matching email ~ @acme.com"_s;
    QTest::newRow("two properties")
        << u"{'filters': {'groups': [{'properties': [%1, %2]}]}}"_s.arg(email, country)
        << u"Users matching email ~ @acme.com and 1 more"_s;
    QTest::newRow("three properties")
        << u"{'filters': {'groups': [{'properties': [%1, %2, %2]}]}}"_s.arg(email, country)
        << u"Users matching email ~ @acme.com and 2 more"_s;
    QTest::newRow("cohort")
        << u"{'filters': {'groups': [{'properties': [{'key': 'id', 'type': 'cohort', 'value': "
           "5}]}]}}"_s
        << u"Users matching cohort 5"_s;
    QTest::newRow("flag dependency")
        << u"{'filters': {'groups': [{'properties': [{'key': '12', 'type': 'flag', 'value': "
           "true, 'operator': 'flag_evaluates_to'}]}]}}"_s
        << u"Users matching flag 12 = true"_s;
    QTest::newRow("two conditions")
        << u"{'filters': {'groups': [{'properties': [%1], 'rollout_percentage': 50}, "
           "{'properties': [], 'rollout_percentage': 20}]}}"_s.arg(email)
        << u"2 conditions · up to 50%"_s;
    QTest::newRow("three conditions, one without rollout")
        << u"{'filters': {'groups': [{'properties': [%1], 'rollout_percentage': 10}, "
           "{'properties': [%2]}, {'properties': [], 'rollout_percentage': 0}]}}"_s.arg(email,
                                                                                        country)
        << u"3 conditions · up to 100%"_s;
    QTest::newRow("switched off")
        << u"{'active': false, 'filters': {'groups': [{'properties': []}]}}"_s << u"Off"_s;
    QTest::newRow("switched off, multivariate")
        << u"{'active': false, 'filters': {'groups': [{'properties': []}], %1}}"_s.arg(twoVariants)
        << u"Off"_s;
    QTest::newRow("two variants to everyone")
        << u"{'filters': {'groups': [{'properties': [], 'rollout_percentage': 100}], %1}}"_s.arg(
               twoVariants)
        << u"2 variants (control 50%, test 50%)"_s;
    QTest::newRow("three variants, shortened")
        << u"{'filters': {'groups': [{'properties': []}], 'multivariate': {'variants': ["
           "{'key': 'control', 'rollout_percentage': 34}, {'key': 'test', "
           "'rollout_percentage': 33}, {'key': 'other', 'rollout_percentage': 33}]}}}"_s
        << u"3 variants (control 34%, test 33%, …)"_s;
    QTest::newRow("one variant")
        << u"{'filters': {'groups': [{'properties': []}], 'multivariate': {'variants': ["
           "{'key': 'only', 'rollout_percentage': 100}]}}}"_s
        << u"1 variant (only 100%)"_s;
    QTest::newRow("variants to some")
        << u"{'filters': {'groups': [{'properties': [%1]}], %2}}"_s.arg(country, twoVariants)
        << u"Users matching country = DE · 2 variants (control 50%, test 50%)"_s;
    QTest::newRow("variants to a share")
        << u"{'filters': {'groups': [{'properties': [], 'rollout_percentage': 10}], %1}}"_s.arg(
               twoVariants)
        << u"10% of users · 2 variants (control 50%, test 50%)"_s;
    QTest::newRow("groups")
        << u"{'filters': {'aggregation_group_type_index': 0, 'groups': [{'properties': []}]}}"_s
        << u"100% of groups"_s;
    QTest::newRow("groups matching")
        << u"{'filters': {'aggregation_group_type_index': 1, 'groups': [{'properties': [{'key': "
           "'plan', 'type': 'group', 'group_type_index': 1, 'value': 'pro', 'operator': "
           "'exact'}], 'rollout_percentage': 20}]}}"_s
        << u"20% of groups matching plan = pro"_s;
}

void TestFlagSummary::rollout()
{
    QFETCH(QString, json);
    QFETCH(QString, expected);
    QCOMPARE(rolloutSummary(flagFrom(json.replace(u'\'', u'"'))), expected);
}

void TestFlagSummary::property_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("exact") << u"{'key': 'country', 'value': 'DE', 'operator': 'exact'}"_s
                           << u"country = DE"_s;
    QTest::newRow("no operator is exact")
        << u"{'key': 'country', 'value': 'DE'}"_s << u"country = DE"_s;
    QTest::newRow("list") << u"{'key': 'country', 'value': ['DE', 'FR'], 'operator': 'exact'}"_s
                          << u"country = DE, FR"_s;
    QTest::newRow("long list")
        << u"{'key': 'country', 'value': ['DE', 'FR', 'IT', 'ES', 'PT'], 'operator': 'exact'}"_s
        << u"country = DE, FR, IT, +2 more"_s;
    QTest::newRow("is not") << u"{'key': 'plan', 'value': 'free', 'operator': 'is_not'}"_s
                            << u"plan ≠ free"_s;
    QTest::newRow("is set") << u"{'key': 'email', 'value': 'is_set', 'operator': 'is_set'}"_s
                            << u"email is set"_s;
    QTest::newRow("is not set")
        << u"{'key': 'email', 'value': 'is_not_set', 'operator': 'is_not_set'}"_s
        << u"email is not set"_s;
    QTest::newRow("contains")
        << u"{'key': 'email', 'value': '@acme.com', 'operator': 'icontains'}"_s
        << u"email ~ @acme.com"_s;
    QTest::newRow("not contains")
        << u"{'key': 'email', 'value': '@acme.com', 'operator': 'not_icontains'}"_s
        << u"email !~ @acme.com"_s;
    QTest::newRow("regex") << u"{'key': 'email', 'value': '^a.*', 'operator': 'regex'}"_s
                           << u"email matches ^a.*"_s;
    QTest::newRow("not regex") << u"{'key': 'email', 'value': '^a.*', 'operator': 'not_regex'}"_s
                               << u"email does not match ^a.*"_s;
    QTest::newRow("greater") << u"{'key': 'age', 'value': 21, 'operator': 'gt'}"_s << u"age > 21"_s;
    QTest::newRow("at least") << u"{'key': 'age', 'value': 21.5, 'operator': 'gte'}"_s
                              << u"age ≥ 21.5"_s;
    QTest::newRow("less") << u"{'key': 'age', 'value': '65', 'operator': 'lt'}"_s << u"age < 65"_s;
    QTest::newRow("at most") << u"{'key': 'age', 'value': 65, 'operator': 'lte'}"_s
                             << u"age ≤ 65"_s;
    QTest::newRow("date before")
        << u"{'key': 'signup', 'value': '2024-01-01', 'operator': 'is_date_before'}"_s
        << u"signup before 2024-01-01"_s;
    QTest::newRow("date after")
        << u"{'key': 'signup', 'value': '-30d', 'operator': 'is_date_after'}"_s
        << u"signup after -30d"_s;
    QTest::newRow("semver at least")
        << u"{'key': 'app_version', 'value': '1.2.0', 'operator': 'semver_gte'}"_s
        << u"app_version ≥ 1.2.0"_s;
    QTest::newRow("semver tilde")
        << u"{'key': 'app_version', 'value': '1.2.0', 'operator': 'semver_tilde'}"_s
        << u"app_version matches ~1.2.0"_s;
    QTest::newRow("semver caret")
        << u"{'key': 'app_version', 'value': '1.2.0', 'operator': 'semver_caret'}"_s
        << u"app_version matches ^1.2.0"_s;
    QTest::newRow("semver wildcard")
        << u"{'key': 'app_version', 'value': '1.*', 'operator': 'semver_wildcard'}"_s
        << u"app_version matches 1.*"_s;
    QTest::newRow("boolean value")
        << u"{'key': 'beta', 'value': true, 'operator': 'exact'}"_s << u"beta = true"_s;
    QTest::newRow("negated") << u"{'key': 'plan', 'value': 'pro', 'negation': true}"_s
                             << u"not (plan = pro)"_s;
    QTest::newRow("cohort") << u"{'key': 'id', 'type': 'cohort', 'value': 7}"_s << u"cohort 7"_s;
    QTest::newRow("cohort by its label")
        << u"{'key': 'id', 'type': 'cohort', 'value': 7, 'label': 'Beta testers'}"_s
        << u"cohort Beta testers"_s;
    QTest::newRow("not in cohort")
        << u"{'key': 'id', 'type': 'cohort', 'value': 7, 'negation': true}"_s << u"not cohort 7"_s;
    QTest::newRow("flag") << u"{'key': '12', 'type': 'flag', 'value': true, "
                             "'operator': 'flag_evaluates_to'}"_s
                          << u"flag 12 = true"_s;
    QTest::newRow("flag to a variant")
        << u"{'key': '12', 'type': 'flag', 'value': 'test', 'operator': 'flag_evaluates_to', "
           "'label': 'new-checkout'}"_s
        << u"flag new-checkout = test"_s;
    QTest::newRow("an operator from a newer PostHog")
        << u"{'key': 'x', 'value': 1, 'operator': 'shiny_new'}"_s << u"x shiny_new 1"_s;
}

void TestFlagSummary::property()
{
    QFETCH(QString, json);
    QFETCH(QString, expected);
    QCOMPARE(propertyText(filterFrom(json.replace(u'\'', u'"'))), expected);
}

void TestFlagSummary::rolloutDetailsListEveryCondition()
{
    QString json = uR"({"filters": {"groups": [
        {"properties": [{"key": "email", "type": "person", "value": "@acme.com",
                         "operator": "icontains"},
                        {"key": "country", "type": "person", "value": ["DE", "FR"]}],
         "rollout_percentage": 50, "variant": "test"},
        {"properties": [], "rollout_percentage": 5, "description": "Everyone else"}],
        "multivariate": {"variants": [{"key": "control", "rollout_percentage": 34},
                                      {"key": "test", "rollout_percentage": 33},
                                      {"key": "other", "rollout_percentage": 33}]},
        "holdout": {"id": 3, "exclusion_percentage": 10}}})"_s;
    const QStringList lines = rolloutDetails(flagFrom(json)).split(u'\n');
    QCOMPARE(lines,
             (QStringList{u"Condition 1: 50% of users matching email ~ @acme.com and country = "
                          "DE, FR → variant test"_s,
                          u"Condition 2: 5% of users (Everyone else)"_s,
                          u"3 variants (control 34%, test 33%, other 33%)"_s,
                          u"Holdout: 10% held out"_s}));
}

void TestFlagSummary::rolloutDetailsOfAnInactiveFlag()
{
    const FeatureFlag off = flagFrom(u"{\"active\": false, \"filters\": {\"groups\": []}}"_s);
    QCOMPARE(rolloutDetails(off).split(u'\n'),
             (QStringList{u"Off: everyone gets false until it is switched on."_s,
                          u"No release conditions: no one gets the flag."_s}));
}

void TestFlagSummary::createdBy_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("toolTip");
    QTest::newRow("name and email")
        << u"{'created_by': {'id': 1, 'first_name': 'Ada', 'last_name': 'Lovelace', 'email': "
           "'ada@example.com'}}"_s
        << u"Ada Lovelace"_s << u"Ada Lovelace <ada@example.com>"_s;
    QTest::newRow("first name only")
        << u"{'created_by': {'id': 1, 'first_name': 'Ada', 'last_name': '', 'email': "
           "'ada@example.com'}}"_s
        << u"Ada"_s << u"Ada <ada@example.com>"_s;
    QTest::newRow("email only")
        << u"{'created_by': {'id': 1, 'first_name': '', 'email': 'ada@example.com'}}"_s
        << u"ada@example.com"_s << u"ada@example.com"_s;
    QTest::newRow("nobody") << u"{'created_by': null}"_s << QString() << QString();
    QTest::newRow("absent") << u"{}"_s << QString() << QString();
}

void TestFlagSummary::createdBy()
{
    QFETCH(QString, json);
    QFETCH(QString, text);
    QFETCH(QString, toolTip);
    const FeatureFlag flag = flagFrom(json.replace(u'\'', u'"'));
    QCOMPARE(createdByText(flag), text);
    QCOMPARE(createdByToolTip(flag), toolTip);
}

void TestFlagSummary::relativeTime_data()
{
    QTest::addColumn<QDateTime>("time");
    QTest::addColumn<QString>("expected");
    const QDateTime now = utc(u"2024-06-15T12:00:00Z"_s);
    QTest::newRow("now") << now << u"just now"_s;
    QTest::newRow("59 s") << now.addSecs(-59) << u"just now"_s;
    QTest::newRow("1 min") << now.addSecs(-60) << u"1 min ago"_s;
    QTest::newRow("3 min") << now.addSecs(-3 * 60 - 20) << u"3 min ago"_s;
    QTest::newRow("59 min") << now.addSecs(-3599) << u"59 min ago"_s;
    QTest::newRow("1 hour") << now.addSecs(-3600) << u"1 hour ago"_s;
    QTest::newRow("2 hours") << now.addSecs(-2 * 3600 - 59 * 60) << u"2 hours ago"_s;
    QTest::newRow("23 hours") << now.addSecs(-24 * 3600 + 1) << u"23 hours ago"_s;
    QTest::newRow("24 hours") << now.addSecs(-24 * 3600) << u"yesterday"_s;
    QTest::newRow("47 hours") << now.addSecs(-47 * 3600) << u"yesterday"_s;
    QTest::newRow("2 days") << now.addDays(-2) << u"2 days ago"_s;
    QTest::newRow("6 days") << now.addDays(-6).addSecs(-3600) << u"6 days ago"_s;
    QTest::newRow("7 days") << now.addDays(-7) << u"Jun 8"_s;
    QTest::newRow("this year") << utc(u"2024-01-02T03:04:05Z"_s) << u"Jan 2"_s;
    QTest::newRow("last year") << utc(u"2023-12-31T23:59:59Z"_s) << u"Dec 31, 2023"_s;
    QTest::newRow("a little ahead") << now.addSecs(30) << u"just now"_s;
    QTest::newRow("far ahead") << now.addDays(40) << u"Jul 25"_s;
    QTest::newRow("invalid") << QDateTime() << QString();
}

void TestFlagSummary::relativeTime()
{
    QFETCH(QDateTime, time);
    QFETCH(QString, expected);
    QCOMPARE(relativeTimeText(time, utc(u"2024-06-15T12:00:00Z"_s)), expected);
}

void TestFlagSummary::relativeDatesInTheZoneOfNow()
{
    // 23:30 UTC on Jun 1 is already Jun 2 in Tokyo.
    const QDateTime time = utc(u"2024-06-01T23:30:00Z"_s);
    const QDateTime nowUtc = utc(u"2024-06-15T12:00:00Z"_s);
    const QTimeZone tokyo("Asia/Tokyo");
    QVERIFY(tokyo.isValid());
    QCOMPARE(relativeTimeText(time, nowUtc), u"Jun 1"_s);
    QCOMPARE(relativeTimeText(time, nowUtc.toTimeZone(tokyo)), u"Jun 2"_s);
}

void TestFlagSummary::timestamp_data()
{
    QTest::addColumn<QString>("timestamp");
    QTest::addColumn<QString>("expected");
    QTest::newRow("PostHog's microseconds") << u"2024-06-15T11:56:59.123456Z"_s << u"3 min ago"_s;
    QTest::newRow("milliseconds") << u"2024-06-15T08:59:59.500Z"_s << u"3 hours ago"_s;
    QTest::newRow("offset") << u"2024-06-15T13:50:00+02:00"_s << u"10 min ago"_s;
    QTest::newRow("missing") << QString() << QString();
    QTest::newRow("unreadable") << u"soon"_s << QString();
}

void TestFlagSummary::timestamp()
{
    QFETCH(QString, timestamp);
    QFETCH(QString, expected);
    // As the list shows a timestamp: parsed once into its row, then read relative to now.
    QCOMPARE(relativeTimeText(parseTimestamp(timestamp), utc(u"2024-06-15T12:00:00Z"_s)), expected);
}

void TestFlagSummary::exactTime_data()
{
    QTest::addColumn<QString>("timestamp");
    QTest::addColumn<QString>("expected");
    QTest::newRow("microseconds") << u"2024-01-02T03:04:05.123456Z"_s
                                  << u"2024-01-02 03:04:05 UTC"_s;
    QTest::newRow("offset") << u"2024-01-02T05:04:05+02:00"_s << u"2024-01-02 03:04:05 UTC"_s;
    QTest::newRow("missing") << QString() << QString();
    QTest::newRow("unreadable") << u"yesterday"_s << QString();
}

void TestFlagSummary::exactTime()
{
    QFETCH(QString, timestamp);
    QFETCH(QString, expected);
    QCOMPARE(exactTimeText(timestamp), expected);
}

QTEST_GUILESS_MAIN(TestFlagSummary)
#include "tst_flag_summary.moc"
