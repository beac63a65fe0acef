// The variant table: key, name, share and payload per variant of the editor's draft, edits
// through the editor's undoable commands, the live sum, and the cells marked when wrong.
#include "flag_editor.h"
#include "variant_table_model.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::models;

namespace {

const char *const kFlagJson = R"({
  "id": 9, "key": "layout", "version": 4, "active": true,
  "filters": {"groups": [{"properties": [], "rollout_percentage": 100, "variant": "wide"}],
    "multivariate": {"variants": [
      {"key": "control", "name": "Control", "rollout_percentage": 34, "x_custom": true},
      {"key": "wide", "name": "Wide", "rollout_percentage": 33},
      {"key": "dense", "rollout_percentage": 33}]},
    "payloads": {"wide": "[1, 2]"}}
})";

FeatureFlag flag()
{
    return FeatureFlag::fromJson(QJsonDocument::fromJson(kFlagJson).object());
}

bool isRed(const QModelIndex &index)
{
    return index.data(Qt::ForegroundRole).value<QColor>().isValid();
}

} // namespace

class TestVariantTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void cellsShowVariants();
    void editsGoThroughUndo();
    void keyEditMovesPayloadAndOverride();
    void sumFollowsShares();
    void duplicateKeysAreMarked();
    void invalidPayloadIsMarked();
    void insertAndRemoveRows();
    void followsDistributeAndMultivariateOff();

private:
    QModelIndex cell(int row, int column) const { return m_model->index(row, column); }

    std::unique_ptr<FlagEditor> m_editor;
    std::unique_ptr<VariantTableModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestVariantTableModel::init()
{
    m_editor = std::make_unique<FlagEditor>(flag());
    m_model = std::make_unique<VariantTableModel>(m_editor.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestVariantTableModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_editor.reset();
}

void TestVariantTableModel::cellsShowVariants()
{
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_model->columnCount(), 4);
    QCOMPARE(m_model->headerData(VariantTableModel::ShareColumn, Qt::Horizontal).toString(),
             u"Share"_s);
    QCOMPARE(cell(1, VariantTableModel::KeyColumn).data().toString(), u"wide"_s);
    QCOMPARE(cell(1, VariantTableModel::NameColumn).data().toString(), u"Wide"_s);
    QCOMPARE(cell(1, VariantTableModel::ShareColumn).data().toString(), u"33%"_s);
    QCOMPARE(cell(1, VariantTableModel::ShareColumn).data(Qt::EditRole).toDouble(), 33.0);
    QCOMPARE(cell(1, VariantTableModel::PayloadColumn).data().toString(), u"[1, 2]"_s);
    QCOMPARE(cell(2, VariantTableModel::PayloadColumn).data().toString(), QString());
    QCOMPARE(m_model->sum(), 100.0);
    QVERIFY(m_model->sumIsValid());
    for (int row = 0; row < 3; ++row)
        for (int column = 0; column < 4; ++column)
            QVERIFY(!isRed(cell(row, column)));
}

void TestVariantTableModel::editsGoThroughUndo()
{
    QVERIFY(m_model->setData(cell(2, VariantTableModel::NameColumn), u"Dense"_s));
    QVERIFY(m_model->setData(cell(2, VariantTableModel::PayloadColumn), u"{}"_s));
    QVERIFY(!m_model->setData(cell(2, VariantTableModel::ShareColumn), u"lots"_s));
    QCOMPARE(m_editor->draft().filters.variants->at(2).name, u"Dense"_s);
    QCOMPARE(m_editor->draft().filters.payloads.value("dense"_L1).toString(), u"{}"_s);
    QCOMPARE(m_editor->undoStack()->count(), 2);
    QCOMPARE(m_editor->undoStack()->undoText(), u"Change payload of “dense”"_s);

    m_editor->undoStack()->setIndex(0);
    QCOMPARE(cell(2, VariantTableModel::NameColumn).data().toString(), QString());
    QCOMPARE(cell(2, VariantTableModel::PayloadColumn).data().toString(), QString());
    QCOMPARE(m_editor->draft().toJson(), flag().toJson());
    QVERIFY(m_editor->patchBody().isEmpty());
}

void TestVariantTableModel::keyEditMovesPayloadAndOverride()
{
    QVERIFY(m_model->setData(cell(1, VariantTableModel::KeyColumn), u"w"_s));
    QVERIFY(m_model->setData(cell(1, VariantTableModel::KeyColumn), u"wider"_s));
    QCOMPARE(m_editor->undoStack()->count(), 1); // typing is one step
    QCOMPARE(cell(1, VariantTableModel::PayloadColumn).data().toString(), u"[1, 2]"_s);
    QCOMPARE(m_editor->draft().filters.groups.at(0).variant, std::optional(u"wider"_s));
    QVERIFY(m_editor->validation().isEmpty());
    m_editor->undoStack()->undo();
    QCOMPARE(cell(1, VariantTableModel::KeyColumn).data().toString(), u"wide"_s);
    QCOMPARE(m_editor->draft().toJson(), flag().toJson());
}

