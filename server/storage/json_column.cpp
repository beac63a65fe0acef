#include "storage/json_column.h"

#include <QJsonDocument>

namespace bunting::server {

QString jsonColumn(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString jsonColumn(const QJsonArray &array)
{
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QJsonObject objectFromColumn(const QVariant &column)
{
    return QJsonDocument::fromJson(column.toString().toUtf8()).object();
}

QJsonArray arrayFromColumn(const QVariant &column)
{
    return QJsonDocument::fromJson(column.toString().toUtf8()).array();
}

} // namespace bunting::server
