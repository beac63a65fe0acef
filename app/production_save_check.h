#pragma once

#include <QString>

class QWidget;

namespace bunting::desktop {

// Before a flag is saved on a production connection (see connection_identity.h), the person
// says so once more: real users get the new rules at their next request. True when the save may
// go ahead: `window` is not on production, or the person chose "Save on Production".
bool confirmSaveOnProduction(QWidget *window, const QString &flagKey);

} // namespace bunting::desktop
