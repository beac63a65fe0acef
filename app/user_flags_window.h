#pragma once

#include "client.h"

#include <QMainWindow>
#include <QPointer>

namespace bunting::views {
class UserFlagsView;
}

namespace bunting::desktop {

// "What does this user see?": every flag's value for one person (and their groups), with the
// reason, in a window of its own. A row leads to that flag's insight, tested for the same person.
class UserFlagsWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit UserFlagsWindow(api::Client *client, QWidget *parent = nullptr);

    views::UserFlagsView *view() const { return m_view; }
    // The distinct id whose flags the table shows.
    QString distinctId() const;

Q_SIGNALS:
    // A flag of the table was chosen, for the person the table is about.
    void flagChosen(const QString &flagKey, const QString &distinctId);

private:
    QPointer<api::Client> m_client;
    views::UserFlagsView *m_view = nullptr;
};

} // namespace bunting::desktop
