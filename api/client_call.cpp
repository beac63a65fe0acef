#include "client_call.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

// Debug output (one line per request) only when asked for: it would flood a normal run.
Q_LOGGING_CATEGORY(lcApi, "bunting.api", QtInfoMsg)

namespace bunting::api {

namespace {

// A server asking for a longer pause than this gets its 429 reported rather than a frozen call.
constexpr std::chrono::seconds kLongestRetryAfter{60};
constexpr std::chrono::milliseconds kLongestBackoff{30s};

bool retriableStatus(int status)
{
    return status == 429 || status == 502 || status == 503 || status == 504;
}

// Retry-After in seconds; its HTTP-date form is rare for APIs and read as absent.
int retryAfterSeconds(const QNetworkReply *reply)
{
    bool ok = false;
    const int seconds = reply->rawHeader("Retry-After").trimmed().toInt(&ok);
    return ok && seconds > 0 ? seconds : 0;
}

// Any JSON text, scalars too (remote_config answers a string or null): wrapped in a list,
// which QJsonDocument reads in every Qt version.
std::optional<QJsonValue> parseJson(const QByteArray &body)
{
    if (body.trimmed().isEmpty())
        return QJsonValue(QJsonValue::Null);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson("[" + body + "]", &error);
    if (error.error != QJsonParseError::NoError || document.array().size() != 1)
        return std::nullopt;
    return document.array().first();
}

} // namespace

Client::Call::Call(Client *client, const QString &description, const QObject *context,
                   Failure failure)
    : m_client(client), m_endpoint(client->endpoint()), m_options(client->options()),
      m_context(context), m_hasContext(context != nullptr), m_failure(std::move(failure))
{
    setDescription(description);
    m_timeout.setSingleShot(true);
    m_retry.setSingleShot(true);
    // A coarse timer may fire 5% early: a limit or a Retry-After is a promise, not a hint.
    m_timeout.setTimerType(Qt::PreciseTimer);
    m_retry.setTimerType(Qt::PreciseTimer);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        m_timedOut = true;
        if (m_reply)
            m_reply->abort(); // finishes the reply, which reports the timeout
    });
    connect(&m_retry, &QTimer::timeout, this, &Call::attempt);
    if (context)
        connect(context, &QObject::destroyed, this, &Call::abandon);
}

Client::Call::~Call()
{
    dropReply();
}

void Client::Call::send(const Request &request, Answer answer)
{
    m_request = request;
    m_answer = std::move(answer);
    m_attempt = 0;
    if (!m_endpoint.isValid()) {
        // Failing later, not now, keeps the promise that callbacks never run inside the call.
        QTimer::singleShot(0, this, [this] {
            fail(ApiError::unreachable(hostName(), tr("the connection has no host or project")));
        });
        return;
    }
    attempt();
}

QString Client::Call::hostName() const
{
    const QUrl &host = m_endpoint.host;
    return host.port() == -1 ? host.host() : u"%1:%2"_s.arg(host.host()).arg(host.port());
}

QUrl Client::Call::url() const
{
    QUrl url = m_endpoint.host;
    QString prefix = url.path();
    while (prefix.endsWith(u'/'))
        prefix.chop(1);
    url.setPath(m_request.sdk
                    ? prefix + u'/' + m_request.path
                    : prefix + "/api/projects/"_L1 + m_endpoint.projectId + u'/' + m_request.path);
    url.setFragment(QString());
    if (m_request.query.isEmpty())
        url.setQuery(QString());
    else
        url.setQuery(m_request.query);
    return url;
}

void Client::Call::attempt()
{
    QNetworkRequest request(url());
    if (!m_request.sdk)
        request.setRawHeader("Authorization", "Bearer " + m_endpoint.apiKey.toUtf8());
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArray("bunting/" BUNTING_VERSION));
    // The bearer key must never follow a redirect to another host.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::SameOriginRedirectPolicy);
    QByteArray body;
    if (m_request.body) {
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
        body = QJsonDocument(*m_request.body).toJson(QJsonDocument::Compact);
    }
    m_timedOut = false;
    m_clock.start();
    m_reply = m_client->m_network->sendCustomRequest(request, m_request.method, body);
    connect(m_reply, &QNetworkReply::finished, this, &Call::replyFinished);
    m_timeout.start(m_options.timeout);
}

