#include "web_app.h"

using namespace Qt::StringLiterals;

namespace bunting::api {

QUrl flagWebPage(const Endpoint &endpoint, qint64 flagId)
{
    QUrl page = endpoint.host;
    QString host = page.host();
    if (host.endsWith(".i.posthog.com"_L1))
        page.setHost(host.replace(".i.posthog.com"_L1, ".posthog.com"_L1));
    QString path = page.path();
    if (path.endsWith(u'/'))
        path.chop(1);
    bool numeric = false;
    endpoint.projectId.toLongLong(&numeric);
    // "@current" has no page of its own; the app opens the signed-in person's project.
    path += numeric ? u"/project/%1/feature_flags/%2"_s.arg(endpoint.projectId).arg(flagId)
                    : u"/feature_flags/%1"_s.arg(flagId);
    page.setPath(path);
    page.setQuery(QString());
    page.setFragment(QString());
    return page;
}

} // namespace bunting::api
