#include "flag_table_view.h"

#include "flag_list_model.h"

#include <QHeaderView>
#include <QPainter>
#include <QStyledItemDelegate>

using namespace Qt::StringLiterals;
using bunting::models::FlagListModel;

namespace bunting::views {

namespace {

// "● Active" in green, "○ Inactive" in the disabled text colour: state at a glance, and still
// readable without colour.
class StatusDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString text = opt.text;
        opt.text.clear();
        QStyle *style = opt.widget ? opt.widget->style() : nullptr;
        if (style)
            style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

        // A row still loading has no state yet: no dot, rather than an inactive one.
        const QVariant state = index.data(FlagListModel::ActiveRole);
        if (!state.isValid())
            return;
        const bool active = state.toBool();
        const int d = opt.fontMetrics.height() / 2;
        const QRect r = opt.rect.adjusted(6, 0, -4, 0);
        const QRect dot(r.left(), r.center().y() - d / 2, d, d);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        const QColor on(0x2f, 0x9e, 0x44);
        const QColor off = opt.palette.color(QPalette::Disabled, QPalette::Text);
        if (active) {
            painter->setPen(Qt::NoPen);
            painter->setBrush(on);
        } else {
            painter->setPen(QPen(off, 1.5));
            painter->setBrush(Qt::NoBrush);
        }
        painter->drawEllipse(dot);
        const bool selected = opt.state & QStyle::State_Selected;
        painter->setPen(opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
        const QRect textRect = r.adjusted(d + 6, 0, 0, 0);
        painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft,
                          opt.fontMetrics.elidedText(text, Qt::ElideRight, textRect.width()));
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        size.rwidth() += option.fontMetrics.height() / 2 + 12;
        return size;
    }
};

// Spare width goes to the rollout, the column that says most and is often cut short, not to the
// last column ("Last called"), which is empty for most projects.
void giveSpareWidthToRollout(QHeaderView *header)
{
    header->setStretchLastSection(false);
    if (header->count() > FlagListModel::RolloutColumn)
        header->setSectionResizeMode(FlagListModel::RolloutColumn, QHeaderView::Stretch);
}

} // namespace

FlagTableView::FlagTableView(QWidget *parent) : QTableView(parent)
{
    setObjectName(u"flagTable"_s);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAlternatingRowColors(true);
    setSortingEnabled(true);
    setWordWrap(false);
    setShowGrid(false);
    setContextMenuPolicy(Qt::CustomContextMenu);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    verticalHeader()->hide();
    // Rows of one line: a fixed height lets the view skip measuring 100,000 of them.
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    horizontalHeader()->setHighlightSections(false);
    horizontalHeader()->setSectionsMovable(true);
    horizontalHeader()->setStretchLastSection(false);
    horizontalHeader()->setSortIndicatorShown(true);
    setItemDelegateForColumn(FlagListModel::StatusColumn, new StatusDelegate(this));
}

void FlagTableView::setModel(QAbstractItemModel *model)
{
    // No sort request on attaching: the model already shows the server's default order.
    horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    QTableView::setModel(model);
    const QFontMetrics fm = fontMetrics();
    const auto chars = [&](int n) { return fm.horizontalAdvance(u'x') * n + 16; };
    const QList<int> widths{chars(22), chars(22), chars(11), chars(9), chars(24),
                            chars(14), chars(14), chars(11), chars(11)};
    for (int c = 0; c < widths.size() && c < model->columnCount(); ++c)
        setColumnWidth(c, widths.at(c));
    giveSpareWidthToRollout(horizontalHeader());
    connect(selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { Q_EMIT selectionChangedTo(selectedFlagIds()); });
}

QList<int> FlagTableView::selectedRows() const
{
    QList<int> rows;
    if (!selectionModel())
        return rows;
    for (const QModelIndex &index : selectionModel()->selectedRows())
        rows.append(index.row());
    std::sort(rows.begin(), rows.end());
    return rows;
}

QList<qint64> FlagTableView::selectedFlagIds() const
{
    QList<qint64> ids;
    // Rows still loading have no flag yet (id 0): nothing to act on.
    for (int row : selectedRows())
        if (const qint64 id = model()->index(row, 0).data(FlagListModel::FlagIdRole).toLongLong();
            id != 0)
            ids.append(id);
    return ids;
}

QByteArray FlagTableView::saveColumns() const
{
    return horizontalHeader()->saveState();
}

void FlagTableView::restoreColumns(const QByteArray &state)
{
    if (!state.isEmpty())
        horizontalHeader()->restoreState(state);
    giveSpareWidthToRollout(horizontalHeader());
}

} // namespace bunting::views
