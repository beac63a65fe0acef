#include "activity_log.h"

#include "timestamps.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace bunting::server {

void ActivityLog::record(qint64 projectId, const QString &scope, qint64 itemId,
                         const QString &activity, qint64 userId, const QString &name,
                         const QJsonArray &changes)
{
    const QJsonObject detail{{u"id"_s, QString::number(itemId)}, {u"changes"_s, changes},
                             {u"merge"_s, QJsonValue()},         {u"trigger"_s, QJsonValue()},
                             {u"type"_s, QJsonValue()},          {u"name"_s, name},
                             {u"short_id"_s, QJsonValue()}};
    m_db.exec(u"INSERT INTO activity_log (project_id, scope, item_id, activity, user_id, detail, "
              "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"_s,
              {projectId, scope, QString::number(itemId), activity, userId,
               QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Compact)),
               nowTimestamp()});
}

} // namespace bunting::server
