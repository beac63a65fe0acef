// The flag editor window against a real server: load, save only what changed, the 409 path with
// each of its answers, and the server's refusals shown without losing the edit.
#include "flag_editor.h"
#include "flag_editor_conditions.h"
#include "flag_editor_variants.h"
#include "flag_editor_widget.h"
#include "flag_editor_window.h"
#include "history_window.h"
#include "impact_preview_widget.h"
#include "json_editor.h"
#include "message_bar.h"
#include "percent_editor.h"
#include "property_filter_editor.h"
#include "storage/group_repository.h"
#include "test_server.h"
#include "version_compare.h"
#include "version_history.h"
#include "window_test_support.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::desktop::FlagEditorWindow;

class TestFlagEditorWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { widget_test::useDarkPaletteWhenAsked(); }
    void init();
    void cleanup();

    void loadsTheFlag();
    void offersTheProjectsFlagsAndGroupTypesToTheFilterRows();
    void savesOnlyWhatChanged();
    void savingNothingSendsNothing();
    void aConcurrentChangeElsewhereIsKept();
    void twoEditorsOnOneFlag();
    void mergesOntoAConcurrentChange();
    void overwritesAConcurrentChange();
    void reloadDropsTheEditForTheServersVersion();
    void aRefusedSaveKeepsTheEdit();
    void closingWithUnsavedChangesAsks();
    void previewsTheImpactOfTheDraftOnKnownPersons();
    void aFilterLeftEmptyIsNotSaved();
    void aMultivariateFlagWithPayloadsBuiltInAnyOrderHasNoFalseAlarm();
    void aSaveThatWidensTheFlagSaysSoFirst();
    void aSaveThatNarrowsTheFlagAsksNothing();
    void anOpenEditorFollowsARestoreFromHistory();
    void anEditorWithUnsavedEditsOffersToMergeARestore();
    void mergeKeepsTheirChangeOfAFieldIDidNotTouch();
    void messagesGoWithTheStateTheyDescribe();
    void aSaveWithoutTheServerSaysSoOnceAndRetries();
    void theConflictQuestionNamesWhoChangedTheFlag();

private:
    // Restores `version` of the flag through a history window, as a person does.
    void restoreFromHistory(int version);
    FlagEditorWindow *open(qint64 id);
    QJsonObject serverFlag(qint64 id)
    {
        return m_server->get(m_server->flags(u"%1/"_s.arg(id))).object();
    }

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    QPointer<FlagEditorWindow> m_window;
    qint64 m_id = 0;
};

void TestFlagEditorWindow::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(
        api::Endpoint{QUrl(u"http://127.0.0.1:%1"_s.arg(m_server->port())),
                      QString::number(m_server->projectId()), m_server->ownerKey()});
    const QJsonObject condition{{u"properties"_s, QJsonArray()}, {u"rollout_percentage"_s, 30}};
    m_id = m_server
               ->createFlag({{u"key"_s, u"checkout"_s},
                             {u"name"_s, u"Checkout"_s},
                             {u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{condition}}}}})
               .value("id"_L1)
               .toInteger();
}

void TestFlagEditorWindow::cleanup()
{
    delete m_window;
    m_client.reset();
    m_server.reset();
}

FlagEditorWindow *TestFlagEditorWindow::open(qint64 id)
{
    m_window = new FlagEditorWindow(m_client.get(), id);
    m_window->show();
    if (!QTest::qWaitFor([this] { return m_window->isLoaded(); }, 10000))
        qWarning("the flag did not load");
    return m_window;
}

void TestFlagEditorWindow::loadsTheFlag()
{
    FlagEditorWindow *window = open(m_id);
    QVERIFY(window->isLoaded());
    QCOMPARE(window->editor()->draft().key, u"checkout"_s);
    QVERIFY(window->windowTitle().startsWith(u"checkout"_s));
    QVERIFY(!window->isWindowModified());
    QVERIFY(!window->saveAction()->isEnabled());
}

void TestFlagEditorWindow::offersTheProjectsFlagsAndGroupTypesToTheFilterRows()
{
    const QJsonObject variants{
        {u"variants"_s,
         QJsonArray{QJsonObject{{u"key"_s, u"control"_s}, {u"rollout_percentage"_s, 50}},
                    QJsonObject{{u"key"_s, u"test"_s}, {u"rollout_percentage"_s, 50}}}}};
    const qint64 other =
        m_server
            ->createFlag({{u"key"_s, u"other"_s},
                          {u"name"_s, u"Other"_s},
                          {u"filters"_s,
                           QJsonObject{{u"groups"_s,
                                        QJsonArray{QJsonObject{{u"properties"_s, QJsonArray()}}}},
                                       {u"multivariate"_s, variants}}}})
            .value("id"_L1)
            .toInteger();
    bunting::server::GroupRepository groups(m_server->server().database());
    groups.ensureMapping(m_server->projectId(), u"company"_s);

    FlagEditorWindow *window = open(m_id);
    QTRY_COMPARE(window->choices().flags.size(), 1); // every flag but the one being edited
    QCOMPARE(window->choices().flags.first().id, other);
    QCOMPARE(window->choices().flags.first().variants, (QStringList{u"control"_s, u"test"_s}));
    QTRY_COMPARE(window->choices().groupTypes.size(), 1);
    QCOMPARE(window->choices().groupTypes.first().second, u"company"_s);
}

