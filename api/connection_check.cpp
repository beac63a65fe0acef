#include "connection_check.h"

#include "client.h"
#include "connection_profile.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace bunting::api {

namespace {

const QString kReadScope = u"feature_flag:read"_s;

// PostHog answers errors with {type, code, detail, attr}; a proxy, a web server or another
// service answers with a page or nothing.
bool answeredLikePostHog(const ApiError &error)
{
    return !error.type.isEmpty() || !error.code.isEmpty() || error.body.contains("detail"_L1);
}

QString projectName(const Endpoint &endpoint)
{
    return endpoint.projectId == "@current"_L1
               ? ConnectionCheck::tr("The key's project")
               : ConnectionCheck::tr("Project %1").arg(endpoint.projectId);
}

ConnectionCheck::Outcome outcome(ConnectionCheck::Verdict verdict, const QString &message,
                                 int status = 0)
{
    return {verdict, message, status, 0};
}

// 403 is PostHog's answer both to a key without the scope ("API key missing required scope
// 'feature_flag:read'") and to a project the key or its user cannot reach ("API key does not
// have access to the requested project", "You don't have access to the project.").
ConnectionCheck::Outcome judgeForbidden(const Endpoint &endpoint, const ApiError &error)
{
    using V = ConnectionCheck::Verdict;
    const QString detail = error.detail;
    if (detail.contains("scope"_L1, Qt::CaseInsensitive)) {
        static const QRegularExpression named(u"'([a-z_]+:[a-z]+)'"_s);
        const QRegularExpressionMatch match = named.match(detail);
        const QString scope = match.hasMatch() ? match.captured(1) : kReadScope;
        return outcome(V::ScopeMissing,
                       ConnectionCheck::tr(
                           "The key lacks the %1 scope. Add it to the key in PostHog's settings "
                           "(Personal API keys), or create a key that has it.")
                           .arg(scope),
                       403);
    }
    if (detail.contains("project"_L1, Qt::CaseInsensitive) ||
        detail.contains("organization"_L1, Qt::CaseInsensitive))
        return outcome(V::ProjectNotFound,
                       ConnectionCheck::tr(
                           "%1 does not exist or the key cannot access it. Check the project id "
                           "(in the project's settings) and the projects the key is limited to.")
                           .arg(projectName(endpoint)),
                       403);
    return outcome(
        V::ProjectNotFound,
        ConnectionCheck::tr("Access was refused (403): either %1 does not exist or the key cannot "
                            "access it, or the key lacks the %2 scope.")
            .arg(projectName(endpoint).toLower(), kReadScope),
        403);
}

} // namespace

ConnectionCheck::ConnectionCheck(QObject *parent) : QObject(parent)
{
}

ConnectionCheck::~ConnectionCheck() = default;

void ConnectionCheck::discardClient()
{
    if (m_call)
        m_call->cancel();
    m_call = nullptr;
    if (m_client) {
        // Not deleted here: this may run inside one of its callbacks.
        m_client->deleteLater();
        m_client = nullptr;
    }
}

void ConnectionCheck::start(const Endpoint &endpoint)
{
    const quint64 run = ++m_run;
    discardClient();
    m_last.reset();
    m_running = true;
    Q_EMIT started();

    m_client = new Client(endpoint, this);
    Client::Options options;
    options.timeout = m_timeout;
    // A person waits for this answer and can press the button again.
    options.retries = 0;
    m_client->setOptions(options);
    const std::chrono::milliseconds timeout = m_timeout;
    m_call = m_client->listFlags(
        FlagListQuery{}, 0, 1, this,
        [this, run, endpoint, timeout](const Result<Page<FeatureFlag>> &result) {
            if (run != m_run)
                return;
            if (!result.ok() && result.error().kind == ApiError::Kind::Canceled) {
                m_running = false;
                Q_EMIT canceled();
                return;
            }
            m_running = false;
            m_call = nullptr;
            m_last = result.ok() ? success(endpoint, result->count)
                                 : judge(endpoint, result.error(), timeout);
            Q_EMIT finished(*m_last);
        });
    if (m_call)
        m_call->setDescription(tr("Testing the connection"));
}

