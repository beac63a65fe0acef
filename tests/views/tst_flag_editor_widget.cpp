#include "api_error.h"
#include "flag_editor.h"
#include "flag_editor_conditions.h"
#include "flag_editor_json_panel.h"
#include "flag_editor_variants.h"
#include "flag_editor_widget.h"
#include "json_editor.h"
#include "percent_editor.h"
#include "property_filter_editor.h"
#include "variant_table_model.h"
#include "widget_test_support.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QToolButton>
#include <QUndoStack>

using namespace Qt::StringLiterals;
using bunting::FeatureFlag;
using bunting::models::FlagEditor;
using bunting::models::VariantTableModel;
using bunting::views::FlagEditorWidget;
using bunting::views::JsonEditor;
using bunting::views::PropertyFilterEditor;

namespace {

// A large multivariate flag: three conditions with filters of several kinds, four variants with
// payloads.
FeatureFlag sampleFlag()
{
    const QByteArray json = R"({
        "id": 7, "key": "checkout-redesign", "version": 4, "active": true,
        "name": "New checkout flow, rolled out by plan and country",
        "tags": ["growth", "checkout"], "evaluation_runtime": "all",
        "evaluation_contexts": ["web"],
        "filters": {
            "groups": [
                {"description": "Staff first",
                 "properties": [{"key": "email", "type": "person", "value": "@acme.com",
                                 "operator": "icontains"}],
                 "rollout_percentage": 100, "variant": "test-a"},
                {"description": "Paying customers in Europe",
                 "properties": [{"key": "plan", "type": "person", "value": ["pro", "team"],
                                 "operator": "exact"},
                                {"key": "country", "type": "person", "value": ["DE", "FR"],
                                 "operator": "exact"}],
                 "rollout_percentage": 30},
                {"description": "Everyone else", "properties": [], "rollout_percentage": 5}
            ],
            "multivariate": {"variants": [
                {"key": "control", "name": "Current checkout", "rollout_percentage": 40},
                {"key": "test-a", "name": "One page", "rollout_percentage": 20},
                {"key": "test-b", "name": "Two steps", "rollout_percentage": 20},
                {"key": "test-c", "name": "Express pay", "rollout_percentage": 20}
            ]},
            "payloads": {}
        }
    })";
    FeatureFlag flag = FeatureFlag::fromJson(QJsonDocument::fromJson(json).object());
    flag.filters.payloads.insert(u"control"_s, u"{\"layout\": \"classic\"}"_s);
    flag.filters.payloads.insert(u"test-a"_s, u"{\"layout\": \"single\", \"steps\": 1}"_s);
    flag.filters.payloads.insert(u"test-b"_s, u"{\"layout\": \"split\", \"steps\": 2}"_s);
    flag.filters.payloads.insert(u"test-c"_s, u"{\"layout\": \"express\", \"wallets\": "
                                              u"[\"apple\", \"google\"]}"_s);
    return flag;
}

template<typename T> T *child(QWidget *parent, const QString &name)
{
    T *found = parent->findChild<T *>(name);
    if (!found)
        qFatal("no child %s", qPrintable(name));
    return found;
}

} // namespace

class TestFlagEditorWidget : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FlagEditor> m_editor;
    std::unique_ptr<FlagEditorWidget> m_widget;

    QListView *list() const { return m_widget->conditions()->listView(); }

