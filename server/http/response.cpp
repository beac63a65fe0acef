#include "http/response.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace bunting::server {

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

} // namespace bunting::server
