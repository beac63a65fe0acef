#pragma once

#include "http/response.h"

#include <QJsonObject>
#include <QString>
#include <exception>

namespace bunting::server {

// An error in PostHog's shape: {"type", "code", "detail", "attr"}; thrown by any layer of the
// server and turned into the response where the request is handled.
class ApiError : public std::exception
{
public:
    ApiError(int status, QString type, QString code, QString detail, QString attr = {});

    static ApiError validation(const QString &code, const QString &detail,
                               const QString &attr = {});
    static ApiError parse(const QString &detail);
    static ApiError notAuthenticated();
    static ApiError invalidKey();
    static ApiError missingScope(const QString &scope);
    static ApiError notFound();
    static ApiError methodNotAllowed(const QString &method);
    static ApiError tooLarge(qint64 limit);

    int status() const { return m_status; }
    const QString &detail() const { return m_detail; }
    const QString &attr() const { return m_attr; }
    QJsonObject toJson() const;
    ApiResponse toResponse() const { return ApiResponse::json(toJson(), m_status); }
    const char *what() const noexcept override { return "api error"; }

private:
    int m_status;
    QString m_type;
    QString m_code;
    QString m_detail;
    QString m_attr; // null for none
};

} // namespace bunting::server
