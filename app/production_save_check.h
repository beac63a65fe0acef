#pragma once

#include <QString>

class QWidget;

namespace bunting::desktop {

// Before a flag is saved on a production connection (see connection_identity.h), the person
// says so once more: real users get the new rules at their next request. True when the save may
// go ahead: `window` is not on production, or the person chose "Save on Production".
bool confirmSaveOnProduction(QWidget *window, const QString &flagKey);
// The same before flags are sent to a production connection from elsewhere (a push, a copy):
// true when `production` is false or the person chose to send.
bool confirmSendToProduction(QWidget *parent, bool production, const QString &connection,
                             int flagCount);

} // namespace bunting::desktop
