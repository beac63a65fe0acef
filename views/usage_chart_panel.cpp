#include "usage_chart_panel.h"

#include "client.h"
#include "empty_state.h"
#include "message_bar.h"
#include "rollout_split_chart.h"
#include "web_app_refusal.h"

#include <QAction>
#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QEvent>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <QValueAxis>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

QStringList variantKeysOf(const FeatureFlag &flag)
{
    QStringList keys;
    if (flag.filters.variants)
        for (const Variant &v : *flag.filters.variants)
            keys.append(v.key);
    return keys;
}

QColor faded(QColor colour, float alpha)
{
    colour.setAlphaF(alpha);
    return colour;
}

} // namespace

std::pair<qint64, int> countAxisRange(qint64 largest)
{
    constexpr int intervals = 4;
    const qint64 rawStep = std::max<qint64>(1, (largest + intervals - 1) / intervals);
    qint64 magnitude = 1;
    while (magnitude * 10 <= rawStep)
        magnitude *= 10;
    qint64 step = magnitude;
    for (qint64 factor : {1, 2, 5, 10}) {
        step = factor * magnitude;
        if (step >= rawStep)
            break;
    }
    return {step * intervals, intervals + 1};
}

UsageChartPanel::UsageChartPanel(QWidget *parent) : QWidget(parent)
{
    m_loader = new models::UsageLoader(this);

    m_title = new QLabel(tr("Calls per day"), this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_range = new QLabel(this);
    m_range->setForegroundRole(QPalette::PlaceholderText);
    m_enrich = new QPushButton(tr("Add enriched insights"), this);
    m_enrich->setToolTip(tr("Add PostHog's insights on feature views and interactions to the "
                            "usage dashboard"));
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setToolTip(tr("Load the usage again (F5)"));
    m_refreshAction = new QAction(tr("Refresh usage"), this);
    m_refreshAction->setShortcut(QKeySequence::Refresh);
    m_refreshAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_refreshAction);

    m_message = new MessageBar(this);
    m_message->hide();

    m_empty = new EmptyState(this);
    m_busyPage = new QWidget(this);
    auto *progress = new QProgressBar(m_busyPage);
    progress->setRange(0, 0);
    progress->setTextVisible(false);
    progress->setMaximumWidth(240);
    m_busyText = new QLabel(m_busyPage);
    m_busyText->setAlignment(Qt::AlignCenter);
    auto *busyLayout = new QVBoxLayout(m_busyPage);
    busyLayout->addStretch();
    busyLayout->addWidget(m_busyText);
    busyLayout->addWidget(progress, 0, Qt::AlignHCenter);
    busyLayout->addStretch();

    m_chart = new QChart();
    m_chart->setBackgroundVisible(false);
    m_chart->setMargins(QMargins(4, 4, 12, 0));
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chartView = new QChartView(m_chart);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setFrameShape(QFrame::NoFrame);
    m_chartView->setStyleSheet(u"background: transparent"_s);
    m_chartView->setMinimumHeight(220);
    m_uniqueUsers = new QLabel;
    m_uniqueUsers->setWordWrap(true);
    m_uniqueUsers->setForegroundRole(QPalette::PlaceholderText);
    m_chartPage = new QWidget(this);
    auto *chartLayout = new QVBoxLayout(m_chartPage);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addWidget(m_chartView, 1);
    chartLayout->addWidget(m_uniqueUsers);

    m_noCalls = new QLabel(this);
    m_noCalls->setAlignment(Qt::AlignCenter);
    m_noCalls->setWordWrap(true);
    m_noCalls->setForegroundRole(QPalette::PlaceholderText);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(m_empty);     // Page::Empty, Page::Failed
    m_pages->addWidget(m_busyPage);  // Page::Busy
    m_pages->addWidget(m_chartPage); // Page::Chart
    m_pages->addWidget(m_noCalls);   // Page::NoCalls

    auto *header = new QHBoxLayout;
    header->addWidget(m_title);
    header->addWidget(m_range);
    header->addStretch();
    header->addWidget(m_enrich);
    header->addWidget(m_refresh);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_message);
    layout->addWidget(m_pages, 1);

    connect(m_refresh, &QPushButton::clicked, m_loader, &models::UsageLoader::reload);
    connect(m_refreshAction, &QAction::triggered, this, [this] {
        if (m_refresh->isEnabled() && m_refresh->isVisible())
            m_loader->reload();
    });
    connect(m_enrich, &QPushButton::clicked, m_loader, &models::UsageLoader::enrichDashboard);
    connect(m_empty, &EmptyState::buttonClicked, this, &UsageChartPanel::onEmptyButton);
    connect(m_loader, &models::UsageLoader::stateChanged, this, &UsageChartPanel::updateState);
    connect(m_loader, &models::UsageLoader::loaded, this, &UsageChartPanel::showSeries);
    connect(m_loader, &models::UsageLoader::flagChanged, this, &UsageChartPanel::flagChanged);
    connect(m_loader, &models::UsageLoader::failed, this, [this](const api::ApiError &error) {
        const QString action = m_loader->flag().usageDashboard
                                   ? tr("add the enriched insights to a usage dashboard")
                                   : tr("create a flag's usage dashboard");
        if (!showWebAppOnly(m_message, error, action, m_client, m_loader->flag().id))
            m_message->showMessage(MessageBar::Kind::Error, m_loader->errorText());
        m_message->show();
    });
    connect(m_loader, &models::UsageLoader::enriched, this, [this] {
        m_message->showMessage(MessageBar::Kind::Positive,
                               tr("The enriched insights were added to the usage dashboard."), {},
                               5000);
        m_message->show();
    });
    updateState();
}

