#pragma once

#include "conflict_question.h"
#include "services/mirror_service.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>
#include <optional>

namespace bunting::api {
class Client;
struct ApiError;
} // namespace bunting::api

namespace bunting::desktop {

// Sends the changes of an offline copy to the PostHog project it copies, one flag after another,
// through the app's client (rest-api-behaviour.md §3):
// - a flag made in the copy is created there;
// - a changed flag is read from PostHog first. If PostHog still has the version the change
//   started from, the PATCH carries the changed fields with that `version` and the copied object
//   as `original_flag`, so that PostHog's own rule refuses it (409) when someone changes the
//   same fields in between. If PostHog changed the flag meanwhile, the change is rebased onto
//   PostHog's object (FlagRebase, as the editor does on a 409): fields only one side changed go
//   through; fields both changed ask the resolver (theirs, mine, or a merge);
// - a deleted flag is soft-deleted there (PATCH `deleted: true`).
// After each answer the copy takes PostHog's object (MirrorService::adopt), so the flag is no
// longer marked changed. Repeating a push is safe: what PostHog already has (a push cut off
// after PostHog wrote, before the answer came) is recognised by reading it first, and is
// taken, not sent again. A 429 waits as long as PostHog's Retry-After asks and tries again; a
// host that does not answer stops the push, leaving the rest marked changed.
class ProjectPush : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Waiting,
        Sending,
        Sent,         // PostHog took the change
        AlreadyThere, // PostHog had it already: taken, not sent again
        TookTheirs,   // a conflict settled with PostHog's flag: the copy took it
        Skipped,      // a conflict left unsettled, or the push stopped before it: still changed
        Failed,       // PostHog refused it, or it cannot be sent: still changed
    };
    struct Flag
    {
        server::PushItem item;
        State state = State::Waiting;
        QString message;         // why it failed, what was merged, what it waits for
        bool retryLater = false; // failed for the network or a rate limit, not for what it is
    };

    // The copy's side, which runs wherever the copy's database is (the local server's thread,
    // in the app); each calls its `done` on this object's thread.
    struct Copy
    {
        // The flag as a push sends it now; nullopt when it is in step with PostHog.
        std::function<void(qint64 flagId, std::function<void(std::optional<server::PushItem>)>)>
            read;
        // MirrorService::adopt; `done` gets its error, empty on success.
        std::function<void(const server::PushItem &, const QJsonObject &remote,
                           std::function<void(const QString &error)>)>
            adopt;
    };
    // Settles a flag both sides changed in the same fields: calls `answer` with the user's
    // choice (Ask leaves the flag unsent).
    using Resolver = std::function<void(const models::FlagRebase &, const Flag &,
                                        std::function<void(ConflictChoice)> answer)>;

    ProjectPush(api::Client &remote, Copy copy, QList<server::PushItem> items,
                QObject *parent = nullptr);

    void setResolver(Resolver resolver) { m_resolver = std::move(resolver); }
    // Retry-After beyond this is reported rather than waited for.
    void setLongestWait(int seconds) { m_longestWait = seconds; }
    void start();
    // Stops after the flag in flight; the rest stays marked changed.
    void stop();
    bool isRunning() const { return m_running; }

    const QList<Flag> &flags() const { return m_flags; }
    int count(State state) const;

    // The PATCH body that makes PostHog's `current` object into `target`: each copied field
    // (MirrorService::copiedFields) whose value differs; empty when none does.
    static QJsonObject changedFields(const QJsonObject &target, const QJsonObject &current);

Q_SIGNALS:
    void flagChanged(int index);
    void finished();

private:
    void next();
    void pushFresh(const server::PushItem &item);
    void create(const QJsonObject &body, int attempt);
    void findCreated(int attempt);
    void readRemote(int attempt);
    void compare(const QJsonObject &remote, int attempt);
    void send(const QJsonObject &target, const QJsonObject &compared, int attempt);
    void sent(const QJsonObject &remote, State state, const QString &message = {});
    // A 429 waits and runs `again`; a host that does not answer stops the push.
    void failed(const api::ApiError &error, std::function<void(int attempt)> again, int attempt);
    void settle(State state, const QString &message = {});
    Flag &current() { return m_flags[m_index]; }

    api::Client &m_remote;
    Copy m_copy;
    Resolver m_resolver;
    QList<Flag> m_flags;
    int m_index = -1;
    int m_longestWait = 120;
    bool m_running = false;
    bool m_stopping = false;
    QTimer m_wait;
};

} // namespace bunting::desktop
