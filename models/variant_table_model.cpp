#include "variant_table_model.h"

#include "error_fields.h"
#include "flag_editor.h"
#include "flag_summary.h"
#include "problem_text.h"

#include <QColor>
#include <QUndoStack>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

constexpr double kSumTolerance = 1e-9; // as core's validation: float drift in a sum of shares
const QColor kErrorColor(0xc6, 0x28, 0x28);

double sumOf(const QList<Variant> &variants)
{
    double sum = 0;
    for (const Variant &v : variants)
        sum += v.rolloutPercentage;
    return sum;
}

} // namespace

VariantTableModel::VariantTableModel(FlagEditor *editor, QObject *parent)
    : QAbstractTableModel(parent), m_editor(editor),
      m_rows(editor->draft().filters.variants.value_or(QList<Variant>())),
      m_payloads(editor->draft().filters.payloads)
{
    connect(editor, &FlagEditor::changed, this, &VariantTableModel::follow);
    connect(editor, &FlagEditor::validationChanged, this, [this] {
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1),
                               {Qt::ToolTipRole, Qt::ForegroundRole, ErrorsRole});
    });
}

double VariantTableModel::sum() const
{
    return sumOf(m_rows);
}

bool VariantTableModel::sumIsValid() const
{
    return std::fabs(sum() - 100) <= kSumTolerance;
}

void VariantTableModel::follow()
{
    const FlagFilters &filters = m_editor->draft().filters;
    const QList<Variant> rows = filters.variants.value_or(QList<Variant>());
    const double oldSum = sum();
    if (m_changing) {
        m_rows = rows;
        m_payloads = filters.payloads;
    } else if (rows.size() != m_rows.size()) {
        beginResetModel();
        m_rows = rows;
        m_payloads = filters.payloads;
        endResetModel();
    } else if (rows != m_rows || filters.payloads != m_payloads) {
        m_rows = rows;
        m_payloads = filters.payloads;
        // A share edit changes the sum, and so the colour of every share.
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
    }
    if (sum() != oldSum)
        Q_EMIT sumChanged(sum());
}

int VariantTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int VariantTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QStringList VariantTableModel::errors(int row, int column) const
{
    QStringList list;
    const auto add = [&](const QList<ValidationError> &errors) {
        for (const ValidationError &error : errors)
            if (const QString text = problemMessage(error); !list.contains(text))
                list.append(text);
    };
    const Variant &variant = m_rows.at(row);
    switch (column) {
    case KeyColumn: {
        add(m_editor->errorsAt(FieldPath::atVariant(row, u"key"_s)));
        const auto same = [&](const Variant &v) { return v.key == variant.key; };
        if (list.isEmpty() && std::count_if(m_rows.begin(), m_rows.end(), same) > 1)
            list.append(tr("Another variant has the same key."));
        break;
    }
    case NameColumn:
        add(m_editor->errorsAt(FieldPath::atVariant(row, u"name"_s)));
        break;
    case ShareColumn:
        add(m_editor->errorsAt(FieldPath::atVariant(row, u"rollout_percentage"_s)));
        if (!sumIsValid())
            list.append(tr("The shares add up to %1, not 100%.").arg(percentText(sum())));
        break;
    case PayloadColumn:
        add(m_editor->errorsAt(FieldPath::atPayload(variant.key)));
        if (list.isEmpty() && m_payloads.contains(variant.key) &&
            !isValidPayload(m_payloads.value(variant.key)))
            list.append(tr("The payload is not valid JSON."));
        break;
    default:
        break;
    }
    return list;
}

QVariant VariantTableModel::data(const QModelIndex &index, int role) const
{
    if (!m_editor ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Variant &variant = m_rows.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        switch (column) {
        case KeyColumn:
            return variant.key;
        case NameColumn:
            return variant.name;
        case ShareColumn:
            return role == Qt::EditRole ? QVariant(variant.rolloutPercentage)
                                        : QVariant(percentText(variant.rolloutPercentage));
        case PayloadColumn:
            return m_editor->payloadText(variant.key);
        default:
            return {};
        }
    case Qt::TextAlignmentRole:
        return column == ShareColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole:
        return errors(index.row(), column).join(u'\n');
    case Qt::ForegroundRole:
        return errors(index.row(), column).isEmpty() ? QVariant() : QVariant(kErrorColor);
    case ErrorsRole:
        return errors(index.row(), column);
    default:
        return {};
    }
}

bool VariantTableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!m_editor || role != Qt::EditRole ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const int row = index.row();
    switch (index.column()) {
    case KeyColumn:
        m_editor->setVariantKey(row, value.toString());
        return true;
    case NameColumn:
        m_editor->setVariantName(row, value.toString());
        return true;
    case ShareColumn: {
        bool ok = false;
        const double share = value.toDouble(&ok);
        if (!ok || !std::isfinite(share))
            return false;
        m_editor->setVariantShare(row, share);
        return true;
    }
    case PayloadColumn:
        m_editor->setPayload(m_rows.at(row).key, value.toString());
        return true;
    default:
        return false;
    }
}

QVariant VariantTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case NameColumn:
        return tr("Name");
    case ShareColumn:
        return tr("Share");
    case PayloadColumn:
        return tr("Payload");
    default:
        return {};
    }
}

Qt::ItemFlags VariantTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable;
}

bool VariantTableModel::insertRows(int row, int count, const QModelIndex &parent)
{
    if (!m_editor || parent.isValid() || row < 0 || row > m_rows.size() || count <= 0)
        return false;
    beginInsertRows({}, row, row + count - 1);
    m_changing = true;
    m_editor->undoStack()->beginMacro(tr("Add %n variants", nullptr, count));
    for (int i = 0; i < count; ++i) {
        // A key no variant has yet, as FlagEditor::addVariant() picks one.
        Variant variant;
        int number = int(m_rows.size()) + 1;
        while (m_editor->draft().filters.findVariant(u"variant-%1"_s.arg(number)))
            ++number;
        variant.key = u"variant-%1"_s.arg(number);
        m_editor->insertVariant(row + i, variant);
    }
    m_editor->undoStack()->endMacro();
    m_changing = false;
    endInsertRows();
    return true;
}

bool VariantTableModel::removeRows(int row, int count, const QModelIndex &parent)
{
    if (!m_editor || parent.isValid() || row < 0 || count <= 0 || row + count > m_rows.size())
        return false;
    beginRemoveRows({}, row, row + count - 1);
    m_changing = true;
    m_editor->undoStack()->beginMacro(tr("Remove %n variants", nullptr, count));
    for (int i = 0; i < count; ++i)
        m_editor->removeVariant(row);
    m_editor->undoStack()->endMacro();
    m_changing = false;
    endRemoveRows();
    return true;
}

} // namespace bunting::models
