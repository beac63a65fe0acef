// The configured-split charts: the variant bar and the per-condition rollout bars drawn from the
// flag's definition, compared with models::variantShares/conditionRollouts and with the numbers
// written in the flag. BUNTING_SCREENSHOTS=<dir> saves how they look (BUNTING_SCREENSHOTS_DARK=1
// in a dark palette).
#include "rollout_split_chart.h"
#include "test_builders.h"
#include "widget_test_support.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QHorizontalStackedBarSeries>
#include <QJsonDocument>
#include <QLegend>
#include <QTest>
#include <QValueAxis>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::views::RolloutSplitChart;

namespace {

FeatureFlag flagFrom(const char *json, bool active = true)
{
    QJsonObject object = QJsonDocument::fromJson(QByteArray(json)).object();
    object.insert(u"key"_s, u"checkout"_s);
    object.insert(u"active"_s, active);
    return FeatureFlag::fromJson(object);
}

const char *multivariateJson = R"({"filters": {
    "groups": [
        {"properties": [{"key": "email", "type": "person", "operator": "icontains",
                         "value": "@acme.com"}], "rollout_percentage": 100, "variant": "test"},
        {"properties": [], "rollout_percentage": 30}],
    "multivariate": {"variants": [{"key": "control", "rollout_percentage": 50},
                                  {"key": "test", "rollout_percentage": 30},
                                  {"key": "holdout", "rollout_percentage": 20}]}}})";

const char *booleanJson = R"({"filters": {"groups": [
    {"properties": [{"key": "plan", "type": "person", "operator": "exact", "value": ["pro"]}],
     "rollout_percentage": 75}]}})";

QHorizontalStackedBarSeries *barSeriesOf(QChart *chart)
{
    const QList<QAbstractSeries *> all = chart->series();
    return all.size() == 1 ? qobject_cast<QHorizontalStackedBarSeries *>(all.first()) : nullptr;
}

QBarCategoryAxis *categoryAxisOf(QChart *chart)
{
    const QList<QAbstractAxis *> axes = chart->axes(Qt::Vertical);
    return axes.isEmpty() ? nullptr : qobject_cast<QBarCategoryAxis *>(axes.first());
}

} // namespace

class TestRolloutSplitChart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { widget_test::useDarkPaletteWhenAsked(); }
    void multivariateShowsSharesAndRollouts();
    void booleanShowsOnlyRollout();
    void switchedOffAndEmpty();
    void followsThePalette();
    void narrowSharesAreNamedByTheLegendOnly();
};

void TestRolloutSplitChart::multivariateShowsSharesAndRollouts()
{
    RolloutSplitChart chart;
    chart.resize(520, 320);
    const FeatureFlag flag = flagFrom(multivariateJson);
    chart.setFlag(flag);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QVERIFY(chart.showsVariants());
    QCOMPARE(chart.note(), QString());
    QCOMPARE(chart.variantShares(), models::variantShares(flag));

    QHorizontalStackedBarSeries *variants = barSeriesOf(chart.variantChart());
    QVERIFY(variants);
    const QList<QBarSet *> sets = variants->barSets();
    QCOMPARE(sets.size(), 3);
    const QList<std::pair<QString, double>> expected{
        {u"control 50%"_s, 50}, {u"test 30%"_s, 30}, {u"holdout 20%"_s, 20}};
    for (qsizetype i = 0; i < sets.size(); ++i) {
        QCOMPARE(sets.at(i)->label(), expected.at(i).first);
        QCOMPARE(sets.at(i)->count(), 1);
        QCOMPARE(sets.at(i)->at(0), expected.at(i).second);
        QCOMPARE(sets.at(i)->color(), views::variantColour(int(i)));
    }
    QVERIFY(chart.variantChart()->legend()->isVisible());

    // Rollouts: the first set is drawn on top, so the series holds them bottom-up.
    QHorizontalStackedBarSeries *rollouts = barSeriesOf(chart.rolloutChart());
    QVERIFY(rollouts);
    QCOMPARE(rollouts->barSets().size(), 2);
    QBarSet *rolledOut = rollouts->barSets().at(0);
    QBarSet *rest = rollouts->barSets().at(1);
    QCOMPARE(rolledOut->count(), 2);
    QCOMPARE(rolledOut->at(0), 30.0);
    QCOMPARE(rolledOut->at(1), 100.0);
    QCOMPARE(rest->at(0), 70.0);
    QCOMPARE(rest->at(1), 0.0);
    QBarCategoryAxis *names = categoryAxisOf(chart.rolloutChart());
    QVERIFY(names);
    QCOMPARE(names->categories().size(), 2);
    QCOMPARE(names->categories().at(0), u"Condition set 2: Everyone"_s);
    QVERIFY2(names->categories().at(1).startsWith("Condition set 1: email"_L1),
             qPrintable(names->categories().at(1)));
    // Wide enough, the whole summary shows, with the variant the condition overrides to; narrow,
    // it is elided but the set's name stays.
    const QString full =
        u"Condition set 1: "_s + chart.conditionRollouts().at(0).summary + u" → test"_s;
    chart.resize(900, 320);
    QTRY_COMPARE(names->categories().at(1), full);
    chart.resize(300, 320);
    QTRY_VERIFY(names->categories().at(1) != full);
    QVERIFY2(names->categories().at(1).startsWith("Condition set 1: "_L1) &&
                 names->categories().at(1).endsWith(u'…'),
             qPrintable(names->categories().at(1)));
    chart.resize(520, 320);
    auto *percent = qobject_cast<QValueAxis *>(chart.rolloutChart()->axes(Qt::Horizontal).first());
    QVERIFY(percent);
    QCOMPARE(percent->min(), 0.0);
    QCOMPARE(percent->max(), 100.0);
    widget_test::saveScreenshot(&chart, u"rollout_split_multivariate"_s);
}

