#include "http/cross_origin.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

QByteArray methodList(const QList<HttpMethod> &methods)
{
    QStringList names;
    for (HttpMethod method : methods)
        names.append(methodName(method));
    if (!methods.contains(HttpMethod::Options))
        names.append(u"OPTIONS"_s);
    return names.join(u", "_s).toLatin1();
}

void addHeader(ApiResponse &response, const QByteArray &name, const QByteArray &value)
{
    response.headers.append({name, value});
}

void addVary(ApiResponse &response, const QByteArray &names)
{
    for (auto &[name, value] : response.headers) {
        if (name.compare("Vary", Qt::CaseInsensitive) == 0) {
            value += ", " + names;
            return;
        }
    }
    addHeader(response, "Vary", names);
}

} // namespace

CrossOriginPolicy::CrossOriginPolicy(QStringList apiOrigins)
{
    for (const QString &origin : apiOrigins)
        m_apiOrigins.append(origin.toUtf8());
}

std::optional<QStringList> CrossOriginPolicy::parseOrigins(const QStringList &texts, QString *error)
{
    QStringList origins;
    for (const QString &text : texts) {
        // Browsers send an origin as scheme://host[:port], lower case, without the scheme's
        // default port; an origin given otherwise is written that way so that it matches.
        const QUrl url(text.trimmed(), QUrl::StrictMode);
        const bool bare = url.path().isEmpty() || url.path() == "/"_L1;
        if (!url.isValid() || (url.scheme() != "http"_L1 && url.scheme() != "https"_L1) ||
            url.host().isEmpty() || !bare || url.hasQuery() || url.hasFragment() ||
            !url.userInfo().isEmpty()) {
            if (error)
                *error = u"'%1' is not an origin; write it as a browser sends it, e.g. "
                         "http://localhost:3000"_s.arg(text);
            return std::nullopt;
        }
        QUrl origin = url.adjusted(QUrl::RemovePath);
        if ((origin.scheme() == "http"_L1 && origin.port() == 80) ||
            (origin.scheme() == "https"_L1 && origin.port() == 443))
            origin.setPort(-1);
        origins.append(origin.toString(QUrl::FullyEncoded));
    }
    return origins;
}

bool CrossOriginPolicy::allows(const QByteArray &origin, bool anyOrigin) const
{
    return anyOrigin || m_apiOrigins.contains(origin);
}

ApiResponse CrossOriginPolicy::answerOptions(const ApiRequest &request, bool anyOrigin,
                                             const QList<HttpMethod> &methods) const
{
    const QByteArray origin = request.header("origin");
    const QByteArray askedMethod = request.header("access-control-request-method");
    if (origin.isEmpty() || askedMethod.isEmpty()) {
        ApiResponse plain = ApiResponse::empty(200);
        addHeader(plain, "Allow", methodList(methods));
        return plain;
    }
    checkCaller(request, anyOrigin);
    ApiResponse preflight = ApiResponse::empty(200);
    addHeader(preflight, "Access-Control-Allow-Methods", methodList(methods));
    // Mirrored, as PostHog's services do: SDKs, proxies and tracing libraries add headers of
    // their own, and a header refused here fails the page's request.
    const QByteArray askedHeaders = request.header("access-control-request-headers");
    if (!askedHeaders.isEmpty())
        addHeader(preflight, "Access-Control-Allow-Headers", askedHeaders);
    addHeader(preflight, "Access-Control-Max-Age", QByteArray::number(preflightMaxAgeSeconds));
    addVary(preflight, "Access-Control-Request-Method, Access-Control-Request-Headers");
    return preflight;
}

void CrossOriginPolicy::checkCaller(const ApiRequest &request, bool anyOrigin) const
{
    const QByteArray origin = request.header("origin");
    if (origin.isEmpty() || allows(origin, anyOrigin))
        return;
    throw ApiError(403, u"authentication_error"_s, u"permission_denied"_s,
                   u"Web pages from %1 may not call this API. Start bunting-server with "
                   "--allow-origin %1 to let them."_s.arg(QString::fromUtf8(origin)));
}

void CrossOriginPolicy::addHeaders(const ApiRequest &request, bool anyOrigin,
                                   ApiResponse &response) const
{
    const QByteArray origin = request.header("origin");
    if (!origin.isEmpty() && allows(origin, anyOrigin)) {
        addHeader(response, "Access-Control-Allow-Origin", origin);
        addHeader(response, "Access-Control-Allow-Credentials", "true");
    }
    // The answer differs by the page's origin, so no cache may hand it to another page.
    if (anyOrigin || !m_apiOrigins.isEmpty())
        addVary(response, "Origin");
}

} // namespace bunting::server
