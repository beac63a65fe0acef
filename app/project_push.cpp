#include "project_push.h"

#include "client.h"
#include "editable_fields.h"

using namespace Qt::StringLiterals;
using bunting::server::MirrorOverride;
using bunting::server::MirrorService;
using bunting::server::PushItem;

namespace bunting::desktop {

namespace {

constexpr int kConflictRereads = 3; // 409s in a row before a flag is reported as refused
constexpr int kRateLimitWaits = 5;

FeatureFlag flagOf(const QJsonObject &object)
{
    return FeatureFlag::fromJson(object);
}

} // namespace

ProjectPush::ProjectPush(api::Client &remote, Copy copy, QList<PushItem> items, QObject *parent)
    : QObject(parent), m_remote(remote), m_copy(std::move(copy))
{
    for (PushItem &item : items)
        m_flags.append({std::move(item), State::Waiting, {}, false});
    m_wait.setSingleShot(true);
}

QJsonObject ProjectPush::changedFields(const QJsonObject &target, const QJsonObject &current)
{
    QJsonObject body;
    const QJsonObject fields = MirrorService::copiedFields(target);
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        QJsonValue value = it.value();
        if (it.key() == "filters"_L1)
            value =
                models::filtersReplacing(value.toObject(), current.value("filters"_L1).toObject());
        const QJsonValue now = current.value(it.key());
        if (value == now || (now.isUndefined() && value.isNull()))
            continue;
        body.insert(it.key(), value);
    }
    return body;
}

int ProjectPush::count(State state) const
{
    return int(std::count_if(m_flags.cbegin(), m_flags.cend(),
                             [state](const Flag &flag) { return flag.state == state; }));
}

void ProjectPush::start()
{
    if (m_running)
        return;
    m_running = true;
    m_stopping = false;
    m_index = -1;
    next();
}

void ProjectPush::stop()
{
    m_stopping = true;
    if (m_wait.isActive()) {
        m_wait.stop();
        settle(State::Skipped, tr("Not sent: the push was stopped while it waited."));
    }
}

void ProjectPush::next()
{
    ++m_index;
    if (m_stopping || m_index >= m_flags.size()) {
        for (int i = m_index; i < m_flags.size(); ++i) {
            if (m_flags[i].state != State::Waiting)
                continue;
            m_flags[i].state = State::Skipped;
            m_flags[i].message = tr("Not sent: the push stopped before it. It is still marked "
                                    "changed.");
            Q_EMIT flagChanged(i);
        }
        m_index = int(m_flags.size());
        m_running = false;
        Q_EMIT finished();
        return;
    }
    current().state = State::Sending;
    current().message.clear();
    Q_EMIT flagChanged(m_index);
    // Read again now: the flag may have changed since the list was made, and a flag it names
    // may have been sent just before it.
    QPointer<ProjectPush> alive(this);
    const int index = m_index;
    m_copy.read(current().item.flagId, [alive, index](const std::optional<PushItem> &item) {
        if (!alive || alive->m_index != index)
            return;
        if (!item)
            return alive->settle(State::AlreadyThere, tr("Nothing to send: the copy is in step."));
        alive->pushFresh(*item);
    });
}

void ProjectPush::pushFresh(const PushItem &item)
{
    current().item = item;
    if (!item.problem.isEmpty())
        return settle(State::Failed, item.problem);
    if (item.kind == MirrorOverride::Kind::Created)
        return create(item.mine, 0);
    readRemote(0);
}

void ProjectPush::create(const QJsonObject &body, int attempt)
{
    m_remote.createFlag(body, this, [this, body, attempt](const api::Result<FeatureFlag> &made) {
        if (made)
            return sent(made->toJson(), State::Sent);
        const api::ApiError &error = made.error();
        // The key is taken: by an earlier push of this flag whose answer never came, or by a
        // flag made there.
        if (error.status == 400 && error.attr == "key"_L1 && error.code == "unique"_L1)
            return findCreated(0);
        failed(
            error, [this, body](int again) { create(body, again); }, attempt);
    });
}

void ProjectPush::findCreated(int attempt)
{
    api::FlagListQuery query;
    query.search = current().item.key;
    m_remote.listFlags(
        query, 0, 100, this, [this, attempt](const api::Result<api::Page<FeatureFlag>> &page) {
            if (!page)
                return failed(
                    page.error(), [this](int again) { findCreated(again); }, attempt);
            for (const FeatureFlag &flag : page->results) {
                if (flag.key != current().item.key || flag.deleted)
                    continue;
                const QJsonObject there = flag.toJson();
                if (changedFields(current().item.mine, there).isEmpty())
                    return sent(there, State::AlreadyThere,
                                tr("PostHog has it already, from an earlier push."));
                return settle(State::Failed,
                              tr("PostHog already has a flag with the key '%1', made there. Rename "
                                 "this one, or delete one of the two.")
                                  .arg(flag.key));
            }
            settle(State::Failed,
                   tr("PostHog refuses the key '%1' as taken, but lists no live flag "
                      "with it.")
                       .arg(current().item.key));
        });
}

void ProjectPush::readRemote(int attempt)
{
    m_remote.getFlag(current().item.remoteId, this,
                     [this, attempt](const api::Result<FeatureFlag> &there) {
                         if (there)
                             return compare(there->toJson(), attempt);
                         if (there.error().isNotFound())
                             return compare({}, attempt);
                         failed(
                             there.error(), [this](int again) { readRemote(again); }, attempt);
                     });
}

