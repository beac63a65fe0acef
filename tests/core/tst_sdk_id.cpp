// The text an SDK-sent id becomes is PostHog's: its flags service
// (rust/feature-flags/src/flags/flag_request.rs, deserialize_distinct_id) takes a string as it is
// and a number through serde_json's Number::to_string, and capture
// (RawEvent::extract_distinct_id, rust/common/types) writes a number the same way. serde_json
// keeps an integer literal that fits 64 bits as an integer and reads any other number as a double
// it writes in ryu's shortest form ("1.5", "1e20", "1.5e-7"). QJsonDocument keeps every integral
// value that fits 64 bits as an integer, so `1.0`, `-0` and `1e16` come out as "1", "0" and
// "10000000000000000" where serde_json writes "1.0", "-0.0" and "1e16"; JavaScript SDKs never send
// those forms (JSON.stringify(1.0) is "1", and it writes 1e16 in full), so for them the text is
// PostHog's.
#include "sdk_id.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;

class TestSdkId : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsed_data();
    void parsed();
    void built();
};

void TestSdkId::parsed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("string") << QByteArray(R"("user-1")") << u"user-1"_s;
    QTest::newRow("numeric string") << QByteArray(R"("1.50")") << u"1.50"_s;
    QTest::newRow("empty string") << QByteArray(R"("")") << QString();
    QTest::newRow("1") << QByteArray("1") << u"1"_s;
    QTest::newRow("-7") << QByteArray("-7") << u"-7"_s;
    QTest::newRow("1.5") << QByteArray("1.5") << u"1.5"_s;
    QTest::newRow("1.0") << QByteArray("1.0") << u"1"_s;
    QTest::newRow("123.45") << QByteArray("123.45") << u"123.45"_s;
    QTest::newRow("0.1") << QByteArray("0.1") << u"0.1"_s;
    QTest::newRow("0.0001") << QByteArray("0.0001") << u"0.0001"_s;
    QTest::newRow("1.5e-7") << QByteArray("1.5e-7") << u"1.5e-7"_s;
    QTest::newRow("1e16") << QByteArray("1e16") << u"10000000000000000"_s;
    QTest::newRow("-0") << QByteArray("-0") << u"0"_s;
    QTest::newRow("-0.0") << QByteArray("-0.0") << u"0"_s;
    QTest::newRow("1e20") << QByteArray("1e20") << u"1e20"_s;
    QTest::newRow("1.25e20") << QByteArray("1.25e20") << u"1.25e20"_s;
    QTest::newRow("-2.5e30") << QByteArray("-2.5e30") << u"-2.5e30"_s;
    QTest::newRow("2^53 + 1") << QByteArray("9007199254740993") << u"9007199254740993"_s;
    QTest::newRow("i64 max") << QByteArray("9223372036854775807") << u"9223372036854775807"_s;
    QTest::newRow("i64 min") << QByteArray("-9223372036854775808") << u"-9223372036854775808"_s;
    QTest::newRow("integer beyond u64") << QByteArray("100000000000000000000") << u"1e20"_s;
    QTest::newRow("true") << QByteArray("true") << QString();
    QTest::newRow("false") << QByteArray("false") << QString();
    QTest::newRow("null") << QByteArray("null") << QString();
    QTest::newRow("array") << QByteArray("[1]") << QString();
    QTest::newRow("object") << QByteArray(R"({"id": 1})") << QString();
}

void TestSdkId::parsed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    const QJsonDocument document = QJsonDocument::fromJson("[" + json + "]");
    QVERIFY(document.isArray());
    QCOMPARE(sdkIdText(document.array().at(0)), expected);
}

// What a caller builds rather than parses reads the same as what it parses.
void TestSdkId::built()
{
    QCOMPARE(sdkIdText(QJsonValue(1.0)), u"1"_s);
    QCOMPARE(sdkIdText(QJsonValue(7)), u"7"_s);
    QCOMPARE(sdkIdText(QJsonValue(qint64(1) << 62)), u"4611686018427387904"_s);
    QCOMPARE(sdkIdText(QJsonValue(-0.0)), u"0"_s);
    QCOMPARE(sdkIdText(QJsonValue(0.0)), u"0"_s);
    QCOMPARE(sdkIdText(QJsonValue(1.5)), u"1.5"_s);
    QCOMPARE(sdkIdText(QJsonValue(1e20)), u"1e20"_s);
    QCOMPARE(sdkIdText(QJsonValue(QJsonValue::Undefined)), QString());
}

QTEST_APPLESS_MAIN(TestSdkId)
#include "tst_sdk_id.moc"