void TestFlagEditorWindow::savesOnlyWhatChanged()
{
    FlagEditorWindow *window = open(m_id);
    QSignalSpy saved(window, &FlagEditorWindow::flagSaved);
    window->editor()->setName(u"New checkout"_s);
    QVERIFY(window->isWindowModified());
    QVERIFY(window->saveAction()->isEnabled());
    window->saveAction()->trigger();
    QTRY_COMPARE(saved.size(), 1);
    const QJsonObject stored = serverFlag(m_id);
    QCOMPARE(stored.value("name"_L1).toString(), u"New checkout"_s);
    QCOMPARE(stored.value("version"_L1).toInt(), 2);
    QCOMPARE(window->editor()->loaded().version, 2);
    QVERIFY(!window->isWindowModified());
    // One activity entry, naming only the name (and the version).
    const QJsonArray activity = m_server->get(m_server->flags(u"%1/activity/"_s.arg(m_id)))
                                    .object()
                                    .value("results"_L1)
                                    .toArray();
    const QJsonArray changes =
        activity.first().toObject()["detail"_L1].toObject()["changes"_L1].toArray();
    QStringList fields;
    for (const QJsonValue &change : changes)
        fields.append(change.toObject().value("field"_L1).toString());
    // PostHog lists the version it moved to as a change of its own.
    QCOMPARE(fields, (QStringList{u"name"_s, u"version"_s}));
}

void TestFlagEditorWindow::savingNothingSendsNothing()
{
    FlagEditorWindow *window = open(m_id);
    window->save();
    QTest::qWait(200);
    QCOMPARE(serverFlag(m_id).value("version"_L1).toInt(), 1);
}

void TestFlagEditorWindow::aConcurrentChangeElsewhereIsKept()
{
    // PostHog's rule (rest-api-behaviour.md §3.4): a stale save whose fields nobody else changed
    // goes through, and the other change stays.
    FlagEditorWindow *window = open(m_id);
    window->setConflictChoice(FlagEditorWindow::ConflictChoice::Reload); // would drop "Mine"
    window->editor()->setName(u"Mine"_s);
    QCOMPARE(m_server
                 ->patch(m_server->flags(u"%1/"_s.arg(m_id)),
                         QJsonObject{{u"tags"_s, QJsonArray{u"theirs"_s}}})
                 .status,
             200);
    window->save();
    QTRY_COMPARE(window->editor()->loaded().version, 3);
    QVERIFY(!window->editor()->isDirty());
    QCOMPARE(window->editor()->loaded().tags, QStringList{u"theirs"_s});
    const QJsonObject stored = serverFlag(m_id);
    QCOMPARE(stored.value("name"_L1).toString(), u"Mine"_s);
    QCOMPARE(stored.value("tags"_L1).toArray(), QJsonArray{u"theirs"_s});
}

