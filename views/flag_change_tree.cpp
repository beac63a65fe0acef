#include "flag_change_tree.h"

#include <QHash>
#include <QHeaderView>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

QColor kindColour(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added:
        return QColor(0x2e, 0x8b, 0x3e);
    case ChangeKind::Removed:
        return QColor(0xc0, 0x39, 0x2b);
    case ChangeKind::Moved:
        return QColor(0x29, 0x6f, 0xb8);
    case ChangeKind::Changed:
        break;
    }
    return QColor(0xb0, 0x6a, 0x00);
}

QString kindName(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added:
        return FlagChangeTree::tr("added");
    case ChangeKind::Removed:
        return FlagChangeTree::tr("removed");
    case ChangeKind::Moved:
        return FlagChangeTree::tr("moved");
    case ChangeKind::Changed:
        break;
    }
    return FlagChangeTree::tr("changed");
}

} // namespace

FlagChangeTree::FlagChangeTree(QWidget *parent) : QTreeWidget(parent)
{
    setColumnCount(2);
    setHeaderLabels({tr("Change"), tr("Kind")});
    header()->setSectionResizeMode(0, QHeaderView::Stretch);
    header()->setStretchLastSection(false);
    setRootIsDecorated(true);
}

void FlagChangeTree::showChanges(const QList<FlagChange> &changes)
{
    clear();
    QHash<QString, QTreeWidgetItem *> groups;
    for (const FlagChange &change : changes) {
        QTreeWidgetItem *&group = groups[change.field];
        if (!group) {
            group = new QTreeWidgetItem(this, {change.field});
            QFont bold = group->font(0);
            bold.setBold(true);
            group->setFont(0, bold);
            group->setFirstColumnSpanned(false);
        }
        auto *item = new QTreeWidgetItem(group, {change.summary(), kindName(change.kind)});
        item->setForeground(0, kindColour(change.kind));
        item->setForeground(1, kindColour(change.kind));
        item->setToolTip(0, change.path);
    }
    if (changes.isEmpty())
        new QTreeWidgetItem(this, {tr("No differences in the flag's content")});
    expandAll();
}

} // namespace bunting::views
