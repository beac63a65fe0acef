#pragma once

#include "database.h"
#include "feature_flag.h"

#include <QList>
#include <optional>

namespace bunting::server {

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
    std::optional<qint64> liveIdForKey(qint64 projectId, const QString &key) const;

    // Writes a new flag (its version snapshot too) and returns its id.
    qint64 insert(qint64 projectId, const FeatureFlag &flag, qint64 userId);
    // Writes the flag's row and the snapshot of its (new) version.
    void update(qint64 projectId, const FeatureFlag &flag, qint64 userId);
    std::optional<FeatureFlag> version(qint64 flagId, int version) const;

private:
    void insertVersion(const FeatureFlag &flag, qint64 userId);
    const Database &m_db;
};

// The document stored for a flag (and returned by the API, with `status` computed).
QString flagDocument(const FeatureFlag &flag);
FeatureFlag flagFromDocument(const QString &document);

} // namespace bunting::server
