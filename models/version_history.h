#pragma once

#include "api_error.h"
#include "client.h"
#include "feature_flag.h"
#include "flag_diff.h"
#include "text_diff.h"

#include <QAbstractListModel>
#include <QHash>
#include <QPointer>
#include <functional>
#include <optional>

namespace bunting::models {

// Two versions of a flag side by side: what changed in structure and in the JSON text.
struct VersionComparison
{
    int fromVersion = 0;
    int toVersion = 0;
    FeatureFlag from;
    FeatureFlag to;
    QList<FlagChange> changes; // diffFlags(from, to)
    QStringList fromLines;     // each flag's JSON, indented, keys sorted
    QStringList toLines;
    QList<DiffOp> rawDiff;              // diffLines(fromLines, toLines)
    std::optional<api::ApiError> error; // a version that could not be loaded (422: not rebuilt)
};

// The versions of one flag, newest first, from its first version to the current one. A version
// is loaded from the server the first time it is shown or compared, and kept: a version never
// changes once made.
//
// All versions, the current one included, are read from the versions endpoint, so two of them
// always compare on the same fields (PostHog's version answer leaves out tags, for instance).
class VersionHistory : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        VersionRole = Qt::UserRole + 1, // int
        IsCurrentRole,                  // bool
        IsLoadedRole,                   // bool: the version's content is here
        ErrorRole,                      // QString: why it could not be loaded, else empty
    };

    VersionHistory(api::Client *client, qint64 flagId, QObject *parent = nullptr);

    qint64 flagId() const { return m_flagId; }
    // 0 until the flag is loaded.
    int currentVersion() const { return m_current.version; }
    const FeatureFlag &currentFlag() const { return m_current; }
    bool isLoading() const { return m_loading; }
    // The row of a version, -1 when it is not listed.
    int rowOf(int version) const;
    int versionAt(int row) const;

    // Reads the flag to learn its current version; the list follows.
    void reload();

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The version's content, loading it when needed; `done` runs once, later or right away.
    void fetchVersion(int version, std::function<void(const api::Result<FeatureFlag> &)> done);
    void compare(int fromVersion, int toVersion,
                 std::function<void(const VersionComparison &)> done);
    // What restoring `version` would apply: from the current version to that one.
    void restorePreview(int version, std::function<void(const VersionComparison &)> done);
    // Saves the editable fields of `version` as the flag's content, sent with the current version
    // number so that a change made meanwhile gives 409 instead of being overwritten. On success
    // the list reloads: the restore is a new version.
    void restore(int version, std::function<void(const api::Result<FeatureFlag> &)> done);

    // The PATCH body restore() sends: the editable fields `old` carries that differ from
    // `current`, with addConflictCheck's `version` and `original_flag`; empty when none differ.
    static QJsonObject restoreBody(const FeatureFlag &old, const FeatureFlag &current);
    // The indented JSON of a flag, one line per entry.
    static QStringList jsonLines(const FeatureFlag &flag);

Q_SIGNALS:
    void loaded();
    void loadFailed(const bunting::api::ApiError &error);
    void versionLoaded(int version);

private:
    QString rowText(int version) const;
    QString author(const FeatureFlag &version) const;
    void received(int version, const api::Result<FeatureFlag> &result);

    QPointer<api::Client> m_client;
    qint64 m_flagId = 0;
    FeatureFlag m_current;
    int m_count = 0; // rows: versions 1..m_count
    bool m_loading = false;
    QHash<qint64, UserBasic> m_users; // the full authors getFlag names, by id
    QHash<int, FeatureFlag> m_versions;
    QHash<int, api::ApiError> m_errors;
    QHash<int, QList<std::function<void(const api::Result<FeatureFlag> &)>>> m_waiting;
};

} // namespace bunting::models