void TestFlagEditorWindow::twoEditorsOnOneFlag()
{
    // Two windows of the app on the same flag, the user answering the real dialog.
    auto first = std::unique_ptr<FlagEditorWindow>(open(m_id));
    auto *second = new FlagEditorWindow(m_client.get(), m_id);
    m_window = second; // cleanup() closes it
    second->show();
    // Both raise the rollout: each save says so first, answered here with Save.
    first->setWideningChoice(FlagEditorWindow::WideningChoice::Save);
    second->setWideningChoice(FlagEditorWindow::WideningChoice::Save);
    QTRY_VERIFY(second->isLoaded());

    // Different fields: both saves go through and both changes stay.
    first->editor()->setName(u"From the first window"_s);
    first->save();
    QTRY_COMPARE(first->editor()->loaded().version, 2);
    second->editor()->setTags({u"second"_s});
    second->save();
    QTRY_COMPARE(second->editor()->loaded().version, 3);
    QCOMPARE(serverFlag(m_id).value("name"_L1).toString(), u"From the first window"_s);
    QCOMPARE(serverFlag(m_id).value("tags"_L1).toArray(), QJsonArray{u"second"_s});

    // The same field, edited in both before either saves: the second save is refused with 409
    // and the user is asked, told that the other change is their own, from the other window.
    QTRY_COMPARE(first->editor()->loaded().version, 3); // it followed the second's save
    second->editor()->setConditionRollout(0, 60);
    first->editor()->setConditionRollout(0, 40);
    first->save();
    QTRY_COMPARE(first->editor()->loaded().version, 4);
    QTRY_VERIFY(second->newerVersion().has_value()); // told, but its edit stays
    QCOMPARE(second->editor()->draft().filters.groups.at(0).rolloutPercentage, std::optional(60.0));
    QString asked;
    QString details;
    window_test::whenModalOpens<QMessageBox>([&asked, &details](QMessageBox *box) {
        asked = box->text();
        details = box->informativeText();
        widget_test::saveScreenshot(box, u"conflict-dialog"_s);
        for (QAbstractButton *button : box->buttons())
            if (button->text() == "Reload"_L1)
                button->click();
    });
    second->save();
    QTRY_VERIFY(!asked.isEmpty());
    QVERIFY2(asked.contains("You saved this flag in another window"_L1), qPrintable(asked));
    QVERIFY2(!asked.contains("Someone"_L1), qPrintable(asked));
    QVERIFY2(details.contains("Changed on both sides"_L1), qPrintable(details));
    QTRY_COMPARE(second->editor()->loaded().version, 4);
    QCOMPARE(second->editor()->draft().filters.groups.at(0).rolloutPercentage, std::optional(40.0));
    QCOMPARE(serverFlag(m_id)["filters"_L1]["groups"_L1][0]["rollout_percentage"_L1].toInt(), 40);
}

void TestFlagEditorWindow::mergesOntoAConcurrentChange()
{
    // Both change `filters`, PostHog's unit of conflict, in different parts (a payload here, the
    // rollout there): 409, then the merge keeps both.
    FlagEditorWindow *window = open(m_id);
    window->setConflictChoice(FlagEditorWindow::ConflictChoice::Merge);
    window->editor()->setPayload(u"true"_s, u"{\"a\": 1}"_s);
    const QJsonObject theirs{{u"properties"_s, QJsonArray()}, {u"rollout_percentage"_s, 45}};
    QCOMPARE(m_server
                 ->patch(m_server->flags(u"%1/"_s.arg(m_id)),
                         QJsonObject{{u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{theirs}}}},
                                     {u"tags"_s, QJsonArray{u"theirs"_s}}})
                 .status,
             200);
    window->save();
    QTRY_COMPARE(window->editor()->loaded().version, 2); // their version is the new base
    QVERIFY(window->editor()->isDirty());
    QCOMPARE(window->editor()->draft().tags, QStringList{u"theirs"_s});
    QCOMPARE(window->editor()->draft().filters.groups.at(0).rolloutPercentage, std::optional(45.0));
    window->save();
    QTRY_COMPARE(serverFlag(m_id).value("version"_L1).toInt(), 3);
    const QJsonObject stored = serverFlag(m_id);
    QCOMPARE(stored["filters"_L1]["groups"_L1][0]["rollout_percentage"_L1].toInt(), 45);
    QCOMPARE(stored["filters"_L1]["payloads"_L1]["true"_L1].toString(), u"{\"a\": 1}"_s);
    QCOMPARE(stored.value("tags"_L1).toArray(), QJsonArray{u"theirs"_s});
}

void TestFlagEditorWindow::overwritesAConcurrentChange()
{
    FlagEditorWindow *window = open(m_id);
    window->setConflictChoice(FlagEditorWindow::ConflictChoice::Overwrite);
    window->editor()->setName(u"Mine"_s);
    m_server->patch(m_server->flags(u"%1/"_s.arg(m_id)), QJsonObject{{u"name"_s, u"Theirs"_s}});
    window->save();
    QTRY_COMPARE(serverFlag(m_id).value("version"_L1).toInt(), 3);
    QCOMPARE(serverFlag(m_id).value("name"_L1).toString(), u"Mine"_s);
    QTRY_VERIFY(!window->editor()->isDirty());
}

void TestFlagEditorWindow::reloadDropsTheEditForTheServersVersion()
{
    FlagEditorWindow *window = open(m_id);
    window->setConflictChoice(FlagEditorWindow::ConflictChoice::Reload);
    window->editor()->setName(u"Mine"_s);
    m_server->patch(m_server->flags(u"%1/"_s.arg(m_id)), QJsonObject{{u"name"_s, u"Theirs"_s}});
    window->save();
    QTRY_COMPARE(window->editor()->loaded().version, 2);
    QCOMPARE(window->editor()->draft().name, u"Theirs"_s);
    QVERIFY(!window->editor()->isDirty());
    QCOMPARE(serverFlag(m_id).value("version"_L1).toInt(), 2);
}

