#include "http/api_error.h"

using namespace Qt::StringLiterals;

namespace bunting::server {

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

} // namespace bunting::server
