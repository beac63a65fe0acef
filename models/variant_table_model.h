#pragma once

#include "feature_flag.h"

#include <QAbstractTableModel>
#include <QList>
#include <QPointer>

namespace bunting::models {

class FlagEditor;

// The draft's variants as a table: key, name, share and payload. Edits go through the editor's
// commands (so they can be undone) and the table follows the editor after undo and redo.
//
// The sum of the shares is shown live (sum(), sumChanged()); cells with a problem carry it in
// ToolTipRole and show in red (ForegroundRole): every share while the sum is not 100, a key that
// is empty, invalid or duplicated, a payload that is not JSON, and whatever else validation
// reports at the cell.
class VariantTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, NameColumn, ShareColumn, PayloadColumn, ColumnCount };
    enum Role {
        ErrorsRole = Qt::UserRole + 1, // QStringList: the problems of the cell
    };

    explicit VariantTableModel(FlagEditor *editor, QObject *parent = nullptr);

    double sum() const;
    bool sumIsValid() const; // 100, give or take float drift

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool insertRows(int row, int count, const QModelIndex &parent = {}) override;
    bool removeRows(int row, int count, const QModelIndex &parent = {}) override;

Q_SIGNALS:
    void sumChanged(double sum);

private:
    void follow();
    QStringList errors(int row, int column) const;

    QPointer<FlagEditor> m_editor;
    QList<Variant> m_rows;   // what the views were last told
    QJsonObject m_payloads;  // the draft's payloads, by variant key
    bool m_changing = false; // the model's own insert or remove is under way
};

} // namespace bunting::models
