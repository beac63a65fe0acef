#pragma once

#include "client.h"

#include <QMainWindow>

namespace bunting::views {
class StaleFlagsView;
}

namespace bunting::desktop {

// The project's stale flags, to disable or delete in one step; the view keeps flags that others
// still depend on.
class StaleFlagsWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit StaleFlagsWindow(api::Client *client, QWidget *parent = nullptr);

    views::StaleFlagsView *view() const { return m_view; }

Q_SIGNALS:
    void flagsChanged();
    void openFlagRequested(qint64 flagId);

private:
    views::StaleFlagsView *m_view = nullptr;
};

} // namespace bunting::desktop
