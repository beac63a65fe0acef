#include "connection_profile.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace bunting::api {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bunting::api::ConnectionProfile", text);
}

} // namespace

ConnectionProfile ConnectionProfile::local()
{
    ConnectionProfile local;
    local.id = localId;
    local.name = tr("Local");
    local.kind = Kind::Local;
    return local;
}

QString ConnectionProfile::offlineCopyId(qint64 localProjectId)
{
    return u"local-%1"_s.arg(localProjectId);
}

bool ConnectionProfile::isValid() const
{
    if (isLocal())
        return projectId.isEmpty() ||
               (projectId.toLongLong() > 0 && id == offlineCopyId(projectId.toLongLong()));
    return !normalizedHost(host.toString()).isEmpty() && isValidProjectId(projectId);
}

QString ConnectionProfile::summary() const
{
    if (isOfflineCopy())
        return copiedFrom.isEmpty() ? tr("Offline copy · local project %1").arg(projectId)
                                    : tr("Offline copy of %1").arg(copiedFrom);
    if (isLocal())
        return tr("Local server");
    if (projectId == "@current"_L1)
        return tr("%1 · the key's project").arg(hostLabel(host));
    return tr("%1 · project %2").arg(hostLabel(host), projectId);
}

QString ConnectionProfile::title() const
{
    const QString trimmed = name.trimmed();
    return trimmed.isEmpty() ? summary() : trimmed;
}

Endpoint ConnectionProfile::endpoint(const QString &apiKey) const
{
    return {host, projectId, apiKey};
}

QList<HostPreset> hostPresets()
{
    return {
        {HostPreset::Id::PostHogUs, tr("PostHog US"), QUrl(u"https://us.posthog.com"_s)},
        {HostPreset::Id::PostHogEu, tr("PostHog EU"), QUrl(u"https://eu.posthog.com"_s)},
        {HostPreset::Id::Custom, tr("Custom…"), {}},
    };
}

HostPreset presetForHost(const QUrl &host)
{
    const QList<HostPreset> presets = hostPresets();
    // Only the bare https host is a preset: a port or a path prefix means a proxy in between,
    // which the user configured and should see as such.
    if (host.scheme() == "https"_L1 && host.port() == -1 && host.path().isEmpty()) {
        const QString name = host.host().toLower();
        // app.posthog.com is the US cloud's former name and still serves the API.
        if (name == "us.posthog.com"_L1 || name == "app.posthog.com"_L1)
            return presets.at(0);
        if (name == "eu.posthog.com"_L1)
            return presets.at(1);
    }
    return presets.at(2);
}

QString hostLabel(const QUrl &host)
{
    const HostPreset preset = presetForHost(host);
    if (preset.id != HostPreset::Id::Custom)
        return preset.label;
    if (host.host().isEmpty())
        return tr("no host");
    const QString name = host.host();
    return host.port() == -1 ? name : u"%1:%2"_s.arg(name).arg(host.port());
}

QUrl normalizedHost(const QString &text)
{
    QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return {};
    if (!trimmed.contains("://"_L1))
        trimmed.prepend("https://"_L1);
    QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return {};
    if (url.scheme() != "https"_L1 && url.scheme() != "http"_L1)
        return {};
    // The client appends /api/...; a query or fragment would end up in the middle of its paths.
    if (url.hasQuery() || url.hasFragment() || !url.userInfo().isEmpty())
        return {};
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path);
    url.setHost(url.host().toLower());
    return url;
}

bool isValidProjectId(const QString &text)
{
    if (text == "@current"_L1)
        return true;
    if (text.isEmpty() || text.size() > 18)
        return false;
    for (const QChar c : text) {
        if (c < u'0' || c > u'9')
            return false;
    }
    return text.toLongLong() > 0;
}

} // namespace bunting::api
