#include "connection_switch_check.h"

#include <QCoreApplication>
#include <QMainWindow>
#include <QMessageBox>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace bunting::desktop {

int openSecondaryWindows(const QMainWindow *mainWindow)
{
    int open = 0;
    for (const QMainWindow *window :
         mainWindow->findChildren<QMainWindow *>(Qt::FindDirectChildrenOnly))
        if (window->isWindow() && window->isVisible())
            ++open;
    return open;
}

bool confirmSwitchClosingWindows(QMainWindow *mainWindow, const api::ConnectionProfile &from,
                                 const api::ConnectionProfile &to)
{
    const int open = openSecondaryWindows(mainWindow);
    if (open == 0 || from.id == to.id)
        return true;
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("ConnectionSwitchCheck", text);
    };
    QMessageBox box(mainWindow);
    box.setObjectName(u"switchConnectionCheck"_s);
    box.setIcon(QMessageBox::Question);
    box.setWindowTitle(tr("Switch connection"));
    box.setText(tr("Switch from %1 to %2?").arg(from.title(), to.title()));
    box.setInformativeText(
        open == 1 ? tr("The window open on %1 will close; unsaved changes are asked about first.")
                        .arg(from.title())
                  : tr("The %1 windows open on %2 will close; unsaved changes are asked about "
                       "first.")
                        .arg(QString::number(open), from.title()));
    QPushButton *switchButton =
        box.addButton(tr("Close Windows and Switch"), QMessageBox::AcceptRole);
    QPushButton *cancel = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(cancel);
    box.exec();
    return box.clickedButton() == switchButton;
}

} // namespace bunting::desktop
