#include "impact_preview_widget.h"

#include "message_bar.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QHorizontalStackedBarSeries>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <QValueAxis>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

// Colours a reader maps to the change without a legend: gaining green, losing red, switching
// blue, the same in light and dark themes.
const QColor gainColour(0x2e, 0x9d, 0x4f);
const QColor loseColour(0xd2, 0x3f, 0x31);
const QColor switchColour(0x3b, 0x78, 0xd8);

constexpr int barHeight = 26;

QString arrowLabel(const ImpactTransition &t)
{
    return t.from + u" → "_s + t.to;
}

} // namespace

QString impactHeadline(const ImpactSummary &summary)
{
    if (!summary.applicable)
        return summary.notApplicableReason;
    const QLocale locale;
    if (summary.total == 0)
        return ImpactPreviewWidget::tr("There are no known persons to preview this change on.");
    const QString of =
        summary.total == 1
            ? ImpactPreviewWidget::tr("Of 1 known person")
            : ImpactPreviewWidget::tr("Of %1 known persons").arg(locale.toString(summary.total));
    if (summary.changed() == 0)
        return ImpactPreviewWidget::tr("%1, nobody would see a different value.").arg(of);
    QStringList parts;
    if (summary.gaining > 0)
        parts.append(ImpactPreviewWidget::tr("%1 would gain this flag")
                         .arg(locale.toString(summary.gaining)));
    if (summary.losing > 0)
        parts.append(
            ImpactPreviewWidget::tr("%1 would lose it").arg(locale.toString(summary.losing)));
    if (summary.switching > 0)
        parts.append(ImpactPreviewWidget::tr("%1 would switch variant")
                         .arg(locale.toString(summary.switching)));
    QString list = parts.takeLast();
    if (!parts.isEmpty())
        list = ImpactPreviewWidget::tr("%1 and %2").arg(parts.join(u", "_s), list);
    return ImpactPreviewWidget::tr("%1, %2.").arg(of, list);
}

ImpactPreviewWidget::ImpactPreviewWidget(QWidget *parent) : QWidget(parent)
{
    m_button = new QPushButton(tr("Preview impact"), this);
    m_button->setToolTip(tr("How many of the known persons would see a different value if this "
                            "draft were saved"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->hide();
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0);
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(m_button->sizeHint().height() / 2);
    m_progress->hide();

    m_headline = new QLabel(this);
    m_headline->setWordWrap(true);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_headline->hide();
    m_caveat = new QLabel(this);
    m_caveat->setWordWrap(true);
    m_caveat->setForegroundRole(QPalette::PlaceholderText);
    m_caveat->hide();
    m_error = new MessageBar(this);
    m_error->hide();

    m_chart = new QChart();
    m_chart->legend()->hide();
    m_chart->setBackgroundVisible(false);
    m_chart->setMargins(QMargins(0, 0, 0, 0));
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    m_chartView = new QChartView(m_chart, this);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setFrameShape(QFrame::NoFrame);
    m_chartView->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_chartView->hide();

    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_button);
    row->addWidget(m_progress, 1);
    row->addWidget(m_cancel);
    row->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_error);
    layout->addWidget(m_headline);
    layout->addWidget(m_chartView);
    layout->addWidget(m_caveat);

    connect(m_button, &QPushButton::clicked, this, &ImpactPreviewWidget::requested);
    connect(m_cancel, &QPushButton::clicked, this, &ImpactPreviewWidget::cancelRequested);
}

void ImpactPreviewWidget::setPreviewAvailable(bool available, const QString &whyNot)
{
    m_button->setEnabled(available && !m_busy);
    m_button->setProperty("available", available);
    m_button->setToolTip(available || whyNot.isEmpty()
                             ? tr("How many of the known persons would see a different value if "
                                  "this draft were saved")
                             : whyNot);
}

QString ImpactPreviewWidget::headline() const
{
    return m_headline->isHidden() ? QString() : m_headline->text();
}

QString ImpactPreviewWidget::caveat() const
{
    return m_caveat->isHidden() ? QString() : m_caveat->text();
}

