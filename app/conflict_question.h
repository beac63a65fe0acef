#pragma once

#include "flag_rebase.h"

#include <QString>

class QWidget;

namespace bunting::desktop {

// What the user chose when the flag changed on the server under their edit.
enum class ConflictChoice {
    Ask,               // (for the window: ask the user)
    Merge,             // their changes, and the user's on top; the user's value where both changed
    MergeTakingTheirs, // the same, but the server's value where both changed
    Overwrite,         // the user's version over theirs
    Reload,            // drop the user's changes
};

// Who made the newer version, as the conflict question names them.
struct ConflictAuthor
{
    QString name;           // "Ada Lovelace", "You (elsewhere)", "Someone"
    bool ownWindow = false; // another window of this app saved it
};

// The question's first sentence and the details under it (their changes, and what both changed).
QString conflictHeadline(const models::FlagRebase &rebase, const ConflictAuthor &author);
QString conflictDetails(const models::FlagRebase &rebase, const ConflictAuthor &author);

// Asks in a message box; merging is the default answer.
ConflictChoice askAboutConflict(QWidget *parent, const models::FlagRebase &rebase,
                                const ConflictAuthor &author);

} // namespace bunting::desktop
