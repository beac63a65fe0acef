#pragma once

#include <QString>

class QSettings;
class QWidget;

namespace bunting::desktop {

// Gives `window` the size and place it had when a window of this kind (`key`) last closed, and
// remembers them when it closes, in `settings` under "windows/<key>".
void keepGeometry(QWidget *window, QSettings *settings, const QString &key);

} // namespace bunting::desktop
