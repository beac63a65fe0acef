#pragma once

#include "connection_profile.h"

#include <QColor>
#include <QString>

class QMainWindow;
class QWidget;

namespace bunting::desktop {

// Which connection a window works on, so a person with two projects open knows where a save
// goes: the window's title names it ("checkout — Staging — Bunting"), and a production one wears
// a coloured strip along its top. A window keeps the connection it was opened on.
void markConnection(QMainWindow *window, const api::ConnectionProfile &profile);
// The strip alone, for the main window, which names its connection in its own title; shown only
// for a production profile, and updated on every call.
void showProductionStrip(QMainWindow *window, const api::ConnectionProfile &profile);
// The connection `window` (or the window it is in) was marked with, or empty.
QString connectionOf(const QWidget *window);
bool isProduction(const QWidget *window);
// The colour of production: a red that reads on light and dark palettes.
QColor productionColour();
// "checkout[*] — Bunting" with the connection: "checkout[*] — Staging — Bunting".
QString titleWithConnection(const QString &title, const QString &connection);

} // namespace bunting::desktop
