#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QPair>

namespace bunting::server {

// What a route answers: status, body and the headers of its own; HttpServer adds the rest.
struct ApiResponse
{
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers;

    static ApiResponse json(const QJsonValue &value, int status = 200);
    static ApiResponse empty(int status);
};

} // namespace bunting::server
