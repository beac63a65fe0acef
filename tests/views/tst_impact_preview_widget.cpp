// The impact preview panel: the headline and bars of a summary, an error, the busy state.
#include "impact_preview_widget.h"

#include <QApplication>
#include <QDir>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::views;

namespace {

ImpactSummary summary()
{
    ImpactSummary s;
    s.total = 1234;
    s.gaining = 120;
    s.losing = 15;
    s.switching = 3;
    s.unchanged = s.total - s.gaining - s.losing - s.switching;
    s.transitions = {{u"off"_s, u"test"_s, 70},
                     {u"off"_s, u"control"_s, 50},
                     {u"control"_s, u"off"_s, 15},
                     {u"control"_s, u"test"_s, 3}};
    return s;
}

// With BUNTING_SCREENSHOTS set to a directory, the panel as the test leaves it, to look at.
void saveGrab(QWidget &widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("BUNTING_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QVERIFY(widget.grab().save(dir + u"/impact_preview_"_s + name + u".png"_s));
}

} // namespace

class TestImpactPreviewWidget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_widget.reset(); }

    void headlineAndBars();
    void headlines_data();
    void headlines();
    void notApplicable();
    void error();
    void busyState();
    void availability();

private:
    std::unique_ptr<ImpactPreviewWidget> m_widget;
};

void TestImpactPreviewWidget::init()
{
    m_widget = std::make_unique<ImpactPreviewWidget>();
    m_widget->resize(460, 60);
    m_widget->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_widget.get()));
}

void TestImpactPreviewWidget::headlineAndBars()
{
    QVERIFY(m_widget->headline().isEmpty());
    QVERIFY(m_widget->bars().isEmpty());
    ImpactSummary s = summary();
    s.caveat = u"Members of static cohorts are not known here."_s;
    m_widget->showSummary(s);
    const QLocale locale;
    QCOMPARE(m_widget->headline(),
             u"Of %1 known persons, 120 would gain this flag, 15 would lose it and 3 would "
             "switch variant."_s.arg(locale.toString(1234)));
    QCOMPARE(m_widget->caveat(), s.caveat);
    QCOMPARE(m_widget->bars(), (QList<std::pair<QString, int>>{{u"off → test"_s, 70},
                                                               {u"off → control"_s, 50},
                                                               {u"control → off"_s, 15},
                                                               {u"control → test"_s, 3}}));
    m_widget->adjustSize();
    saveGrab(*m_widget, u"summary"_s);

    // A second summary replaces the bars of the first.
    ImpactSummary small;
    small.total = 10;
    small.unchanged = 8;
    small.gaining = 2;
    small.transitions = {{u"off"_s, u"on"_s, 2}};
    m_widget->showSummary(small);
    QCOMPARE(m_widget->bars(), (QList<std::pair<QString, int>>{{u"off → on"_s, 2}}));
    QVERIFY(m_widget->caveat().isEmpty());

    m_widget->clear();
    QVERIFY(m_widget->headline().isEmpty());
    QVERIFY(m_widget->bars().isEmpty());
}

void TestImpactPreviewWidget::headlines_data()
{
    QTest::addColumn<int>("total");
    QTest::addColumn<int>("gaining");
    QTest::addColumn<int>("losing");
    QTest::addColumn<int>("switching");
    QTest::addColumn<QString>("headline");
    QTest::newRow("nobody") << 40 << 0 << 0 << 0
                            << u"Of 40 known persons, nobody would see a different value."_s;
    QTest::newRow("only gaining") << 40 << 12 << 0 << 0
                                  << u"Of 40 known persons, 12 would gain this flag."_s;
    QTest::newRow("two kinds") << 40 << 0 << 5 << 2
                               << u"Of 40 known persons, 5 would lose it and 2 would switch "
                                  "variant."_s;
    QTest::newRow("one person") << 1 << 1 << 0 << 0
                                << u"Of 1 known person, 1 would gain this flag."_s;
    QTest::newRow("no persons") << 0 << 0 << 0 << 0
                                << u"There are no known persons to preview this change on."_s;
}

