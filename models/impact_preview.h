#pragma once

#include "api_error.h"
#include "evaluation.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <optional>

namespace bunting {

namespace api {
class Client;
class PendingCall;
} // namespace api

// A person the project knows, as much of them as a flag's evaluation reads.
struct KnownPerson
{
    QString distinctId;
    QJsonObject properties;
    QSet<qint64> staticCohorts;
};

// How many persons went from one value to another; a value is "off", "on" or a variant key.
struct ImpactTransition
{
    QString from;
    QString to;
    int count = 0;
    friend bool operator==(const ImpactTransition &, const ImpactTransition &) = default;
};

// What saving a flag's draft would change for the known persons.
struct ImpactSummary
{
    // False for flags aggregated by group: persons alone cannot be evaluated for them.
    bool applicable = true;
    QString notApplicableReason;
    // Something that limits the numbers without making them meaningless, for the view to show.
    QString caveat;

    int total = 0;
    int unchanged = 0;
    int gaining = 0;   // off -> on or a variant
    int losing = 0;    // on or a variant -> off
    int switching = 0; // one variant (or on) -> another
    // Only the changes, largest first.
    QList<ImpactTransition> transitions;

    int changed() const { return total - unchanged; }
};

// The name a value has in a summary.
QString impactValueName(const FlagValue &value);

// Evaluates `before` and `after` (each in place of the project's flag with the same id, or key,
// or added) for every person, compiling the project once per side.
ImpactSummary computeImpact(const ProjectDefinitions &project, const FeatureFlag &before,
                            const FeatureFlag &after, const QList<KnownPerson> &persons,
                            const QDateTime &now);

// Loads the project's persons, flags and cohorts through the client, then computes the impact of
// a draft. What it loaded is kept for the next preview of the same editing session: refresh()
// drops it.
class ImpactPreview : public QObject
{
    Q_OBJECT
public:
    // The calls it makes have this object as their context: deleting it ends them silently.
    explicit ImpactPreview(api::Client *client, QObject *parent = nullptr);

    // Ends a preview still running first, without its signals.
    void start(const FeatureFlag &loaded, const FeatureFlag &draft);
    void cancel();
    void refresh();

    bool isRunning() const { return m_running; }
    bool hasLoadedData() const { return m_data.has_value(); }
    int personsPageSize() const { return m_pageSize; }
    void setPersonsPageSize(int size) { m_pageSize = size; }

Q_SIGNALS:
    // Persons loaded so far, of `count` (PostHog's persons list only estimates it).
    void progress(int loaded, int count);
    void finished(const bunting::ImpactSummary &summary);
    void failed(const bunting::api::ApiError &error);
    void canceled();

private:
    struct Loaded
    {
        ProjectDefinitions project;
        QList<KnownPerson> persons;
    };

    void loadFlags();
    void loadCohorts(int offset);
    void loadPersons(int offset);
    void finish();
    void fail(const api::ApiError &error);

    QPointer<api::Client> m_client;
    QPointer<api::PendingCall> m_call;
    std::optional<Loaded> m_data;
    Loaded m_loading;
    FeatureFlag m_before;
    FeatureFlag m_after;
    int m_generation = 0;
    int m_pageSize = 500;
    bool m_running = false;
};

} // namespace bunting

Q_DECLARE_METATYPE(bunting::ImpactSummary)
