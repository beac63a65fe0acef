#include "production_save_check.h"

#include "connection_identity.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace bunting::desktop {

bool confirmSaveOnProduction(QWidget *window, const QString &flagKey)
{
    if (!isProduction(window))
        return true;
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("ProductionSaveCheck", text);
    };
    QMessageBox box(window);
    box.setObjectName(u"productionSaveCheck"_s);
    box.setIcon(QMessageBox::Warning);
    box.setWindowTitle(tr("Save on production"));
    box.setText(tr("Save %1 on %2?").arg(flagKey, connectionOf(window)));
    box.setInformativeText(tr("This is a production connection: real users get the flag's new "
                              "rules at their next request."));
    QPushButton *save = box.addButton(tr("Save on Production"), QMessageBox::AcceptRole);
    QPushButton *cancel = box.addButton(QMessageBox::Cancel);
    // Enter must not be the way a production change slips out.
    box.setDefaultButton(cancel);
    box.setEscapeButton(cancel);
    box.exec();
    return box.clickedButton() == save;
}

} // namespace bunting::desktop
