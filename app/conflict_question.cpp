#include "conflict_question.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace bunting::desktop {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ConflictQuestion", text);
}

// One line per change, each under `label` when given: "• There: Rollout of condition set 1…".
QString bullets(const QList<FlagChange> &changes, const QString &label = {})
{
    QStringList lines;
    for (const FlagChange &change : changes)
        lines.append(u"• "_s + (label.isEmpty() ? QString() : label + u' ') + change.summary());
    return lines.join(u'\n');
}

} // namespace

QString conflictHeadline(const models::FlagRebase &rebase, const ConflictAuthor &author)
{
    const bool both = rebase.hasConflicts();
    if (author.ownWindow)
        return both ? tr("You saved this flag in another window while editing it here, and both "
                         "edits change some of the same fields.")
                    : tr("You saved this flag in another window while editing it here. The two "
                         "edits change different fields.");
    return (both ? tr("%1 saved this flag while you were editing it, and you both changed some of "
                      "the same fields.")
                 : tr("%1 saved this flag while you were editing it. Their changes and yours "
                      "touch different fields."))
        .arg(author.name);
}

QString conflictDetails(const models::FlagRebase &rebase, const ConflictAuthor &author)
{
    QString text = (author.ownWindow ? tr("Saved in the other window (version %1):\n%2")
                                     : tr("Their changes (version %1):\n%2"))
                       .arg(rebase.server.version)
                       .arg(bullets(rebase.serverChanges));
    if (rebase.hasConflicts())
        text +=
            u"\n\n"_s + tr("Changed on both sides:") + u'\n' +
            bullets(rebase.conflictingServerChanges(),
                    author.ownWindow ? tr("There:") : tr("Theirs:")) +
            u'\n' +
            bullets(rebase.conflictingUserChanges(), author.ownWindow ? tr("Here:") : tr("Yours:"));
    return text;
}

ConflictChoice askAboutConflict(QWidget *parent, const models::FlagRebase &rebase,
                                const ConflictAuthor &author)
{
    QMessageBox box(parent);
    box.setIcon(QMessageBox::Warning);
    box.setWindowTitle(author.ownWindow ? tr("The flag was saved in another window")
                                        : tr("The flag changed on the server"));
    box.setText(conflictHeadline(rebase, author));
    box.setInformativeText(conflictDetails(rebase, author));
    const bool both = rebase.hasConflicts();
    QPushButton *merge =
        box.addButton(both ? tr("Merge, Keep Mine") : tr("Merge"), QMessageBox::AcceptRole);
    merge->setToolTip(both ? tr("Take their changes, put yours on top, and keep yours where you "
                                "both changed the same field; review before saving")
                           : tr("Take their changes and put yours on top; review before saving"));
    QPushButton *theirs = nullptr;
    if (both) {
        theirs = box.addButton(tr("Merge, Take Theirs"), QMessageBox::AcceptRole);
        theirs->setToolTip(tr("Take their changes and put yours on top, except where you both "
                              "changed the same field: there theirs stays"));
    }
    QPushButton *overwrite = box.addButton(tr("Overwrite"), QMessageBox::DestructiveRole);
    overwrite->setToolTip(tr("Save your version over theirs"));
    QPushButton *reload = box.addButton(tr("Reload"), QMessageBox::RejectRole);
    reload->setToolTip(tr("Drop your changes and load their version"));
    box.setDefaultButton(merge);
    box.exec();
    if (theirs && box.clickedButton() == theirs)
        return ConflictChoice::MergeTakingTheirs;
    if (box.clickedButton() == overwrite)
        return ConflictChoice::Overwrite;
    if (box.clickedButton() == reload)
        return ConflictChoice::Reload;
    return ConflictChoice::Merge;
}

} // namespace bunting::desktop
