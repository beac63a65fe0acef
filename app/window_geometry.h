#pragma once

#include <QString>

class QSettings;
class QWidget;

namespace bunting::desktop {

// Gives `window` the size and place it had when a window of this kind (`key`) last closed, and
// remembers them when it closes, in `settings` under "windows/<key>".
// The window is then fitted on its screen.
void keepGeometry(QWidget *window, QSettings *settings, const QString &key);
// Shrinks `window` to its screen's available area (never below its minimum size) and, when it has
// a place of its own, moves it there whole: a size from a larger screen, or a default size bigger
// than a laptop's, would hide its edges (and their buttons) under the panel or off screen.
void fitOnScreen(QWidget *window);

} // namespace bunting::desktop
