#include "web_app_refusal.h"

#include "client.h"
#include "message_bar.h"
#include "web_app.h"

#include <QAction>
#include <QDesktopServices>

namespace bunting::views {

bool showWebAppOnly(MessageBar *bar, const api::ApiError &error, const QString &action,
                    const QPointer<api::Client> &client, qint64 flagId)
{
    if (!api::isWebAppOnly(error) || !client)
        return false;
    const QUrl page = api::flagWebPage(client->endpoint(), flagId);
    auto *open = new QAction(MessageBar::tr("Open in PostHog"), bar);
    QObject::connect(open, &QAction::triggered, bar, [page] { QDesktopServices::openUrl(page); });
    bar->showMessage(MessageBar::Kind::Warning,
                     MessageBar::tr("PostHog lets only a person signed in to its web app %1; it "
                                    "refuses personal API keys (%2). Open the flag in PostHog to "
                                    "do it there.")
                         .arg(action, error.message()),
                     {open});
    bar->setProperty("webAppPage", page); // where the button goes, for tests to read
    return true;
}

} // namespace bunting::views
