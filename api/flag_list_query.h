#pragma once

#include <QString>
#include <QStringList>
#include <QUrlQuery>
#include <optional>

namespace bunting::api {

// The filters of the flag list endpoint, one member per query parameter, so the filter bar maps
// one-to-one onto what the server understands.
struct FlagListQuery
{
    QString search;   // key and name, case-insensitive
    QString active;   // "", "true", "false" or "STALE"
    QString type;     // "", "boolean", "multivariant", "experiment", "remote_config"
    QStringList tags; // flags having any of these tags
    std::optional<qint64> createdById;
    QString evaluationRuntime; // "", "server", "client", "all"
    QString order;             // "key", "-created_at", ...; empty: the server's default

    QUrlQuery toUrlQuery() const;
    friend bool operator==(const FlagListQuery &, const FlagListQuery &) = default;
};

} // namespace bunting::api
