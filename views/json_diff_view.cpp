#include "json_diff_view.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextBlock>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

QPlainTextEdit *makeSide(QWidget *parent)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setReadOnly(true);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return edit;
}

void tint(QPlainTextEdit *edit, const QList<int> &lines, const QColor &colour)
{
    QList<QTextEdit::ExtraSelection> selections;
    for (int line : lines) {
        QTextEdit::ExtraSelection selection;
        selection.cursor = QTextCursor(edit->document()->findBlockByNumber(line));
        selection.format.setBackground(colour);
        selection.format.setProperty(QTextFormat::FullWidthSelection, true);
        selections.append(selection);
    }
    edit->setExtraSelections(selections);
}

} // namespace

JsonDiffView::JsonDiffView(QWidget *parent)
    : QWidget(parent), m_before(makeSide(this)), m_after(makeSide(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_before);
    layout->addWidget(m_after);
    // Aligned lines make equal scroll positions show the same place on both sides.
    for (auto [from, to] : {std::pair{m_before, m_after}, std::pair{m_after, m_before}}) {
        connect(from->verticalScrollBar(), &QScrollBar::valueChanged, to->verticalScrollBar(),
                &QScrollBar::setValue);
        connect(from->horizontalScrollBar(), &QScrollBar::valueChanged, to->horizontalScrollBar(),
                &QScrollBar::setValue);
    }
}

void JsonDiffView::clear()
{
    setTexts({}, {}, {});
}

void JsonDiffView::setTexts(const QStringList &before, const QStringList &after,
                            const QList<DiffOp> &ops)
{
    QStringList left, right;
    m_removed.clear();
    m_added.clear();
    for (qsizetype i = 0; i < ops.size(); ++i) {
        const DiffOp &op = ops[i];
        if (op.kind == DiffOp::Kind::Equal) {
            for (int n = 0; n < op.count; ++n) {
                left.append(before.value(op.oldStart + n));
                right.append(after.value(op.newStart + n));
            }
            continue;
        }
        // A removal followed by an addition is a replacement: its lines face each other.
        const DiffOp *removed = op.kind == DiffOp::Kind::Delete ? &op : nullptr;
        const DiffOp *added = op.kind == DiffOp::Kind::Insert ? &op : nullptr;
        if (removed && i + 1 < ops.size() && ops[i + 1].kind == DiffOp::Kind::Insert)
            added = &ops[++i];
        const int rows = std::max(removed ? removed->count : 0, added ? added->count : 0);
        const int start = int(left.size());
        for (int n = 0; n < rows; ++n) {
            const bool hasOld = removed && n < removed->count;
            const bool hasNew = added && n < added->count;
            left.append(hasOld ? before.value(removed->oldStart + n) : QString());
            right.append(hasNew ? after.value(added->newStart + n) : QString());
            if (hasOld)
                m_removed.append(start + n);
            if (hasNew)
                m_added.append(start + n);
        }
    }
    m_before->setPlainText(left.join(u'\n'));
    m_after->setPlainText(right.join(u'\n'));
    tint(m_before, m_removed, QColor(255, 80, 80, 70));
    tint(m_after, m_added, QColor(60, 200, 90, 70));
    // Open at the first difference, with a little context above it.
    int first = -1;
    for (const QList<int> *lines : {&m_removed, &m_added})
        if (!lines->isEmpty() && (first < 0 || lines->first() < first))
            first = lines->first();
    m_before->verticalScrollBar()->setValue(std::max(0, first - 3));
}

} // namespace bunting::views
