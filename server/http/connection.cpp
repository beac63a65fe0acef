#include "http/connection.h"

#include <chrono>
#include <sys/socket.h>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

const char *reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 402:
        return "Payment Required";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return status < 300   ? "OK"
               : status < 400 ? "Redirect"
               : status < 500 ? "Client Error"
                              : "Server Error";
    }
}

// Answers up to this size go out as one piece with their head.
constexpr qsizetype kJoinedAnswerBytes = 256 * 1024;
// How much is taken from the socket at a time.
constexpr qint64 kReadChunk = 16 * 1024;
// What is read and dropped after an error answer, at most, before the connection is closed.
constexpr qint64 kLingerBytes = 16 * 1024 * 1024;
constexpr qint64 kLingerMs = 2000;

} // namespace

qint64 HttpConnection::now()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

HttpConnection::HttpConnection(QTcpSocket *socket, const HttpLimits &limits, Serve serve,
                               QObject *parent)
    : QObject(parent), m_socket(socket), m_limits(limits), m_serve(std::move(serve)),
      m_parser(limits), m_lastActivity(now()), m_lastWrite(m_lastActivity)
{
    socket->setParent(this);
    // Unread requests stay in the kernel past this, so the client's own sending slows down.
    socket->setReadBufferSize(limits.readBufferBytes);
    // Each answer is written whole; waiting for an acknowledgement first only adds latency.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::readRequests);
    connect(socket, &QTcpSocket::bytesWritten, this, [this] {
        m_lastWrite = now();
        if (!m_closing && m_socket->bytesToWrite() <= m_limits.maxUnsentBytes)
            readRequests();
    });
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::finish);
    connect(socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            finish();
    });
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::isIdle() const
{
    return !m_serving && m_parser.phase() == HttpRequestParser::Phase::Idle &&
           m_unparsedFrom >= m_unparsed.size() && m_socket && m_socket->bytesToWrite() == 0 &&
           m_socket->bytesAvailable() == 0;
}

qint64 HttpConnection::bufferedBytes() const
{
    if (!m_socket)
        return 0;
    return m_socket->bytesToWrite() + m_socket->bytesAvailable() + m_unparsed.size();
}

void HttpConnection::readRequests()
{
    if (!m_socket || m_closing || m_serving)
        return;
    for (;;) {
        if (m_socket->bytesToWrite() > m_limits.maxUnsentBytes)
            return; // resumed from bytesWritten once the client has read enough
        if (m_unparsedFrom >= m_unparsed.size()) {
            if (m_socket->bytesAvailable() <= 0)
                return;
            m_unparsed = m_socket->read(kReadChunk);
            m_unparsedFrom = 0;
            m_lastActivity = now();
            if (m_parser.phase() == HttpRequestParser::Phase::Idle)
                m_requestStart = m_lastActivity;
        }
        const qsizetype read = m_parser.feed(m_unparsed.constData() + m_unparsedFrom,
                                             m_unparsed.size() - m_unparsedFrom);
        m_unparsedFrom += read;
        if (m_unparsedFrom >= m_unparsed.size()) {
            m_unparsed.clear();
            m_unparsedFrom = 0;
        }
        if (const auto &error = m_parser.error()) {
            failAndClose(error->status, error->code, error->detail);
            return;
        }
        if (m_parser.takeContinue())
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        if (!m_parser.hasRequest())
            continue;
        HttpRequest request = m_parser.takeRequest();
        m_serving = true;
        const ApiResponse response = m_serve(request);
        m_serving = false;
        if (!m_socket)
            return;
        write(response, request.keepAlive, request.method != HttpMethod::Head);
        if (!request.keepAlive) {
            closeAfterSending();
            return;
        }
        if (m_unparsedFrom < m_unparsed.size() || m_socket->bytesAvailable() > 0)
            m_requestStart = now();
    }
}

void HttpConnection::write(const ApiResponse &response, bool keepAlive, bool withBody)
{
    QByteArray head;
    head.reserve(160);
    head += "HTTP/1.1 ";
    head += QByteArray::number(response.status);
    head += ' ';
    head += reasonPhrase(response.status);
    head += "\r\n";
    if (!response.contentType.isEmpty()) {
        head += "Content-Type: ";
        head += response.contentType;
        head += "\r\n";
    }
    for (const auto &[name, value] : response.headers) {
        head += name;
        head += ": ";
        head += value;
        head += "\r\n";
    }
    head += "Content-Length: ";
    head += QByteArray::number(response.body.size());
    head += keepAlive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n";
    if (withBody && response.body.size() <= kJoinedAnswerBytes) {
        m_socket->write(head + response.body);
        return;
    }
    m_socket->write(head);
    if (withBody)
        m_socket->write(response.body);
}

void HttpConnection::failAndClose(int status, const QString &code, const QString &detail)
{
    const ApiError error(status, u"invalid_request"_s, code, detail);
    write(error.toResponse(), false, true);
    lingerAfterSending();
}

void HttpConnection::lingerAfterSending()
{
    m_closing = true;
    m_unparsed.clear();
    m_unparsedFrom = 0;
    disconnect(m_socket, &QTcpSocket::readyRead, this, nullptr);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::linger);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpConnection::linger);
    linger();
}

void HttpConnection::linger()
{
    if (!m_socket)
        return;
    if (m_lingerSince < 0) {
        if (m_socket->bytesToWrite() > 0)
            return;
        ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
        m_lingerSince = now();
    }
    m_dropped += m_socket->skip(m_socket->bytesAvailable());
    if (m_dropped > kLingerBytes)
        abort();
}

void HttpConnection::closeAfterSending()
{
    m_closing = true;
    m_unparsed.clear();
    m_unparsedFrom = 0;
    // Sends what is written, then closes; nothing more of this client is read.
    m_socket->disconnectFromHost();
}

void HttpConnection::abort()
{
    m_closing = true;
    if (m_socket)
        m_socket->abort();
    finish();
}

void HttpConnection::finish()
{
    if (std::exchange(m_finished, true))
        return;
    Q_EMIT finished(this);
}

void HttpConnection::checkTimeouts(qint64 at)
{
    if (!m_socket || m_serving)
        return;
    if (m_socket->bytesToWrite() > 0) {
        if (at - m_lastWrite > m_limits.sendTimeout.count())
            abort();
        return;
    }
    if (m_lingerSince >= 0 && at - m_lingerSince > kLingerMs) {
        abort();
        return;
    }
    if (m_closing)
        return;
    switch (m_parser.phase()) {
    case HttpRequestParser::Phase::Idle:
        if (at - m_lastActivity > m_limits.idleTimeout.count())
            abort();
        break;
    case HttpRequestParser::Phase::Headers:
        if (at - m_requestStart > m_limits.headerTimeout.count())
            failAndClose(408, u"request_timeout"_s,
                         u"The request's headers did not arrive in time."_s);
        break;
    case HttpRequestParser::Phase::Body:
        if (at - m_lastActivity > m_limits.bodyTimeout.count())
            failAndClose(408, u"request_timeout"_s, u"The request's body stopped arriving."_s);
        break;
    }
}

} // namespace bunting::server
