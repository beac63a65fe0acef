#pragma once

#include "feature_flag.h"
#include "usage_series.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QChart;
class QChartView;
class QLabel;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace bunting::api {
class Client;
}

namespace bunting::views {

class EmptyState;
class MessageBar;

// "Is this flag used, and how?": the flag's `$feature_flag_called` events per day over its usage
// dashboard's range, one line per response ("true", "false" or a variant), the totals in the
// legend and the unique callers below. Without a usage dashboard it offers to create one; once
// loaded, to add PostHog's enriched insights. Refresh is F5.
class UsageChartPanel : public QWidget
{
    Q_OBJECT
public:
    enum class Page { Empty, Busy, Chart, NoCalls, Failed };
    Q_ENUM(Page)

    explicit UsageChartPanel(QWidget *parent = nullptr);

    void setClient(api::Client *client);
    void setFlag(const FeatureFlag &flag);

    models::UsageLoader *loader() const { return m_loader; }
    Page page() const;
    QChart *chart() const { return m_chart; }
    QString rangeText() const;
    QString messageText() const; // the message bar's text; empty when hidden
    QString uniqueUsersText() const;
    QString noCallsText() const;
    QPushButton *createButton() const;
    QPushButton *enrichButton() const { return m_enrich; }
    QPushButton *refreshButton() const { return m_refresh; }

Q_SIGNALS:
    // The dashboard was created: the flag now names it (the app updates its copy).
    void flagChanged(const bunting::FeatureFlag &flag);

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateState();
    void showSeries();
    void onEmptyButton();

    models::UsageLoader *m_loader = nullptr;
    QPointer<api::Client> m_client;
    QLabel *m_title = nullptr;
    QLabel *m_range = nullptr;
    QPushButton *m_enrich = nullptr;
    QPushButton *m_refresh = nullptr;
    QAction *m_refreshAction = nullptr;
    MessageBar *m_message = nullptr;
    QStackedWidget *m_pages = nullptr;
    EmptyState *m_empty = nullptr;
    QWidget *m_busyPage = nullptr;
    QLabel *m_busyText = nullptr;
    QWidget *m_chartPage = nullptr;
    QChart *m_chart = nullptr;
    QChartView *m_chartView = nullptr;
    QLabel *m_uniqueUsers = nullptr;
    QLabel *m_noCalls = nullptr;
    bool m_rebuilding = false;
};

// The top of a count axis and its tick count, so every tick is a whole number: 3 -> (4, 5),
// 37 -> (40, 5), 0 -> (4, 5).
std::pair<qint64, int> countAxisRange(qint64 largest);

} // namespace bunting::views
