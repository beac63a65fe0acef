#pragma once

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

} // namespace bunting::models
