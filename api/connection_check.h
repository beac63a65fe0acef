#pragma once

#include "api_error.h"
#include "endpoint.h"

#include <QObject>
#include <QPointer>
#include <chrono>
#include <optional>

namespace bunting::api {

class Client;
class PendingCall;

// Whether an endpoint works, found out with the cheapest call that needs everything a session
// needs (host, key, its feature_flag:read scope, the project): the first flag of the list. The
// outcome names what is wrong in a sentence that says what to do about it.
class ConnectionCheck : public QObject
{
    Q_OBJECT
public:
    enum class Verdict {
        Ok,
        HostUnreachable,
        Timeout,
        KeyInvalid,
        ScopeMissing,
        ProjectNotFound,
        NotPostHog, // an answer, but not PostHog's: a web page, another service, a wrong path
        ServerError,
    };
    Q_ENUM(Verdict)

    struct Outcome
    {
        Verdict verdict = Verdict::Ok;
        QString message; // one sentence (or two) for the person who typed the connection details
        int status = 0;  // the HTTP status, 0 when there was no answer
        int flagCount = 0;

        bool ok() const { return verdict == Verdict::Ok; }
    };

    explicit ConnectionCheck(QObject *parent = nullptr);
    ~ConnectionCheck() override;

    // How long to wait for the answer; a check is never retried.
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    std::chrono::milliseconds timeout() const { return m_timeout; }

    // Starts a check, canceling one that is running.
    void start(const Endpoint &endpoint);
    // Ends a running check; it then reports canceled() and no outcome.
    void cancel();
    bool isRunning() const { return m_running; }
    // The outcome of the last check that finished, until the next one starts.
    std::optional<Outcome> lastOutcome() const { return m_last; }

    // The verdict on an error from the list call to `endpoint`.
    static Outcome judge(const Endpoint &endpoint, const ApiError &error,
                         std::chrono::milliseconds timeout);
    static Outcome success(const Endpoint &endpoint, int flagCount);

Q_SIGNALS:
    void started();
    void finished(const bunting::api::ConnectionCheck::Outcome &outcome);
    void canceled();

private:
    void discardClient();

    std::chrono::milliseconds m_timeout{15000};
    Client *m_client = nullptr;
    QPointer<PendingCall> m_call;
    quint64 m_run = 0; // answers of older runs are ignored
    bool m_running = false;
    std::optional<Outcome> m_last;
};

} // namespace bunting::api
