// The condition list: one row per condition of the editor's draft, edits and moves through the
// editor's undoable commands, rows that follow undo and redo, and reordering by drag and drop.
#include "condition_list_model.h"
#include "flag_editor.h"
#include "flag_summary.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QJsonDocument>
#include <QMimeData>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::models;

namespace {

const char *const kFlagJson = R"({
  "id": 3, "key": "search", "version": 2, "active": true,
  "filters": {"groups": [
    {"rollout_percentage": 30, "description": "Staff", "x_custom": 1, "properties": [
      {"key": "email", "type": "person", "value": "@acme.com", "operator": "icontains"},
      {"key": "country", "type": "person", "value": ["DE", "FR"], "operator": "exact"},
      {"key": "plan", "type": "person", "value": "pro", "operator": "exact"}]},
    {"properties": [], "rollout_percentage": 12.5},
    {"properties": [{"key": "beta", "type": "person", "value": "true"}], "variant": "test"}
  ], "multivariate": {"variants": [
    {"key": "control", "rollout_percentage": 50}, {"key": "test", "rollout_percentage": 50}]}}
})";

FeatureFlag flag()
{
    return FeatureFlag::fromJson(QJsonDocument::fromJson(kFlagJson).object());
}

} // namespace

class TestConditionListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void rowsShowConditions();
    void setDataGoesThroughUndo();
    void moveRowsAndUndo_data();
    void moveRowsAndUndo();
    void insertAndRemoveRows();
    void followsEditorEdits();
    void dragAndDropMoves();
    void dropFromElsewhereIsRefused();
    void errorsShowOnTheirRow();

