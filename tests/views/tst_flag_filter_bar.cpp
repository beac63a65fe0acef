#include "flag_filter_bar.h"

#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;
using bunting::api::FlagListQuery;
using bunting::views::FlagFilterBar;

class TestFlagFilterBar : public QObject
{
    Q_OBJECT

    static FlagListQuery last(const QSignalSpy &spy)
    {
        return spy.last().first().value<FlagListQuery>();
    }

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<FlagListQuery>(); }

    void typingSendsOneQueryAfterThePause()
    {
        FlagFilterBar bar;
        QSignalSpy changed(&bar, &FlagFilterBar::queryChanged);
        QTest::keyClicks(bar.searchField(), u"checkout"_s);
        QCOMPARE(changed.size(), 0); // still typing
        QTRY_COMPARE(changed.size(), 1);
        QCOMPARE(last(changed).search, u"checkout"_s);
        QVERIFY(bar.isFiltering());
    }

    void enterSendsAtOnce()
    {
        FlagFilterBar bar;
        QSignalSpy changed(&bar, &FlagFilterBar::queryChanged);
        QTest::keyClicks(bar.searchField(), u"abc"_s);
        QTest::keyClick(bar.searchField(), Qt::Key_Return);
        QCOMPARE(changed.size(), 1);
        QTest::qWait(FlagFilterBar::kSearchDelayMs * 3);
        QCOMPARE(changed.size(), 1); // the timer's query would be the same one
    }

    void eachControlMapsToItsParameter()
    {
        FlagFilterBar bar;
        QSignalSpy changed(&bar, &FlagFilterBar::queryChanged);
        auto *active = bar.findChild<QComboBox *>(u"activeFilter"_s);
        active->setCurrentIndex(active->findData(u"STALE"_s));
        QCOMPARE(last(changed).active, u"STALE"_s);
        auto *type = bar.findChild<QComboBox *>(u"typeFilter"_s);
        type->setCurrentIndex(type->findData(u"multivariant"_s));
        QCOMPARE(last(changed).type, u"multivariant"_s);
        auto *runtime = bar.findChild<QComboBox *>(u"runtimeFilter"_s);
        runtime->setCurrentIndex(runtime->findData(u"client"_s));
        QCOMPARE(last(changed).evaluationRuntime, u"client"_s);
        auto *tags = bar.findChild<QLineEdit *>(u"tagsFilter"_s);
        QTest::keyClicks(tags, u"beta, checkout ,beta"_s);
        QTest::keyClick(tags, Qt::Key_Return);
        QCOMPARE(last(changed).tags, (QStringList{u"beta"_s, u"checkout"_s}));

        bunting::UserBasic ada;
        ada.id = 7;
        ada.firstName = u"Ada"_s;
        bar.addKnownUsers({ada, ada});
        auto *author = bar.findChild<QComboBox *>(u"createdByFilter"_s);
        QCOMPARE(author->count(), 2);
        author->setCurrentIndex(1);
        QCOMPARE(last(changed).createdById, std::optional<qint64>(7));
    }

    void clearResetsEverythingWithOneQuery()
    {
        FlagFilterBar bar;
        FlagListQuery q;
        q.search = u"x"_s;
        q.active = u"false"_s;
        q.tags = {u"t"_s};
        bar.setQuery(q);
        QCOMPARE(bar.query().active, u"false"_s);
        auto *clear = bar.findChild<QToolButton *>(u"clearFilters"_s);
        QVERIFY(clear->isEnabled());
        QSignalSpy changed(&bar, &FlagFilterBar::queryChanged);
        clear->click();
        QCOMPARE(changed.size(), 1);
        QCOMPARE(last(changed), FlagListQuery{});
        QVERIFY(!bar.isFiltering());
        QVERIFY(!clear->isEnabled());
    }
};

QTEST_MAIN(TestFlagFilterBar)
#include "tst_flag_filter_bar.moc"
