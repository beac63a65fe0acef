#include "router.h"

using namespace Qt::StringLiterals;

namespace bunting::server {

void Router::add(QHttpServerRequest::Method method, const QString &pattern, RouteAccess access,
                 Handler handler)
{
    m_routes.push_back(
        {method, pattern.split(u'/', Qt::SkipEmptyParts), std::move(access), std::move(handler)});
}

Router::Match Router::match(QHttpServerRequest::Method method, const QStringList &segments) const
{
    Match result;
    for (const Route &route : m_routes) {
        if (route.pattern.size() != segments.size())
            continue;
        QHash<QString, QString> params;
        bool matches = true;
        for (qsizetype i = 0; i < segments.size() && matches; ++i) {
            const QString &part = route.pattern[i];
            if (part.startsWith(u':'))
                params.insert(part.mid(1), segments[i]);
            else
                matches = part == segments[i];
        }
        if (!matches)
            continue;
        result.pathKnown = true;
        if (route.method == method) {
            result.route = &route;
            result.params = std::move(params);
            return result;
        }
    }
    return result;
}

} // namespace bunting::server
