// The version compare widget over a real server holding a flag with 50 versions: picking two
// versions shows their changes and tints the JSON lines, restoring asks first and saves, and
// conflicts and versions that cannot be rebuilt show in the message bar.
#include "client.h"
#include "json_diff_view.h"
#include "message_bar.h"
#include "test_server.h"
#include "version_compare.h"

#include <QDir>
#include <QJsonArray>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTreeWidget>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::views;

namespace {

QJsonObject filters(double rollout, bool withStaffCondition)
{
    QJsonArray groups{
        QJsonObject{{u"properties"_s, QJsonArray()}, {u"rollout_percentage"_s, rollout}}};
    if (withStaffCondition)
        groups.append(
            QJsonObject{{u"properties"_s, QJsonArray{QJsonObject{{u"key"_s, u"email"_s},
                                                                 {u"value"_s, u"@acme.com"_s},
                                                                 {u"operator"_s, u"icontains"_s},
                                                                 {u"type"_s, u"person"_s}}}},
                        {u"rollout_percentage"_s, 100}});
    return {{u"groups"_s, groups}};
}

QStringList childTexts(const QTreeWidget *tree)
{
    QStringList texts;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *group = tree->topLevelItem(i);
        for (int j = 0; j < group->childCount(); ++j)
            texts.append(group->text(0) + u": "_s + group->child(j)->text(0));
    }
    return texts;
}

QString lineOf(const QPlainTextEdit *edit, int line)
{
    return edit->document()->findBlockByNumber(line).text().trimmed();
}

} // namespace

class TestVersionCompare : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void pickingTwoVersionsShowsTheirDifferences();
    void clickingAVersionComparesItWithTheCurrentOne();
    void restoreAsksThenSaves();
    void conflictShowsInTheMessageBar();
    void unrebuildableVersionShowsInTheMessageBar();

private:
    void compare(int from, int to);
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<models::VersionHistory> m_history;
    std::unique_ptr<VersionCompare> m_view;
    qint64 m_flagId = 0;
};

void TestVersionCompare::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(
        api::Endpoint{QUrl(u"http://127.0.0.1:%1"_s.arg(m_server->port())),
                      QString::number(m_server->projectId()), m_server->ownerKey()});
    m_flagId = m_server
                   ->createFlag({{u"key"_s, u"checkout"_s},
                                 {u"name"_s, u"Checkout"_s},
                                 {u"filters"_s, filters(10, false)}})
                   .value(u"id"_s)
                   .toInteger();
    // Version v has rollout v; versions 3 to 9 also have a staff condition, version 8 is off.
    for (int v = 2; v <= 50; ++v) {
        QJsonObject edit{{u"filters"_s, filters(v, v >= 3 && v <= 9)}, {u"active"_s, v != 8}};
        QCOMPARE(m_server->patch(m_server->flags(QString::number(m_flagId)), edit).status, 200);
    }
    m_history = std::make_unique<models::VersionHistory>(m_client.get(), m_flagId);
    m_view = std::make_unique<VersionCompare>(m_history.get());
    m_view->resize(1100, 720);
    m_view->show();
    QSignalSpy shown(m_view.get(), &VersionCompare::comparisonShown);
    m_history->reload();
    QTRY_VERIFY(!shown.isEmpty());
    QCOMPARE(m_view->fromVersion(), 49);
    QCOMPARE(m_view->toVersion(), 50);
}

void TestVersionCompare::cleanup()
{
    const QString dir = qEnvironmentVariable("BUNTING_SCREENSHOTS");
    if (!dir.isEmpty() && m_view) {
        QDir().mkpath(dir);
        m_view->grab().save(dir + u"/version_compare_"_s +
                            QString::fromLatin1(QTest::currentTestFunction()) + u".png"_s);
    }
    m_view.reset();
    m_history.reset();
    m_client.reset();
    m_server.reset();
}

void TestVersionCompare::compare(int from, int to)
{
    QSignalSpy shown(m_view.get(), &VersionCompare::comparisonShown);
    m_view->compareVersions(from, to);
    QTRY_VERIFY(!shown.isEmpty());
    QCOMPARE(m_view->fromVersion(), from);
    QCOMPARE(m_view->toVersion(), to);
}

void TestVersionCompare::pickingTwoVersionsShowsTheirDifferences()
{
    compare(2, 3);
    const QStringList changes = childTexts(m_view->changeTree());
    QCOMPARE(changes.size(), 2);
    QVERIFY2(changes.contains(u"filters: Rollout of condition set 1: 2% → 3%"_s),
             qPrintable(changes.join(u'\n')));
    QVERIFY2(changes.filter(u"Condition set 2 added"_s).size() == 1,
             qPrintable(changes.join(u'\n')));
    QCOMPARE(m_view->changeTree()->topLevelItem(0)->child(0)->foreground(0).color().isValid(),
             true);

    const JsonDiffView *json = m_view->jsonDiff();
    QVERIFY(!json->removedLines().isEmpty());
    QVERIFY(!json->addedLines().isEmpty());
    QCOMPARE(json->before()->extraSelections().size(), json->removedLines().size());
    QCOMPARE(json->after()->extraSelections().size(), json->addedLines().size());
    QStringList removed, added;
    for (int line : json->removedLines())
        removed.append(lineOf(json->before(), line));
    for (int line : json->addedLines())
        added.append(lineOf(json->after(), line));
    QVERIFY2(removed.contains(u"\"rollout_percentage\": 2"_s), qPrintable(removed.join(u'\n')));
    QVERIFY2(added.contains(u"\"rollout_percentage\": 3"_s), qPrintable(added.join(u'\n')));
    QVERIFY(added.contains(u"\"value\": \"@acme.com\""_s));
    // Both sides have as many lines, so equal scroll positions show the same place.
    QCOMPARE(json->before()->document()->blockCount(), json->after()->document()->blockCount());
}

