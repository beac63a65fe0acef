#pragma once

#include <QJsonObject>
#include <QString>
#include <chrono>

namespace bunting::api {

// Why a call did not give its result. PostHog's error body (`type`, `code`, `detail`, `attr`)
// is kept as it came, so a view can point at the field `attr` names.
struct ApiError
{
    enum class Kind {
        Unreachable,     // DNS, refused connection, TLS: the host did not answer
        Timeout,         // no answer within the call's time limit
        Canceled,        // the caller (or a newer call) canceled it
        Http,            // the server answered with a status >= 400
        InvalidResponse, // a 2xx answer that is not the JSON the call expects
    };

    Kind kind = Kind::Http;
    int status = 0; // HTTP status, 0 when the server never answered
    QString type;   // "validation_error", "authentication_error", ...
    QString code;
    QString detail;
    QString attr;
    QJsonObject body; // the whole error body, for answers with more than the four fields
    QString host;     // the host called, for the sentences of Unreachable and Timeout
    QString reason;   // below HTTP: the network's words, or what was wrong with a 2xx answer
    std::chrono::milliseconds timeout{0}; // Timeout: the limit that ran out
    int retryAfter = 0; // seconds the server asked to wait (429, 503); 0 when it did not say

    // One sentence a person can act on: the server's `detail` when it gave one, otherwise what
    // went wrong in plain words ("The host did not answer.", "The request timed out.").
    QString message() const;
    bool isAuthentication() const { return status == 401; }
    bool isPermission() const { return status == 403; }
    bool isNotFound() const { return status == 404; }
    bool isConflict() const { return status == 409; }

    // From an HTTP error answer; a body that is not PostHog's shape still gives a message.
    static ApiError fromHttp(int status, const QByteArray &body);
    static ApiError unreachable(const QString &host, const QString &reason);
    static ApiError timedOut(const QString &host, std::chrono::milliseconds timeout);
    static ApiError canceled();
    static ApiError invalidResponse(int status, const QString &reason);
};

} // namespace bunting::api
