#pragma once

#include "text_diff.h"

#include <QWidget>

class QPlainTextEdit;

namespace bunting::views {

// Two texts side by side, aligned line by line: removed lines tinted red on the left, added
// lines green on the right, and blank filler where one side has nothing. Both sides scroll
// together.
class JsonDiffView : public QWidget
{
    Q_OBJECT
public:
    explicit JsonDiffView(QWidget *parent = nullptr);

    void setTexts(const QStringList &before, const QStringList &after, const QList<DiffOp> &ops);
    void clear();

    QPlainTextEdit *before() const { return m_before; }
    QPlainTextEdit *after() const { return m_after; }
    // The displayed lines (0-based) tinted as removed or added.
    const QList<int> &removedLines() const { return m_removed; }
    const QList<int> &addedLines() const { return m_added; }

private:
    QPlainTextEdit *m_before = nullptr;
    QPlainTextEdit *m_after = nullptr;
    QList<int> m_removed;
    QList<int> m_added;
};

} // namespace bunting::views
