#include "user_flags_window.h"

#include "evaluation_reasons_model.h"
#include "icons.h"
#include "user_flags_view.h"
#include "window_shortcuts.h"

#include <QAction>

namespace bunting::desktop {

UserFlagsWindow::UserFlagsWindow(api::Client *client, QWidget *parent)
    : QMainWindow(parent), m_client(client)
{
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowIcon(views::appIcon());
    setWindowTitle(tr("What does a user see? — Bunting"));
    m_view = new views::UserFlagsView(this);
    m_view->setClient(client);
    setCentralWidget(m_view);
    connect(m_view, &views::UserFlagsView::openFlag, this,
            [this](const QString &key) { Q_EMIT flagChosen(key, distinctId()); });

    // The table is a snapshot of one moment: F5 asks again for the same person.
    auto *reload = new QAction(tr("&Reload"), this);
    reload->setShortcut(QKeySequence::Refresh);
    connect(reload, &QAction::triggered, m_view, &views::UserFlagsView::load);
    addAction(reload);
    addCloseWindowAction(this);

    if (m_client) {
        m_client->listGroupTypes(this, [this](const api::Result<QList<api::GroupType>> &types) {
            if (types)
                m_view->setGroupTypes(types.value());
        });
    }
    resize(820, 620);
}

QString UserFlagsWindow::distinctId() const
{
    return m_view->model()->distinctId();
}

} // namespace bunting::desktop
