#include "condition_list_model.h"

#include "flag_editor.h"
#include "flag_summary.h"

#include <QColor>
#include <QDataStream>
#include <QIODevice>
#include <QMimeData>
#include <QUndoStack>
#include <algorithm>
#include <numeric>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

// Property filters named in a row; the tooltip and the condition's editor show the rest.
constexpr qsizetype kListedProperties = 2;

const QColor kErrorColor(0xc6, 0x28, 0x28);

} // namespace

ConditionListModel::ConditionListModel(FlagEditor *editor, QObject *parent)
    : QAbstractListModel(parent), m_editor(editor), m_rows(editor->draft().filters.groups),
      m_filters(editor->draft().filters)
{
    for (int i = 0; i < m_rows.size(); ++i)
        m_numbers.append(i + 1);
    connect(editor, &FlagEditor::changed, this, &ConditionListModel::follow);
    connect(editor, &FlagEditor::validationChanged, this, [this] {
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1),
                               {Qt::ToolTipRole, Qt::ForegroundRole, ErrorsRole});
    });
}

QString ConditionListModel::mimeType()
{
    return u"application/x-bunting-condition-rows"_s;
}

QString ConditionListModel::conditionText(const FlagFilters &filters, int index, int number)
{
    if (index < 0 || index >= filters.groups.size())
        return {};
    const Condition &condition = filters.groups.at(index);
    const bool groups = condition.aggregationGroupTypeIndex ||
                        (!condition.record.had("aggregation_group_type_index"_L1) &&
                         filters.aggregationGroupTypeIndex);
    const QString rollout = percentText(condition.rolloutPercentage.value_or(100));
    QString text = groups ? tr("%1 of groups").arg(rollout) : tr("%1 of users").arg(rollout);
    if (!condition.properties.isEmpty()) {
        QStringList properties;
        for (qsizetype i = 0; i < std::min(condition.properties.size(), kListedProperties); ++i)
            properties.append(propertyText(condition.properties.at(i)));
        QString list = properties.join(tr(" and "));
        if (condition.properties.size() > kListedProperties)
            list =
                tr("%1 and %n more", nullptr, int(condition.properties.size() - kListedProperties))
                    .arg(list);
        text = tr("%1 matching %2").arg(text, list);
    }
    if (condition.variant && !condition.variant->isEmpty())
        text = tr("%1 → %2").arg(text, *condition.variant);
    return tr("Condition %1: %2").arg(number > 0 ? number : index + 1).arg(text);
}

void ConditionListModel::renumber()
{
    for (int row = 0; row < m_numbers.size(); ++row) {
        if (m_numbers.at(row) == row + 1)
            continue;
        m_numbers[row] = row + 1;
        Q_EMIT dataChanged(index(row), index(row), {Qt::DisplayRole, Qt::ToolTipRole});
    }
}

void ConditionListModel::follow()
{
    const FlagFilters &filters = m_editor->draft().filters;
    const QList<Condition> &rows = filters.groups;
    if (m_changing) {
        m_rows = rows;
        m_filters = filters;
        m_numbers = m_pending.size() == rows.size() ? m_pending : QList<int>(rows.size(), 0);
        return;
    }
    if (rows.size() != m_rows.size()) {
        beginResetModel();
        m_rows = rows;
        m_filters = filters;
        m_numbers.clear();
        for (int i = 0; i < m_rows.size(); ++i)
            m_numbers.append(i + 1);
        endResetModel();
        return;
    }
    // The texts also depend on the flag's aggregation: then every row changes.
    const bool allRows = filters.aggregationGroupTypeIndex != m_filters.aggregationGroupTypeIndex;
    const QList<Condition> old = m_rows;
    m_rows = rows;
    m_filters = filters;
    for (int row = 0; row < rows.size(); ++row)
        if (allRows || !(rows.at(row) == old.at(row)))
            Q_EMIT dataChanged(index(row), index(row));
}

int ConditionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConditionListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const Condition &condition = m_rows.at(row);
    const auto errors = [&] {
        QStringList details;
        if (m_editor)
            for (const ValidationError &error : m_editor->errorsAt(FieldPath::atCondition(row)))
                details.append(error.detail);
        return details;
    };
    switch (role) {
    case Qt::DisplayRole:
        return conditionText(m_filters, row, m_numbers.value(row));
    case Qt::EditRole:
    case DescriptionRole:
        return condition.description;
    case Qt::ToolTipRole: {
        const QStringList details = errors();
        if (!details.isEmpty())
            return details.join(u'\n');
        return condition.description.isEmpty() ? conditionText(m_filters, row, m_numbers.value(row))
                                               : condition.description;
    }
    case Qt::ForegroundRole:
        return errors().isEmpty() ? QVariant() : QVariant(kErrorColor);
    case RolloutRole:
        return condition.rolloutPercentage.value_or(100);
    case HasRolloutRole:
        return condition.rolloutPercentage.has_value();
    case VariantRole:
        return condition.variant.value_or(QString());
    case PropertyCountRole:
        return int(condition.properties.size());
    case ErrorsRole:
        return errors();
    default:
        return {};
    }
}

bool ConditionListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!m_editor ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const int row = index.row();
    switch (role) {
    case Qt::EditRole:
    case DescriptionRole:
        m_editor->setConditionDescription(row, value.toString());
        return true;
    case RolloutRole: {
        bool ok = false;
        const double percentage = value.toDouble(&ok);
        m_editor->setConditionRollout(row, value.isValid() && ok ? std::optional(percentage)
                                                                 : std::nullopt);
        return !value.isValid() || ok;
    }
    case VariantRole: {
        const QString variant = value.toString();
        m_editor->setConditionVariant(row,
                                      variant.isEmpty() ? std::nullopt : std::optional(variant));
        return true;
    }
    default:
        return false;
    }
}

Qt::ItemFlags ConditionListModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::ItemIsDropEnabled; // between rows
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable | Qt::ItemIsDragEnabled;
}

QHash<int, QByteArray> ConditionListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(RolloutRole, "rollout");
    names.insert(HasRolloutRole, "hasRollout");
    names.insert(DescriptionRole, "description");
    names.insert(VariantRole, "variant");
    names.insert(PropertyCountRole, "propertyCount");
    names.insert(ErrorsRole, "errors");
    return names;
}

bool ConditionListModel::insertRows(int row, int count, const QModelIndex &parent)
{
    if (!m_editor || parent.isValid() || row < 0 || row > m_rows.size() || count <= 0)
        return false;
    m_pending = m_numbers;
    for (int i = 0; i < count; ++i)
        m_pending.insert(row + i, row + i + 1);
    beginInsertRows({}, row, row + count - 1);
    m_changing = true;
    m_editor->undoStack()->beginMacro(tr("Add %n conditions", nullptr, count));
    for (int i = 0; i < count; ++i) {
        Condition condition;
        condition.hasProperties = true;
        m_editor->insertCondition(row + i, condition);
    }
    m_editor->undoStack()->endMacro();
    m_changing = false;
    endInsertRows();
    renumber();
    return true;
}

bool ConditionListModel::removeRows(int row, int count, const QModelIndex &parent)
{
    if (!m_editor || parent.isValid() || row < 0 || count <= 0 || row + count > m_rows.size())
        return false;
    m_pending = m_numbers;
    m_pending.remove(row, count);
    beginRemoveRows({}, row, row + count - 1);
    m_changing = true;
    m_editor->undoStack()->beginMacro(tr("Remove %n conditions", nullptr, count));
    for (int i = 0; i < count; ++i)
        m_editor->removeCondition(row);
    m_editor->undoStack()->endMacro();
    m_changing = false;
    endRemoveRows();
    renumber();
    return true;
}