void TestFlagEditorWindow::aRefusedSaveKeepsTheEdit()
{
    m_server->createFlag({{u"key"_s, u"taken"_s}, {u"name"_s, u"Other"_s}});
    FlagEditorWindow *window = open(m_id);
    window->editor()->setKey(u"taken"_s);
    window->save();
    QTRY_COMPARE(window->messageBar()->kind(), views::MessageBar::Kind::Error);
    QTRY_VERIFY(!window->messageBar()->text().isEmpty());
    QVERIFY(window->editor()->isDirty());
    QCOMPARE(window->editor()->draft().key, u"taken"_s);
    QCOMPARE(serverFlag(m_id).value("key"_L1).toString(), u"checkout"_s);
}

void TestFlagEditorWindow::closingWithUnsavedChangesAsks()
{
    FlagEditorWindow *window = open(m_id);
    window->editor()->setName(u"Unsaved"_s);
    bool asked = false;
    QTimer::singleShot(50, this, [&asked] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        asked = true;
        box->button(QMessageBox::Cancel)->click();
    });
    QVERIFY(!window->close());
    QVERIFY(asked);
    QVERIFY(window->isVisible());

    QTimer::singleShot(50, this, [] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget()))
            box->button(QMessageBox::Save)->click();
    });
    window->close();
    QTRY_COMPARE(serverFlag(m_id).value("name"_L1).toString(), u"Unsaved"_s);
    QTRY_VERIFY(m_window.isNull()); // closed once saved (and deleted on close)
}

void TestFlagEditorWindow::previewsTheImpactOfTheDraftOnKnownPersons()
{
    // Twenty persons as SDKs make them; the flag reaches 30 % of users by their ids.
    QJsonArray events;
    for (int i = 0; i < 20; ++i)
        events.append(
            QJsonObject{{u"event"_s, u"$set"_s},
                        {u"distinct_id"_s, u"person-%1"_s.arg(i)},
                        {u"properties"_s, QJsonObject{{u"$set"_s, QJsonObject{{u"n"_s, i}}}}}});
    QCOMPARE(m_server
                 ->post(u"/batch/"_s,
                        QJsonObject{{u"api_key"_s, m_server->projectToken()}, {u"batch"_s, events}},
                        QString())
                 .status,
             200);
    m_server->server().events().flush();

    FlagEditorWindow *window = open(m_id);
    views::ImpactPreviewWidget *panel = window->impactWidget();
    window->setImpactPreviewAvailable(true);
    window->editor()->setActive(false); // everyone who had the flag loses it
    Q_EMIT panel->requested();
    QTRY_VERIFY(!panel->headline().isEmpty());
    QVERIFY2(panel->headline().contains(u"Of 20 known persons"_s), qPrintable(panel->headline()));
    QVERIFY2(panel->headline().contains(u"lose"_s), qPrintable(panel->headline()));
    QVERIFY(!panel->headline().contains(u"gain"_s));

    // An edit makes the preview stale.
    window->editor()->setName(u"Something else"_s);
    QVERIFY(panel->headline().isEmpty());
}

void TestFlagEditorWindow::aFilterLeftEmptyIsNotSaved()
{
    // "Add filter", then Ctrl+S with the row untouched: the editor says the filter needs a
    // property, so the save is refused rather than sending {"key": ""} that matches nobody.
    FlagEditorWindow *window = open(m_id);
    views::FlagEditorWidget *widget = window->editorWidget();
    widget->formTabs()->setCurrentIndex(1);
    widget->conditions()->setCurrentCondition(0);
    auto *addFilter = widget->findChild<QPushButton *>(u"addFilter"_s);
    QVERIFY(addFilter);
    addFilter->click();
    QCOMPARE(window->editor()->draft().filters.groups.at(0).properties.size(), 1);
    QVERIFY(widget->hasProblems());
    QLabel *problems = widget->problemsLabel();
    QVERIFY(problems->isVisible());
    QVERIFY2(problems->text().contains(u"Condition 1, filter 1: choose a property."_s),
             qPrintable(problems->text()));

    widget->formTabs()->setCurrentIndex(0); // looking elsewhere when saving
    QTest::keySequence(window, QKeySequence::Save);
    window->saveAction()->trigger();
    QTest::qWait(300);
    QCOMPARE(serverFlag(m_id).value("version"_L1).toInt(), 1);
    QVERIFY(window->editor()->isDirty());
    views::MessageBar *messages = window->messageBar();
    QVERIFY(messages);
    QCOMPARE(messages->kind(), views::MessageBar::Kind::Error);
    QVERIFY2(messages->text().contains(u"Condition 1, filter 1: choose a property."_s),
             qPrintable(messages->text()));
    // Taken to the problem: the conditions tab, the filter's property field.
    QCOMPARE(widget->formTabs()->currentIndex(), 1);
    auto *row = widget->findChild<views::PropertyFilterEditor *>(u"propertyFilter"_s);
    QVERIFY(row);
    auto *key = row->findChild<QComboBox *>(u"keyCombo"_s);
    QVERIFY(window->focusWidget() == key || window->focusWidget() == key->lineEdit());
    widget_test::saveScreenshot(window, u"editor-problem"_s);

    // The listed problem is a link to the same place.
    widget->formTabs()->setCurrentIndex(2);
    Q_EMIT problems->linkActivated(u"0"_s);
    QCOMPARE(widget->formTabs()->currentIndex(), 1);

    // Choosing a property clears the problem, and the save goes.
    window->setWideningChoice(FlagEditorWindow::WideningChoice::Save);
    QTest::keyClicks(key->lineEdit(), u"email"_s);
    QVERIFY(!widget->hasProblems());
    QVERIFY(problems->isHidden());
    window->saveAction()->trigger();
    QTRY_COMPARE(serverFlag(m_id).value("version"_L1).toInt(), 2);
    QCOMPARE(serverFlag(m_id)["filters"_L1]["groups"_L1][0]["properties"_L1][0]["key"_L1],
             QJsonValue(u"email"_s));
}

