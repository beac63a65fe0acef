#pragma once

#include "api_error.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <memory>

namespace bunting::api {
class Client;
}

namespace bunting::models {

// The parts of a cohort the panel shows, read from PostHog's cohort object.
struct CohortSummary
{
    qint64 id = 0;
    QString name;
    int count = -1; // persons in it; -1 while PostHog is still calculating or does not say
    bool isStatic = false;

    static CohortSummary fromJson(const QJsonObject &cohort);
    // "Users with feature flag x enabled at … (cohort 12, 3 persons)"
    QString text() const;
};

// "Create static cohort from this flag": POST :id/create_static_cohort_for_flag, which snapshots
// every person the flag is on for into a new static cohort.
class StaticCohortCreator : public QObject
{
    Q_OBJECT
public:
    explicit StaticCohortCreator(QObject *parent = nullptr);
    ~StaticCohortCreator() override;

    void setClient(api::Client *client);
    // One creation at a time; a second call while one runs is ignored (returns false).
    bool create(qint64 flagId);
    bool isBusy() const { return m_busy; }
    // The last cohort created; empty before.
    const QJsonObject &cohort() const { return m_cohort; }

Q_SIGNALS:
    void busyChanged(bool busy);
    void created(const QJsonObject &cohort);
    void failed(const bunting::api::ApiError &error);

private:
    void setBusy(bool busy);

    QPointer<api::Client> m_client;
    std::unique_ptr<QObject> m_context;
    QJsonObject m_cohort;
    bool m_busy = false;
};

} // namespace bunting::models
