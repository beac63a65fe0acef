// A flag's past: its activity entries (one flag's or the project's, paged as PostHog pages them)
// and the flag as it was at any of its versions.
#include "http/router.h"
#include "services.h"

#include <QRegularExpression>
#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

const QString base = u"/api/projects/:project/feature_flags"_s;
const QString flagScope = u"FeatureFlag"_s;

// A query parameter as DRF's IntegerField(min_value=1) reads it: the last occurrence counts,
// "5.0" and " 5 " are 5, and a value too large for 64 bits only means "all of them".
qint64 positiveQueryInt(const ApiRequest &r, const QString &name, qint64 defaultValue)
{
    const QStringList values = r.query.allQueryItemValues(name, QUrl::FullyDecoded);
    if (values.isEmpty())
        return defaultValue;
    QString text = values.last();
    if (text.size() > 1000)
        throw ApiError::validation(u"max_string_length"_s, u"String value too large."_s, name);
    static const QRegularExpression decimals(u"\\.0*\\s*$"_s);
    static const QRegularExpression integer(u"^\\s*([+-]?)(\\d+(?:_\\d+)*)\\s*$"_s);
    text.remove(decimals);
    const QRegularExpressionMatch m = integer.match(text);
    if (!m.hasMatch())
        throw ApiError::validation(u"invalid"_s, u"A valid integer is required."_s, name);
    bool ok = false;
    qint64 value = m.captured(2).remove(u'_').toLongLong(&ok);
    const bool negative = m.captured(1) == "-"_L1;
    if (!ok)
        value = std::numeric_limits<qint64>::max();
    if (negative && value != 0)
        value = -1;
    if (value < 1)
        throw ApiError::validation(u"min_value"_s,
                                   u"Ensure this value is greater than or equal to 1."_s, name);
    return value;
}

// The URL the client called, absolute, as Django's build_absolute_uri() gives it.
QString absoluteUrl(const ApiRequest &r)
{
    QUrl url = r.url;
    if (url.host().isEmpty()) {
        url.setScheme(u"http"_s);
        url.setAuthority(QString::fromLatin1(r.header("host")));
    }
    return url.toString(QUrl::FullyEncoded);
}

// PostHog's format_query_params_absolute_url: each number replaces the parameter's value where
// the URL has one, or is appended.
QString withQueryNumber(QString url, const QString &name, qint64 value)
{
    const QRegularExpression existing(u"([&?]"_s + QRegularExpression::escape(name) +
                                      u"=)(\\d+)"_s);
    if (existing.match(url).hasMatch())
        url.replace(existing, u"\\1"_s + QString::number(value));
    else
        url += (url.contains(u'?') ? u"&"_s : u"?"_s) + name + u'=' + QString::number(value);
    return url;
}

ApiResponse activityPage(const ApiRequest &r, Services &s, const std::optional<QString> &itemId)
{
    const qint64 limit = positiveQueryInt(r, u"limit"_s, 10);
    const qint64 page = positiveQueryInt(r, u"page"_s, 1);
    const auto result = s.activity.page(r.projectId, flagScope, itemId, limit, page);
    // PostHog lets Django's EmptyPage escape as a 500; the page-number paginator's answer fits.
    if (!result)
        throw ApiError(404, u"invalid_request"_s, u"not_found"_s, u"Invalid page."_s);
    const QString url = absoluteUrl(r);
    const auto pageUrl = [&](qint64 n) {
        return QJsonValue(withQueryNumber(withQueryNumber(url, u"page"_s, n), u"limit"_s, limit));
    };
    return ApiResponse::json(
        QJsonObject{{u"results"_s, result->results},
                    {u"next"_s, result->hasNext ? pageUrl(page + 1) : QJsonValue()},
                    {u"previous"_s, result->hasPrevious ? pageUrl(page - 1) : QJsonValue()},
                    {u"total_count"_s, result->totalCount}});
}

QJsonValue userId(const std::optional<UserBasic> &user)
{
    return user && user->id != 0 ? QJsonValue(user->id) : QJsonValue();
}