void TestVersionCompare::clickingAVersionComparesItWithTheCurrentOne()
{
    QSignalSpy shown(m_view.get(), &VersionCompare::comparisonShown);
    QListView *list = m_view->versionList();
    const QModelIndex row = m_history->index(m_history->rowOf(8));
    list->scrollTo(row);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(row).center());
    QTRY_VERIFY(!shown.isEmpty());
    QCOMPARE(m_view->fromVersion(), 8);
    QCOMPARE(m_view->toVersion(), 50);
    const QStringList changes = childTexts(m_view->changeTree());
    QVERIFY2(changes.filter(u"active: "_s).size() == 1, qPrintable(changes.join(u'\n')));
    QVERIFY(changes.filter(u"Condition set 2 removed"_s).size() == 1);
    QCOMPARE(m_view->restoreButton()->text(), u"Restore version 8…"_s);
    QVERIFY(m_view->restoreButton()->isEnabled());
}

void TestVersionCompare::restoreAsksThenSaves()
{
    compare(5, 50);
    QString asked, details;
    m_view->setConfirmation([&](const QString &question, const QString &text) {
        asked = question;
        details = text;
        return true;
    });
    QSignalSpy restored(m_view.get(), &VersionCompare::restored);
    QTest::mouseClick(m_view->restoreButton(), Qt::LeftButton);
    QTRY_COMPARE(restored.size(), 1);
    QVERIFY2(asked.contains(u"Restore version 5?"_s), qPrintable(asked));
    QVERIFY2(details.contains(u"50% → 5%"_s), qPrintable(details));
    QVERIFY(details.contains(u"Condition set 2 added"_s));
    QCOMPARE(m_view->messageBar()->kind(), MessageBar::Kind::Positive);
    QVERIFY(m_view->messageBar()->text().contains(u"version 51"_s));
    QTRY_COMPARE(m_history->rowCount(), 51);
    const QJsonObject flag = m_server->get(m_server->flags(QString::number(m_flagId))).object();
    QCOMPARE(flag.value(u"filters"_s).toObject().value(u"groups"_s).toArray().size(), 2);
    QCOMPARE(flag.value(u"filters"_s)
                 .toObject()
                 .value(u"groups"_s)
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(u"rollout_percentage"_s)
                 .toDouble(),
             5.0);

    // Declining writes nothing.
    m_view->setConfirmation([](const QString &, const QString &) { return false; });
    compare(3, 51);
    QTest::mouseClick(m_view->restoreButton(), Qt::LeftButton);
    QTest::qWait(200);
    QCOMPARE(m_server->get(m_server->flags(QString::number(m_flagId))).object().value(u"version"_s),
             QJsonValue(51));
}

void TestVersionCompare::conflictShowsInTheMessageBar()
{
    // Someone changes what restoring version 5 would change too (its rollout): PostHog's 409.
    compare(5, 50);
    const QJsonObject condition{{u"properties"_s, QJsonArray()}, {u"rollout_percentage"_s, 3}};
    QCOMPARE(
        m_server
            ->patch(m_server->flags(QString::number(m_flagId)),
                    QJsonObject{{u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{condition}}}}})
            .status,
        200);
    m_view->setConfirmation([](const QString &, const QString &) { return true; });
    QTest::mouseClick(m_view->restoreButton(), Qt::LeftButton);
    QTRY_COMPARE(m_view->messageBar()->kind(), MessageBar::Kind::Error);
    QVERIFY2(m_view->messageBar()->text().contains(u"409"_s),
             qPrintable(m_view->messageBar()->text()));
    QTRY_COMPARE(m_history->rowCount(), 51);
}

void TestVersionCompare::unrebuildableVersionShowsInTheMessageBar()
{
    m_server->server().database().exec(
        u"DELETE FROM feature_flag_versions WHERE flag_id = ? AND version = 2"_s, {m_flagId});
    // A history that has not read version 2 before it went: the view of init() may have.
    m_view.reset();
    m_history = std::make_unique<models::VersionHistory>(m_client.get(), m_flagId);
    m_view = std::make_unique<VersionCompare>(m_history.get());
    m_view->show();
    QSignalSpy shown(m_view.get(), &VersionCompare::comparisonShown);
    m_history->reload();
    QTRY_VERIFY(!shown.isEmpty());
    compare(1, 2);
    QCOMPARE(m_view->messageBar()->kind(), MessageBar::Kind::Error);
    QVERIFY2(m_view->messageBar()->text().contains(u"422"_s),
             qPrintable(m_view->messageBar()->text()));
    QCOMPARE(m_view->changeTree()->topLevelItemCount(), 0);
    compare(3, 4);
    QVERIFY(m_view->messageBar()->isHidden() ||
            m_view->messageBar()->kind() != MessageBar::Kind::Error);
}

QTEST_MAIN(TestVersionCompare)
#include "tst_version_compare.moc"
