#include "http/router.h"

using namespace Qt::StringLiterals;

namespace bunting::server {

void Router::add(HttpMethod method, const QString &pattern, RouteAccess access, Handler handler)
{
    m_routes.push_back({method, pattern, pattern.split(u'/', Qt::SkipEmptyParts), std::move(access),
                        std::move(handler)});
}

Router::Match Router::match(HttpMethod method, const QStringList &segments) const
{
    // The most specific pattern wins: a literal segment ("activity") beats a parameter (":id"),
    // whatever order the routes were added in.
    Match result;
    int bestLiterals = -1;
    int bestPathLiterals = -1;
    for (const Route &route : m_routes) {
        if (route.pattern.size() != segments.size())
            continue;
        QHash<QString, QString> params;
        int literals = 0;
        bool matches = true;
        for (qsizetype i = 0; i < segments.size() && matches; ++i) {
            const QString &part = route.pattern[i];
            if (part.startsWith(u':')) {
                params.insert(part.mid(1), segments[i]);
            } else {
                matches = part == segments[i];
                ++literals;
            }
        }
        if (!matches)
            continue;
        result.pathKnown = true;
        if (literals > bestPathLiterals) {
            bestPathLiterals = literals;
            result.pathMethods.clear();
            result.pathAnyOrigin = false;
        }
        if (literals == bestPathLiterals) {
            result.pathMethods.append(route.method);
            result.pathAnyOrigin = result.pathAnyOrigin || route.access.anyOrigin;
        }
        if (route.method == method && literals > bestLiterals) {
            bestLiterals = literals;
            result.route = &route;
            result.params = std::move(params);
        }
    }
    return result;
}

} // namespace bunting::server