// PostHog's answer for a version: the flag's own fields as they were then, its identity and
// creation as they are, and who made that version when.
QJsonObject versionJson(const FeatureFlag &flag, const FeatureFlag &then)
{
    const QJsonObject saved = then.toJson();
    const auto field = [&](QLatin1StringView key, const QJsonValue &fallback) {
        return saved.contains(key) ? saved.value(key) : fallback;
    };
    // Served as a dict with `groups`, whatever an old version stored.
    QJsonObject filters = saved.value("filters"_L1).toObject();
    if (!filters.contains("groups"_L1))
        filters.insert("groups"_L1, QJsonArray());
    return {
        {u"id"_s, flag.id},
        {u"key"_s, then.key},
        {u"name"_s, then.name},
        {u"filters"_s, filters},
        {u"active"_s, then.active},
        {u"deleted"_s, then.deleted},
        {u"version"_s, then.version},
        {u"rollback_conditions"_s, field("rollback_conditions"_L1, QJsonValue())},
        {u"performed_rollback"_s, then.performedRollback},
        {u"ensure_experience_continuity"_s, then.ensureExperienceContinuity},
        {u"has_enriched_analytics"_s, then.hasEnrichedAnalytics},
        {u"is_remote_configuration"_s, then.isRemoteConfiguration},
        {u"has_encrypted_payloads"_s, then.hasEncryptedPayloads},
        {u"evaluation_runtime"_s, field("evaluation_runtime"_L1, QJsonValue())},
        {u"bucketing_identifier"_s, field("bucketing_identifier"_L1, QJsonValue())},
        {u"last_called_at"_s, field("last_called_at"_L1, QJsonValue())},
        {u"created_at"_s, flag.createdAt},
        {u"created_by"_s, userId(flag.createdBy)},
        {u"is_historical"_s, then.version != flag.version},
        {u"version_timestamp"_s, then.updatedAt.isEmpty() ? then.createdAt : then.updatedAt},
        {u"modified_by"_s, userId(then.lastModifiedBy)},
    };
}

} // namespace

void addHistoryRoutes(Router &router, Services &s)
{
    const auto activityRead = RouteAccess::scoped(u"activity_log:read"_s);

    router.add(Get, base + u"/activity"_s, activityRead,
               [&s](ApiRequest &r) { return activityPage(r, s, std::nullopt); });
    router.add(Get, base + u"/:id/activity"_s, activityRead, [&s](ApiRequest &r) {
        const qint64 id = r.idParam(u"id"_s);
        // Deleted flags keep their history; another project's flag has none here.
        if (!s.flags.find(r.projectId, id))
            return ApiResponse::empty(404);
        return activityPage(r, s, QString::number(id));
    });
    router.add(
        Get, base + u"/:id/versions/:version"_s, RouteAccess::scoped(u"feature_flag:read"_s),
        [&s](ApiRequest &r) {
            const FeatureFlag flag = s.flagService.get(r.projectId, r.idParam(u"id"_s));
            if (flag.isRemoteConfiguration)
                throw ApiError::validation(
                    u"invalid_input"_s,
                    u"Version history is not available for remote configuration flags."_s);
            // PostHog's route takes digits only: "-1" is no route of it.
            const QString text = r.param(u"version"_s);
            if (!std::all_of(text.begin(), text.end(), [](QChar c) { return c.isDigit(); }))
                throw ApiError::notFound();
            const qint64 n = r.idParam(u"version"_s);
            // PostHog answers these two with a bare {"detail"} (rest-api-behaviour.md §4.6).
            if (n < 1 || n > flag.version)
                return ApiResponse::json(
                    QJsonObject{
                        {u"detail"_s, u"Version %1 not found (current version is %2)"_s.arg(n).arg(
                                          flag.version)}},
                    404);
            // Every change since the first writes its snapshot with it, so a gap means
            // the flag came from elsewhere with its history left behind.
            const auto then = s.flags.version(flag.id, int(n));
            if (!then)
                return ApiResponse::json(
                    QJsonObject{
                        {u"detail"_s,
                         u"Activity log is incomplete. Cannot reconstruct version %1."_s.arg(n)}},
                    422);
            return ApiResponse::json(versionJson(flag, *then));
        });
}

} // namespace bunting::server