void TestFlagEditorWindow::aMultivariateFlagWithPayloadsBuiltInAnyOrderHasNoFalseAlarm()
{
    // A boolean flag made multivariate in the editor, a payload given to a variant: correct, as
    // the server agrees, so the editor must not call it wrong ("Payload keys must be 'true' for
    // boolean flags" was shown while the flag was built).
    FlagEditorWindow *window = open(m_id);
    views::FlagEditorWidget *widget = window->editorWidget();
    widget->formTabs()->setCurrentIndex(2);
    auto *multivariate = widget->findChild<QCheckBox *>(u"multivariate"_s);
    QVERIFY(multivariate);
    multivariate->click();
    QVERIFY(window->editor()->draft().filters.isMultivariate());
    QTableView *table = widget->variants()->table();
    table->setCurrentIndex(table->model()->index(0, 0));
    QCOMPARE(widget->variants()->payloadKey(), u"control"_s);
    QPlainTextEdit *payload = widget->variants()->payloadEditor()->textEdit();
    payload->setFocus();
    QTest::keyClicks(payload, u"{\"color\": \"blue\"}"_s);
    QCOMPARE(window->editor()->payloadText(u"control"_s), u"{\"color\": \"blue\"}"_s);
    QVERIFY2(!widget->hasProblems(), qPrintable(widget->problemsLabel()->text()));
    QVERIFY(!widget->formTabs()->tabText(2).contains(u"problem"_s));
    // Another variant, then a payload for it too: still nothing wrong.
    widget->findChild<QPushButton *>(u"addVariant"_s)->click();
    widget->findChild<QPushButton *>(u"distributeEvenly"_s)->click();
    window->editor()->setPayload(u"variant-3"_s, u"[1, 2]"_s);
    QVERIFY2(!widget->hasProblems(), qPrintable(widget->problemsLabel()->text()));

    // And the server takes it as it is.
    window->setWideningChoice(FlagEditorWindow::WideningChoice::Save);
    window->saveAction()->trigger();
    QTRY_COMPARE(serverFlag(m_id).value("version"_L1).toInt(), 2);
    const QJsonObject stored = serverFlag(m_id);
    QCOMPARE(stored["filters"_L1]["payloads"_L1]["control"_L1].toString(),
             u"{\"color\": \"blue\"}"_s);
    QCOMPARE(stored["filters"_L1]["multivariate"_L1]["variants"_L1].toArray().size(), 3);
}

