#include "api_error.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace bunting::api {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bunting::api::ApiError", text);
}

QString seconds(qint64 n)
{
    return n == 1 ? tr("1 second") : tr("%1 seconds").arg(n);
}

// "250 ms", "1.5 seconds", "30 seconds": the unit a person reads a limit in.
QString durationText(std::chrono::milliseconds duration)
{
    const auto ms = duration.count();
    if (ms < 1000)
        return tr("%1 ms").arg(ms);
    if (ms % 1000 == 0)
        return seconds(ms / 1000);
    return tr("%1 seconds").arg(double(ms) / 1000.0, 0, 'f', 1);
}

QString firstString(const QJsonArray &list)
{
    for (const QJsonValue &item : list)
        if (item.isString() && !item.toString().isEmpty())
            return item.toString();
    return {};
}

// Django REST framework without PostHog's exception handler reports invalid fields as
// {"field": ["message", ...]}: the first such field becomes attr and detail.
void readFieldErrors(const QJsonObject &body, ApiError &error)
{
    for (auto it = body.begin(); it != body.end(); ++it) {
        const QString message = firstString(it.value().toArray());
        if (message.isEmpty())
            continue;
        error.detail = message;
        if (it.key() != "non_field_errors"_L1)
            error.attr = it.key();
        return;
    }
}

QString statusSentence(int status, int retryAfter)
{
    switch (status) {
    case 400:
        return tr("The server did not accept the request (HTTP 400).");
    case 401:
        return tr("The API key is not valid.");
    case 403:
        return tr("The API key lacks the permission for this action.");
    case 404:
        return tr("Not found.");
    case 405:
        return tr("The server does not allow this action.");
    case 409:
        return tr("Someone else changed this in the meantime.");
    case 413:
        return tr("The request is too large for the server.");
    case 429:
        return retryAfter > 0 ? tr("Too many requests. Try again in %1.").arg(seconds(retryAfter))
                              : tr("Too many requests. Try again in a moment.");
    case 502:
    case 503:
    case 504:
        return tr("The server is unavailable (HTTP %1). Try again later.").arg(status);
    default:
        break;
    }
    if (status >= 500)
        return tr("The server failed to answer the request (HTTP %1).").arg(status);
    return tr("The server answered with HTTP status %1.").arg(status);
}

} // namespace

QString ApiError::message() const
{
    switch (kind) {
    case Kind::Unreachable:
        if (host.isEmpty())
            return tr("The host did not answer.");
        return reason.isEmpty() ? tr("Could not reach %1.").arg(host)
                                : tr("Could not reach %1: %2.").arg(host, reason);
    case Kind::Timeout: {
        const QString who = host.isEmpty() ? tr("The server") : host;
        return timeout.count() > 0
                   ? tr("The request timed out: %1 did not answer within %2.")
                         .arg(who, durationText(timeout))
                   : tr("The request timed out: %1 did not answer in time.").arg(who);
    }
    case Kind::Canceled:
        return tr("The request was canceled.");
    case Kind::InvalidResponse:
        return reason.isEmpty() ? tr("The server's answer could not be read.")
                                : tr("The server's answer could not be read: %1.").arg(reason);
    case Kind::Http:
        break;
    }
    if (!detail.isEmpty())
        return detail;
    return statusSentence(status, retryAfter);
}

ApiError ApiError::fromHttp(int status, const QByteArray &body)
{
    ApiError error;
    error.kind = Kind::Http;
    error.status = status;

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return error; // HTML from a proxy, or nothing: the status says it all

    if (document.isArray()) {
        error.detail = firstString(document.array());
        return error;
    }
    const QJsonObject object = document.object();
    error.body = object;
    error.type = object.value("type"_L1).toString();
    error.code = object.value("code"_L1).toString();
    error.detail = object.value("detail"_L1).toString();
    error.attr = object.value("attr"_L1).toString();
    // Some of PostHog's actions (bulk calls, usage dashboards) answer {"error": "..."}.
    if (error.detail.isEmpty())
        error.detail = object.value("error"_L1).toString();
    if (error.detail.isEmpty() && error.type.isEmpty())
        readFieldErrors(object, error);
    return error;
}

ApiError ApiError::unreachable(const QString &host, const QString &reason)
{
    ApiError error;
    error.kind = Kind::Unreachable;
    error.host = host;
    error.reason = reason;
    return error;
}

ApiError ApiError::timedOut(const QString &host, std::chrono::milliseconds timeout)
{
    ApiError error;
    error.kind = Kind::Timeout;
    error.host = host;
    error.timeout = timeout;
    return error;
}

ApiError ApiError::canceled()
{
    ApiError error;
    error.kind = Kind::Canceled;
    return error;
}

ApiError ApiError::invalidResponse(int status, const QString &reason)
{
    ApiError error;
    error.kind = Kind::InvalidResponse;
    error.status = status;
    error.reason = reason;
    return error;
}

} // namespace bunting::api
