#include "production_save_check.h"

#include "connection_identity.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace bunting::desktop {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ProductionSaveCheck", text);
}

bool askProduction(QWidget *parent, const QString &title, const QString &question,
                   const QString &yes)
{
    QMessageBox box(parent);
    box.setObjectName(u"productionSaveCheck"_s);
    box.setIcon(QMessageBox::Warning);
    box.setWindowTitle(title);
    box.setText(question);
    box.setInformativeText(tr("This is a production connection: real users get the flag's new "
                              "rules at their next request."));
    QPushButton *accept = box.addButton(yes, QMessageBox::AcceptRole);
    QPushButton *cancel = box.addButton(QMessageBox::Cancel);
    // Enter must not be the way a production change slips out.
    box.setDefaultButton(cancel);
    box.setEscapeButton(cancel);
    box.exec();
    return box.clickedButton() == accept;
}

} // namespace

bool confirmSaveOnProduction(QWidget *window, const QString &flagKey)
{
    if (!isProduction(window))
        return true;
    return askProduction(window, tr("Save on production"),
                         tr("Save %1 on %2?").arg(flagKey, connectionOf(window)),
                         tr("Save on Production"));
}

bool confirmSendToProduction(QWidget *parent, bool production, const QString &connection,
                             int flagCount)
{
    if (!production)
        return true;
    return askProduction(parent, tr("Send to production"),
                         flagCount == 1 ? tr("Send 1 flag to %1?").arg(connection)
                                        : tr("Send %1 flags to %2?").arg(flagCount).arg(connection),
                         tr("Send to Production"));
}

} // namespace bunting::desktop
