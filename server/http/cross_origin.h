#pragma once

#include "http/api_error.h"
#include "http/request.h"

#include <QStringList>
#include <optional>

namespace bunting::server {

// Which web pages may call the server from their own origin (CORS).
//
// The SDK endpoints answer every origin the way PostHog's flags and capture services do: the
// request's Origin mirrored, credentials allowed, the requested headers allowed. The management
// API (/api/...) answers only the origins it was given, as PostHog's answers only its own app,
// so that a page on the web cannot drive a developer's local server with a key it found. Clients
// that are not browsers send no Origin and are not affected.
class CrossOriginPolicy
{
public:
    CrossOriginPolicy() = default;
    // `apiOrigins`: "scheme://host[:port]" of the pages that may call the management API.
    explicit CrossOriginPolicy(QStringList apiOrigins);

    // The origins `texts` name, or why one of them is not an origin.
    static std::optional<QStringList> parseOrigins(const QStringList &texts, QString *error);

    // The answer to an OPTIONS request on a path whose routes are `anyOrigin` (or not) and answer
    // `methods`: for a CORS preflight, the methods and headers the page may use (a 403 ApiError
    // for an origin that may not call the route); for a plain OPTIONS, the methods. addHeaders()
    // completes it, as any answer.
    ApiResponse answerOptions(const ApiRequest &request, bool anyOrigin,
                              const QList<HttpMethod> &methods) const;
    // Throws a 403 ApiError when a browser page calls a route its origin may not call. The
    // check is made before the route runs, so a refused write changes nothing.
    void checkCaller(const ApiRequest &request, bool anyOrigin) const;
    // Adds the headers a browser needs to hand `response` to the page that asked.
    void addHeaders(const ApiRequest &request, bool anyOrigin, ApiResponse &response) const;

    // How long a browser may reuse a preflight's answer. PostHog sends none (browsers then
    // keep it 5 s); ten minutes saves a round trip per request, and a changed setting is still
    // seen soon after a restart.
    static constexpr int preflightMaxAgeSeconds = 600;

private:
    bool allows(const QByteArray &origin, bool anyOrigin) const;

    QList<QByteArray> m_apiOrigins;
};

} // namespace bunting::server
