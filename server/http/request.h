#pragma once

#include <QHash>
#include <QJsonObject>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

namespace bunting::server {

// The methods the server tells apart; any other is `Other`, which no route has.
enum class HttpMethod { Get, Head, Post, Put, Patch, Delete, Options, Other };

QString methodName(HttpMethod method);

// Who is calling: resolved from the personal API key before a route runs.
struct Principal
{
    qint64 userId = 0;
    qint64 keyId = 0;
    QStringList scopes;           // "feature_flag:read", "*", ...
    QList<qint64> scopedProjects; // empty: every project of the user's organization
    bool allows(const QString &scope) const;
};

struct ApiRequest
{
    HttpMethod method = HttpMethod::Get;
    QUrl url;
    QStringList segments; // the path split at '/', without empty parts
    QUrlQuery query;
    // A personal API key sent as `?personal_api_key=`, taken out of `url` and `query` so that no
    // link the answer builds (a `next` page) and no log line repeats it.
    QString queryApiKey;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QHash<QString, QString> params;        // from the route pattern
    Principal principal;
    qint64 projectId = 0; // the `:project` of the path, resolved and access-checked
    bool quiet = false;   // the route asked for successful calls to be logged at debug level
    const QString *route = nullptr; // the pattern of the route that answered, for /metrics

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    QString param(const QString &name) const { return params.value(name); }
    QString queryValue(const QString &name) const;
    // Moves `?personal_api_key=` out of `url` and `query` into `queryApiKey`.
    void takeQueryApiKey();
    // The body as a JSON object; an ApiError (400 parse_error) for anything else.
    QJsonObject jsonObject() const;
    // The integer path parameter, or a 404 as PostHog answers for a malformed id.
    qint64 idParam(const QString &name) const;
};

// How deep a request body's JSON may nest, objects and arrays together. Ours, not PostHog's:
// deeper than any SDK or client sends, and far short of what recursing through it would cost
// (Qt's parser alone goes to 1024 levels, and every walk over the document recurses).
inline constexpr int kMaxJsonDepth = 64;

// An ApiError (400 parse_error) when `json` nests deeper than kMaxJsonDepth. It reads the bytes
// without parsing them, so it is safe at any depth; call it before QJsonDocument::fromJson().
void checkJsonDepth(const QByteArray &json);

} // namespace bunting::server
