#pragma once

#include "http/request.h"

#include <QJsonValue>
#include <QList>
#include <QString>
#include <utility>

namespace bunting::server {

// A query string as Django reads it: split at '&', '+' is a space, %XX decoded as UTF-8, a name
// without '=' has an empty value, and the order is kept.
using QueryItems = QList<std::pair<QString, QString>>;
QueryItems parseQueryString(const QString &encoded);

// DRF's LimitOffsetPagination as PostHog configures it: `limit` defaults to 100 (also when it is
// not a positive integer), `offset` to 0 (also when it is not a non-negative integer).
struct PageRequest
{
    static constexpr qint64 defaultLimit = 100;
    qint64 limit = defaultLimit;
    qint64 offset = 0;

    static PageRequest fromQuery(const QueryItems &items);
};

// `next` and `previous` as absolute URLs of the request (scheme, Host header, path, query with
// limit and offset replaced and the parameters sorted, as DRF builds them), or null.
QJsonValue nextPageLink(const ApiRequest &request, const PageRequest &page, qint64 count);
QJsonValue previousPageLink(const ApiRequest &request, const PageRequest &page);

} // namespace bunting::server
