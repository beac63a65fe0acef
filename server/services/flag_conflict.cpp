#include "services/flag_conflict.h"

#include "services/flag_input.h"

using namespace Qt::StringLiterals;

namespace bunting::server {

bool isStaleVersion(const QJsonObject &body, int storedVersion)
{
    // PostHog reads `request.data.get("version", -1)`: -1 and absence mean "no check", and any
    // other value that is not the stored number (null, a string) is stale.
    const QJsonValue version = body.value("version"_L1);
    if (version.isUndefined())
        return false;
    if (version.isDouble())
        return version.toDouble() != -1 && version.toDouble() != storedVersion;
    return true;
}

QStringList conflictingFields(const FeatureFlag &current, const FeatureFlag &requested,
                              const QJsonObject &body, qint64 caller)
{
    const QJsonObject original = body.value("original_flag"_L1).toObject();
    if (original.isEmpty())
        return {};
    const QJsonObject stored = current.toJson();
    const QJsonObject wanted = requested.toJson();
    QStringList fields;
    for (auto it = body.begin(); it != body.end(); ++it) {
        const QString &name = it.key();
        if (!isWritableFlagField(name) || name == "version"_L1 || !original.contains(name))
            continue;
        const QJsonValue before = original.value(name);
        const QJsonValue mine = wanted.value(name);
        const QJsonValue theirs = stored.value(name);
        if (mine != before && before != theirs && mine != theirs)
            fields.append(name);
    }
    if (original.contains("last_modified_by"_L1) &&
        (!current.lastModifiedBy || current.lastModifiedBy->id != caller))
        fields.append(u"last_modified_by"_s);
    return fields;
}

QString conflictDetail(const FeatureFlag &current)
{
    const QString who = current.lastModifiedBy && !current.lastModifiedBy->email.isEmpty()
                            ? current.lastModifiedBy->email
                            : u"another user"_s;
    return u"The feature flag was updated by %1 since you started editing it. Please refresh "
           "and try again."_s.arg(who);
}

} // namespace bunting::server