private:
    QStringList descriptions() const;
    QList<double> rollouts() const;

    std::unique_ptr<FlagEditor> m_editor;
    std::unique_ptr<ConditionListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestConditionListModel::init()
{
    m_editor = std::make_unique<FlagEditor>(flag());
    m_model = std::make_unique<ConditionListModel>(m_editor.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestConditionListModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_editor.reset();
}

QStringList TestConditionListModel::descriptions() const
{
    QStringList list;
    for (int row = 0; row < m_model->rowCount(); ++row)
        list.append(m_model->index(row).data(ConditionListModel::DescriptionRole).toString());
    return list;
}

QList<double> TestConditionListModel::rollouts() const
{
    QList<double> list;
    for (int row = 0; row < m_model->rowCount(); ++row)
        list.append(m_model->index(row).data(ConditionListModel::RolloutRole).toDouble());
    return list;
}

void TestConditionListModel::rowsShowConditions()
{
    QCOMPARE(m_model->rowCount(), 3);
    const QList<PropertyFilter> &properties = m_editor->draft().filters.groups.at(0).properties;
    QCOMPARE(m_model->index(0).data().toString(),
             u"Condition 1: 30% of users matching %1 and %2 and 1 more"_s.arg(
                 propertyText(properties.at(0)), propertyText(properties.at(1))));
    QCOMPARE(m_model->index(1).data().toString(), u"Condition 2: 12.5% of users"_s);
    QVERIFY(
        m_model->index(2).data().toString().startsWith("Condition 3: 100% of users matching "_L1));
    QVERIFY(m_model->index(2).data().toString().endsWith(u"→ test"_s));
    QCOMPARE(rollouts(), (QList<double>{30, 12.5, 100}));
    QCOMPARE(m_model->index(2).data(ConditionListModel::HasRolloutRole).toBool(), false);
    QCOMPARE(m_model->index(2).data(ConditionListModel::VariantRole).toString(), u"test"_s);
    QCOMPARE(m_model->index(0).data(ConditionListModel::PropertyCountRole).toInt(), 3);
    QCOMPARE(m_model->index(0).data(Qt::EditRole).toString(), u"Staff"_s);
}

void TestConditionListModel::setDataGoesThroughUndo()
{
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QVERIFY(m_model->setData(m_model->index(1), 45.5, ConditionListModel::RolloutRole));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
    QCOMPARE(m_editor->draft().filters.groups.at(1).rolloutPercentage, std::optional(45.5));
    QCOMPARE(m_model->index(1).data().toString(), u"Condition 2: 45.5% of users"_s);
    QCOMPARE(m_editor->undoStack()->undoText(), u"Change rollout of condition 2 to 45.5%"_s);

    QVERIFY(m_model->setData(m_model->index(1), u"Everyone else"_s));
    QVERIFY(m_model->setData(m_model->index(0), QVariant(), ConditionListModel::RolloutRole));
    QVERIFY(m_model->setData(m_model->index(2), QString(), ConditionListModel::VariantRole));
    QCOMPARE(descriptions(), (QStringList{u"Staff"_s, u"Everyone else"_s, {}}));
    QCOMPARE(rollouts(), (QList<double>{100, 45.5, 100}));
    QVERIFY(!m_editor->draft().filters.groups.at(2).variant);
    QVERIFY(!m_model->setData(m_model->index(1), u"x"_s, ConditionListModel::RolloutRole));

    const QJsonObject original = flag().toJson();
    m_editor->undoStack()->setIndex(0);
    QCOMPARE(m_editor->draft().toJson(), original);
    QCOMPARE(rollouts(), (QList<double>{30, 12.5, 100}));
    QCOMPARE(descriptions(), (QStringList{u"Staff"_s, {}, {}}));
}

void TestConditionListModel::moveRowsAndUndo_data()
{
    QTest::addColumn<int>("source");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("destination");
    QTest::addColumn<QList<double>>("expected");
    QTest::addRow("first to end") << 0 << 1 << 3 << QList<double>{12.5, 100, 30};
    QTest::addRow("last to front") << 2 << 1 << 0 << QList<double>{100, 30, 12.5};
    QTest::addRow("two down") << 0 << 2 << 3 << QList<double>{100, 30, 12.5};
    QTest::addRow("two up") << 1 << 2 << 0 << QList<double>{12.5, 100, 30};
}

void TestConditionListModel::moveRowsAndUndo()
{
    QFETCH(int, source);
    QFETCH(int, count);
    QFETCH(int, destination);
    QFETCH(QList<double>, expected);
    QSignalSpy moved(m_model.get(), &QAbstractItemModel::rowsMoved);
    QVERIFY(m_model->moveRows({}, source, count, {}, destination));
    QCOMPARE(moved.size(), 1);
    QCOMPARE(rollouts(), expected);
    QList<double> drafted;
    for (const Condition &c : m_editor->draft().filters.groups)
        drafted.append(c.rolloutPercentage.value_or(100));
    QCOMPARE(drafted, expected);
    QCOMPARE(m_editor->undoStack()->count(), 1);

    m_editor->undoStack()->undo();
    QCOMPARE(rollouts(), (QList<double>{30, 12.5, 100}));
    QCOMPARE(m_editor->draft().toJson(), flag().toJson());
    m_editor->undoStack()->redo();
    QCOMPARE(rollouts(), expected);

    QVERIFY(!m_model->moveRows({}, 0, 1, {}, 1)); // onto itself
    QVERIFY(!m_model->moveRows({}, 2, 2, {}, 0)); // past the end
}

void TestConditionListModel::insertAndRemoveRows()
{
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QVERIFY(m_model->insertRows(1, 2));
    QCOMPARE(m_model->rowCount(), 5);
    // The rows below the new ones are renumbered after the insertion, each with dataChanged.
    QCOMPARE(changed.size(), 2);
    QCOMPARE(m_model->index(3).data().toString(), u"Condition 4: 12.5% of users"_s);
    QCOMPARE(m_model->index(1).data().toString(), u"Condition 2: 100% of users"_s);
    QCOMPARE(rollouts(), (QList<double>{30, 100, 100, 12.5, 100}));
    QCOMPARE(m_editor->undoStack()->count(), 1);
    QVERIFY(m_model->removeRows(0, 2));
    QCOMPARE(rollouts(), (QList<double>{100, 12.5, 100}));
    QCOMPARE(m_editor->draft().filters.groups.size(), 3);
    m_editor->undoStack()->undo();
    m_editor->undoStack()->undo();
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_editor->draft().toJson(), flag().toJson());
    QVERIFY(!m_model->removeRows(2, 2));
}

