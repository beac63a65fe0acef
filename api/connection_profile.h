#pragma once

#include "endpoint.h"

#include <QList>
#include <QString>
#include <QUrl>

namespace bunting::api {

// A place the app can connect to: the local server it runs itself (its first project, or an
// offline copy of a PostHog project in another of its projects), or a PostHog project reached
// over the network. The API key is not part of it; keys live in the SecretStore, by profile id.
struct ConnectionProfile
{
    enum class Kind { Local, Remote };

    QString id;
    QString name; // chosen by the user; empty means "describe it by host and project"
    Kind kind = Kind::Remote;
    QUrl host; // remote only: the local server's port is known only once it runs
    // Remote: the PostHog project. Local: empty for the local profile, the local project of an
    // offline copy.
    QString projectId;
    // An offline copy: the title of the connection it copies, for "offline copy of ...".
    QString copiedFrom;
    // Remote only: the project real users get their flags from. Its windows wear a colour and a
    // save there asks first.
    bool production = false;

    static inline const QString localId = QStringLiteral("local");
    static ConnectionProfile local();

    bool isLocal() const { return kind == Kind::Local; }
    // A local project holding a copy of a PostHog project (see "Work offline").
    bool isOfflineCopy() const { return isLocal() && !projectId.isEmpty(); }
    static QString offlineCopyId(qint64 localProjectId);
    // Local, or a remote one with a usable host and project id.
    bool isValid() const;
    // "PostHog US · project 1234", "flags.example.com · project 7", "Local server".
    QString summary() const;
    // The name, or the summary when the profile has none.
    QString title() const;
    // Where calls go with this key; only meaningful for remote profiles.
    Endpoint endpoint(const QString &apiKey) const;

    friend bool operator==(const ConnectionProfile &, const ConnectionProfile &) = default;
};

// The PostHog hosts offered by name; anything else is a self-hosted (custom) URL.
struct HostPreset
{
    enum class Id { PostHogUs, PostHogEu, Custom };
    Id id = Id::Custom;
    QString label;
    QUrl url; // empty for Custom
};

QList<HostPreset> hostPresets();
// The preset whose host this is (PostHog US also answers as app.posthog.com), else Custom.
HostPreset presetForHost(const QUrl &host);
// "PostHog US", "PostHog EU", or the host's own name (with its port when not the default).
QString hostLabel(const QUrl &host);
// What a person typed ("eu.posthog.com", "https://ph.example.com/") as a host URL: https when no
// scheme is given, no trailing slash. Invalid (empty) when it cannot be a PostHog host.
QUrl normalizedHost(const QString &text);
// A project id PostHog accepts: a positive number, or "@current" (the key's own project).
bool isValidProjectId(const QString &text);

} // namespace bunting::api
