#pragma once

#include "http/api_error.h"
#include "http/limits.h"
#include "http/request.h"
#include "http/request_parser.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <functional>

namespace bunting::server {

// One client's TCP connection: reads its requests one at a time within the limits, hands each
// to the server and writes the answers in order. It stops reading while the client leaves too
// much unread, and ends itself on a timeout, an error, or a request that asks to close.
class HttpConnection : public QObject
{
    Q_OBJECT

public:
    using Serve = std::function<ApiResponse(HttpRequest &)>;

    // Takes `socket` over.
    HttpConnection(QTcpSocket *socket, const HttpLimits &limits, Serve serve,
                   QObject *parent = nullptr);
    ~HttpConnection() override;

    // Nothing of a request received, nothing left to send: a connection that can be closed
    // without losing anything.
    bool isIdle() const;
    qint64 lastActivity() const { return m_lastActivity; }
    // What the connection holds in memory: unsent answers and unparsed requests.
    qint64 bufferedBytes() const;
    // Ends the connection when one of its timeouts has passed at `now` (steady milliseconds).
    void checkTimeouts(qint64 now);
    // Ends the connection now, unsent answers and all.
    void abort();

    static qint64 now();

Q_SIGNALS:
    void finished(HttpConnection *connection);

private:
    void readRequests();
    void write(const ApiResponse &response, bool keepAlive, bool withBody);
    void failAndClose(int status, const QString &code, const QString &detail);
    void closeAfterSending();
    // Closes after an error answer without losing it: what the client still sends is read and
    // dropped for a moment, because closing with unread data makes the kernel reset the
    // connection, and a reset can destroy the answer before the client has read it.
    void lingerAfterSending();
    void linger();
    void finish();

    QPointer<QTcpSocket> m_socket;
    HttpLimits m_limits;
    Serve m_serve;
    HttpRequestParser m_parser;
    QByteArray m_unparsed; // read from the socket, not yet parsed
    qsizetype m_unparsedFrom = 0;
    qint64 m_lastActivity = 0;
    qint64 m_requestStart = 0;
    qint64 m_lastWrite = 0;
    bool m_closing = false;
    qint64 m_lingerSince = -1; // when the answer had gone and reading to drop began
    qint64 m_dropped = 0;
    bool m_serving = false;
    bool m_finished = false;
};

} // namespace bunting::server
