// JsonWriter writes what QJsonDocument reads back unchanged, whatever the strings hold.
#include "http/json_writer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <limits>

using namespace Qt::StringLiterals;
using bunting::server::JsonWriter;

class TestJsonWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void strings_data();
    void strings();
    void nestingAndValues();
    void fragmentsAndGrowth();
};

void TestJsonWriter::strings_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("plain") << u"flag-key_1"_s;
    QTest::newRow("quote and backslash") << u"say \"hi\" \\ bye"_s;
    QTest::newRow("control characters") << u"a\nb\rc\td\x01"
                                           u"e\x1f"_s;
    QTest::newRow("non-ascii") << u"ΟΔΟΣ ü 日本"_s;
    QTest::newRow("emoji") << u"🎏 flags"_s;
    QTest::newRow("json text") << u"{\"color\": \"blue\"}"_s;
    QTest::newRow("long") << QString(2000, u'x') + u"\"end"_s;
}

void TestJsonWriter::strings()
{
    QFETCH(QString, text);
    JsonWriter w;
    w.beginObject().key(text).value(text).endObject();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(w.take(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(doc.object(), (QJsonObject{{text, text}}));
}

void TestJsonWriter::nestingAndValues()
{
    JsonWriter w;
    w.beginObject();
    w.key(u"a").beginObject().endObject();
    w.key(u"b").beginObject().key(u"n").value(qint64(-42)).key(u"t").value(true).endObject();
    w.key(u"c").null();
    w.key(u"d").value(QJsonValue(QJsonArray{1, u"x"_s, QJsonObject{{u"k"_s, 1.5}}}));
    w.key(u"e").value(QJsonValue(u"text"_s));
    w.endObject();
    const QJsonObject expected{
        {u"a"_s, QJsonObject{}}, {u"b"_s, QJsonObject{{u"n"_s, -42}, {u"t"_s, true}}},
        {u"c"_s, QJsonValue()},  {u"d"_s, QJsonArray{1, u"x"_s, QJsonObject{{u"k"_s, 1.5}}}},
        {u"e"_s, u"text"_s},
    };
    QCOMPARE(QJsonDocument::fromJson(w.take()).object(), expected);
}

// Reused fragments sit where a value would, with the commas around them; a writer that starts
// far too small grows without losing what it wrote.
void TestJsonWriter::fragmentsAndGrowth()
{
    JsonWriter w(1);
    w.beginObject();
    w.key(u"first").json(R"({"code":"x","n":null})");
    w.key("second"_L1).json("[1,2]");
    w.encodedKey(JsonWriter::encode(u"say \"hi\" ü")).value(true);
    QJsonObject expected{{u"first"_s, QJsonObject{{u"code"_s, u"x"_s}, {u"n"_s, QJsonValue()}}},
                         {u"second"_s, QJsonArray{1, 2}},
                         {u"say \"hi\" ü"_s, true}};
    for (int i = 0; i < 500; ++i) {
        const QString key = u"key-%1"_s.arg(i);
        w.key(key).beginObject().key("n"_L1).value(i).key("s"_L1).value(key).endObject();
        expected.insert(key, QJsonObject{{u"n"_s, i}, {u"s"_s, key}});
    }
    w.key("min"_L1).value(std::numeric_limits<qint64>::min());
    w.endObject();
    const QByteArray text = w.take();
    QVERIFY(text.contains("\"min\":-9223372036854775808}"));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QJsonObject object = doc.object();
    QCOMPARE(object.take(u"min"_s).toInteger(), std::numeric_limits<qint64>::min());
    QCOMPARE(object, expected);
}

QTEST_GUILESS_MAIN(TestJsonWriter)
#include "tst_json_writer.moc"
