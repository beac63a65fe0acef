#pragma once

#include "api_error.h"
#include "feature_flag.h"

#include <QDate>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <memory>

namespace bunting::api {
class Client;
}

namespace bunting::models {

struct UsagePoint
{
    QDate day; // UTC, as the server buckets
    qint64 count = 0;
    friend bool operator==(const UsagePoint &, const UsagePoint &) = default;
};

// One `$feature_flag_response` of the calls: "true", "false" or a variant key.
struct ResponseSeries
{
    QString response;
    QList<UsagePoint> points; // one per day of the range, oldest first
    qint64 total = 0;
};

// What a flag's usage dashboard says about its use, read from GET dashboards/:id.
struct UsageSeries
{
    bool hasCallsInsight = false; // the dashboard has a calls-per-day insight by response
    QString callsInsightName;
    QList<ResponseSeries> calls; // biggest first, as the insight orders them
    QList<QDate> days;           // the range, oldest first
    QString dateFrom;            // as the dashboard or insight asks: "-30d", a date
    bool hasUniqueUsers = false; // the unique-users insight is there
    QList<std::pair<QString, qint64>> uniqueUsers; // response -> distinct callers in the range
    bool hasEnrichedInsights = false;              // "Feature Viewed ..." tiles are there

    qint64 totalCalls() const;
    bool noCalls() const { return totalCalls() == 0; }
    const ResponseSeries *find(const QString &response) const;
    // "last 30 days" for "-30d", else the first and last day of the range.
    QString rangeText() const;
};

// PostHog's `$feature_flag_response` breakdown as text: true and false (which PostHog may give
// as booleans) read "true" and "false".
QString responseText(const QJsonValue &breakdownValue);

// The usage a dashboard JSON shows: the insight named "Feature Flag Called Total Volume" (the
// template's), else the first trends insight broken down by `$feature_flag_response` with daily
// data; the unique-users insight likewise.
UsageSeries parseUsageDashboard(const QJsonObject &dashboard);

// A flag's usage dashboard, loaded through the client: its state, the parsed series, and the
// actions PostHog offers on it (create it when the flag has none, add the enriched insights).
class UsageLoader : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Idle,        // no client or no flag yet
        NoDashboard, // the flag has no usage dashboard (or creating one failed)
        Loading,     // creating, enriching or reading the dashboard
        Loaded,
        Failed, // the dashboard could not be read: error() says why
    };
    Q_ENUM(State)
    enum class Action { None, Creating, Enriching, Reading };
    Q_ENUM(Action)

    explicit UsageLoader(QObject *parent = nullptr);
    ~UsageLoader() override;

    // Both reload (or go Idle without a client or flag); setFlag() with the flag already shown
    // (same id and usage dashboard, loaded or loading) only takes the new copy.
    void setClient(api::Client *client);
    void setFlag(const FeatureFlag &flag);
    const FeatureFlag &flag() const { return m_flag; }

    State state() const { return m_state; }
    Action action() const { return m_action; }
    const UsageSeries &series() const { return m_series; }
    // The last failure, of loading, creating or enriching.
    const api::ApiError &error() const { return m_error; }
    QString errorText() const { return m_errorText; }

public Q_SLOTS:
    void reload();
    // POST :id/dashboard, then reads the new dashboard; flagChanged() carries the flag with its
    // usage_dashboard.
    void createDashboard();
    // POST :id/enrich_usage_dashboard, then reloads.
    void enrichDashboard();

Q_SIGNALS:
    void stateChanged();
    void loaded();
    void failed(const bunting::api::ApiError &error);
    void flagChanged(const bunting::FeatureFlag &flag);
    void enriched();

private:
    void load();
    void setState(State state, Action action);
    void fail(const api::ApiError &error, const QString &text, State state);

    QPointer<api::Client> m_client;
    std::unique_ptr<QObject> m_context; // replaced to drop a call in flight
    FeatureFlag m_flag;
    bool m_hasFlag = false;
    State m_state = State::Idle;
    Action m_action = Action::None;
    UsageSeries m_series;
    api::ApiError m_error;
    QString m_errorText;
};

// What to tell a person when enriching failed; PostHog's own sentences for the two expected
// refusals ("already has enriched data", "no enriched analytics") become advice.
QString enrichErrorText(const api::ApiError &error);

} // namespace bunting::models
