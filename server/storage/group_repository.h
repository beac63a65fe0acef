#pragma once

#include "storage/change_notices.h"
#include "storage/database.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <optional>

namespace bunting::server {

struct GroupTypeMapping
{
    int index = 0;
    QString groupType;
    QString nameSingular; // null when unset
    QString namePlural;

    // PostHog's groups_types entry.
    QJsonObject toJson() const;
};

// The group_type_mappings and group_entities tables: which group types a project has (at most
// five, indexed 0..4 as PostHog numbers them) and the properties of each group seen.
class GroupRepository
{
public:
    static constexpr int maxGroupTypes = 5;

    explicit GroupRepository(const Database &db) : typeAdded(db), m_db(db) {}

    QList<GroupTypeMapping> mappings(qint64 projectId) const;
    // Group type index -> name, as the evaluation engine wants it.
    QHash<int, QString> mapping(qint64 projectId) const;
    std::optional<int> indexOf(qint64 projectId, const QString &groupType) const;
    // The index of `groupType`, which gets the lowest free index the first time it is seen;
    // nullopt when the project already has five other group types.
    std::optional<int> ensureMapping(qint64 projectId, const QString &groupType);
    // A new group type: flags aggregated by it, and the definitions SDKs read, change meaning.
    // On the repository, which every mapping goes through.
    ChangeNotices<qint64 /*projectId*/> typeAdded;
    // False when the project has no group type with that index.
    bool updateNames(qint64 projectId, int index, const QString &nameSingular,
                     const QString &namePlural);
    // The names of each of these group types, all or none.
    void updateNames(qint64 projectId, const QList<GroupTypeMapping> &mappings);

    std::optional<QJsonObject> groupProperties(qint64 projectId, int index,
                                               const QString &groupKey) const;
    // `$groupidentify`: merges `set` into the group's properties, creating the group.
    QJsonObject updateGroup(qint64 projectId, int index, const QString &groupKey,
                            const QJsonObject &set);

private:
    const Database &m_db;
};

} // namespace bunting::server
