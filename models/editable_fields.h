#pragma once

#include "feature_flag.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLatin1StringView>
#include <span>

namespace bunting::models {

// The top-level fields of a flag that people edit (the rollout editor, a restored version); the
// rest is PostHog's bookkeeping or owned by other objects, and always follows the server.
inline std::span<const QLatin1StringView> editableFlagFields()
{
    using namespace Qt::StringLiterals;
    static constexpr QLatin1StringView fields[] = {
        "key"_L1,
        "name"_L1,
        "filters"_L1,
        "active"_L1,
        "tags"_L1,
        "evaluation_runtime"_L1,
        "evaluation_contexts"_L1,
        "ensure_experience_continuity"_L1,
        "is_remote_configuration"_L1,
    };
    return fields;
}

// `filters` as a PATCH must send it to replace `base`: PostHog merges a PATCH's filters key by
// key over the stored ones (rest-api-behaviour.md §3.3), so a key the new filters no longer
// write (no payloads left, no variants) is sent empty, or the stored one would stay.
inline QJsonObject filtersReplacing(QJsonObject filters, const QJsonObject &base)
{
    using namespace Qt::StringLiterals;
    for (auto it = base.begin(); it != base.end(); ++it) {
        if (filters.contains(it.key()))
            continue;
        if (it.key() == "payloads"_L1)
            filters.insert(it.key(), QJsonObject());
        else if (it.key() == "groups"_L1 || it.key() == "super_groups"_L1)
            filters.insert(it.key(), QJsonArray());
        else
            filters.insert(it.key(), QJsonValue());
    }
    return filters;
}

// The PATCH body that makes `current` into `target`: the editable fields `target` carries that
// differ from `current`'s, `filters` whole (filtersReplacing). Only what differs: PostHog writes
// every field sent, so sending an unchanged one would undo a change someone made meanwhile
// without any conflict. Empty when nothing differs.
inline QJsonObject patchTowards(const FeatureFlag &target, const FeatureFlag &current)
{
    using namespace Qt::StringLiterals;
    const QJsonObject json = target.toJson();
    const QJsonObject now = current.toJson();
    QJsonObject body;
    for (QLatin1StringView key : editableFlagFields()) {
        // A field the target's answer left out was not recorded there, and sending a default
        // would erase the current value.
        if (!json.contains(key))
            continue;
        const QJsonValue value = key == "filters"_L1
                                     ? QJsonValue(filtersReplacing(json.value(key).toObject(),
                                                                   now.value(key).toObject()))
                                     : json.value(key);
        if (value != now.value(key))
            body.insert(key, value);
    }
    return body;
}

// What a PATCH carries so that PostHog (and Bunting's server) can refuse it with 409 when someone
// else changed the same fields since `loaded` was read (rest-api-behaviour.md §3.4): the version
// the edit started from and the flag as it was then. PostHog checks nothing on a bare `version`;
// its own web app sends `original_flag` too.
inline void addConflictCheck(QJsonObject &body, const FeatureFlag &loaded)
{
    using namespace Qt::StringLiterals;
    body.insert("version"_L1, loaded.version);
    body.insert("original_flag"_L1, loaded.toJson());
}

} // namespace bunting::models
