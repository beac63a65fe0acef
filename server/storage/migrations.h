#pragma once

#include <QList>
#include <QString>

namespace bunting::server {

struct Migration
{
    int version;
    QString name;
    QStringList statements; // `{id}` stands for the dialect's auto-increment primary key
};

// Numbered schema changes, applied in order at start; never edit one that has shipped.
const QList<Migration> &migrations();

} // namespace bunting::server
