// PropertyMap reads a string property as a number exactly when QString::toDouble() does: the
// quick rejection of text no number can hold must not change which strings count as numbers.
#include "property_map.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;

class TestPropertyMap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void numericStrings_data();
    void numericStrings();
    void numbersAndText();
};

void TestPropertyMap::numericStrings_data()
{
    QTest::addColumn<QString>("text");
    for (const char *text : {"12",         "-3.5",
                             " 42 ",       "+7",
                             "1e3",        "2.5E-2",
                             ".5",         "5.",
                             "inf",        "-inf",
                             "+INF",       "Infinity",
                             "-infinity",  "nan",
                             "NaN",        "1,5",
                             "1_000",      "2.5.0",
                             "2025-03-15", "2025-03-15T10:00:00Z",
                             "12:30",      "user1@example.com",
                             "a/b",        "pro",
                             "DE",         "IN",
                             "e",          "fat",
                             "tiny",       "0x1f",
                             "1e",         "",
                             " ",          "٣",
                             "12abc"})
        QTest::newRow(text) << QString::fromUtf8(text);
}

void TestPropertyMap::numericStrings()
{
    QFETCH(QString, text);
    PropertyMap map;
    map.insert(u"p"_s, text);
    const PropertyValue *value = map.find(u"p"_s);
    QVERIFY(value);
    bool ok = false;
    const double expected = text.trimmed().toDouble(&ok);
    QCOMPARE(value->number.has_value(), ok);
    if (ok && !qIsNaN(expected))
        QCOMPARE(*value->number, expected);
}

void TestPropertyMap::numbersAndText()
{
    PropertyMap map(QJsonObject{{u"age"_s, 30}, {u"plan"_s, u"Pro"_s}, {u"ok"_s, true}});
    QCOMPARE(map.find(u"age"_s)->number, std::optional<double>(30));
    QCOMPARE(map.find(u"age"_s)->text, u"30"_s);
    QCOMPARE(map.find(u"plan"_s)->number, std::nullopt);
    QCOMPARE(map.find(u"plan"_s)->lowerText, u"pro"_s);
    QCOMPARE(map.find(u"ok"_s)->text, u"true"_s);
    QCOMPARE(map.find(u"ok"_s)->number, std::nullopt);
    QCOMPARE(map.find(u"missing"_s), nullptr);
}

QTEST_GUILESS_MAIN(TestPropertyMap)
#include "tst_property_map.moc"
