#pragma once

// The machinery under Client's typed calls: one PendingCall driving one or more HTTP exchanges,
// with the time limit, retries, cancellation and the context guard. Private to bunting_api.
#include "client.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>
#include <QUrlQuery>
#include <optional>

class QNetworkReply;

namespace bunting::api {

struct Client::Request
{
    QByteArray method = "GET";
    QString path; // below /api/projects/<project>/, with PostHog's trailing slash
    QUrlQuery query;
    std::optional<QJsonObject> body;
    // An SDK endpoint (/flags/): `path` is from the host's root, and the personal key stays
    // home, since those endpoints take the project's public token in the body instead.
    bool sdk = false;
};

class Client::Call : public PendingCall
{
public:
    // Gets a 2xx answer's JSON (null for an empty body) and its status.
    using Answer = std::function<void(const QJsonValue &json, int status)>;
    using Failure = std::function<void(const ApiError &error)>;

    Call(Client *client, const QString &description, const QObject *context, Failure failure);
    ~Call() override;

    void cancel() override;
    bool isRunning() const override { return m_running; }

    // Sends one exchange. A 2xx goes to `answer`, which ends the call (finish, fail) or sends
    // the next exchange; anything else ends the call through the failure callback.
    void send(const Request &request, Answer answer);
    // Ends the call: `deliver` runs (unless the context is gone), then finished() is emitted.
    void finish(const std::function<void()> &deliver);
    void fail(const ApiError &error);
    // Ends the call without running any callback: its context or its client is going away.
    void abandon();
    // False once a context was given and has been destroyed.
    bool contextAlive() const { return !m_hasContext || m_context; }

private:
    void attempt();
    void replyFinished();
    void retryOrFail(const ApiError &error, bool retriable);
    void dropReply();
    QUrl url() const;
    QString hostName() const;

    Client *m_client;
    Endpoint m_endpoint; // as when the call started, whatever setEndpoint does meanwhile
    Options m_options;
    QPointer<const QObject> m_context;
    bool m_hasContext = false;
    Failure m_failure;
    Request m_request;
    Answer m_answer;
    QNetworkReply *m_reply = nullptr;
    QTimer m_timeout;
    QTimer m_retry;
    QElapsedTimer m_clock;
    int m_attempt = 0;
    bool m_timedOut = false;
    bool m_running = true;
};

} // namespace bunting::api
