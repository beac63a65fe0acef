#include "json_editor.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using bunting::views::JsonEditor;

class TestJsonEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesScalarsObjectsAndArrays_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QJsonValue>("expected");
        QTest::newRow("object") << u"{\"color\": \"blue\"}"_s
                                << QJsonValue(QJsonObject{{u"color"_s, u"blue"_s}});
        QTest::newRow("array") << u"[1, 2]"_s << QJsonValue(QJsonArray{1, 2});
        QTest::newRow("number") << u"42"_s << QJsonValue(42);
        QTest::newRow("string") << u"\"hi\""_s << QJsonValue(u"hi"_s);
        QTest::newRow("true") << u" true "_s << QJsonValue(true);
        QTest::newRow("null") << u"null"_s << QJsonValue(QJsonValue::Null);
    }
    void parsesScalarsObjectsAndArrays()
    {
        QFETCH(QString, text);
        QFETCH(QJsonValue, expected);
        QString error;
        QCOMPARE(JsonEditor::parse(text, &error), expected);
        QVERIFY(error.isEmpty());
    }

    void namesTheLineAndColumnOfAnError()
    {
        JsonEditor editor;
        QSignalSpy validity(&editor, &JsonEditor::validityChanged);
        editor.textEdit()->setPlainText(u"{\n  \"a\": 1,\n  \"b\": }"_s);
        QVERIFY(!editor.isValid());
        QVERIFY2(editor.errorText().startsWith(u"line 3, column"_s),
                 qPrintable(editor.errorText()));
        QVERIFY(editor.json().isUndefined());
        QCOMPARE(validity.size(), 1);
        QCOMPARE(validity.first().first().toBool(), false);
    }

    void twoValuesAreNotOne()
    {
        QString error;
        QVERIFY(JsonEditor::parse(u"1, 2"_s, &error).isUndefined());
        QVERIFY(!error.isEmpty());
    }

    void formatIndentsAndKeepsTheValue()
    {
        JsonEditor editor;
        editor.setText(u"{\"a\":{\"b\":[1,2]}}"_s);
        const QJsonValue before = editor.json();
        editor.findChild<QPushButton *>(u"formatJson"_s)->click();
        QCOMPARE(editor.json(), before);
        QVERIFY2(editor.text().contains(u"\n    \"a\": {"_s), qPrintable(editor.text()));
        QVERIFY(editor.text().startsWith(u"{\n"_s));
        editor.setJson(QJsonValue(u"plain"_s));
        QCOMPARE(editor.text(), u"\"plain\""_s);
    }

    void emptyIsValidOnlyWhenAllowed()
    {
        JsonEditor editor;
        QVERIFY(editor.isValid());
        editor.setEmptyAllowed(false);
        QVERIFY(!editor.isValid());
        editor.setText(u"1"_s);
        QVERIFY(editor.isValid());
    }
};

QTEST_MAIN(TestJsonEditor)
#include "tst_json_editor.moc"
