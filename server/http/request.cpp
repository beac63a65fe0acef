#include "http/request.h"

#include "http/api_error.h"

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
