#pragma once

#include "feature_flag.h"

#include <QAbstractListModel>
#include <QList>
#include <QPointer>

namespace bunting::models {

class FlagEditor;

// The draft's release conditions, one row each, in the order PostHog evaluates them:
// "Condition 1: 30% of users matching email ~ @acme.com". Every change (moving rows, editing a
// rollout or description) goes through the editor's commands, so it can be undone; the rows
// follow the editor after undo and redo as well.
//
// Rows can be reordered by drag and drop: the mime data names the rows of this model, and a drop
// moves them (dropMimeData() reports false afterwards, so that the view does not also remove
// the dragged rows as it would after an ordinary move between models).
class ConditionListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        RolloutRole = Qt::UserRole + 1, // double; 100 when the condition has none
        HasRolloutRole,                 // bool: whether a rollout is set
        DescriptionRole,                // QString
        VariantRole,                    // QString; empty without an override
        PropertyCountRole,              // int
        ErrorsRole,                     // QStringList: the validation errors in this condition
    };

    explicit ConditionListModel(FlagEditor *editor, QObject *parent = nullptr);

    static QString mimeType();
    // "Condition 2: 30% of users matching email ~ @acme.com and 1 more"; `number` is the one
    // shown (0: the position's).
    static QString conditionText(const FlagFilters &filters, int index, int number = 0);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;

    bool insertRows(int row, int count, const QModelIndex &parent = {}) override;
    bool removeRows(int row, int count, const QModelIndex &parent = {}) override;
    bool moveRows(const QModelIndex &sourceParent, int sourceRow, int count,
                  const QModelIndex &destinationParent, int destinationChild) override;

    Qt::DropActions supportedDropActions() const override { return Qt::MoveAction; }
    Qt::DropActions supportedDragActions() const override { return Qt::MoveAction; }
    QStringList mimeTypes() const override { return {mimeType()}; }
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    bool canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                         const QModelIndex &parent) const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                      const QModelIndex &parent) override;

private:
    void follow();
    // Rows keep the number they had while rows are inserted, removed or moved, so that each
    // signal describes the data as it is; the numbers are then brought up to date, with their
    // own dataChanged.
    void renumber();
    QList<int> draggedRows(const QMimeData *data) const;

    QPointer<FlagEditor> m_editor;
    QList<Condition> m_rows; // what the views were last told
    QList<int> m_numbers;    // the number each row shows
    QList<int> m_pending;    // the numbers rows get during the model's own change
    FlagFilters m_filters;   // for the texts, which depend on the flag's aggregation
    bool m_changing = false; // the model's own edit is under way: it signals the rows itself
};

} // namespace bunting::models