void TestVariantTableModel::sumFollowsShares()
{
    QSignalSpy sum(m_model.get(), &VariantTableModel::sumChanged);
    QVERIFY(m_model->setData(cell(0, VariantTableModel::ShareColumn), 40));
    QCOMPARE(sum.size(), 1);
    QCOMPARE(sum.first().first().toDouble(), 106.0);
    QVERIFY(!m_model->sumIsValid());
    for (int row = 0; row < 3; ++row) {
        QVERIFY(isRed(cell(row, VariantTableModel::ShareColumn)));
        QVERIFY(!isRed(cell(row, VariantTableModel::KeyColumn)));
    }
    QVERIFY(cell(2, VariantTableModel::ShareColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(u"106%"_s));
    QVERIFY(m_model->setData(cell(1, VariantTableModel::ShareColumn), u"27.5"_s));
    QVERIFY(m_model->setData(cell(2, VariantTableModel::ShareColumn), 32.5));
    QCOMPARE(m_model->sum(), 100.0);
    QVERIFY(m_model->sumIsValid());
    QVERIFY(!isRed(cell(0, VariantTableModel::ShareColumn)));
    QCOMPARE(sum.size(), 3);
    m_editor->undoStack()->undo();
    QVERIFY(!m_model->sumIsValid());
    QCOMPARE(sum.size(), 4);
}

void TestVariantTableModel::duplicateKeysAreMarked()
{
    QVERIFY(m_model->setData(cell(2, VariantTableModel::KeyColumn), u"control"_s));
    QVERIFY(isRed(cell(0, VariantTableModel::KeyColumn)));
    QVERIFY(isRed(cell(2, VariantTableModel::KeyColumn)));
    QVERIFY(!isRed(cell(1, VariantTableModel::KeyColumn)));
    QVERIFY(cell(0, VariantTableModel::KeyColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(u"duplicated: control"_s));
    QVERIFY(m_model->setData(cell(2, VariantTableModel::KeyColumn), u"bad key"_s));
    QVERIFY(!isRed(cell(0, VariantTableModel::KeyColumn)));
    QVERIFY(isRed(cell(2, VariantTableModel::KeyColumn)));
    m_editor->undoStack()->undo();
    QVERIFY(!isRed(cell(2, VariantTableModel::KeyColumn)));
}

void TestVariantTableModel::invalidPayloadIsMarked()
{
    QVERIFY(m_model->setData(cell(0, VariantTableModel::PayloadColumn), u"{oops"_s));
    QVERIFY(isRed(cell(0, VariantTableModel::PayloadColumn)));
    QVERIFY(!isRed(cell(1, VariantTableModel::PayloadColumn)));
    QCOMPARE(cell(0, VariantTableModel::PayloadColumn).data(Qt::ToolTipRole).toString(),
             u"The payload is not valid JSON."_s); // in the editor's words, as problemText
    QVERIFY(m_model->setData(cell(0, VariantTableModel::PayloadColumn), u"{\"a\": 1}"_s));
    QVERIFY(!isRed(cell(0, VariantTableModel::PayloadColumn)));
}

void TestVariantTableModel::insertAndRemoveRows()
{
    QVERIFY(m_model->insertRows(3, 1));
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(cell(3, VariantTableModel::KeyColumn).data().toString(), u"variant-4"_s);
    QVERIFY(m_model->removeRows(1, 1));
    QCOMPARE(m_model->rowCount(), 3);
    QVERIFY(!m_editor->draft().filters.payloads.contains("wide"_L1));
    QCOMPARE(m_editor->undoStack()->count(), 2);
    m_editor->undoStack()->undo();
    QCOMPARE(cell(1, VariantTableModel::PayloadColumn).data().toString(), u"[1, 2]"_s);
    m_editor->undoStack()->undo();
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_editor->draft().toJson(), flag().toJson());
}

void TestVariantTableModel::followsDistributeAndMultivariateOff()
{
    m_editor->addVariant();
    QCOMPARE(m_model->rowCount(), 4);
    m_editor->distributeEvenly(VariantSplit::Integer);
    QCOMPARE(cell(3, VariantTableModel::ShareColumn).data(Qt::EditRole).toDouble(), 25.0);
    QVERIFY(m_model->sumIsValid());
    m_editor->setMultivariate(false);
    QCOMPARE(m_model->rowCount(), 0);
    m_editor->undoStack()->undo();
    QCOMPARE(m_model->rowCount(), 4);
}

QTEST_MAIN(TestVariantTableModel)
#include "tst_variant_table_model.moc"
