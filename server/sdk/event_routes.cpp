// The capture endpoints SDKs send events to: posthog-node's POST /batch/ ({api_key, batch},
// gzip unless disabled) and posthog-js's /e/, /capture/ and /i/v0/e/ (one event or a list,
// plain, gzip-js or base64 form data). Requests are checked and queued; EventIngest applies
// them off the request path.
#include "http/router.h"
#include "http/server.h"
#include "sdk/event_ingest.h"
#include "sdk/request_body.h"
#include "services.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// Past this much JSON a batch is refused, as PostHog's capture limits a request.
constexpr qint64 maxDecodedBytes = 4 * HttpLimits::defaultMaxBodyBytes;

ApiError badPayload(const QString &detail)
{
    return {400, u"validation_error"_s, u"invalid_payload"_s, detail};
}

QByteArray inflated(const QByteArray &data)
{
    const auto text = gunzip(data);
    if (!text)
        throw badPayload(u"Failed to decompress the request body: it is not valid gzip."_s);
    if (text->size() > maxDecodedBytes)
        throw ApiError::tooLarge(maxDecodedBytes);
    return *text;
}

bool looksLikeJson(const QByteArray &data)
{
    const QByteArray trimmed = data.trimmed();
    return trimmed.startsWith('{') || trimmed.startsWith('[');
}

// posthog-js's "base64" compression: the JSON, base64-encoded, as a form field.
QByteArray fromBase64Text(const QByteArray &data)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        data.trimmed(), QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        throw badPayload(u"Failed to decode the request body: it is neither JSON nor base64."_s);
    return *decoded;
}

// The request's JSON text, whatever way the SDK packed it.
QByteArray decodedBody(const ApiRequest &r, QString *formToken)
{
    QByteArray body = r.body;
    const QString compression = r.queryValue(u"compression"_s);
    const bool gzipHeader = r.header("content-encoding").trimmed().toLower() == "gzip";
    const bool gzipMagic = body.size() >= 2 && uchar(body[0]) == 0x1f && uchar(body[1]) == 0x8b;
    if (gzipHeader || gzipMagic || compression == "gzip-js"_L1 || compression == "gzip"_L1)
        return inflated(body);
    if (compression == "lz64"_L1)
        throw badPayload(u"lz64 compression is not supported; send gzip-js or plain JSON."_s);

    if (r.header("content-type").toLower().startsWith("application/x-www-form-urlencoded")) {
        const QUrlQuery form(QString::fromUtf8(body));
        QByteArray data = form.queryItemValue(u"data"_s, QUrl::FullyDecoded).toUtf8();
        if (formToken)
            *formToken = form.queryItemValue(u"api_key"_s, QUrl::FullyDecoded);
        const QString formCompression = form.queryItemValue(u"compression"_s);
        if (formCompression == "gzip-js"_L1 || formCompression == "gzip"_L1)
            return inflated(looksLikeJson(data) ? data : fromBase64Text(data));
        return looksLikeJson(data) ? data : fromBase64Text(data);
    }
    if (!body.trimmed().isEmpty() && !looksLikeJson(body))
        return fromBase64Text(body);
    return body;
}

struct Submission
{
    QString token;
    QList<QJsonObject> events;
};

QList<QJsonObject> eventsOf(const QJsonValue &value)
{
    QList<QJsonObject> events;
    if (value.isObject()) {
        events.append(value.toObject());
        return events;
    }
    if (!value.isArray())
        throw badPayload(u"The request must hold an event or a list of events."_s);
    const QJsonArray list = value.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (!list[i].isObject())
            throw badPayload(u"Event %1 of the batch is not an object."_s.arg(i));
        events.append(list[i].toObject());
    }
    return events;
}

Submission parseSubmission(const ApiRequest &r)
{
    QString formToken;
    const QByteArray text = decodedBody(r, &formToken);
    if (text.trimmed().isEmpty())
        throw badPayload(u"No data found. Make sure to use a POST request when sending the payload "
                         "in the body of the request."_s);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        throw badPayload(u"Malformed request data: %1 at offset %2."_s.arg(error.errorString())
                             .arg(error.offset));

    Submission s;
    s.token = formToken;
    if (doc.isArray()) {
        s.events = eventsOf(doc.array());
    } else {
        const QJsonObject root = doc.object();
        for (const auto name : {"api_key"_L1, "token"_L1})
            if (s.token.isEmpty())
                s.token = root.value(name).toString();
        if (root.contains("batch"_L1))
            s.events = eventsOf(root.value("batch"_L1));
        else if (root.contains("data"_L1)) {
            QJsonValue data = root.value("data"_L1);
            // Old clients put the base64 text of the events in "data".
            if (data.isString()) {
                const QJsonDocument inner =
                    QJsonDocument::fromJson(fromBase64Text(data.toString().toUtf8()), &error);
                if (error.error != QJsonParseError::NoError)
                    throw badPayload(u"Malformed request data in \"data\"."_s);
                data = inner.isArray() ? QJsonValue(inner.array()) : QJsonValue(inner.object());
            }
            s.events = eventsOf(data);
        } else {
            s.events = {root};
        }
    }
    if (s.events.isEmpty())
        throw badPayload(u"The batch holds no events."_s);

    for (qsizetype i = 0; i < s.events.size(); ++i) {
        const QJsonObject &event = s.events[i];
        if (event.value("event"_L1).toString().isEmpty())
            throw badPayload(u"Event %1 has no event name."_s.arg(i));
        if (EventIngest::distinctIdOf(event).isEmpty())
            throw badPayload(u"Event %1 has no distinct_id."_s.arg(i));
        if (!event.value("properties"_L1).isUndefined() && !event.value("properties"_L1).isObject())
            throw badPayload(u"The properties of event %1 are not an object."_s.arg(i));
    }
    // posthog-js puts the project token in each event's properties.
    if (s.token.isEmpty())
        s.token = r.queryValue(u"token"_s);
    if (s.token.isEmpty())
        s.token = r.queryValue(u"api_key"_s);
    if (s.token.isEmpty()) {
        const QJsonObject &first = s.events.first();
        s.token = first.value("properties"_L1).toObject().value("token"_L1).toString();
        if (s.token.isEmpty())
            s.token = first.value("api_key"_L1).toString();
    }
    return s;
}

ApiResponse capture(ApiRequest &r, Services &services)
{
    const Submission s = parseSubmission(r);
    if (s.token.isEmpty())
        throw ApiError(401, u"authentication_error"_s, u"missing_api_key"_s,
                       u"API key not provided. You can find your project API key in PostHog "
                       "project settings."_s);
    const auto projectId = services.events.projectForToken(s.token);
    if (!projectId)
        throw ApiError(401, u"authentication_error"_s, u"invalid_api_key"_s,
                       u"Project API key invalid. You can find your project API key in PostHog "
                       "project settings."_s);
    services.events.enqueue(*projectId, s.events);
    return ApiResponse::json(QJsonObject{{u"status"_s, 1}});
}

} // namespace

void addSdkEventRoutes(Router &router, Services &services)
{
    const auto handler = [&services](ApiRequest &r) { return capture(r, services); };
    for (const QString &path : {u"/batch"_s, u"/e"_s, u"/capture"_s, u"/i/v0/e"_s})
        router.add(Post, path, RouteAccess::sdk(), handler);
}

} // namespace bunting::server