void UsageChartPanel::setClient(api::Client *client)
{
    m_message->hide();
    m_client = client;
    m_loader->setClient(client);
}

void UsageChartPanel::setFlag(const FeatureFlag &flag)
{
    m_message->hide();
    m_loader->setFlag(flag);
}

UsageChartPanel::Page UsageChartPanel::page() const
{
    QWidget *current = m_pages->currentWidget();
    if (current == m_busyPage)
        return Page::Busy;
    if (current == m_chartPage)
        return Page::Chart;
    if (current == m_noCalls)
        return Page::NoCalls;
    return m_loader->state() == models::UsageLoader::State::Failed ? Page::Failed : Page::Empty;
}

QString UsageChartPanel::rangeText() const
{
    return m_range->isHidden() ? QString() : m_range->text();
}

QString UsageChartPanel::messageText() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

QString UsageChartPanel::uniqueUsersText() const
{
    return m_uniqueUsers->isHidden() ? QString() : m_uniqueUsers->text();
}

QString UsageChartPanel::noCallsText() const
{
    return m_noCalls->text();
}

QPushButton *UsageChartPanel::createButton() const
{
    return m_empty->findChild<QPushButton *>(u"emptyStateButton"_s);
}

void UsageChartPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) &&
        !m_rebuilding && m_loader->state() == models::UsageLoader::State::Loaded)
        showSeries();
}

void UsageChartPanel::onEmptyButton()
{
    if (m_loader->state() == models::UsageLoader::State::Failed)
        m_loader->reload();
    else
        m_loader->createDashboard();
}

void UsageChartPanel::updateState()
{
    using State = models::UsageLoader::State;
    using Action = models::UsageLoader::Action;
    const State state = m_loader->state();
    const Action action = m_loader->action();
    const bool enriching = action == Action::Enriching;
    const bool loaded = state == State::Loaded || enriching;

    m_refresh->setVisible(state != State::Idle && state != State::NoDashboard);
    m_refresh->setEnabled(action == Action::None);
    m_enrich->setVisible(loaded && !m_loader->series().hasEnrichedInsights);
    m_enrich->setEnabled(action == Action::None);
    m_enrich->setText(enriching ? tr("Adding insights…") : tr("Add enriched insights"));
    m_range->setVisible(loaded && !m_loader->series().rangeText().isEmpty());

    switch (state) {
    case State::Idle:
        m_empty->setContent(tr("No flag"), tr("Choose a flag to see how it is used."), {});
        m_pages->setCurrentWidget(m_empty);
        break;
    case State::NoDashboard:
        m_empty->setContent(tr("No usage dashboard yet"),
                            tr("This flag has no usage dashboard. Create one to count the "
                               "$feature_flag_called events SDKs send for it, per day and "
                               "variant."),
                            tr("Create usage dashboard"));
        m_pages->setCurrentWidget(m_empty);
        break;
    case State::Loading:
        if (enriching)
            break; // the chart stays while the insights are added
        m_busyText->setText(action == Action::Creating ? tr("Creating the usage dashboard…")
                                                       : tr("Loading usage…"));
        m_pages->setCurrentWidget(m_busyPage);
        break;
    case State::Failed:
        // The message bar above says why; this page says what to do.
        m_empty->setContent(tr("Usage could not be loaded"),
                            tr("Check the connection and the message above, then try again."),
                            tr("Try again"));
        m_pages->setCurrentWidget(m_empty);
        break;
    case State::Loaded:
        break; // showSeries() on loaded()
    }
}

