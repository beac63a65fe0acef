#include "rollout_split_chart.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QGraphicsLayout>
#include <QHorizontalStackedBarSeries>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QVBoxLayout>
#include <QValueAxis>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

// Distinct in hue and readable with white labels on light and dark backgrounds alike.
const QList<QColor> palette{QColor(0x3b, 0x78, 0xd8), QColor(0xe0, 0x7b, 0x29),
                            QColor(0x8e, 0x4f, 0xc4), QColor(0x1d, 0x9a, 0xa8),
                            QColor(0xc2, 0x3b, 0x6e), QColor(0x6d, 0x8f, 0x1f),
                            QColor(0xb0, 0x85, 0x1a), QColor(0x5a, 0x6b, 0x8c)};
const QColor trueColour(0x2e, 0x9d, 0x4f);
const QColor falseColour(0x8a, 0x8a, 0x8a);

constexpr int rolloutBarHeight = 30;
// The share of the chart's width the condition labels may take.
constexpr double labelShare = 0.55;
// The chart draws labels as rich text items, a little wider than the widget's metrics say.
constexpr double labelSlack = 1.15;

QChart *newChart()
{
    auto *chart = new QChart();
    chart->setBackgroundVisible(false);
    chart->setMargins(QMargins(0, 0, 0, 0));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->legend()->hide();
    return chart;
}

QChartView *newView(QChart *chart, QWidget *parent)
{
    auto *view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setFrameShape(QFrame::NoFrame);
    view->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    view->setStyleSheet(u"background: transparent"_s);
    return view;
}

void clearChart(QChart *chart)
{
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes())
        chart->removeAxis(axis);
}

QLabel *sectionTitle(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    return label;
}

} // namespace

QColor variantColour(int index)
{
    return palette.at(std::max(0, index) % palette.size());
}

QColor responseColour(const QString &response, const QStringList &variantKeys, int order)
{
    if (response == "true"_L1)
        return trueColour;
    if (response == "false"_L1)
        return falseColour;
    const qsizetype index = variantKeys.indexOf(response);
    return variantColour(index >= 0 ? int(index) : int(variantKeys.size()) + order);
}

QString rolloutCategoryLabel(const models::ConditionRollout &rollout, const QFontMetrics &metrics,
                             int maxWidth)
{
    QString summary = rollout.summary;
    if (!rollout.variantOverride.isEmpty())
        summary += u" → "_s + rollout.variantOverride;
    const QString prefix = rollout.label + u": "_s;
    // The "Condition set N" prefix stays whole: it tells the bars apart (and the axis needs
    // distinct categories).
    const int room =
        std::max(maxWidth - metrics.horizontalAdvance(prefix), metrics.horizontalAdvance(u"M…"_s));
    return prefix + metrics.elidedText(summary, Qt::ElideRight, room);
}

RolloutSplitChart::RolloutSplitChart(QWidget *parent) : QWidget(parent)
{
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->hide();
    m_variantTitle = sectionTitle(tr("Variants"), this);
    m_rolloutTitle = sectionTitle(tr("Rollout per condition set"), this);
    m_variantChart = newChart();
    m_variantView = newView(m_variantChart, this);
    m_rolloutChart = newChart();
    m_rolloutView = newView(m_rolloutChart, this);
    m_rolloutView->installEventFilter(this);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_note);
    layout->addWidget(m_variantTitle);
    layout->addWidget(m_variantView);
    layout->addWidget(m_rolloutTitle);
    layout->addWidget(m_rolloutView);
    layout->addStretch();
    rebuild();
}

void RolloutSplitChart::setFlag(const FeatureFlag &flag)
{
    m_flag = flag;
    m_shares = models::variantShares(flag);
    m_rollouts = models::conditionRollouts(flag);
    rebuild();
}

bool RolloutSplitChart::showsVariants() const
{
    return !m_variantView->isHidden();
}

