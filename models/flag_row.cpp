#include "flag_row.h"

#include "flag_summary.h"

#include <QHash>
#include <QSet>

namespace bunting::models {

namespace {

// Most texts repeat from row to row ("Boolean", "Active", "100% of users", an author's name):
// keep one copy of each. Rows are made on the GUI thread only.
QString shared(const QString &text)
{
    static QSet<QString> pool;
    if (text.isEmpty())
        return {};
    return *pool.insert(text);
}

std::shared_ptr<const UserBasic> sharedUser(const std::optional<UserBasic> &user)
{
    static QHash<qint64, std::shared_ptr<const UserBasic>> users;
    if (!user)
        return {};
    UserBasic slim = *user;
    slim.record = {};
    std::shared_ptr<const UserBasic> &known = users[slim.id];
    if (!known || !(*known == slim))
        known = std::make_shared<const UserBasic>(std::move(slim));
    return known;
}

} // namespace

FlagRow FlagRow::fromFlag(const FeatureFlag &flag)
{
    FlagRow row;
    row.id = flag.id;
    row.key = flag.key;
    row.name = flag.name;
    row.active = flag.active;
    row.version = flag.version;
    for (const QString &tag : flag.tags)
        row.tags.append(shared(tag));
    row.createdBy = sharedUser(flag.createdBy);
    row.updatedAt = flag.updatedAt;
    row.lastCalledAt = flag.lastCalledAt;
    row.updated = parseTimestamp(flag.updatedAt);
    row.lastCalled = parseTimestamp(flag.lastCalledAt);
    row.typeText = shared(models::flagTypeText(flag));
    row.statusText = shared(models::statusText(flag));
    row.statusToolTip = shared(models::statusToolTip(flag));
    row.rolloutSummary = shared(models::rolloutSummary(flag));
    row.rolloutDetails = shared(models::rolloutDetails(flag));
    row.createdByText = shared(models::createdByText(flag));
    row.createdByToolTip = shared(models::createdByToolTip(flag));
    return row;
}

} // namespace bunting::models
