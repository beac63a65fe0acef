#pragma once

#include <QIcon>
#include <QPalette>

namespace bunting::views {

// A monochrome SVG icon of resources/icons, drawn in the palette's text colour so it reads on
// light and dark themes alike, and rendered at every device pixel ratio it is asked for.
QIcon themedIcon(const QString &name, const QPalette &palette = {});
// The full-colour application icon.
QIcon appIcon();

} // namespace bunting::views
