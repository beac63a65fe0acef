#pragma once

#include "flag_diff.h"

#include <QTreeWidget>

namespace bunting::views {

// The differences between two versions of a flag in words, grouped under the field they touch
// and coloured by kind (added, removed, moved, changed): the history window's comparison and
// the push screen's.
class FlagChangeTree : public QTreeWidget
{
    Q_OBJECT
public:
    explicit FlagChangeTree(QWidget *parent = nullptr);

    void showChanges(const QList<FlagChange> &changes);
};

} // namespace bunting::views