QString ImpactPreviewWidget::error() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QList<std::pair<QString, int>> ImpactPreviewWidget::bars() const
{
    return m_chartView->isHidden() ? QList<std::pair<QString, int>>() : m_bars;
}

void ImpactPreviewWidget::setBusy(bool busy)
{
    m_busy = busy;
    const QVariant available = m_button->property("available");
    m_button->setEnabled(!busy && (!available.isValid() || available.toBool()));
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
    if (busy) {
        m_progress->setRange(0, 0);
        m_error->hide();
    }
}

void ImpactPreviewWidget::setProgress(int loaded, int count)
{
    // PostHog only estimates the count, so the bar never claims to be done before it is.
    m_progress->setRange(0, std::max(count, loaded + 1));
    m_progress->setValue(loaded);
}

void ImpactPreviewWidget::showSummary(const ImpactSummary &summary)
{
    setBusy(false);
    m_error->hide();
    m_headline->setText(impactHeadline(summary));
    m_headline->show();
    m_caveat->setText(summary.caveat);
    m_caveat->setVisible(!summary.caveat.isEmpty());
    showChart(summary);
}

void ImpactPreviewWidget::showError(const QString &message)
{
    setBusy(false);
    m_headline->hide();
    m_caveat->hide();
    m_chartView->hide();
    m_error->showMessage(MessageBar::Kind::Error,
                         tr("The impact could not be computed: %1").arg(message));
    m_error->show();
}

void ImpactPreviewWidget::clear()
{
    setBusy(false);
    m_headline->hide();
    m_caveat->hide();
    m_chartView->hide();
    m_error->hide();
    m_bars.clear();
}

void ImpactPreviewWidget::showChart(const ImpactSummary &summary)
{
    m_chart->removeAllSeries();
    for (QAbstractAxis *axis : m_chart->axes())
        m_chart->removeAxis(axis);
    m_bars.clear();
    if (!summary.applicable || summary.transitions.isEmpty()) {
        m_chartView->hide();
        return;
    }

    auto *gain = new QBarSet(tr("Gain"));
    auto *lose = new QBarSet(tr("Lose"));
    auto *change = new QBarSet(tr("Switch"));
    gain->setColor(gainColour);
    lose->setColor(loseColour);
    change->setColor(switchColour);
    QStringList categories;
    int largest = 0;
    // A horizontal chart draws its first category at the bottom: add them reversed so the
    // largest change is on top.
    for (auto it = summary.transitions.crbegin(); it != summary.transitions.crend(); ++it) {
        const bool gains = it->from == "off"_L1;
        const bool loses = it->to == "off"_L1;
        gain->append(gains ? it->count : 0);
        lose->append(loses ? it->count : 0);
        change->append(!gains && !loses ? it->count : 0);
        categories.append(arrowLabel(*it));
        largest = std::max(largest, it->count);
    }
    for (const ImpactTransition &t : summary.transitions)
        m_bars.append({arrowLabel(t), t.count});

    auto *series = new QHorizontalStackedBarSeries;
    series->append({gain, lose, change});
    series->setBarWidth(0.7);
    series->setLabelsVisible(true);
    series->setLabelsPosition(QAbstractBarSeries::LabelsInsideEnd);
    series->setLabelsFormat(u"@value"_s);
    m_chart->addSeries(series);
    for (QBarSet *set : series->barSets())
        set->setLabelColor(Qt::white);

    auto *names = new QBarCategoryAxis;
    names->append(categories);
    names->setGridLineVisible(false);
    // The categories are short ("off → test"); eliding them would leave only dots.
    names->setTruncateLabels(false);
    names->setLabelsFont(font());
    names->setLabelsColor(palette().color(QPalette::WindowText));
    auto *counts = new QValueAxis;
    counts->setRange(0, largest);
    counts->setLabelFormat(u"%d"_s);
    counts->setTickCount(2);
    counts->setVisible(false);
    m_chart->addAxis(names, Qt::AlignLeft);
    m_chart->addAxis(counts, Qt::AlignBottom);
    series->attachAxis(names);
    series->attachAxis(counts);

    m_chartView->setFixedHeight(int(categories.size()) * barHeight + 16);
    m_chartView->show();
}

} // namespace bunting::views
