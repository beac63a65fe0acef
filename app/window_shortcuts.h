#pragma once

#include <QKeySequence>
#include <QList>

class QAction;
class QWidget;

namespace bunting::desktop {

// Ctrl+W first, then whatever else the platform calls "Close" (Ctrl+F4), each once: a key bound
// twice to one action is ambiguous to Qt, which then triggers nothing.
QList<QKeySequence> closeWindowShortcuts();
// Ctrl+Q, then the platform's Quit, each once: Windows has no standard Quit key, and Qt's
// QKeySequence::Quit is empty there.
QList<QKeySequence> quitShortcuts();
// Gives `action` those keys.
void useCloseWindowShortcuts(QAction *action);
// A "Close" action of the secondary window `window`, added to it, closing it on Ctrl+W.
QAction *addCloseWindowAction(QWidget *window);

} // namespace bunting::desktop
