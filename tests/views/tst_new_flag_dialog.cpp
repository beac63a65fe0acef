#include "new_flag_dialog.h"
#include "widget_test_support.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using bunting::views::NewFlagDialog;

class TestNewFlagDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { widget_test::useDarkPaletteWhenAsked(); }

    void keyFromName_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("key");
        QTest::newRow("words") << u"New checkout flow"_s << u"new-checkout-flow"_s;
        QTest::newRow("punctuation") << u"  Beta: search (v2)! "_s << u"beta-search-v2"_s;
        QTest::newRow("underscore kept") << u"snake_case name"_s << u"snake_case-name"_s;
        QTest::newRow("accents dropped") << u"Café crème"_s << u"caf-cr-me"_s;
        QTest::newRow("nothing usable") << u"!!!"_s << QString();
    }
    void keyFromName()
    {
        QFETCH(QString, name);
        QFETCH(QString, key);
        QCOMPARE(NewFlagDialog::keyFromName(name), key);
        QVERIFY(key.isEmpty() || NewFlagDialog::isValidKey(key));
    }

    void createIsEnabledForAValidKeyOnly()
    {
        NewFlagDialog dialog;
        auto *create = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(!create->isEnabled());
        QTest::keyClicks(dialog.findChild<QLineEdit *>(u"key"_s), u"my flag!"_s);
        QCOMPARE(dialog.key(), u"myflag"_s); // the validator refuses the rest
        QVERIFY(create->isEnabled());
    }

    void aTypedKeyIsNotOverwrittenByTheName()
    {
        NewFlagDialog dialog;
        QTest::keyClicks(dialog.findChild<QLineEdit *>(u"key"_s), u"own-key"_s);
        QTest::keyClicks(dialog.findChild<QLineEdit *>(u"name"_s), u"Something else"_s);
        QCOMPARE(dialog.key(), u"own-key"_s);
    }

    void submitWaitsForTheServerAndShowsItsRefusal()
    {
        NewFlagDialog dialog;
        QSignalSpy submitted(&dialog, &NewFlagDialog::submitted);
        QTest::keyClicks(dialog.findChild<QLineEdit *>(u"name"_s), u"Taken"_s);
        auto *create = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        create->click();
        QCOMPARE(submitted.size(), 1);
        QVERIFY(!create->isEnabled()); // busy until the server answers
        dialog.showKeyError(u"There is already a feature flag with this key."_s);
        auto *error = dialog.findChild<QLabel *>(u"error"_s);
        QVERIFY(!error->isHidden());
        QVERIFY(create->isEnabled());
        QCOMPARE(dialog.result(), 0); // still open, not accepted
    }

    // A new flag reaches no one: off, or on at 0 %, as the user last chose.
    void startsOffOrAtZeroAsLastChosen()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
        {
            NewFlagDialog dialog;
            dialog.setSettings(&settings);
            QCOMPARE(dialog.start(), NewFlagDialog::Start::Inactive);
            QVERIFY(dialog.findChild<QRadioButton *>(u"startInactive"_s)->isChecked());
            dialog.findChild<QRadioButton *>(u"startAtZero"_s)->click();
            QCOMPARE(dialog.start(), NewFlagDialog::Start::ZeroPercent);
            QTest::keyClicks(dialog.findChild<QLineEdit *>(u"name"_s), u"Remembered"_s);
            dialog.show();
            widget_test::saveScreenshot(&dialog, u"new-flag-dialog"_s);
            dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
        }
        NewFlagDialog next;
        next.setSettings(&settings);
        QCOMPARE(next.start(), NewFlagDialog::Start::ZeroPercent);
        QVERIFY(next.findChild<QRadioButton *>(u"startAtZero"_s)->isChecked());
        // Cancelled: the choice made is not remembered.
        next.findChild<QRadioButton *>(u"startInactive"_s)->click();
        next.reject();
        NewFlagDialog third;
        third.setSettings(&settings);
        QCOMPARE(third.start(), NewFlagDialog::Start::ZeroPercent);
    }
};

QTEST_MAIN(TestNewFlagDialog)
#include "tst_new_flag_dialog.moc"
