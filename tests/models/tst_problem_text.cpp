// Validation problems in the editor's words: where, as the form names it, and what to do, for
// the errors core's rules (and so the server) report with API positions and JSON names.
#include "error_fields.h"
#include "problem_text.h"
#include "test_builders.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::models;

class TestProblemText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void places_data();
    void places();
    void validationInWords_data();
    void validationInWords();
};

void TestProblemText::places_data()
{
    QTest::addColumn<FieldPath>("path");
    QTest::addColumn<QString>("place");
    QTest::newRow("flag") << FieldPath::atFlag() << QString();
    QTest::newRow("key") << FieldPath::atField(u"key"_s) << u"Key"_s;
    QTest::newRow("filter") << FieldPath::atProperty(1, 0, u"key"_s) << u"Condition 2, filter 1"_s;
    QTest::newRow("rollout") << FieldPath::atCondition(0, u"rollout_percentage"_s)
                             << u"Condition 1, rollout"_s;
    QTest::newRow("variant key") << FieldPath::atVariant(2, u"key"_s) << u"Variant 3, key"_s;
    QTest::newRow("variants") << FieldPath::atVariants() << u"Variants"_s;
    QTest::newRow("payload") << FieldPath::atPayload(u"control"_s) << u"Payload of “control”"_s;
    QTest::newRow("boolean payload") << FieldPath::atPayload(u"true"_s) << u"Payload"_s;
}

void TestProblemText::places()
{
    QFETCH(FieldPath, path);
    QFETCH(QString, place);
    QCOMPARE(problemPlace(path), place);
}

void TestProblemText::validationInWords_data()
{
    QTest::addColumn<QByteArray>("filters");
    QTest::addColumn<QStringList>("expected");
    const QByteArray person = R"("type": "person")";
    QTest::newRow("empty property")
        << QByteArray(R"({"groups": [{"properties": []}, {"properties": [{"key": "", )" + person +
                      R"(, "operator": "exact", "value": ""}]}]})")
        << QStringList{u"Condition 2, filter 1: choose a property."_s};
    QTest::newRow("property never chosen")
        << QByteArray(R"({"groups": [{"properties": [{)" + person + R"(, "value": "a"}]}]})")
        << QStringList{u"Condition 1, filter 1: choose a property."_s};
    // Operators named as the editor names them, not icontains.
    QTest::newRow("contains needs text")
        << QByteArray(R"({"groups": [{"properties": [{"key": "email", )" + person +
                      R"(, "operator": "icontains", "value": ["a", "b"]}]}]})")
        << QStringList{u"Condition 1, filter 1: “contains” needs one text value, not a list or "
                       u"a number."_s};
    QTest::newRow("bad regex")
        << QByteArray(R"({"groups": [{"properties": [{"key": "email", )" + person +
                      R"(, "operator": "regex", "value": "(("}]}]})")
        << QStringList{u"Condition 1, filter 1: the regular expression is not valid."_s};
    QTest::newRow("rollout out of range")
        << QByteArray(R"({"groups": [{"properties": [], "rollout_percentage": 150}]})")
        << QStringList{u"Condition 1, rollout: the rollout must be between 0% and 100%."_s};
    QTest::newRow("shares")
        << QByteArray(R"({"groups": [{"properties": []}], "multivariate": {"variants": [)"
                      R"({"key": "a", "rollout_percentage": 60},)"
                      R"({"key": "b", "rollout_percentage": 60}]}})")
        << QStringList{u"Variants: the variants' shares must add up to 100%."_s};
    QTest::newRow("payload not json")
        << QByteArray(R"({"groups": [{"properties": []}], "payloads": {"true": "{nope"}})")
        << QStringList{u"Payload: the payload is not valid JSON."_s};
}

void TestProblemText::validationInWords()
{
    QFETCH(QByteArray, filters);
    QFETCH(QStringList, expected);
    const FeatureFlag flag = FeatureFlag::fromJson(QJsonObject{
        {u"key"_s, u"words"_s},
        {u"filters"_s, QJsonDocument::fromJson(filters).object()},
    });
    QVERIFY(!flag.filters.groups.isEmpty());
    ValidationContext context;
    QStringList texts;
    for (const ValidationError &error : validateFlag(flag, context))
        for (const FieldPath &path : fieldsOfError(flag, error, context))
            texts.append(problemText({path, error}));
    QCOMPARE(texts, expected);
}

QTEST_MAIN(TestProblemText)
#include "tst_problem_text.moc"