private Q_SLOTS:
    void init()
    {
        m_editor = std::make_unique<FlagEditor>(sampleFlag());
        m_widget = std::make_unique<FlagEditorWidget>(m_editor.get());
        m_widget->resize(1200, 800);
        m_widget->setGroupTypes({{0, u"company"_s}, {1, u"team"_s}});
        m_widget->setKnownTags({u"growth"_s, u"checkout"_s, u"pricing"_s});
        m_widget->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_widget.get()));
    }

    void cleanup()
    {
        m_widget.reset();
        m_editor.reset();
    }

    void showsTheFlag()
    {
        QCOMPARE(child<QLineEdit>(m_widget.get(), u"flagKey"_s)->text(), u"checkout-redesign"_s);
        QCOMPARE(child<QLineEdit>(m_widget.get(), u"flagTags"_s)->text(), u"growth, checkout"_s);
        QCOMPARE(list()->model()->rowCount(), 3);
        QCOMPARE(m_widget->conditions()->currentCondition(), 0);
        QCOMPARE(m_widget->variants()->table()->model()->rowCount(), 4);
        QCOMPARE(m_widget->jsonPanel()->filtersView()->json().toObject(),
                 m_editor->draft().filters.toJson());
    }

    void openingWithoutEditsSendsNothing()
    {
        // Every condition's rows and every variant's payload shown once, as a user browsing would.
        for (int i = 0; i < 3; ++i)
            m_widget->conditions()->setCurrentCondition(i);
        QTableView *table = m_widget->variants()->table();
        for (int i = 0; i < 4; ++i)
            table->setCurrentIndex(table->model()->index(i, 0));
        QVERIFY(m_editor->patchBody().isEmpty());
        QVERIFY(!m_widget->isDirty());
        QCOMPARE(m_editor->undoStack()->count(), 0);
    }

    void typingTheNameGoesIntoThePatch()
    {
        QSignalSpy dirty(m_widget.get(), &FlagEditorWidget::dirtyChanged);
        auto *name = child<QPlainTextEdit>(m_widget.get(), u"flagName"_s);
        name->setFocus();
        name->moveCursor(QTextCursor::End);
        QTest::keyClicks(name, u" (phase 2)"_s);
        QCOMPARE(m_editor->draft().name, u"New checkout flow, rolled out by plan and country "
                                         u"(phase 2)"_s);
        QCOMPARE(m_editor->patchBody().value("name"_L1).toString(), m_editor->draft().name);
        QCOMPARE(dirty.size(), 1);
        QVERIFY(m_widget->isDirty());
        // Typing is one undo step, and undoing it shows the old text.
        QCOMPARE(m_editor->undoStack()->count(), 1);
        m_widget->undoAction()->trigger();
        QCOMPARE(name->toPlainText(), u"New checkout flow, rolled out by plan and country"_s);
        QVERIFY(m_editor->patchBody().isEmpty());
    }

    void editsElsewhereKeepTheCursorInTheFieldTypedInto()
    {
        auto *key = child<QLineEdit>(m_widget.get(), u"flagKey"_s);
        key->setFocus();
        key->setCursorPosition(8); // after "checkout"
        QTest::keyClicks(key, u"-v2"_s);
        QCOMPARE(m_editor->draft().key, u"checkout-v2-redesign"_s);
        QCOMPARE(key->cursorPosition(), 11);
        m_editor->setActive(false);
        QCOMPARE(key->cursorPosition(), 11);
        QVERIFY(key->hasFocus());
        QVERIFY(!child<QCheckBox>(m_widget.get(), u"flagActive"_s)->isChecked());
    }

    void tagsAreCompletedOneAtATime()
    {
        auto *tags = child<QLineEdit>(m_widget.get(), u"flagTags"_s);
        auto *completer = m_widget->findChild<QCompleter *>(u"tagCompleter"_s);
        QVERIFY(completer);
        tags->setFocus();
        tags->end(false);
        QTest::keyClicks(tags, u", PRI"_s);
        QCOMPARE(m_editor->draft().tags, QStringList({u"growth"_s, u"checkout"_s, u"PRI"_s}));
        QCOMPARE(completer->completionCount(), 1);
        QTRY_VERIFY(completer->popup()->isVisible());
        completer->popup()->setCurrentIndex(completer->completionModel()->index(0, 0));
        QTest::keyClick(completer->popup(), Qt::Key_Return);
        QCOMPARE(tags->text(), u"growth, checkout, pricing"_s);
        QCOMPARE(m_editor->draft().tags, QStringList({u"growth"_s, u"checkout"_s, u"pricing"_s}));
    }

    void matchByAndRuntimeComboBoxesEditTheFlag()
    {
        auto *matchBy = child<QComboBox>(m_widget.get(), u"flagMatchBy"_s);
        QCOMPARE(matchBy->count(), 3);
        QCOMPARE(matchBy->itemText(1), u"Groups: company"_s);
        matchBy->setFocus();
        QTest::keyClick(matchBy, Qt::Key_Down);
        QCOMPARE(m_editor->draft().filters.aggregationGroupTypeIndex, std::optional<int>(0));
        auto *runtime = child<QComboBox>(m_widget.get(), u"flagRuntime"_s);
        QCOMPARE(runtime->currentData().toString(), u"all"_s);
        runtime->setFocus();
        QTest::keyClick(runtime, Qt::Key_Down);
        QCOMPARE(m_editor->draft().evaluationRuntime, u"server"_s);
        m_widget->undoAction()->trigger();
        m_widget->undoAction()->trigger();
        QCOMPARE(matchBy->currentIndex(), 0);
        QCOMPARE(runtime->currentData().toString(), u"all"_s);
        QVERIFY(m_editor->patchBody().isEmpty());
    }

    void rolloutFromTheSpinBoxCanBeUndone()
    {
        m_widget->conditions()->setCurrentCondition(1);
        auto *rollout = child<bunting::views::PercentEditor>(m_widget.get(), u"conditionRollout"_s);
        QCOMPARE(rollout->value(), 30.0);
        QDoubleSpinBox *spin = rollout->spinBox();
        spin->setFocus();
        spin->selectAll();
        QTest::keyClicks(spin, u"42.5"_s);
        QTest::keyClick(spin, Qt::Key_Return);
        QCOMPARE(m_editor->draft().filters.groups.at(1).rolloutPercentage, 42.5);
        QCOMPARE(m_editor->undoStack()->count(), 1); // the keystrokes are one step
        m_widget->undoAction()->trigger();
        QCOMPARE(m_editor->draft().filters.groups.at(1).rolloutPercentage, 30.0);
        QCOMPARE(rollout->value(), 30.0);
        m_widget->redoAction()->trigger();
        QCOMPARE(rollout->value(), 42.5);
    }

    void conditionsAreAddedDuplicatedRemovedAndMoved()
    {
        const auto descriptions = [this] {
            QStringList texts;
            for (const bunting::Condition &c : m_editor->draft().filters.groups)
                texts.append(c.description);
            return texts;
        };
        child<QToolButton>(m_widget.get(), u"addCondition"_s)->click();
        QCOMPARE(descriptions().size(), 4);
        QCOMPARE(m_widget->conditions()->currentCondition(), 3);
        // A new condition reaches no one until its rollout is raised.
        QCOMPARE(m_editor->draft().filters.groups.at(3).rolloutPercentage, std::optional(0.0));
        QCOMPARE(
            child<bunting::views::PercentEditor>(m_widget.get(), u"conditionRollout"_s)->value(),
            0.0);

        m_widget->conditions()->setCurrentCondition(1);
        child<QToolButton>(m_widget.get(), u"duplicateCondition"_s)->click();
        QCOMPARE(descriptions(),
                 QStringList({u"Staff first"_s, u"Paying customers in Europe"_s,
                              u"Paying customers in Europe"_s, u"Everyone else"_s, QString()}));
        QCOMPARE(m_widget->conditions()->currentCondition(), 2);
        QCOMPARE(m_editor->draft().filters.groups.at(2).properties.size(), 2);

        child<QToolButton>(m_widget.get(), u"removeCondition"_s)->click();
        QCOMPARE(descriptions().size(), 4);
        QCOMPARE(m_widget->conditions()->currentCondition(), 2);

        m_widget->conditions()->setCurrentCondition(0);
        list()->setFocus();
        QTest::keyClick(list(), Qt::Key_Down, Qt::ControlModifier);
        QCOMPARE(descriptions(), QStringList({u"Paying customers in Europe"_s, u"Staff first"_s,
                                              u"Everyone else"_s, QString()}));
        QCOMPARE(m_widget->conditions()->currentCondition(), 1);
        QCOMPARE(child<QLineEdit>(m_widget.get(), u"conditionDescription"_s)->text(),
                 u"Staff first"_s);
        QTest::keyClick(list(), Qt::Key_Up, Qt::ControlModifier);
        QCOMPARE(descriptions().first(), u"Staff first"_s);
        // The first cannot move up further: nothing happens.
        const int steps = m_editor->undoStack()->count();
        QTest::keyClick(list(), Qt::Key_Up, Qt::ControlModifier);
        QCOMPARE(m_editor->undoStack()->count(), steps);
    }

    void propertyFilterRowsFollowTheCondition()
    {
        const auto rows = [this] {
            int visible = 0;
            for (PropertyFilterEditor *row : m_widget->findChildren<PropertyFilterEditor *>())
                visible += row->isVisible() ? 1 : 0;
            return visible;
        };
        m_widget->formTabs()->setCurrentIndex(1);
        QCOMPARE(rows(), 1);
        m_widget->conditions()->setCurrentCondition(1);
        QCOMPARE(rows(), 2);
        const QList<PropertyFilterEditor *> all = m_widget->findChildren<PropertyFilterEditor *>();
        QCOMPARE(all.at(1)->filter().key, u"country"_s);
        child<QPushButton>(m_widget.get(), u"addFilter"_s)->click();
        QCOMPARE(m_editor->draft().filters.groups.at(1).properties.size(), 3);
        QCOMPARE(rows(), 3);
        // The new filter has no key yet: validation says so on its row.
        PropertyFilterEditor *added = m_widget->findChildren<PropertyFilterEditor *>().at(2);
        QVERIFY(child<QLabel>(added, u"errorLabel"_s)->isVisible());
        m_widget->conditions()->setCurrentCondition(2);
        QCOMPARE(rows(), 0);
        m_widget->undoAction()->trigger();
        m_widget->conditions()->setCurrentCondition(1);
        QCOMPARE(rows(), 2);
    }

    void distributeEvenlyMakesTheSumHundred()
    {
        m_widget->formTabs()->setCurrentIndex(2);
        auto *sum = child<QLabel>(m_widget.get(), u"variantSum"_s);
        QVERIFY(sum->text().contains(u"100%"_s));
        QVERIFY(!sum->property("invalid").toBool());
        child<QPushButton>(m_widget.get(), u"addVariant"_s)->click();
        QCOMPARE(m_editor->draft().filters.variants->size(), 5);
        m_editor->setVariantShare(4, 10);
        QVERIFY(sum->text().contains(u"110%"_s));
        QVERIFY(sum->property("invalid").toBool());
        child<QPushButton>(m_widget.get(), u"distributeEvenly"_s)->click();
        QVERIFY2(sum->text().contains(u"100%"_s), qPrintable(sum->text()));
        QVERIFY(!sum->property("invalid").toBool());
        QCOMPARE(m_editor->draft().filters.variants->at(0).rolloutPercentage, 20.0);
    }

    void invalidPayloadJsonShowsAnError()
    {
        m_widget->formTabs()->setCurrentIndex(2);
        QTableView *table = m_widget->variants()->table();
        table->setCurrentIndex(table->model()->index(2, 0));
        JsonEditor *payload = m_widget->variants()->payloadEditor();
        QCOMPARE(m_widget->variants()->payloadKey(), u"test-b"_s);
        QCOMPARE(payload->text(), u"{\"layout\": \"split\", \"steps\": 2}"_s);
        payload->textEdit()->setFocus();
        payload->textEdit()->moveCursor(QTextCursor::End);
        QTest::keyClicks(payload->textEdit(), u",,"_s);
        QVERIFY(!payload->isValid());
        QVERIFY(child<QLabel>(payload, u"jsonError"_s)->isVisible());
        QVERIFY(!payload->errorText().isEmpty());
        // Kept as typed, not dropped: validation refuses to save it.
        QCOMPARE(m_editor->payloadText(u"test-b"_s), payload->text());
        QVERIFY(!m_editor->errorsAt(bunting::models::FieldPath::atPayload(u"test-b"_s)).isEmpty());
        QVERIFY(m_widget->formTabs()->tabText(2).contains(u"problem"_s));
        // The cursor stays at the end of what was typed.
        QCOMPARE(payload->textEdit()->textCursor().position(), int(payload->text().size()));
        // Listed above the form too, in words, as what stops a save.
        QVERIFY2(m_widget->problemsLabel()->text().contains(
                     u"Payload of “test-b”: the payload is not valid JSON."_s),
                 qPrintable(m_widget->problemsLabel()->text()));
        widget_test::saveScreenshot(m_widget.get(), u"editor-payload-problem"_s);
    }

    void duplicateVariantKeyIsShownBesideTheVariants()
    {
        m_widget->formTabs()->setCurrentIndex(2);
        auto *errors = child<QLabel>(m_widget.get(), u"variantErrors"_s);
        QVERIFY(!errors->isVisible());
        QAbstractItemModel *model = m_widget->variants()->table()->model();
        QVERIFY(model->setData(model->index(2, VariantTableModel::KeyColumn), u"test-a"_s));
        QVERIFY(errors->isVisible());
        QVERIFY2(errors->text().contains(u"Variant 3"_s), qPrintable(errors->text()));
        QVERIFY(model->index(2, VariantTableModel::KeyColumn).data(Qt::ForegroundRole).isValid());
        m_widget->undoAction()->trigger();
        QVERIFY(!errors->isVisible());
    }

    void advancedApplyRefusesBadJsonAndTakesGoodJson()
    {
        bunting::views::FlagEditorJsonPanel *panel = m_widget->jsonPanel();
        panel->setCurrentIndex(1);
        JsonEditor *advanced = panel->advancedEditor();
        const bunting::FlagFilters before = m_editor->draft().filters;

        advanced->textEdit()->setPlainText(u"{\"groups\": [}"_s);
        child<QPushButton>(panel, u"applyFilters"_s)->click();
        QVERIFY(!panel->advancedError().isEmpty());
        QVERIFY(child<QLabel>(panel, u"advancedError"_s)->isVisible());
        QCOMPARE(m_editor->draft().filters, before);
        QCOMPARE(m_editor->undoStack()->count(), 0);

        // JSON, but not what `filters` can hold: refused the same way.
        advanced->textEdit()->setPlainText(u"{\"groups\": 3}"_s);
        child<QPushButton>(panel, u"applyFilters"_s)->click();
        QVERIFY(!panel->advancedError().isEmpty());
        QCOMPARE(m_editor->draft().filters, before);

        QJsonObject filters = before.toJson();
        QJsonArray groups = filters.value("groups"_L1).toArray();
        QJsonObject first = groups.at(0).toObject();
        first.insert("rollout_percentage"_L1, 12);
        groups.replace(0, first);
        filters.insert("groups"_L1, groups);
        advanced->setJson(filters);
        QTest::keyClick(advanced->textEdit(), Qt::Key_End); // typed there, then applied
        child<QPushButton>(panel, u"applyFilters"_s)->click();
        QVERIFY(panel->advancedError().isEmpty());
        QCOMPARE(m_editor->draft().filters.groups.at(0).rolloutPercentage, 12.0);
        QCOMPARE(m_editor->undoStack()->count(), 1);
        QCOMPARE(panel->filtersView()->json().toObject(), filters);
        // The form follows.
        m_widget->conditions()->setCurrentCondition(0);
        QCOMPARE(
            child<bunting::views::PercentEditor>(m_widget.get(), u"conditionRollout"_s)->value(),
            12.0);
    }

    void serverErrorIsShownAtItsField()
    {
        const bunting::api::ApiError error = bunting::api::ApiError::fromHttp(
            400,
            R"({"type": "validation_error", "code": "unique", "detail": "There is already a feature flag with this key.", "attr": "key"})");
        m_widget->formTabs()->setCurrentIndex(2);
        m_widget->showServerError(error);
        QCOMPARE(m_widget->formTabs()->currentIndex(), 0);
        auto *key = child<QLineEdit>(m_widget.get(), u"flagKey"_s);
        QVERIFY(key->property("invalid").toBool());
        QVERIFY(key->toolTip().contains(u"already a feature flag"_s));
        // Gone with the next edit, which may well have fixed it.
        QTest::keyClicks(key, u"2"_s);
        QVERIFY(!key->property("invalid").toBool());
    }

    void undoAndRedoActionsHaveStandardShortcuts()
    {
        QCOMPARE(m_widget->undoAction()->shortcut(), QKeySequence(QKeySequence::Undo));
        QCOMPARE(m_widget->redoAction()->shortcut(), QKeySequence(QKeySequence::Redo));
        QVERIFY(!m_widget->undoAction()->isEnabled());
        m_editor->setActive(false);
        QVERIFY(m_widget->undoAction()->isEnabled());
        QVERIFY(m_widget->undoAction()->text().contains(u"Disable"_s));
    }

    // With BUNTING_SCREENSHOTS set to a directory, each tab of the editor, to look at.
    void screenshots()
    {
        const QString directory = qEnvironmentVariable("BUNTING_SCREENSHOTS");
        if (directory.isEmpty())
            QSKIP("BUNTING_SCREENSHOTS is not set");
        QDir().mkpath(directory);
        m_widget->conditions()->setCurrentCondition(1);
        const QStringList names = {u"flag"_s, u"conditions"_s, u"variants"_s};
        for (int tab = 0; tab < names.size(); ++tab) {
            m_widget->formTabs()->setCurrentIndex(tab);
            m_widget->jsonPanel()->setCurrentIndex(tab == 2 ? 1 : 0);
            QApplication::processEvents();
            const QString path = directory + u"/flag_editor_"_s + names.at(tab) + u".png"_s;
            QVERIFY(m_widget->grab().save(path));
        }
        m_editor->setRemoteConfiguration(true);
        m_editor->setPayload(u"true"_s, u"{\"banner\": \"Spring sale\", \"discount\": 15}"_s);
        QApplication::processEvents();
        QVERIFY(m_widget->grab().save(directory + u"/flag_editor_remote_config.png"_s));
    }
};

QTEST_MAIN(TestFlagEditorWidget)
#include "tst_flag_editor_widget.moc"