void UsageChartPanel::showSeries()
{
    m_rebuilding = true;
    const models::UsageSeries &usage = m_loader->series();
    m_range->setText(u"· "_s + usage.rangeText());
    m_range->setVisible(!usage.rangeText().isEmpty());
    m_enrich->setVisible(!usage.hasEnrichedInsights);

    m_chart->removeAllSeries();
    for (QAbstractAxis *axis : m_chart->axes())
        m_chart->removeAxis(axis);

    if (!usage.hasCallsInsight) {
        m_noCalls->setText(tr("The usage dashboard has no insight counting this flag's calls by "
                              "response."));
        m_pages->setCurrentWidget(m_noCalls);
        m_rebuilding = false;
        return;
    }
    if (usage.noCalls() || usage.days.isEmpty()) {
        const QString range = usage.rangeText();
        m_noCalls->setText(range.isEmpty() ? tr("No calls recorded.")
                                           : tr("No calls recorded in the %1.").arg(range));
        m_pages->setCurrentWidget(m_noCalls);
        m_rebuilding = false;
        return;
    }

    const QLocale locale;
    const QStringList variantKeys = variantKeysOf(m_loader->flag());
    qint64 largest = 0;
    for (qsizetype i = 0; i < usage.calls.size(); ++i) {
        const models::ResponseSeries &calls = usage.calls.at(i);
        auto *line = new QLineSeries;
        line->setName(calls.total == 1
                          ? tr("%1 · 1 call").arg(calls.response)
                          : tr("%1 · %2 calls").arg(calls.response, locale.toString(calls.total)));
        QPen pen(responseColour(calls.response, variantKeys, int(i)));
        pen.setWidthF(2.0);
        line->setPen(pen);
        // Markers on a month of mostly-zero days are clutter; a short range shows them.
        line->setPointsVisible(usage.days.size() <= 14);
        line->setMarkerSize(5);
        for (const models::UsagePoint &point : calls.points) {
            line->append(double(point.day.startOfDay().toMSecsSinceEpoch()), double(point.count));
            largest = std::max(largest, point.count);
        }
        m_chart->addSeries(line);
    }

    const QColor text = palette().color(QPalette::WindowText);
    const QColor grid = faded(text, 0.15f);
    auto *dates = new QDateTimeAxis;
    dates->setFormat(u"MMM d"_s);
    const QDateTime first = usage.days.first().startOfDay();
    QDateTime last = usage.days.last().startOfDay();
    if (last <= first)
        last = first.addDays(1);
    dates->setRange(first, last);
    dates->setTickCount(int(std::min<qsizetype>(usage.days.size(), 6)));
    dates->setLabelsColor(faded(text, 0.75f));
    dates->setLabelsFont(font());
    dates->setGridLineColor(grid);
    dates->setLinePenColor(grid);
    auto *counts = new QValueAxis;
    const auto [top, ticks] = countAxisRange(largest);
    counts->setRange(0, double(top));
    counts->setTickCount(ticks);
    counts->setLabelFormat(u"%d"_s);
    counts->setLabelsColor(faded(text, 0.75f));
    counts->setLabelsFont(font());
    counts->setGridLineColor(grid);
    counts->setLinePenColor(grid);
    m_chart->addAxis(dates, Qt::AlignBottom);
    m_chart->addAxis(counts, Qt::AlignLeft);
    for (QAbstractSeries *series : m_chart->series()) {
        series->attachAxis(dates);
        series->attachAxis(counts);
    }
    m_chart->legend()->setVisible(true);
    m_chart->legend()->setLabelColor(text);
    m_chart->legend()->setFont(font());

    QStringList users;
    for (const auto &[response, count] : usage.uniqueUsers)
        users.append(tr("%1 %2").arg(response, locale.toString(count)));
    m_uniqueUsers->setText(users.isEmpty()
                               ? QString()
                               : tr("Unique users who called it: %1").arg(users.join(u", "_s)));
    m_uniqueUsers->setVisible(!users.isEmpty());
    m_pages->setCurrentWidget(m_chartPage);
    m_rebuilding = false;
}

} // namespace bunting::views
