#pragma once

#include "http/api_error.h"
#include "http/request.h"
#include "services/flag_service.h"
#include "storage/flag_repository.h"

#include <QJsonObject>

namespace bunting::server {

// PostHog's actions on many flags at once. Each flag is written as PostHog's bulk actions write
// it (FlagService::setTagsInPlace, deleteInPlace: an activity entry, no new version), and a flag
// that cannot be changed is reported, not fatal.
class FlagBulk
{
public:
    FlagBulk(FlagRepository &flags, FlagService &service) : m_flags(flags), m_service(service) {}

    // POST bulk_delete {"filters": {...}} or {"ids": [...]}: soft-deletes each flag that nothing
    // outside the request depends on; {"deleted": [...], "errors": [...]}. Bad input is a 400
    // {"error": "..."}, as in PostHog.
    ApiResponse deleteFlags(qint64 projectId, const Principal &by, const QJsonObject &body);
    // POST bulk_keys {"ids": [...]}: {"keys": {"<id>": "<key>"}} for the live flags among them,
    // with a "warning" naming ids that are no ids.
    ApiResponse keys(qint64 projectId, const QJsonObject &body) const;
    // POST bulk_update_tags {"ids", "action": "add"|"remove"|"set", "tags"}: {"updated": [{id,
    // tags}], "skipped": [{id, reason}]}. Validated as PostHog's serializer (400 otherwise).
    ApiResponse updateTags(qint64 projectId, const Principal &by, const QJsonObject &body);

private:
    FlagRepository &m_flags;
    FlagService &m_service;
};

} // namespace bunting::server