void TestFlagEditorWindow::aSaveThatWidensTheFlagSaysSoFirst()
{
    FlagEditorWindow *window = open(m_id);
    views::FlagEditorWidget *widget = window->editorWidget();
    widget->formTabs()->setCurrentIndex(1);
    widget->conditions()->setCurrentCondition(0);
    widget->findChild<views::PercentEditor *>(u"conditionRollout"_s)->spinBox()->setValue(50);
    QCOMPARE(window->editor()->draft().filters.groups.at(0).rolloutPercentage, 50.0);

    // Asked in one line; "Keep editing" sends nothing.
    QString asked;
    window_test::whenModalOpens<QMessageBox>([&asked](QMessageBox *box) {
        asked = box->text();
        widget_test::saveScreenshot(box, u"widening-confirmation"_s);
        for (QAbstractButton *button : box->buttons())
            if (button->text() == "Keep editing"_L1)
                button->click();
    });
    window->saveAction()->trigger();
    QTRY_VERIFY(!asked.isEmpty());
    QCOMPARE(asked, u"This raises condition 1 from 30% to 50%."_s);
    QTest::qWait(200);
    QCOMPARE(serverFlag(m_id).value("version"_L1).toInt(), 1);
    QVERIFY(window->editor()->isDirty());

    // "Save" sends it.
    asked.clear();
    window_test::whenModalOpens<QMessageBox>([&asked](QMessageBox *box) {
        asked = box->text();
        for (QAbstractButton *button : box->buttons())
            if (button->text() == "Save"_L1)
                button->click();
    });
    window->saveAction()->trigger();
    QTRY_COMPARE(serverFlag(m_id).value("version"_L1).toInt(), 2);
    QCOMPARE(asked, u"This raises condition 1 from 30% to 50%."_s);
    QCOMPARE(serverFlag(m_id)["filters"_L1]["groups"_L1][0]["rollout_percentage"_L1].toInt(), 50);

    // Where the impact preview runs, its numbers for this draft go with the question.
    window->setImpactPreviewAvailable(true);
    window->editor()->setConditionRollout(0, 70);
    QString impact;
    window_test::whenModalOpens<QMessageBox>([](QMessageBox *box) {
        for (QAbstractButton *button : box->buttons())
            if (button->text() == "Preview the impact first"_L1)
                button->click();
    });
    window->saveAction()->trigger();
    views::ImpactPreviewWidget *panel = window->impactWidget();
    QTRY_VERIFY(!panel->headline().isEmpty());
    QCOMPARE(serverFlag(m_id).value("version"_L1).toInt(), 2);
    window_test::whenModalOpens<QMessageBox>([&impact](QMessageBox *box) {
        impact = box->informativeText();
        for (QAbstractButton *button : box->buttons())
            if (button->text() == "Keep editing"_L1)
                button->click();
    });
    window->saveAction()->trigger();
    QTRY_VERIFY(!impact.isEmpty());
    QCOMPARE(impact, panel->headline());
    window->editor()->setConditionRollout(0, 50);
    QVERIFY(!window->editor()->isDirty());

    // Switching the flag back on after switching it off says who gets it.
    window->setWideningChoice(FlagEditorWindow::WideningChoice::Save);
    window->editor()->setActive(false);
    window->saveAction()->trigger();
    QTRY_COMPARE(serverFlag(m_id).value("version"_L1).toInt(), 3);
    QVERIFY(window->lastWidening().isEmpty());
    window->setWideningChoice(FlagEditorWindow::WideningChoice::KeepEditing);
    window->editor()->setActive(true);
    window->saveAction()->trigger();
    QCOMPARE(window->lastWidening(), QStringList{u"This turns checkout on for 50% of everyone."_s});
    QTest::qWait(200);
    QCOMPARE(serverFlag(m_id).value("version"_L1).toInt(), 3);
}

void TestFlagEditorWindow::aSaveThatNarrowsTheFlagAsksNothing()
{
    FlagEditorWindow *window = open(m_id);
    // Were a question asked, this answer would stop the save.
    window->setWideningChoice(FlagEditorWindow::WideningChoice::KeepEditing);
    window->editor()->setConditionRollout(0, 10);
    window->editor()->addCondition(); // at 0 %: reaches no one yet
    window->saveAction()->trigger();
    QTRY_COMPARE(serverFlag(m_id).value("version"_L1).toInt(), 2);
    QVERIFY(window->lastWidening().isEmpty());
}

void TestFlagEditorWindow::restoreFromHistory(int version)
{
    auto history = std::make_unique<desktop::HistoryWindow>(m_client.get(), m_id, u"checkout"_s);
    history->show();
    QTRY_VERIFY(history->versionHistory()->currentVersion() > version);
    views::VersionCompare *versions = history->versions();
    versions->setConfirmation([](const QString &, const QString &) { return true; });
    QSignalSpy shown(versions, &views::VersionCompare::comparisonShown);
    versions->compareVersions(version, history->versionHistory()->currentVersion());
    QTRY_VERIFY(!shown.isEmpty());
    QTRY_VERIFY(versions->restoreButton()->isEnabled());
    QSignalSpy restored(history.get(), &desktop::HistoryWindow::flagRestored);
    versions->restoreButton()->click();
    QTRY_COMPARE(restored.size(), 1);
}

void TestFlagEditorWindow::anOpenEditorFollowsARestoreFromHistory()
{
    QCOMPARE(m_server->patchFlag(m_id, {{u"filters"_s, test_builders::everyone(60)}}).status, 200);
    FlagEditorWindow *window = open(m_id);
    QCOMPARE(window->editor()->loaded().version, 2);
    restoreFromHistory(1);
    // The editor, which had nothing unsaved, shows the restored version and says why.
    QTRY_COMPARE(window->editor()->loaded().version, 3);
    QCOMPARE(window->editor()->draft().filters.groups.at(0).rolloutPercentage, std::optional(30.0));
    QVERIFY(!window->editor()->isDirty());
    QCOMPARE(window->messageBar()->kind(), views::MessageBar::Kind::Information);
    QVERIFY2(window->messageBar()->text().contains("version 1 restored"_L1),
             qPrintable(window->messageBar()->text()));
    widget_test::saveScreenshot(window, u"editor-after-restore"_s);
}

