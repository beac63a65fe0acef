#include "percent_editor.h"

#include <QDoubleSpinBox>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>

using bunting::views::PercentEditor;

class TestPercentEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void spinBoxTakesDecimalsAndMovesTheSlider()
    {
        PercentEditor editor;
        QSignalSpy changed(&editor, &PercentEditor::valueChanged);
        editor.spinBox()->setValue(33.33);
        QCOMPARE(editor.value(), 33.33);
        QCOMPARE(editor.slider()->value(), 3333);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().first().toDouble(), 33.33);
    }

    void sliderMovesInWholePercents()
    {
        PercentEditor editor;
        QSignalSpy changed(&editor, &PercentEditor::valueChanged);
        editor.slider()->setValue(4260);
        QCOMPARE(editor.value(), 43.0);
        QCOMPARE(editor.slider()->value(), 4300);
        QCOMPARE(changed.size(), 1);
        QTest::keyClick(editor.slider(), Qt::Key_PageUp);
        QCOMPARE(editor.value(), 53.0);
    }

    void setValueClampsAndStaysQuiet()
    {
        PercentEditor editor;
        QSignalSpy changed(&editor, &PercentEditor::valueChanged);
        editor.setValue(150);
        QCOMPARE(editor.value(), 100.0);
        editor.setValue(-3);
        QCOMPARE(editor.value(), 0.0);
        editor.setValue(12.5);
        QCOMPARE(editor.slider()->value(), 1250);
        QCOMPARE(changed.size(), 0);
    }
};

QTEST_MAIN(TestPercentEditor)
#include "tst_percent_editor.moc"
