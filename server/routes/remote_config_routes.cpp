#include "http/router.h"
#include "services.h"

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// Python's truthiness, which PostHog's `payloads.get("true") or None` applies.
bool isFalsy(const QJsonValue &v)
{
    return v.isUndefined() || v.isNull() || (v.isBool() && !v.toBool()) ||
           (v.isDouble() && v.toDouble() == 0) || (v.isString() && v.toString().isEmpty()) ||
           (v.isArray() && v.toArray().isEmpty()) || (v.isObject() && v.toObject().isEmpty());
}

bool isDigits(const QString &text)
{
    return !text.isEmpty() &&
           std::all_of(text.begin(), text.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
}

} // namespace

void addRemoteConfigRoutes(Router &router, Services &s)
{
    // SDKs ask by key (posthog-node's getRemoteConfigPayload), the app by id. PostHog answers a
    // flag it does not serve this way with a bare 404, no body.
    router.add(HttpMethod::Get, u"/api/projects/:project/feature_flags/:id/remote_config"_s,
               RouteAccess::scoped(u"feature_flag:read"_s), [&s](ApiRequest &r) {
                   const QString idOrKey = r.param(u"id"_s);
                   std::optional<FeatureFlag> flag;
                   if (isDigits(idOrKey)) {
                       bool ok = false;
                       const qint64 id = idOrKey.toLongLong(&ok);
                       if (ok)
                           flag = s.flags.find(r.projectId, id);
                   } else if (const auto id = s.flags.liveIdForKey(r.projectId, idOrKey)) {
                       flag = s.flags.find(r.projectId, *id);
                   }
                   if (!flag || flag->deleted || !flag->isRemoteConfiguration)
                       return ApiResponse::empty(404);
                   // Payloads are stored as PostHog stores them, usually JSON text, and served
                   // as stored: SDKs parse that text themselves. Encrypted payloads are kept in
                   // the clear here, which is what PostHog decrypts them to for a personal key.
                   const QJsonValue payload = flag->filters.payloads.value("true"_L1);
                   return ApiResponse::json(isFalsy(payload) ? QJsonValue() : payload);
               });
}

} // namespace bunting::server
