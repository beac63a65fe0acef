#pragma once

#include "http/api_error.h"
#include "http/limits.h"
#include "http/request.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <memory>
#include <optional>

namespace bunting::server {

// One request as it came off the wire, before the API reads any meaning into it.
struct HttpRequest
{
    HttpMethod method = HttpMethod::Other;
    QByteArray target; // origin-form ("/path?query") or absolute-form
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool keepAlive = true;
    bool upgrade = false; // CONNECT or an Upgrade header: never served as such
};

// Why a request cannot be served; answered once, then the connection is closed.
struct HttpParseError
{
    int status = 400;
    QString code;
    QString detail;
};

// Reads HTTP/1.1 requests from a byte stream with Node's http-parser, one at a time, within the
// limits: header bytes (431), body size (413, from Content-Length before the body is read) and
// well-formedness (400). Chunked bodies are decoded.
class HttpRequestParser
{
public:
    enum class Phase { Idle, Headers, Body };

    explicit HttpRequestParser(const HttpLimits &limits);
    ~HttpRequestParser();
    HttpRequestParser(const HttpRequestParser &) = delete;
    HttpRequestParser &operator=(const HttpRequestParser &) = delete;

    // Reads `size` bytes or fewer: it stops after a whole request, which takeRequest() then
    // gives, or at an error. Returns how many bytes it read.
    qsizetype feed(const char *data, qsizetype size);

    bool hasRequest() const { return m_complete; }
    HttpRequest takeRequest();
    const std::optional<HttpParseError> &error() const { return m_error; }
    // True once for a request whose headers asked for "100 Continue" and whose body is welcome.
    bool takeContinue() { return std::exchange(m_continue, false); }
    Phase phase() const { return m_phase; }

private:
    struct Callbacks;

    bool countHeaderBytes(qsizetype size);
    int headersComplete();
    void fail(int status, const QString &code, const QString &detail);

    HttpLimits m_limits;
    struct State;
    std::unique_ptr<State> m_state;
    HttpRequest m_request;
    qint64 m_headerBytes = 0;
    bool m_inValue = false;
    bool m_complete = false;
    bool m_continue = false;
    Phase m_phase = Phase::Idle;
    std::optional<HttpParseError> m_error;
};

} // namespace bunting::server