void TestRolloutSplitChart::booleanShowsOnlyRollout()
{
    RolloutSplitChart chart;
    chart.resize(520, 160);
    chart.setFlag(flagFrom(multivariateJson));
    chart.setFlag(flagFrom(booleanJson)); // what the last flag drew goes
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QVERIFY(!chart.showsVariants());
    QVERIFY(chart.variantChart()->series().isEmpty());
    QHorizontalStackedBarSeries *rollouts = barSeriesOf(chart.rolloutChart());
    QVERIFY(rollouts);
    QCOMPARE(rollouts->barSets().at(0)->count(), 1);
    QCOMPARE(rollouts->barSets().at(0)->at(0), 75.0);
    QCOMPARE(categoryAxisOf(chart.rolloutChart())->categories(),
             QStringList{u"Condition set 1: plan = pro"_s});
    widget_test::saveScreenshot(&chart, u"rollout_split_boolean"_s);
}

void TestRolloutSplitChart::switchedOffAndEmpty()
{
    RolloutSplitChart chart;
    chart.setFlag(flagFrom(booleanJson, false));
    QVERIFY(chart.note().contains("switched off"_L1));
    QCOMPARE(barSeriesOf(chart.rolloutChart())->barSets().size(), 2);

    chart.setFlag(flagFrom(R"({"filters": {"groups": []}})"));
    QVERIFY(chart.note().contains("no release conditions"_L1));
    QVERIFY(chart.rolloutChart()->series().isEmpty());
    QVERIFY(!chart.showsVariants());
}

void TestRolloutSplitChart::followsThePalette()
{
    RolloutSplitChart chart;
    chart.setFlag(flagFrom(multivariateJson));
    QPalette palette = chart.palette();
    palette.setColor(QPalette::WindowText, QColor(0x12, 0x34, 0x56));
    chart.setPalette(palette);
    QCOMPARE(categoryAxisOf(chart.rolloutChart())->labelsColor(), QColor(0x12, 0x34, 0x56));
    QCOMPARE(chart.variantChart()->legend()->labelColor(), QColor(0x12, 0x34, 0x56));
}

// A 3% segment cannot hold "3%": its label is not drawn over its neighbours, and the legend
// still says it.
void TestRolloutSplitChart::narrowSharesAreNamedByTheLegendOnly()
{
    const QJsonObject filters = test_builders::flagFilters(
        {test_builders::condition(100)},
        test_builders::multivariate({{u"control"_s, 95}, {u"test"_s, 3}, {u"other"_s, 2}}));
    const FeatureFlag flag = FeatureFlag::fromJson(
        {{u"key"_s, u"mostly-control"_s}, {u"active"_s, true}, {u"filters"_s, filters}});
    RolloutSplitChart chart;
    chart.setFlag(flag);
    const QList<QBarSet *> sets = barSeriesOf(chart.variantChart())->barSets();
    QCOMPARE(sets.size(), 3);
    QCOMPARE(sets.at(0)->labelColor(), QColor(Qt::white));
    QCOMPARE(sets.at(1)->labelColor().alpha(), 0);
    QCOMPARE(sets.at(2)->labelColor().alpha(), 0);
    QCOMPARE(sets.at(1)->label(), u"test 3%"_s);
}

QTEST_MAIN(TestRolloutSplitChart)
#include "tst_rollout_split_chart.moc"
