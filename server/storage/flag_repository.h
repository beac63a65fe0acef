#pragma once

#include "feature_flag.h"
#include "storage/database.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <functional>
#include <optional>
#include <utility>

namespace bunting::server {

class FlagListFilter;

// A flag with when it was last called, as far as the server knows: its last_called_at, or the
// end of the latest day flag_calls counted a call, whichever is later; empty when never called.
struct FlagRecord
{
    FeatureFlag flag;
    QString lastCalledAt;
};

struct FlagListPage
{
    qint64 count = 0; // every match, not only this page
    QList<FlagRecord> flags;
};

// The feature_flags and feature_flag_versions tables. A flag row keeps the whole API document
// of the flag as it was saved; the columns beside it serve filtering and sorting.
class FlagRepository
{
public:
    explicit FlagRepository(const Database &db) : m_db(db) {}

    // Deleted flags included: PostHog still serves them by id.
    std::optional<FeatureFlag> find(qint64 projectId, qint64 id) const;
    // The project's flags, deleted ones only when asked for.
    QList<FeatureFlag> all(qint64 projectId, bool includeDeleted = false) const;
    // The live flags one at a time, in id order, so a caller that keeps a part of each never
    // holds them all whole.
    void forEachLive(qint64 projectId, const std::function<void(FeatureFlag &&)> &visit) const;
    qsizetype liveCount(qint64 projectId) const;
    struct VersionState
    {
        int version = 0;
        bool deleted = false;
        friend bool operator==(const VersionState &, const VersionState &) = default;
    };
    // Every flag's version and whether it is deleted, by id: without reading a document.
    QHash<qint64, VersionState> versions(qint64 projectId) const;
    std::optional<qint64> liveIdForKey(qint64 projectId, const QString &key) const;

    // Writes a new flag (its version snapshot too) and returns its id.
    qint64 insert(qint64 projectId, const FeatureFlag &flag, qint64 userId);
    // Writes the flag's row and the snapshot of its (new) version.
    void update(qint64 projectId, const FeatureFlag &flag, qint64 userId);
    std::optional<FeatureFlag> version(qint64 flagId, int version) const;
    // The last version saved at or before `createdAt` (an API timestamp).
    std::optional<int> lastVersionAt(qint64 flagId, const QString &createdAt) const;
    // Writes the flag's row without a new version, as PostHog's bulk actions do: the snapshot of
    // its current version becomes this content, so that version still reads as the row does.
    void rewriteCurrentVersion(qint64 projectId, const FeatureFlag &flag);

    // Fields the server sets outside an edit (usage_dashboard, has_enriched_analytics): PostHog
    // saves them without a new version or activity entry, only touching updated_at.
    void saveServerFields(qint64 projectId, const FeatureFlag &flag);
    // Moves the live flag's last_called_at (row and document) forward to `timestamp`; an
    // earlier or equal time changes nothing.
    void advanceLastCalledAt(qint64 projectId, const QString &key, const QString &timestamp);

    // The project's live flags matching `query`, in its order: how many match, and those in
    // [offset, offset + limit).
    FlagListPage list(qint64 projectId, const FlagListFilter &query, qint64 offset,
                      qint64 limit) const;
    // These flags of the project (deleted ones only when asked for), newest first; ids the
    // project lacks are left out.
    QList<FlagRecord> findMany(qint64 projectId, const QList<qint64> &ids,
                               bool includeDeleted) const;
    // See FlagRecord; empty when never called or when the project has no such flag.
    QString lastCalledAt(qint64 projectId, qint64 id) const;
    // The project's active live flags, other than those in `ids`, with a condition on a flag in
    // `ids` (a `flag` property keyed by its id), ordered by key; each with the ids it names.
    QList<std::pair<FeatureFlag, QList<qint64>>> dependents(qint64 projectId,
                                                            const QSet<qint64> &ids) const;
    // id and key of the project's live flags among `ids`, by id.
    QList<std::pair<qint64, QString>> liveKeys(qint64 projectId, const QList<qint64> &ids) const;

private:
    QHash<qint64, FlagRecord> records(qint64 projectId, const QList<qint64> &ids,
                                      bool includeDeleted) const;
    // `document` is the flag's, as flagDocument() writes it: serialised once for both rows.
    void insertVersion(const FeatureFlag &flag, qint64 userId, const QString &document);
    const Database &m_db;
};

// The document stored for a flag (and returned by the API, with `status` computed).
QString flagDocument(const FeatureFlag &flag);
FeatureFlag flagFromDocument(const QString &document);

} // namespace bunting::server