void TestFlagEditorWindow::anEditorWithUnsavedEditsOffersToMergeARestore()
{
    QCOMPARE(m_server->patchFlag(m_id, {{u"filters"_s, test_builders::everyone(60)}}).status, 200);
    FlagEditorWindow *window = open(m_id);
    window->editor()->setName(u"Unsaved name"_s);
    restoreFromHistory(1);
    // Nothing moves under the user's hands: the edit stays on version 2, and the bar says so.
    QTRY_VERIFY(window->newerVersion().has_value());
    QCOMPARE(window->editor()->loaded().version, 2);
    QCOMPARE(window->editor()->draft().name, u"Unsaved name"_s);
    QCOMPARE(window->messageBar()->kind(), views::MessageBar::Kind::Warning);
    QVERIFY2(window->messageBar()->text().contains("version 1 restored"_L1),
             qPrintable(window->messageBar()->text()));
    widget_test::saveScreenshot(window, u"editor-after-restore-unsaved"_s);
    auto *merge = window->messageBar()->findChild<QAction *>(u"mergeNewer"_s);
    QVERIFY(merge);
    window->setConflictChoice(FlagEditorWindow::ConflictChoice::Merge);
    merge->trigger();
    QCOMPARE(window->editor()->loaded().version, 3);
    QCOMPARE(window->editor()->draft().name, u"Unsaved name"_s);
    QCOMPARE(window->editor()->draft().filters.groups.at(0).rolloutPercentage, std::optional(30.0));
    window->save();
    QTRY_COMPARE(serverFlag(m_id).value("version"_L1).toInt(), 4);
    QCOMPARE(serverFlag(m_id).value("name"_L1).toString(), u"Unsaved name"_s);
    QCOMPARE(serverFlag(m_id)["filters"_L1]["groups"_L1][0]["rollout_percentage"_L1].toInt(), 30);
}

void TestFlagEditorWindow::mergeKeepsTheirChangeOfAFieldIDidNotTouch()
{
    // They moved condition 1 from 30 % to 50 % while I only described it: after the merge,
    // their 50 % stays, and my description goes on top.
    FlagEditorWindow *window = open(m_id);
    window->setConflictChoice(FlagEditorWindow::ConflictChoice::Merge);
    window->editor()->setConditionDescription(0, u"Early customers"_s);
    const QJsonObject theirs{{u"properties"_s, QJsonArray()}, {u"rollout_percentage"_s, 50}};
    QCOMPARE(
        m_server
            ->patch(m_server->flags(u"%1/"_s.arg(m_id)),
                    QJsonObject{{u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{theirs}}}}})
            .status,
        200);
    window->save();
    QTRY_COMPARE(window->editor()->loaded().version, 2);
    const Condition &merged = window->editor()->draft().filters.groups.at(0);
    QCOMPARE(merged.rolloutPercentage, std::optional(50.0));
    QCOMPARE(merged.description, u"Early customers"_s);
    window->save();
    QTRY_COMPARE(serverFlag(m_id).value("version"_L1).toInt(), 3);
    const QJsonObject stored = serverFlag(m_id)["filters"_L1]["groups"_L1][0].toObject();
    QCOMPARE(stored.value("rollout_percentage"_L1).toInt(), 50);
    QCOMPARE(stored.value("description"_L1).toString(), u"Early customers"_s);
}

void TestFlagEditorWindow::messagesGoWithTheStateTheyDescribe()
{
    FlagEditorWindow *window = open(m_id);
    window->setConflictChoice(FlagEditorWindow::ConflictChoice::Merge);
    window->editor()->setName(u"Mine"_s);
    m_server->patch(m_server->flags(u"%1/"_s.arg(m_id)), QJsonObject{{u"tags"_s, QJsonArray{}}});
    m_server->patch(m_server->flags(u"%1/"_s.arg(m_id)), QJsonObject{{u"name"_s, u"Theirs"_s}});
    window->save();
    QTRY_VERIFY(window->messageBar()->text().contains("Merged onto version"_L1));
    // Reloading drops the merge, and its message with it.
    window_test::whenModalOpens<QMessageBox>(
        [](QMessageBox *box) { box->button(QMessageBox::Discard)->click(); });
    window->reload();
    QTRY_VERIFY(!window->editor()->isDirty());
    QCOMPARE(window->messageBar()->text(), QString());

    // So does a save: the merge note goes, the save's own note comes.
    window->editor()->setName(u"Mine again"_s);
    m_server->patch(m_server->flags(u"%1/"_s.arg(m_id)), QJsonObject{{u"name"_s, u"Theirs 2"_s}});
    window->save();
    QTRY_VERIFY(window->messageBar()->text().contains("Merged onto version"_L1));
    window->save();
    QTRY_VERIFY(window->messageBar()->text().startsWith("Saved as version"_L1));
}

