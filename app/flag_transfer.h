#pragma once

#include "flag_list_query.h"
#include "project_push.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <functional>
#include <optional>

namespace bunting::api {
class Client;
}

namespace bunting::desktop {

// Flags on their way from one project to another ("Copy to…", export, import): PostHog's
// objects, the cohorts they use, and the keys of the flags their conditions name, all by the
// source project's ids. Its JSON is the export file.
struct FlagBundle
{
    QList<QJsonObject> flags;
    QList<QJsonObject> cohorts;
    QHash<qint64, QString> flagKeys; // source flag id -> key

    QJsonObject toJson() const;
    // nullopt, with a sentence in `error`, for a file that is not an export.
    static std::optional<FlagBundle> fromJson(const QJsonObject &file, QString *error);
};

// Which flags of a project to load: some by id, or every flag a list query finds (a whole
// project, for a backup, read a page at a time rather than a flag at a time).
struct FlagChoice
{
    QList<qint64> ids;
    std::optional<api::FlagListQuery> everyMatching;
};

// Reads the chosen flags of `source`, with the cohorts they use and the keys of the flags they
// name; `done` gets the bundle or an error.
void loadBundle(api::Client &source, const FlagChoice &choice, QObject *context,
                std::function<void(const std::optional<FlagBundle> &, const QString &error)> done);

// Sends a bundle to a project with ProjectPush, as a push sends an offline copy: a flag whose
// key the target does not have is created there; one it has is changed (PATCH with the
// target's `version` and object as `original_flag`, read when the plan was made, so that a
// change made there since is merged or asked about); one equal there is left alone. Cohorts are
// matched by name and flags a condition names by key: what the target lacks is a problem of
// that flag, unless the bundle brings the flag it names, which is then sent first.
class FlagTransfer : public QObject
{
    Q_OBJECT
public:
    FlagTransfer(api::Client &target, FlagBundle bundle, QObject *parent = nullptr);

    struct Plan
    {
        QList<server::PushItem> items; // flagId is the source's id; remoteId the target's, or 0
        QStringList same;              // keys equal there already
    };
    // Reads the target's cohorts and the flags with the bundle's keys: one search per key for a
    // few flags, the whole list a page at a time for many.
    void plan(std::function<void(const std::optional<Plan> &, const QString &error)> done);
    // For ProjectPush: each flag read again with the flags sent so far, and the target's ids of
    // the ones sent remembered.
    ProjectPush::Copy copy();

private:
    void readCohorts(int offset);
    void readFlag(int index);
    void readAllFlags();
    void finishPlan();
    void mapIds();
    server::PushItem item(const QJsonObject &flag) const;
    void fail(const QString &error);

    api::Client &m_target;
    FlagBundle m_bundle;
    QHash<qint64, qsizetype> m_position;    // source flag id -> its place in the bundle
    QHash<qint64, QString> m_cohortNames;   // source cohort id -> name
    QHash<QString, qint64> m_targetCohorts; // name -> target id
    QHash<QString, QJsonObject> m_there;    // key -> the target's flag
    QHash<qint64, qint64> m_cohortIds;      // source cohort id -> target id
    QHash<qint64, qint64> m_flagIds;        // source flag id -> target id
    QStringList m_keys;                     // to read from the target
    std::function<void(const std::optional<Plan> &, const QString &)> m_planned;
};

} // namespace bunting::desktop