void ProjectPush::compare(const QJsonObject &remote, int attempt)
{
    const PushItem &item = current().item;
    const bool gone = remote.isEmpty() || remote.value("deleted"_L1).toBool();
    if (item.kind == MirrorOverride::Kind::Deleted) {
        if (gone)
            return sent({}, State::AlreadyThere, tr("PostHog has deleted it already."));
        QJsonObject target = remote;
        target.insert("deleted"_L1, true);
        return send(target, remote, attempt);
    }
    if (gone)
        return settle(State::Failed,
                      tr("PostHog deleted this flag after it was copied. Work offline again to "
                         "take that, or restore it on PostHog first."));
    if (changedFields(item.mine, remote).isEmpty())
        return sent(remote, State::AlreadyThere, tr("PostHog has this version already."));
    if (remote.value("version"_L1).toInt() == item.baseVersion) {
        // As copied: PostHog's rule checks the change against the copied object.
        QJsonObject base = item.base;
        base.insert("version"_L1, item.baseVersion);
        return send(item.mine, base, attempt);
    }
    const models::FlagRebase rebase =
        models::FlagRebase::compute(flagOf(item.base), flagOf(item.mine), flagOf(remote));
    if (!rebase.hasConflicts())
        return send(rebase.merged.toJson(), remote, attempt);
    if (!m_resolver)
        return settle(State::Skipped, tr("Changed on PostHog too, in the same fields: not sent."));
    current().message = tr("Changed on PostHog too, in the same fields: waiting for a choice.");
    Q_EMIT flagChanged(m_index);
    QPointer<ProjectPush> alive(this);
    const int index = m_index;
    m_resolver(rebase, current(), [alive, index, rebase, remote, attempt](ConflictChoice choice) {
        if (!alive || alive->m_index != index)
            return;
        switch (choice) {
        case ConflictChoice::Merge:
            return alive->send(rebase.merged.toJson(), remote, attempt);
        case ConflictChoice::MergeTakingTheirs:
            return alive->send(rebase.mergedTheirs.toJson(), remote, attempt);
        case ConflictChoice::Overwrite:
            return alive->send(alive->current().item.mine, remote, attempt);
        case ConflictChoice::Reload:
            return alive->sent(remote, State::TookTheirs, tr("The copy took PostHog's flag."));
        case ConflictChoice::Ask:
            return alive->settle(State::Skipped,
                                 tr("Changed on PostHog too, in the same fields: not sent."));
        }
    });
}

void ProjectPush::send(const QJsonObject &target, const QJsonObject &compared, int attempt)
{
    QJsonObject body = changedFields(target, compared);
    if (target.value("deleted"_L1).toBool())
        body.insert("deleted"_L1, true);
    if (body.isEmpty())
        return sent(compared, State::AlreadyThere, tr("PostHog has this version already."));
    body.insert("version"_L1, compared.value("version"_L1).toInt());
    body.insert("original_flag"_L1, MirrorService::copiedFields(compared));
    m_remote.updateFlag(
        current().item.remoteId, body, this,
        [this, target, compared, attempt](const api::Result<FeatureFlag> &answer) {
            if (answer)
                return sent(answer->toJson(), State::Sent);
            // Someone changed the same fields between the read and the write: read again.
            if (answer.error().isConflict()) {
                if (attempt + 1 >= kConflictRereads)
                    return settle(State::Failed, answer.error().message());
                return readRemote(attempt + 1);
            }
            failed(
                answer.error(),
                [this, target, compared](int again) { send(target, compared, again); }, attempt);
        });
}

void ProjectPush::sent(const QJsonObject &remote, State state, const QString &message)
{
    const int index = m_index;
    QPointer<ProjectPush> alive(this);
    m_copy.adopt(current().item, remote, [alive, index, state, message](const QString &error) {
        if (!alive || alive->m_index != index)
            return;
        if (!error.isEmpty())
            return alive->settle(State::Failed,
                                 tr("PostHog has it, but the copy could not take PostHog's "
                                    "flag: %1")
                                     .arg(error));
        alive->settle(state, message);
    });
}

void ProjectPush::failed(const api::ApiError &error, std::function<void(int attempt)> again,
                         int attempt)
{
    if (error.status == 429) {
        const int seconds = error.retryAfter > 0 ? error.retryAfter : 5 * (attempt + 1);
        if (attempt < kRateLimitWaits && seconds <= m_longestWait && !m_stopping) {
            current().message = tr("PostHog's rate limit: waiting %1 s.").arg(seconds);
            Q_EMIT flagChanged(m_index);
            m_wait.disconnect(this);
            connect(&m_wait, &QTimer::timeout, this, [again, attempt] { again(attempt + 1); });
            m_wait.start(seconds * 1000);
            return;
        }
        current().retryLater = true;
        return settle(State::Failed,
                      tr("PostHog's rate limit asks to wait %1 s, longer than a push waits. Not "
                         "sent; it is still marked changed.")
                          .arg(seconds));
    }
    using Kind = api::ApiError::Kind;
    if (error.kind == Kind::Unreachable || error.kind == Kind::Timeout) {
        // The rest would fail the same way: they stay marked changed for the next push.
        m_stopping = true;
        current().retryLater = true;
        return settle(State::Failed,
                      tr("Not sent: %1 It is still marked changed.").arg(error.message()));
    }
    current().retryLater = error.status >= 500;
    const QString field = error.attr.isEmpty() ? QString() : u" (%1)"_s.arg(error.attr);
    settle(State::Failed, error.message() + field);
}

void ProjectPush::settle(State state, const QString &message)
{
    current().state = state;
    current().message = message;
    Q_EMIT flagChanged(m_index);
    next();
}

} // namespace bunting::desktop
