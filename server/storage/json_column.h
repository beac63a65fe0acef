#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QVariant>

namespace bunting::server {

// JSON columns hold compact JSON text, on SQLite and PostgreSQL alike (see Database). A column
// that is not the JSON kind asked for reads as an empty object or array.
QString jsonColumn(const QJsonObject &object);
QString jsonColumn(const QJsonArray &array);
QJsonObject objectFromColumn(const QVariant &column);
QJsonArray arrayFromColumn(const QVariant &column);

} // namespace bunting::server
