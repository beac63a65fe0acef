// FlagStatusPanel against a real server: the badge and reason as the server says them, both
// dependency lists with their empty texts, opening a flag by Enter or double-click, the refresh
// button, and a failure shown in the message bar.
#include "client.h"
#include "flag_dependencies.h"
#include "flag_link_list_model.h"
#include "flag_status_panel.h"
#include "message_bar.h"
#include "test_builders.h"
#include "test_server.h"
#include "widget_test_support.h"

#include <QLabel>
#include <QListView>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::views::FlagStatusPanel;
using test_builders::dependingOn;
using test_builders::everyone;
using widget_test::saveScreenshot;

namespace {

constexpr int kTimeout = 15000;

QStringList rows(QListView *view)
{
    QStringList texts;
    for (int row = 0; row < view->model()->rowCount(); ++row)
        texts.append(view->model()->index(row, 0).data().toString());
    return texts;
}

} // namespace

class TestFlagStatusPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void showsStatusAndBothLists();
    void emptyListsSaySo();
    void enterAndDoubleClickOpenTheFlag();
    void staleFlagBadge();
    void refreshReloads();
    void failureShowsInTheMessageBar();

private:
    FeatureFlag flag(qint64 id);
    void show(qint64 id);
    QLabel *label(const QString &name) const;

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<FlagStatusPanel> m_panel;
};

void TestFlagStatusPanel::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(m_server->endpoint());
    m_panel = std::make_unique<FlagStatusPanel>();
    m_panel->setClient(m_client.get());
    m_panel->resize(460, 420);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void TestFlagStatusPanel::cleanup()
{
    m_panel.reset();
    m_client.reset();
    m_server.reset();
}

FeatureFlag TestFlagStatusPanel::flag(qint64 id)
{
    return FeatureFlag::fromJson(m_server->getFlag(id));
}

void TestFlagStatusPanel::show(qint64 id)
{
    QSignalSpy loaded(m_panel->model(), &models::FlagDependencies::loaded);
    m_panel->setFlag(flag(id));
    QCOMPARE(m_panel->statusText(), u"Checking…"_s);
    QVERIFY(loaded.wait(kTimeout));
}

QLabel *TestFlagStatusPanel::label(const QString &name) const
{
    return m_panel->findChild<QLabel *>(name);
}

void TestFlagStatusPanel::showsStatusAndBothLists()
{
    const qint64 base = m_server->createFlagId(u"base"_s, everyone(), u"Base flag"_s);
    const qint64 middle =
        m_server->createFlagId(u"middle"_s, dependingOn({base}), u"Checkout middle"_s);
    m_server->createFlagId(u"top"_s, dependingOn({middle}));
    show(middle);
    QCOMPARE(m_panel->statusText(), u"Active"_s);
    QCOMPARE(m_panel->reasonText(), u"Flag has no usage data yet."_s);
    QVERIFY(m_panel->dependentsView()->isVisible());
    QVERIFY(m_panel->dependenciesView()->isVisible());
    QCOMPARE(rows(m_panel->dependentsView()), QStringList{u"top"_s});
    QCOMPARE(rows(m_panel->dependenciesView()), QStringList{u"base (Base flag)"_s});
    saveScreenshot(m_panel.get(), u"flag_status_panel"_s);
}

void TestFlagStatusPanel::emptyListsSaySo()
{
    const qint64 alone = m_server->createFlagId(u"alone"_s, everyone());
    show(alone);
    QVERIFY(!m_panel->dependentsView()->isVisible());
    QVERIFY(!m_panel->dependenciesView()->isVisible());
    QStringList visible;
    for (QLabel *l : m_panel->findChildren<QLabel *>())
        if (l->isVisible())
            visible.append(l->text());
    QVERIFY2(visible.contains(u"No active flag depends on this one."_s),
             qPrintable(visible.join(u" | "_s)));
    QVERIFY(visible.contains(u"This flag depends on no other flag."_s));
}

void TestFlagStatusPanel::enterAndDoubleClickOpenTheFlag()
{
    const qint64 base = m_server->createFlagId(u"base"_s, everyone());
    const qint64 child = m_server->createFlagId(u"child"_s, dependingOn({base}));
    show(base);
    QSignalSpy open(m_panel.get(), &FlagStatusPanel::openFlag);
    QListView *dependents = m_panel->dependentsView();
    dependents->setFocus();
    dependents->setCurrentIndex(dependents->model()->index(0, 0));
    QTest::keyClick(dependents, Qt::Key_Return);
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.first().first().toLongLong(), child);

    show(child);
    QListView *dependencies = m_panel->dependenciesView();
    // The list was hidden while empty: let the layout give it its place first.
    QTRY_VERIFY(dependencies->isVisible() && dependencies->viewport()->height() > 0);
    QCoreApplication::processEvents();
    const QRect rect = dependencies->visualRect(dependencies->model()->index(0, 0));
    QTest::mouseClick(dependencies->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(open.size(), 1); // a single click only selects
    QTest::mouseDClick(dependencies->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(open.size(), 2);
    QCOMPARE(open.last().first().toLongLong(), base);
}

void TestFlagStatusPanel::staleFlagBadge()
{
    // Fully rolled out, 45 days old and never called: stale by PostHog's status checker.
    const qint64 id = m_server->createFlagId(u"forgotten"_s, everyone());
    m_server->setFlagCreatedAt(id, QDateTime::currentDateTimeUtc().addDays(-45));
    const QJsonObject expected = m_server->get(m_server->flags(u"%1/status"_s.arg(id))).object();
    show(id);
    QCOMPARE(m_panel->statusText(), u"Stale"_s);
    QCOMPARE(m_panel->reasonText(), expected.value(u"reason"_s).toString() + u"."_s);
    saveScreenshot(m_panel.get(), u"flag_status_panel_stale"_s);
}

void TestFlagStatusPanel::refreshReloads()
{
    const qint64 base = m_server->createFlagId(u"base"_s, everyone());
    show(base);
    QCOMPARE(m_panel->dependentsView()->model()->rowCount(), 0);
    m_server->createFlagId(u"late-child"_s, dependingOn({base}));
    QSignalSpy loaded(m_panel->model(), &models::FlagDependencies::loaded);
    auto *refresh = m_panel->findChild<QToolButton *>(u"refresh"_s);
    QVERIFY(refresh->isEnabled());
    QTest::mouseClick(refresh, Qt::LeftButton);
    QVERIFY(!refresh->isEnabled());
    QVERIFY(loaded.wait(kTimeout));
    QCOMPARE(rows(m_panel->dependentsView()), QStringList{u"late-child"_s});
}

void TestFlagStatusPanel::failureShowsInTheMessageBar()
{
    FeatureFlag missing;
    missing.id = 4242;
    missing.key = u"nowhere"_s;
    QSignalSpy loaded(m_panel->model(), &models::FlagDependencies::loaded);
    m_panel->setFlag(missing);
    QVERIFY(loaded.wait(kTimeout));
    QCOMPARE(m_panel->statusText(), u"Unknown"_s);
    QCOMPARE(m_panel->reasonText(), u"Not found."_s);
    auto *bar = m_panel->findChild<views::MessageBar *>(u"messageBar"_s);
    QVERIFY(bar->isVisible());
    QCOMPARE(bar->kind(), views::MessageBar::Kind::Error);
    QVERIFY2(bar->text().startsWith(u"Could not check everything about this flag: "_s),
             qPrintable(bar->text()));
    saveScreenshot(m_panel.get(), u"flag_status_panel_failed"_s);
}

QTEST_MAIN(TestFlagStatusPanel)
#include "tst_flag_status_panel.moc"
