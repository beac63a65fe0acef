#include "stale_flags_window.h"

#include "icons.h"
#include "stale_flags_view.h"
#include "window_shortcuts.h"

#include <QAction>

namespace bunting::desktop {

StaleFlagsWindow::StaleFlagsWindow(api::Client *client, QWidget *parent) : QMainWindow(parent)
{
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowIcon(views::appIcon());
    setWindowTitle(tr("Stale flags — Bunting"));
    m_view = new views::StaleFlagsView(this);
    setCentralWidget(m_view);
    connect(m_view, &views::StaleFlagsView::flagsChanged, this, &StaleFlagsWindow::flagsChanged);
    connect(m_view, &views::StaleFlagsView::openFlag, this, &StaleFlagsWindow::openFlagRequested);

    auto *reload = new QAction(tr("&Reload"), this);
    reload->setShortcut(QKeySequence::Refresh);
    connect(reload, &QAction::triggered, m_view, &views::StaleFlagsView::reload);
    addAction(reload);
    addCloseWindowAction(this);

    m_view->setClient(client);
    m_view->reload();
    resize(900, 560);
}

} // namespace bunting::desktop
