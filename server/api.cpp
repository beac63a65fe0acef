#include "api.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace bunting::server {

bool Principal::allows(const QString &scope) const
{
    if (scopes.contains("*"_L1) || scopes.contains(scope))
        return true;
    // Writing a kind of object implies reading it.
    if (scope.endsWith(":read"_L1)) {
        const QString write = scope.chopped(5) + ":write"_L1;
        return scopes.contains(write);
    }
    return false;
}

QString ApiRequest::queryValue(const QString &name) const
{
    return query.queryItemValue(name, QUrl::FullyDecoded);
}

void ApiRequest::takeQueryApiKey()
{
    static const QString name = u"personal_api_key"_s;
    if (!query.hasQueryItem(name))
        return;
    queryApiKey = query.queryItemValue(name, QUrl::FullyDecoded);
    query.removeAllQueryItems(name);
    QUrlQuery inUrl(url);
    inUrl.removeAllQueryItems(name);
    url.setQuery(inUrl);
}

void checkJsonDepth(const QByteArray &json)
{
    int depth = 0;
    bool inString = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            if (c == '\\')
                ++i; // an escaped character, a quote among them
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth)
                throw ApiError::parse(
                    u"JSON parse error - nested deeper than %1 levels"_s.arg(kMaxJsonDepth));
        } else if (c == ']' || c == '}') {
            --depth; // unbalanced text is the parser's to refuse
        }
    }
}

QJsonObject ApiRequest::jsonObject() const
{
    if (body.trimmed().isEmpty())
        return {};
    checkJsonDepth(body);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        throw ApiError::parse(
            u"JSON parse error - %1 at offset %2"_s.arg(error.errorString()).arg(error.offset));
    if (!doc.isObject())
        throw ApiError::parse(u"JSON parse error - expected an object"_s);
    return doc.object();
}

qint64 ApiRequest::idParam(const QString &name) const
{
    bool ok = false;
    const qint64 id = params.value(name).toLongLong(&ok);
    if (!ok)
        throw ApiError::notFound();
    return id;
}

ApiResponse ApiResponse::json(const QJsonValue &value, int status)
{
    ApiResponse r;
    r.status = status;
    if (value.isObject())
        r.body = QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    else if (value.isArray())
        r.body = QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    else
        r.body = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).mid(1).chopped(1);
    return r;
}

ApiResponse ApiResponse::empty(int status)
{
    ApiResponse r;
    r.status = status;
    r.contentType.clear();
    return r;
}

ApiError::ApiError(int status, QString type, QString code, QString detail, QString attr)
    : m_status(status), m_type(std::move(type)), m_code(std::move(code)),
      m_detail(std::move(detail)), m_attr(std::move(attr))
{
}

ApiError ApiError::validation(const QString &code, const QString &detail, const QString &attr)
{
    return {400, u"validation_error"_s, code, detail, attr};
}

ApiError ApiError::parse(const QString &detail)
{
    return {400, u"invalid_request"_s, u"parse_error"_s, detail};
}

ApiError ApiError::notAuthenticated()
{
    return {401, u"authentication_error"_s, u"not_authenticated"_s,
            u"Authentication credentials were not provided."_s};
}

ApiError ApiError::invalidKey()
{
    return {401, u"authentication_error"_s, u"authentication_failed"_s,
            u"Personal API key found in request Authorization header is invalid."_s};
}

ApiError ApiError::missingScope(const QString &scope)
{
    return {403, u"authentication_error"_s, u"permission_denied"_s,
            u"API key missing required scope '%1'"_s.arg(scope)};
}

ApiError ApiError::notFound()
{
    return {404, u"invalid_request"_s, u"not_found"_s, u"Not found."_s};
}

ApiError ApiError::methodNotAllowed(const QString &method)
{
    return {405, u"invalid_request"_s, u"method_not_allowed"_s,
            u"Method \"%1\" not allowed."_s.arg(method)};
}

ApiError ApiError::tooLarge(qint64 limit)
{
    return {413, u"invalid_request"_s, u"request_too_large"_s,
            u"Request body is larger than %1 bytes."_s.arg(limit)};
}

QJsonObject ApiError::toJson() const
{
    return {{u"type"_s, m_type},
            {u"code"_s, m_code},
            {u"detail"_s, m_detail},
            {u"attr"_s, m_attr.isEmpty() ? QJsonValue() : QJsonValue(m_attr)}};
}

QString methodName(HttpMethod method)
{
    switch (method) {
    case HttpMethod::Get:
        return u"GET"_s;
    case HttpMethod::Head:
        return u"HEAD"_s;
    case HttpMethod::Post:
        return u"POST"_s;
    case HttpMethod::Put:
        return u"PUT"_s;
    case HttpMethod::Patch:
        return u"PATCH"_s;
    case HttpMethod::Delete:
        return u"DELETE"_s;
    case HttpMethod::Options:
        return u"OPTIONS"_s;
    case HttpMethod::Other:
        break;
    }
    return u"UNKNOWN"_s;
}

} // namespace bunting::server
