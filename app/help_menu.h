#pragma once

#include <QString>
#include <QUrl>

class QMainWindow;
class QMenu;
class QWidget;

namespace bunting::desktop {

// Where the README's sections are read: the project's homepage, at the heading's anchor.
QUrl handbookUrl(const QString &anchor = {});
// What the About box says: the version, the licence and the Qt the app runs on.
QString aboutText();
// Adds "Help" to the window's menu bar: the README's sections, and About Bunting (action
// "about"). The actions are the window's, found by their object names.
QMenu *addHelpMenu(QMainWindow *window);
// The About box, modal to `parent`.
void showAbout(QWidget *parent);

} // namespace bunting::desktop