void ConnectionCheck::cancel()
{
    if (!m_running)
        return;
    ++m_run;
    m_running = false;
    discardClient();
    Q_EMIT canceled();
}

ConnectionCheck::Outcome ConnectionCheck::success(const Endpoint &endpoint, int flagCount)
{
    // Without a translation loaded, %n does not pick the English plural, so both are spelled out.
    const QString host = hostLabel(endpoint.host);
    const QString project = projectName(endpoint).toLower();
    const QString text = flagCount == 1
                             ? tr("Connected to %1: %2 has 1 feature flag.").arg(host, project)
                             : tr("Connected to %1: %2 has %3 feature flags.")
                                   .arg(host, project, QString::number(flagCount));
    Outcome ok = outcome(Verdict::Ok, text, 200);
    ok.flagCount = flagCount;
    return ok;
}

ConnectionCheck::Outcome ConnectionCheck::judge(const Endpoint &endpoint, const ApiError &error,
                                                std::chrono::milliseconds timeout)
{
    const QString host = hostLabel(endpoint.host);
    switch (error.kind) {
    case ApiError::Kind::Unreachable: {
        QString message = tr("%1 could not be reached. Check the address and your network "
                             "connection.")
                              .arg(host);
        // The network's own words ("Connection refused", "Host not found") tell a typo in the
        // address from a network that is down.
        if (!error.reason.isEmpty())
            message += u" ("_s + error.reason + u')';
        return outcome(Verdict::HostUnreachable, message);
    }
    case ApiError::Kind::Timeout: {
        const auto seconds = (timeout.count() + 999) / 1000;
        const QString text =
            seconds <= 1
                ? tr("%1 did not answer within a second. Check your network, or try again later.")
                      .arg(host)
                : tr("%1 did not answer within %2 seconds. Check your network, or try again "
                     "later.")
                      .arg(host, QString::number(seconds));
        return outcome(Verdict::Timeout, text);
    }
    case ApiError::Kind::Canceled:
        return outcome(Verdict::HostUnreachable, tr("The check was canceled."));
    case ApiError::Kind::InvalidResponse:
        return outcome(Verdict::NotPostHog,
                       tr("%1 answered, but not as PostHog does. Check that the address is that "
                          "of a PostHog instance (PostHog Cloud: https://us.posthog.com or "
                          "https://eu.posthog.com).")
                           .arg(host),
                       error.status);
    case ApiError::Kind::Http:
        break;
    }

    const int status = error.status;
    if (status == 401) {
        if (endpoint.apiKey.trimmed().startsWith("phc_"_L1))
            return outcome(Verdict::KeyInvalid,
                           tr("The key was refused (401): it is a project API key (phc_…). "
                              "The API needs a personal API key (phx_…)."),
                           status);
        return outcome(Verdict::KeyInvalid,
                       tr("The key was refused (401). Check that it is a personal API key "
                          "(phx_…) and that it has not been deleted."),
                       status);
    }
    if (status == 403)
        return judgeForbidden(endpoint, error);
    if (status == 404 && answeredLikePostHog(error))
        return outcome(
            Verdict::ProjectNotFound,
            tr("%1 does not exist or the key cannot access it.").arg(projectName(endpoint)),
            status);
    if (status == 429) {
        const QString text =
            error.retryAfter > 0
                ? tr("%1 is limiting requests (429). Try again in %2 seconds.")
                      .arg(host, QString::number(error.retryAfter))
                : tr("%1 is limiting requests (429). Try again in a minute.").arg(host);
        return outcome(Verdict::ServerError, text, status);
    }
    if (status >= 500)
        return outcome(Verdict::ServerError,
                       tr("%1 had an internal error (%2). Try again later.").arg(host).arg(status),
                       status);
    if (!answeredLikePostHog(error))
        return outcome(Verdict::NotPostHog,
                       tr("%1 has no PostHog API at this address (%2). Check the address.")
                           .arg(host)
                           .arg(status),
                       status);
    return outcome(Verdict::ServerError,
                   tr("%1 refused the request (%2): %3").arg(host).arg(status).arg(error.message()),
                   status);
}

} // namespace bunting::api
