#pragma once

// How the usage chart's suites read a drawn line back, to compare it with the calls sent.
#include <QChart>
#include <QDate>
#include <QDateTime>
#include <QLineSeries>
#include <QMap>

namespace widget_test {

// The line of one response ("<response> · N calls") as (local day, count), summed over that
// response's lines.
inline QMap<QDate, qint64> usageLinePoints(QChart *chart, const QString &response)
{
    QMap<QDate, qint64> points;
    for (QAbstractSeries *series : chart->series()) {
        auto *line = qobject_cast<QLineSeries *>(series);
        if (!line || !line->name().startsWith(response + QStringLiteral(" · ")))
            continue;
        for (const QPointF &p : line->points())
            points[QDateTime::fromMSecsSinceEpoch(qint64(p.x())).date()] += qint64(p.y());
    }
    return points;
}

} // namespace widget_test
