#pragma once

#include "connection_profile.h"

class QMainWindow;

namespace bunting::desktop {

// The secondary windows (editors, histories, insights...) open beside `mainWindow`: those a
// connection switch closes, since each works on the connection it was opened on.
int openSecondaryWindows(const QMainWindow *mainWindow);
// Before switching from `from` to `to` closes those windows, the person is asked: true when there
// are none, or when they chose to close them and switch.
bool confirmSwitchClosingWindows(QMainWindow *mainWindow, const api::ConnectionProfile &from,
                                 const api::ConnectionProfile &to);

} // namespace bunting::desktop