void TestFlagEditorWindow::aSaveWithoutTheServerSaysSoOnceAndRetries()
{
    FlagEditorWindow *window = open(m_id);
    auto *tabs = window->editorWidget()->formTabs();
    tabs->setCurrentIndex(tabs->count() - 1);
    const int tab = tabs->currentIndex();
    window->setWideningChoice(FlagEditorWindow::WideningChoice::Save); // 50 % -> 70 %
    window->editor()->setConditionRollout(0, 70);
    // Focus in a field of that tab, where the user was typing.
    QWidget *field = nullptr;
    window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window));
    {
        for (QWidget *w : tabs->currentWidget()->findChildren<QWidget *>())
            if (w->isVisible() && w->isEnabled() && (w->focusPolicy() & Qt::TabFocus)) {
                field = w;
                break;
            }
        QVERIFY(field);
        field->setFocus();
        QTRY_COMPARE(QApplication::focusWidget(), field);
    }

    // The server goes away: a port nobody listens on.
    const api::Endpoint reachable = m_client->endpoint();
    QTcpServer gone;
    QVERIFY(gone.listen(QHostAddress::LocalHost));
    api::Endpoint unreachable = reachable;
    unreachable.host.setPort(gone.serverPort());
    gone.close();
    m_client->setEndpoint(unreachable);

    window->save();
    QTRY_COMPARE(window->messageBar()->kind(), views::MessageBar::Kind::Error);
    QTRY_VERIFY(!window->messageBar()->text().isEmpty());
    // One message, in one place: no second bar, nothing in the status bar about saving.
    int errors = 0;
    for (views::MessageBar *bar : window->findChildren<views::MessageBar *>())
        if (bar->isVisible())
            ++errors;
    QCOMPARE(errors, 1);
    for (QLabel *label : window->statusBar()->findChildren<QLabel *>())
        QVERIFY2(!label->text().contains("Saving"_L1), qPrintable(label->text()));
    // The user is where they were, and so is the edit.
    QCOMPARE(tabs->currentIndex(), tab);
    QCOMPARE(QApplication::focusWidget(), field);
    QVERIFY(window->editor()->isDirty());
    QCOMPARE(window->editor()->draft().filters.groups.at(0).rolloutPercentage, std::optional(70.0));
    widget_test::saveScreenshot(window, u"editor-save-unreachable"_s);

    // The server is back: Retry saves.
    m_client->setEndpoint(reachable);
    QPushButton *retry = nullptr;
    for (QPushButton *button : window->messageBar()->findChildren<QPushButton *>())
        if (button->isVisible() && button->text() == "Retry"_L1)
            retry = button;
    QVERIFY(retry);
    QTest::mouseClick(retry, Qt::LeftButton);
    QTRY_COMPARE(serverFlag(m_id).value("version"_L1).toInt(), 2);
    QCOMPARE(serverFlag(m_id)["filters"_L1]["groups"_L1][0]["rollout_percentage"_L1].toInt(), 70);
    QTRY_VERIFY(!window->editor()->isDirty());
    QCOMPARE(tabs->currentIndex(), tab);
}

void TestFlagEditorWindow::theConflictQuestionNamesWhoChangedTheFlag()
{
    FlagEditorWindow *window = open(m_id);
    window->setWideningChoice(FlagEditorWindow::WideningChoice::Save); // 50 % -> 60 %
    window->editor()->setConditionRollout(0, 60);
    const QString grace = m_server->keyForNewUser(u"grace@example.com"_s);
    QCOMPARE(m_server
                 ->patch(m_server->flags(u"%1/"_s.arg(m_id)),
                         QJsonObject{{u"filters"_s, test_builders::everyone(40)}}, grace)
                 .status,
             200);
    QString asked;
    window_test::whenModalOpens<QMessageBox>([&asked](QMessageBox *box) {
        asked = box->text();
        for (QAbstractButton *button : box->buttons())
            if (button->text() == "Reload"_L1)
                button->click();
    });
    window->save();
    QTRY_VERIFY(!asked.isEmpty());
    QVERIFY2(asked.startsWith("grace saved this flag"_L1), qPrintable(asked));
    QTRY_COMPARE(window->editor()->loaded().version, 2);
}

QTEST_MAIN(TestFlagEditorWindow)
#include "tst_flag_editor_window.moc"