void Client::Call::replyFinished()
{
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    m_timeout.stop();
    reply->deleteLater();

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    // An aborted reply (our timeout) is closed and has nothing to read.
    const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();
    const qint64 ms = m_clock.elapsed();
    const QString target =
        reply->url().path() + (reply->url().hasQuery() ? u'?' + reply->url().query() : QString());
    if (status != 0)
        qCDebug(lcApi).noquote() << m_request.method << target << status << ms << "ms";
    else
        qCDebug(lcApi).noquote() << m_request.method << target << "failed after" << ms
                                 << "ms:" << (m_timedOut ? u"timeout"_s : reply->errorString());

    if (m_timedOut) {
        retryOrFail(ApiError::timedOut(hostName(), m_options.timeout), true);
        return;
    }
    if (status == 0) {
        if (reply->error() == QNetworkReply::TimeoutError)
            retryOrFail(ApiError::timedOut(hostName(), m_options.timeout), true);
        else
            retryOrFail(ApiError::unreachable(hostName(), reply->errorString()), true);
        return;
    }
    if (status < 200 || status >= 300) {
        ApiError error = ApiError::fromHttp(status, body);
        error.retryAfter = retryAfterSeconds(reply);
        if (status >= 300 && status < 400)
            error.reason =
                tr("redirected to %1").arg(QString::fromUtf8(reply->rawHeader("Location")));
        retryOrFail(error, retriableStatus(status));
        return;
    }
    const std::optional<QJsonValue> json = parseJson(body);
    if (!json) {
        const QString type = reply->header(QNetworkRequest::ContentTypeHeader).toString();
        fail(ApiError::invalidResponse(
            status, type.isEmpty() ? tr("expected JSON") : tr("expected JSON, got %1").arg(type)));
        return;
    }
    // The answer may send the next exchange, which replaces m_answer while it runs.
    const Answer answer = std::move(m_answer);
    answer(*json, status);
}

void Client::Call::retryOrFail(const ApiError &error, bool retriable)
{
    // Only reads are repeated: a write that timed out may have been applied already.
    const bool idempotent = m_request.method == "GET";
    const std::chrono::seconds asked{error.retryAfter};
    if (!retriable || !idempotent || m_attempt >= m_options.retries || asked > kLongestRetryAfter) {
        fail(error);
        return;
    }
    using std::chrono::milliseconds;
    const milliseconds backoff{m_options.firstBackoff.count() << std::min(m_attempt, 20)};
    const milliseconds delay =
        std::max<milliseconds>(std::min<milliseconds>(backoff, kLongestBackoff), asked);
    ++m_attempt;
    qCDebug(lcApi).noquote() << "retrying" << m_request.method << m_request.path << "in"
                             << delay.count() << "ms:" << error.message();
    m_retry.start(delay);
}

void Client::Call::finish(const std::function<void()> &deliver)
{
    if (!m_running)
        return;
    m_running = false;
    m_timeout.stop();
    m_retry.stop();
    dropReply();
    m_client->callEnded(this);
    // The callback may delete the client or cancel anything; nothing of this call is touched
    // after it but through the guard.
    const QPointer<Call> self(this);
    if (deliver && contextAlive())
        deliver();
    if (!self)
        return;
    Q_EMIT finished();
    deleteLater();
}

void Client::Call::fail(const ApiError &error)
{
    const Failure failure = m_failure;
    finish([&] { failure(error); });
}

void Client::Call::cancel()
{
    if (m_running)
        fail(ApiError::canceled());
}

void Client::Call::abandon()
{
    finish(nullptr);
}

void Client::Call::dropReply()
{
    if (!m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    disconnect(reply, nullptr, this, nullptr);
    reply->abort();
    reply->deleteLater();
}

} // namespace bunting::api