void TestImpactPreviewWidget::headlines()
{
    QFETCH(int, total);
    QFETCH(int, gaining);
    QFETCH(int, losing);
    QFETCH(int, switching);
    QFETCH(QString, headline);
    ImpactSummary s;
    s.total = total;
    s.gaining = gaining;
    s.losing = losing;
    s.switching = switching;
    s.unchanged = total - gaining - losing - switching;
    QCOMPARE(impactHeadline(s), headline);
    m_widget->showSummary(s);
    QCOMPARE(m_widget->headline(), headline);
    QVERIFY(m_widget->bars().isEmpty());
}

void TestImpactPreviewWidget::notApplicable()
{
    ImpactSummary s;
    s.total = 50;
    s.applicable = false;
    s.notApplicableReason = u"This flag is matched by group."_s;
    m_widget->showSummary(summary());
    m_widget->showSummary(s);
    QCOMPARE(m_widget->headline(), s.notApplicableReason);
    QVERIFY(m_widget->bars().isEmpty());
}

void TestImpactPreviewWidget::error()
{
    m_widget->showSummary(summary());
    m_widget->showError(u"The host did not answer."_s);
    QVERIFY(m_widget->error().contains(u"The host did not answer."_s));
    QVERIFY(m_widget->headline().isEmpty());
    QVERIFY(m_widget->bars().isEmpty());
    m_widget->resize(460, m_widget->heightForWidth(460));
    saveGrab(*m_widget, u"error"_s);

    // A new run hides the old error; its summary replaces it.
    m_widget->setBusy(true);
    QVERIFY(m_widget->error().isEmpty());
    m_widget->showSummary(summary());
    QVERIFY(m_widget->error().isEmpty());
    QVERIFY(!m_widget->headline().isEmpty());
}

void TestImpactPreviewWidget::busyState()
{
    QSignalSpy requested(m_widget.get(), &ImpactPreviewWidget::requested);
    QSignalSpy cancelRequested(m_widget.get(), &ImpactPreviewWidget::cancelRequested);
    auto *progress = m_widget->findChild<QProgressBar *>();
    QVERIFY(progress);
    QVERIFY(!m_widget->isBusy());
    QVERIFY(progress->isHidden());

    QTest::mouseClick(m_widget->previewButton(), Qt::LeftButton);
    QCOMPARE(requested.size(), 1);
    m_widget->setBusy(true);
    QVERIFY(m_widget->isBusy());
    QVERIFY(!m_widget->previewButton()->isEnabled());
    QVERIFY(progress->isVisible());
    m_widget->setProgress(250, 1000);
    QCOMPARE(progress->value(), 250);
    QCOMPARE(progress->maximum(), 1000);
    saveGrab(*m_widget, u"busy"_s);

    QPushButton *cancel = nullptr;
    for (auto *button : m_widget->findChildren<QPushButton *>())
        if (button != m_widget->previewButton())
            cancel = button;
    QVERIFY(cancel && cancel->isVisible());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QCOMPARE(cancelRequested.size(), 1);

    m_widget->showSummary(summary());
    QVERIFY(!m_widget->isBusy());
    QVERIFY(m_widget->previewButton()->isEnabled());
    QVERIFY(progress->isHidden());
    QVERIFY(cancel->isHidden());
}

void TestImpactPreviewWidget::availability()
{
    m_widget->setPreviewAvailable(false, u"Only the local server's persons are known."_s);
    QVERIFY(!m_widget->previewButton()->isEnabled());
    QCOMPARE(m_widget->previewButton()->toolTip(), u"Only the local server's persons are known."_s);
    // Finishing a run does not enable what the caller disabled.
    m_widget->setBusy(true);
    m_widget->setBusy(false);
    QVERIFY(!m_widget->previewButton()->isEnabled());
    m_widget->setPreviewAvailable(true);
    QVERIFY(m_widget->previewButton()->isEnabled());
}

QTEST_MAIN(TestImpactPreviewWidget)
#include "tst_impact_preview_widget.moc"
