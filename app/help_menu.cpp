#include "help_menu.h"

#include "icons.h"

#include <QAction>
#include <QCoreApplication>
#include <QDesktopServices>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>

using namespace Qt::StringLiterals;

namespace bunting::desktop {

QUrl handbookUrl(const QString &anchor)
{
    QUrl url(QStringLiteral(BUNTING_HOMEPAGE));
    if (!anchor.isEmpty())
        url.setFragment(anchor);
    return url;
}

QString aboutText()
{
    return QCoreApplication::translate(
               "HelpMenu",
               "<h3>Bunting %1</h3>"
               "<p>Manage PostHog feature flags, on PostHog or on a local server.</p>"
               "<p>Released under the MIT licence.<br>Built with Qt %2, running on Qt %3.</p>"
               "<p><a href=\"%4\">%4</a></p>")
        .arg(QStringLiteral(BUNTING_VERSION), QStringLiteral(QT_VERSION_STR),
             QString::fromLatin1(qVersion()), handbookUrl().toString());
}

void showAbout(QWidget *parent)
{
    QMessageBox box(parent);
    box.setObjectName(u"aboutBox"_s);
    box.setWindowTitle(QCoreApplication::translate("HelpMenu", "About Bunting"));
    box.setIconPixmap(views::appIcon().pixmap(QSize(64, 64)));
    box.setTextFormat(Qt::RichText);
    box.setText(aboutText());
    box.setStandardButtons(QMessageBox::Close);
    box.exec();
}

QMenu *addHelpMenu(QMainWindow *window)
{
    QMenu *help = window->menuBar()->addMenu(QCoreApplication::translate("HelpMenu", "&Help"));
    help->setObjectName(u"helpMenu"_s);
    const auto link = [window, help](const QString &name, const QString &text,
                                     const QString &anchor) {
        auto *action = help->addAction(text);
        action->setObjectName(name);
        action->setData(handbookUrl(anchor));
        action->setStatusTip(handbookUrl(anchor).toString());
        QObject::connect(action, &QAction::triggered, window,
                         [anchor] { QDesktopServices::openUrl(handbookUrl(anchor)); });
        return action;
    };
    link(u"handbookApp"_s, QCoreApplication::translate("HelpMenu", "Using the &App"), u"the-app"_s)
        ->setShortcut(QKeySequence::HelpContents);
    link(u"handbookServer"_s, QCoreApplication::translate("HelpMenu", "The &Local Server"),
         u"the-local-server"_s);
    link(u"handbookPaths"_s, QCoreApplication::translate("HelpMenu", "&Where Things Live"),
         u"where-things-live"_s);
    help->addSeparator();
    auto *about = help->addAction(QCoreApplication::translate("HelpMenu", "&About Bunting"));
    about->setObjectName(u"about"_s);
    about->setMenuRole(QAction::AboutRole);
    QObject::connect(about, &QAction::triggered, window, [window] { showAbout(window); });
    return help;
}

} // namespace bunting::desktop