QString RolloutSplitChart::note() const
{
    return m_note->isHidden() ? QString() : m_note->text();
}

void RolloutSplitChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // Axis and legend text take the palette's colours when drawn, not when it changes.
    if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) &&
        !m_rebuilding)
        rebuild();
}

void RolloutSplitChart::rebuild()
{
    m_rebuilding = true;
    if (!m_flag.active)
        m_note->setText(tr("This flag is switched off: nobody gets it, whatever the split "
                           "below says."));
    else if (m_rollouts.isEmpty())
        m_note->setText(tr("This flag has no release conditions: nobody gets it."));
    m_note->setVisible(!m_flag.active || m_rollouts.isEmpty());
    buildVariants();
    buildRollouts();
    m_rebuilding = false;
}

// The smallest share whose segment holds its "NN%" label at the chart's usual width.
constexpr double kLabelledShare = 7;

void RolloutSplitChart::buildVariants()
{
    clearChart(m_variantChart);
    const bool shown = !m_shares.isEmpty();
    m_variantTitle->setVisible(shown);
    m_variantView->setVisible(shown);
    if (!shown)
        return;

    auto *series = new QHorizontalStackedBarSeries;
    for (qsizetype i = 0; i < m_shares.size(); ++i) {
        auto *set = new QBarSet(m_shares.at(i).label());
        set->append(m_shares.at(i).percent);
        set->setColor(variantColour(int(i)));
        set->setBorderColor(palette().color(QPalette::Window));
        // A label wider than its segment would spill over the next one: a narrow share is
        // named by the legend only.
        set->setLabelColor(m_shares.at(i).percent < kLabelledShare ? QColor(Qt::transparent)
                                                                   : QColor(Qt::white));
        series->append(set);
    }
    series->setBarWidth(0.9);
    series->setLabelsVisible(true);
    series->setLabelsPosition(QAbstractBarSeries::LabelsCenter);
    series->setLabelsFormat(u"@value%"_s);
    m_variantChart->addSeries(series);

    auto *category = new QBarCategoryAxis;
    category->append(QString());
    category->setVisible(false);
    auto *percent = new QValueAxis;
    // Shares that do not add up to 100 (an invalid draft) still fit.
    double sum = 0;
    for (const models::VariantShare &share : m_shares)
        sum += share.percent;
    percent->setRange(0, std::max(100.0, sum));
    percent->setVisible(false);
    m_variantChart->addAxis(category, Qt::AlignLeft);
    m_variantChart->addAxis(percent, Qt::AlignBottom);
    series->attachAxis(category);
    series->attachAxis(percent);

    QLegend *legend = m_variantChart->legend();
    legend->setVisible(true);
    legend->setAlignment(Qt::AlignBottom);
    legend->setLabelColor(palette().color(QPalette::WindowText));
    legend->setFont(font());
    const int rows = int(m_shares.size() + 2) / 3;
    m_variantView->setFixedHeight(44 + rows * (fontMetrics().height() + 10));
}

