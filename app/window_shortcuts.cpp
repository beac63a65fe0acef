#include "window_shortcuts.h"

#include <QAction>
#include <QCoreApplication>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace bunting::desktop {

QList<QKeySequence> closeWindowShortcuts()
{
    QList<QKeySequence> keys{QKeySequence(Qt::CTRL | Qt::Key_W)};
    for (const QKeySequence &key : QKeySequence::keyBindings(QKeySequence::Close))
        if (!keys.contains(key))
            keys.append(key);
    return keys;
}

QList<QKeySequence> quitShortcuts()
{
    QList<QKeySequence> keys{QKeySequence(Qt::CTRL | Qt::Key_Q)};
    for (const QKeySequence &key : QKeySequence::keyBindings(QKeySequence::Quit))
        if (!keys.contains(key))
            keys.append(key);
    return keys;
}

void useCloseWindowShortcuts(QAction *action)
{
    action->setShortcuts(closeWindowShortcuts());
}

QAction *addCloseWindowAction(QWidget *window)
{
    auto *close = new QAction(QCoreApplication::translate("Window", "&Close"), window);
    close->setObjectName(u"closeWindow"_s);
    useCloseWindowShortcuts(close);
    QObject::connect(close, &QAction::triggered, window, &QWidget::close);
    window->addAction(close);
    return close;
}

} // namespace bunting::desktop
