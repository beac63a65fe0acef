#pragma once

#include <QList>
#include <QTableView>

namespace bunting::views {

// The flag list's table: whole-row extended selection, server-side sorting through the model,
// a status column drawn as a coloured dot, and column widths that can be saved and restored.
class FlagTableView : public QTableView
{
    Q_OBJECT
public:
    explicit FlagTableView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    // Ids (FlagIdRole) of the selected rows, in row order; rows still loading have none.
    QList<qint64> selectedFlagIds() const;
    QList<int> selectedRows() const;
    QByteArray saveColumns() const;
    void restoreColumns(const QByteArray &state);

Q_SIGNALS:
    void selectionChangedTo(const QList<qint64> &ids);
};

} // namespace bunting::views
