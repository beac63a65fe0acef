#pragma once

#include "impact_preview.h"

#include <QWidget>

class QChart;
class QChartView;
class QHorizontalStackedBarSeries;
class QLabel;
class QProgressBar;
class QPushButton;

namespace bunting::views {

class MessageBar;

// "Before saving, who would this change?": a button asking for the preview, then one sentence
// with the counts and a bar per change (off -> on, control -> test, ...). It computes nothing:
// the caller runs an ImpactPreview on requested() and feeds its signals to the slots.
class ImpactPreviewWidget : public QWidget
{
    Q_OBJECT
public:
    explicit ImpactPreviewWidget(QWidget *parent = nullptr);

    // The caller enables it where a preview can be computed (the local profile), with a tooltip
    // saying why not elsewhere.
    void setPreviewAvailable(bool available, const QString &whyNot = {});

    QPushButton *previewButton() const { return m_button; }
    QString headline() const;
    QString caveat() const;
    QString error() const;
    bool isBusy() const { return m_busy; }
    // One row per change shown in the chart, as "from → to" with its count; empty when hidden.
    QList<std::pair<QString, int>> bars() const;

public Q_SLOTS:
    void setBusy(bool busy);
    void setProgress(int loaded, int count);
    void showSummary(const bunting::ImpactSummary &summary);
    void showError(const QString &message);
    // Back to the button alone, e.g. after the draft changed.
    void clear();

Q_SIGNALS:
    void requested();
    void cancelRequested();

private:
    void showChart(const ImpactSummary &summary);

    QPushButton *m_button = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_headline = nullptr;
    QLabel *m_caveat = nullptr;
    MessageBar *m_error = nullptr;
    QChart *m_chart = nullptr;
    QChartView *m_chartView = nullptr;
    QList<std::pair<QString, int>> m_bars;
    bool m_busy = false;
};

// "Of 1,234 known persons, 120 would gain this flag, 15 would lose it and 3 would switch
// variant." in the current locale.
QString impactHeadline(const ImpactSummary &summary);

} // namespace bunting::views