void TestConditionListModel::followsEditorEdits()
{
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    m_editor->duplicateCondition(1);
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(rollouts(), (QList<double>{30, 12.5, 12.5, 100}));
    m_editor->setAggregationGroupTypeIndex(0);
    QCOMPARE(m_model->index(1).data().toString(), u"Condition 2: 12.5% of groups"_s);
    m_editor->undoStack()->undo();
    m_editor->undoStack()->undo();
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_model->index(1).data().toString(), u"Condition 2: 12.5% of users"_s);
    QCOMPARE(reset.size(), 2);
    m_editor->reset(flag());
    QCOMPARE(m_model->rowCount(), 3);
}

void TestConditionListModel::dragAndDropMoves()
{
    QVERIFY(m_model->flags(m_model->index(0)).testFlag(Qt::ItemIsDragEnabled));
    QVERIFY(m_model->flags({}).testFlag(Qt::ItemIsDropEnabled));
    QCOMPARE(m_model->supportedDropActions(), Qt::MoveAction);

    std::unique_ptr<QMimeData> data(m_model->mimeData({m_model->index(0), m_model->index(1)}));
    QVERIFY(data->hasFormat(ConditionListModel::mimeType()));
    QVERIFY(m_model->canDropMimeData(data.get(), Qt::MoveAction, 3, 0, {}));
    QVERIFY(!m_model->canDropMimeData(data.get(), Qt::CopyAction, 3, 0, {}));
    // Moved by the model itself: false tells the view not to remove the dragged rows.
    QVERIFY(!m_model->dropMimeData(data.get(), Qt::MoveAction, -1, -1, {}));
    QCOMPARE(rollouts(), (QList<double>{100, 30, 12.5}));
    QCOMPARE(m_editor->undoStack()->count(), 1);

    // Dropped onto a row: in front of it.
    data.reset(m_model->mimeData({m_model->index(0)}));
    m_model->dropMimeData(data.get(), Qt::MoveAction, -1, -1, m_model->index(2));
    QCOMPARE(rollouts(), (QList<double>{30, 100, 12.5}));

    // Dropped where it already is: nothing to undo.
    data.reset(m_model->mimeData({m_model->index(1)}));
    m_model->dropMimeData(data.get(), Qt::MoveAction, 1, 0, {});
    QCOMPARE(m_editor->undoStack()->count(), 2);

    m_editor->undoStack()->setIndex(0);
    QCOMPARE(rollouts(), (QList<double>{30, 12.5, 100}));
    QCOMPARE(m_editor->draft().toJson(), flag().toJson());
}

void TestConditionListModel::dropFromElsewhereIsRefused()
{
    FlagEditor other(flag());
    ConditionListModel otherModel(&other);
    std::unique_ptr<QMimeData> data(otherModel.mimeData({otherModel.index(0)}));
    QVERIFY(!m_model->canDropMimeData(data.get(), Qt::MoveAction, 2, 0, {}));
    QVERIFY(!m_model->dropMimeData(data.get(), Qt::MoveAction, 2, 0, {}));
    QMimeData text;
    text.setText(u"1"_s);
    QVERIFY(!m_model->canDropMimeData(&text, Qt::MoveAction, 2, 0, {}));
    QCOMPARE(m_editor->undoStack()->count(), 0);
}

void TestConditionListModel::errorsShowOnTheirRow()
{
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->setData(m_model->index(1), 130, ConditionListModel::RolloutRole);
    QVERIFY(changed.size() >= 2); // the row, then the rows' errors
    const QStringList errors =
        m_model->index(1).data(ConditionListModel::ErrorsRole).toStringList();
    QCOMPARE(errors.size(), 1);
    QVERIFY(errors.first().startsWith("groups[1].rollout_percentage"_L1));
    QCOMPARE(m_model->index(1).data(Qt::ToolTipRole).toString(), errors.first());
    QVERIFY(m_model->index(1).data(Qt::ForegroundRole).value<QColor>().isValid());
    QVERIFY(!m_model->index(0).data(Qt::ForegroundRole).isValid());
    m_editor->undoStack()->undo();
    QVERIFY(!m_model->index(1).data(Qt::ForegroundRole).isValid());
}

QTEST_MAIN(TestConditionListModel)
#include "tst_condition_list_model.moc"