void RolloutSplitChart::buildRollouts()
{
    clearChart(m_rolloutChart);
    const bool shown = !m_rollouts.isEmpty();
    m_rolloutTitle->setVisible(shown);
    m_rolloutView->setVisible(shown);
    if (!shown)
        return;

    auto *rolledOut = new QBarSet(tr("Rolled out"));
    auto *rest = new QBarSet(tr("Not rolled out"));
    QColor restColour = palette().color(QPalette::WindowText);
    restColour.setAlphaF(0.12f);
    rolledOut->setColor(m_flag.active ? trueColour : falseColour);
    rolledOut->setBorderColor(Qt::transparent);
    rolledOut->setLabelColor(Qt::white);
    rest->setColor(restColour);
    rest->setBorderColor(Qt::transparent);
    rest->setLabelColor(Qt::transparent);
    QStringList categories;
    // A horizontal chart draws its first category at the bottom: reversed, set 1 is on top.
    for (auto it = m_rollouts.crbegin(); it != m_rollouts.crend(); ++it) {
        const double percent = std::clamp(it->percent, 0.0, 100.0);
        rolledOut->append(percent);
        rest->append(100 - percent);
        categories.append(
            rolloutCategoryLabel(*it, fontMetrics(), maxLabelWidth(m_rolloutView->width())));
    }
    auto *series = new QHorizontalStackedBarSeries;
    series->append({rolledOut, rest});
    series->setBarWidth(0.7);
    m_rolloutChart->addSeries(series);
    // Only the rolled-out part is labelled; the rest is its complement.
    series->setLabelsVisible(true);
    series->setLabelsPosition(QAbstractBarSeries::LabelsInsideBase);
    series->setLabelsFormat(u"@value%"_s);

    auto *names = new QBarCategoryAxis;
    names->append(categories);
    names->setGridLineVisible(false);
    // Qt's layout gives category labels little room and elides them to nothing; they are fitted
    // beforehand (rolloutCategoryLabel) and placeRolloutPlot() makes room for them.
    names->setTruncateLabels(false);
    names->setLabelsFont(font());
    names->setLabelsColor(palette().color(QPalette::WindowText));
    names->setLinePen(Qt::NoPen);
    auto *percent = new QValueAxis;
    percent->setRange(0, 100);
    percent->setTickCount(5);
    percent->setLabelFormat(u"%d%%"_s);
    percent->setLabelsFont(font());
    percent->setLabelsColor(palette().color(QPalette::PlaceholderText));
    QColor grid = palette().color(QPalette::WindowText);
    grid.setAlphaF(0.15f);
    percent->setGridLineColor(grid);
    percent->setLinePen(Qt::NoPen);
    m_rolloutChart->addAxis(names, Qt::AlignLeft);
    m_rolloutChart->addAxis(percent, Qt::AlignBottom);
    series->attachAxis(names);
    series->attachAxis(percent);

    m_rolloutView->setFixedHeight(int(categories.size()) * rolloutBarHeight +
                                  fontMetrics().height() + 20);
    placeRolloutPlot();
}

int RolloutSplitChart::maxLabelWidth(int chartWidth) const
{
    return int((chartWidth * labelShare - 24) / labelSlack);
}

void RolloutSplitChart::placeRolloutPlot()
{
    if (m_rolloutChart->series().isEmpty())
        return;
    const QList<QAbstractAxis *> axes = m_rolloutChart->axes(Qt::Vertical);
    auto *names = axes.isEmpty() ? nullptr : qobject_cast<QBarCategoryAxis *>(axes.first());
    if (!names)
        return;
    const QSizeF size = m_rolloutView->size();
    // Labels fitted to the width the view has now, in the axis's bottom-up order.
    QStringList categories;
    int widest = 0;
    for (auto it = m_rollouts.crbegin(); it != m_rollouts.crend(); ++it) {
        categories.append(
            rolloutCategoryLabel(*it, fontMetrics(), maxLabelWidth(int(size.width()))));
        widest = std::max(widest, fontMetrics().horizontalAdvance(categories.constLast()));
    }
    if (names->categories() != categories)
        names->setCategories(categories);
    const qreal left = std::min<qreal>(widest * labelSlack + 24, size.width() * labelShare);
    const qreal bottom = fontMetrics().height() + 10;
    // Room on the right for half of the "100%" tick label centred on the last grid line.
    const qreal right = fontMetrics().horizontalAdvance(u"100%"_s) / 2.0 + 4;
    m_rolloutChart->setPlotArea(QRectF(left, 4, std::max<qreal>(size.width() - left - right, 10),
                                       std::max<qreal>(size.height() - bottom - 4, 10)));
}

bool RolloutSplitChart::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_rolloutView && event->type() == QEvent::Resize)
        placeRolloutPlot();
    return QWidget::eventFilter(watched, event);
}

} // namespace bunting::views