bool ConditionListModel::moveRows(const QModelIndex &sourceParent, int sourceRow, int count,
                                  const QModelIndex &destinationParent, int destinationChild)
{
    if (!m_editor || sourceParent.isValid() || destinationParent.isValid() || count <= 0 ||
        sourceRow < 0 || sourceRow + count > m_rows.size() || destinationChild < 0 ||
        destinationChild > m_rows.size())
        return false;
    if (!beginMoveRows({}, sourceRow, sourceRow + count - 1, {}, destinationChild))
        return false;
    m_pending = m_numbers;
    for (int i = 0; i < count; ++i) {
        if (destinationChild > sourceRow)
            m_pending.move(sourceRow, destinationChild - 1);
        else
            m_pending.move(sourceRow + i, destinationChild + i);
    }
    m_changing = true;
    QUndoStack *stack = m_editor->undoStack();
    if (count > 1)
        stack->beginMacro(tr("Move %n conditions", nullptr, count));
    // One condition at a time; `destinationChild` counts positions before the move.
    for (int i = 0; i < count; ++i) {
        if (destinationChild > sourceRow)
            m_editor->moveCondition(sourceRow, destinationChild - 1);
        else
            m_editor->moveCondition(sourceRow + i, destinationChild + i);
    }
    if (count > 1)
        stack->endMacro();
    m_changing = false;
    endMoveRows();
    renumber();
    return true;
}

QMimeData *ConditionListModel::mimeData(const QModelIndexList &indexes) const
{
    QList<int> rows;
    for (const QModelIndex &index : indexes)
        if (index.isValid() && !rows.contains(index.row()))
            rows.append(index.row());
    std::sort(rows.begin(), rows.end());
    QByteArray bytes;
    QDataStream stream(&bytes, QIODevice::WriteOnly);
    stream << quint64(quintptr(this)) << rows;
    auto *data = new QMimeData;
    data->setData(mimeType(), bytes);
    return data;
}

// The rows a drag from this very model carries; empty for anything else.
QList<int> ConditionListModel::draggedRows(const QMimeData *data) const
{
    if (!data || !data->hasFormat(mimeType()))
        return {};
    QByteArray bytes = data->data(mimeType());
    QDataStream stream(&bytes, QIODevice::ReadOnly);
    quint64 source = 0;
    QList<int> rows;
    stream >> source >> rows;
    if (stream.status() != QDataStream::Ok || source != quint64(quintptr(this)))
        return {};
    for (int row : std::as_const(rows))
        if (row < 0 || row >= m_rows.size())
            return {};
    return rows;
}

bool ConditionListModel::canDropMimeData(const QMimeData *data, Qt::DropAction action, int, int,
                                         const QModelIndex &) const
{
    return action == Qt::MoveAction && !draggedRows(data).isEmpty();
}

bool ConditionListModel::dropMimeData(const QMimeData *data, Qt::DropAction action, int row,
                                      int column, const QModelIndex &parent)
{
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    const QList<int> dragged = draggedRows(data);
    // Dropped onto a row: in front of it; below the last row: at the end.
    const int target = row >= 0 ? row : parent.isValid() ? parent.row() : int(m_rows.size());
    QList<int> order; // original positions in their new order
    int before = 0;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (dragged.contains(i))
            continue;
        order.append(i);
        if (i < target)
            ++before;
    }
    for (qsizetype k = 0; k < dragged.size(); ++k)
        order.insert(before + k, dragged.at(k));
    QList<int> current(m_rows.size());
    std::iota(current.begin(), current.end(), 0);
    QList<std::pair<int, int>> moves; // (from, to), one row each
    for (int i = 0; i < order.size(); ++i) {
        const int at = int(current.indexOf(order.at(i)));
        if (at == i)
            continue;
        moves.append({at, i});
        current.move(at, i);
    }
    if (moves.isEmpty())
        return false;
    QUndoStack *stack = m_editor->undoStack();
    stack->beginMacro(tr("Move %n conditions", nullptr, int(dragged.size())));
    for (const auto &[from, to] : std::as_const(moves))
        moveRows({}, from, 1, {}, to);
    stack->endMacro();
    return false; // moved already: the view must not remove the dragged rows as well
}

} // namespace bunting::models
