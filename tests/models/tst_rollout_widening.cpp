// Which saves let more users get a flag, and the sentence each is said in before it goes.
#include "rollout_widening.h"
#include "test_builders.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;
using models::rolloutWidening;
using namespace test_builders;

class TestRolloutWidening : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void widening_data();
    void widening();
    void conditionsArePairedByTheirFilters();
};

namespace {

FeatureFlag flag(const QJsonObject &filters, bool active = true)
{
    return FeatureFlag::fromJson(QJsonObject{{u"id"_s, 7},
                                             {u"key"_s, u"new-checkout"_s},
                                             {u"active"_s, active},
                                             {u"filters"_s, filters}});
}

const QJsonObject kEmail = personProperty(u"email"_s, u"@acme.com"_s, u"icontains"_s);
const QJsonObject kCountry = personProperty(u"country"_s, QJsonArray{u"DE"_s});

} // namespace

void TestRolloutWidening::widening_data()
{
    QTest::addColumn<FeatureFlag>("before");
    QTest::addColumn<FeatureFlag>("after");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("switched on for everyone")
        << flag(everyone(), false) << flag(everyone())
        << QStringList{u"This turns new-checkout on for about everyone."_s};
    QTest::newRow("switched on for a share of everyone")
        << flag(everyone(30), false) << flag(everyone(30))
        << QStringList{u"This turns new-checkout on for 30% of everyone."_s};
    QTest::newRow("switched on for matching users")
        << flag(flagFilters({condition(20, {kEmail})}), false)
        << flag(flagFilters({condition(20, {kEmail})}))
        << QStringList{
               u"This turns new-checkout on for 20% of users matching email ~ @acme.com."_s};
    QTest::newRow("switched on, reaching no one")
        << flag(everyone(0), false) << flag(everyone(0)) << QStringList();
    QTest::newRow("switched off") << flag(everyone()) << flag(everyone(), false) << QStringList();
    QTest::newRow("stays off while widened")
        << flag(everyone(0), false) << flag(everyone(100), false) << QStringList();
    QTest::newRow("rollout raised") << flag(everyone(10)) << flag(everyone(50))
                                    << QStringList{u"This raises condition 1 from 10% to 50%."_s};
    QTest::newRow("rollout lowered") << flag(everyone(50)) << flag(everyone(10)) << QStringList();
    QTest::newRow("null rollout is 100%")
        << flag(flagFilters({condition(40, {kEmail})}))
        << flag(flagFilters({QJsonObject{{u"properties"_s, QJsonArray{kEmail}}}}))
        << QStringList{u"This raises condition 1 from 40% to 100%."_s};
    QTest::newRow("new condition for everyone")
        << flag(flagFilters({condition(10, {kEmail})}))
        << flag(flagFilters({condition(10, {kEmail}), condition(25)}))
        << QStringList{u"New condition 2 reaches 25% of everyone."_s};
    QTest::newRow("new condition for matching users")
        << flag(flagFilters({condition(10, {kEmail})}))
        << flag(flagFilters({condition(10, {kEmail}), condition(5, {kCountry})}))
        << QStringList{u"New condition 2 reaches 5% of users matching country = DE."_s};
    QTest::newRow("new condition at 0%")
        << flag(flagFilters({condition(10, {kEmail})}))
        << flag(flagFilters({condition(10, {kEmail}), condition(0)})) << QStringList();
    QTest::newRow("last filter removed")
        << flag(flagFilters({condition(30, {kEmail})})) << flag(flagFilters({condition(30)}))
        << QStringList{u"Condition 1 now has no filters: it reaches 30% of everyone."_s};
    QTest::newRow("one filter of two removed")
        << flag(flagFilters({condition(30, {kEmail, kCountry})}))
        << flag(flagFilters({condition(30, {kEmail})}))
        << QStringList{u"Condition 1 loses a filter, so it matches more users."_s};
    QTest::newRow("filter added") << flag(flagFilters({condition(30, {kEmail})}))
                                  << flag(flagFilters({condition(30, {kEmail, kCountry})}))
                                  << QStringList();
    QTest::newRow("condition removed")
        << flag(flagFilters({condition(30, {kEmail}), condition(10)}))
        << flag(flagFilters({condition(30, {kEmail})})) << QStringList();
    QTest::newRow("filter removed and rollout raised")
        << flag(flagFilters({condition(10, {kEmail})})) << flag(flagFilters({condition(60)}))
        << QStringList{u"Condition 1 now has no filters: it reaches 60% of everyone."_s,
                       u"This raises condition 1 from 10% to 60%."_s};
}

void TestRolloutWidening::widening()
{
    QFETCH(FeatureFlag, before);
    QFETCH(FeatureFlag, after);
    QFETCH(QStringList, expected);
    QCOMPARE(rolloutWidening(before, after), expected);
}

void TestRolloutWidening::conditionsArePairedByTheirFilters()
{
    // A condition inserted before the others is new; the ones after it are not "changed".
    const FeatureFlag before = flag(flagFilters({condition(50, {kEmail}), condition(10)}));
    const FeatureFlag after =
        flag(flagFilters({condition(0, {kCountry}), condition(50, {kEmail}), condition(10)}));
    QCOMPARE(rolloutWidening(before, after), QStringList());
    // Reordered: nothing widens.
    const FeatureFlag reordered = flag(flagFilters({condition(10), condition(50, {kEmail})}));
    QCOMPARE(rolloutWidening(before, reordered), QStringList());
}

QTEST_MAIN(TestRolloutWidening)
#include "tst_rollout_widening.moc"
