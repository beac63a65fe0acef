// The ids a flag's conditions name (PostHog's cohort property {"type": "cohort", "key": "id",
// "value": <id>} and flag dependency {"type": "flag", "key": "<flag id>"}), as a copy, a push or
// a transfer rewrites them between projects, and the order that sends a dependency first.
#include "flag_references.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;

namespace {

QJsonObject cohort(const QJsonValue &id)
{
    return {{u"type"_s, u"cohort"_s}, {u"key"_s, u"id"_s}, {u"value"_s, id}};
}

QJsonObject dependsOn(qint64 id)
{
    return {{u"type"_s, u"flag"_s},
            {u"key"_s, QString::number(id)},
            {u"value"_s, true},
            {u"operator"_s, u"flag_evaluates_to"_s}};
}

QJsonObject flag(qint64 id, const QJsonArray &properties)
{
    return {{u"id"_s, id},
            {u"filters"_s,
             QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, properties}}}}}}};
}

} // namespace

class TestFlagReferences : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void idsAreRewrittenInTheFormTheyHad()
    {
        const QJsonObject filters{
            {u"groups"_s,
             QJsonArray{QJsonObject{
                 {u"properties"_s, QJsonArray{cohort(7), cohort(u"8"_s), dependsOn(3)}}}}}};
        FlagReferences unknown;
        const QJsonValue out = remapReferences(filters, {{7, 70}}, {{3, 30}}, &unknown);
        const QJsonArray properties = out["groups"_L1][0]["properties"_L1].toArray();
        QCOMPARE(properties[0]["value"_L1], QJsonValue(70));
        QCOMPARE(properties[1]["value"_L1], QJsonValue(u"8"_s)); // not known: left, and told
        QCOMPARE(properties[2]["key"_L1], QJsonValue(u"30"_s));
        QCOMPARE(unknown.cohorts, QList<qint64>{8});
        QVERIFY(unknown.flags.isEmpty());
        const FlagReferences all = referencesIn(filters);
        QCOMPARE(all.cohorts, (QList<qint64>{7, 8}));
        QCOMPARE(all.flags, QList<qint64>{3});
    }

    void otherPropertiesAreLeftAlone()
    {
        const QJsonObject person{{u"type"_s, u"person"_s}, {u"key"_s, u"id"_s}, {u"value"_s, 7}};
        QCOMPARE(remapReferences(person, {{7, 70}}, {{7, 70}}), QJsonValue(person));
    }

    void aDependencyComesFirst()
    {
        // 1 needs 2, 2 needs 3; 4 names a flag outside the list; 5 and 6 name each other.
        const QList<QJsonObject> flags{
            flag(1, {dependsOn(2)}),  flag(2, {dependsOn(3)}), flag(3, {}),
            flag(4, {dependsOn(99)}), flag(5, {dependsOn(6)}), flag(6, {dependsOn(5)})};
        QCOMPARE(dependenciesFirst(flags), (QList<qsizetype>{2, 1, 0, 3, 5, 4}));
    }

    void aLongChainNeedsNoDeepStack()
    {
        QList<QJsonObject> flags;
        for (int id = 1; id <= 100000; ++id)
            flags.append(flag(id, {dependsOn(id + 1)}));
        const QList<qsizetype> order = dependenciesFirst(flags);
        QCOMPARE(order.size(), 100000);
        QCOMPARE(order.first(), 99999);
        QCOMPARE(order.last(), 0);
    }
};

QTEST_GUILESS_MAIN(TestFlagReferences)
#include "tst_flag_references.moc"
