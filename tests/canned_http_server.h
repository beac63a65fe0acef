#pragma once
// A server for tests that answers every request with the same canned HTTP response (or, with an
// empty one, never): a PostHog refusal, a web server that is not PostHog, one that hangs.
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

// Answers every request with the same canned HTTP response, or, with an empty one, not at all.
class CannedServer : public QObject
{
public:
    explicit CannedServer(QByteArray response) : m_response(std::move(response))
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    m_request += socket->readAll();
                    if (!m_response.isEmpty() && isComplete(m_request)) {
                        socket->write(m_response);
                        socket->disconnectFromHost();
                    }
                });
            }
        });
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
    }
    quint16 port() const { return m_server.serverPort(); }
    // Everything the client sent: request line, headers and body.
    const QByteArray &request() const { return m_request; }
    QByteArray requestBody() const { return m_request.mid(m_request.indexOf("\r\n\r\n") + 4); }

private:
    // The headers, and as much body as they announce: answering before the body is in would
    // leave request() without it.
    static bool isComplete(const QByteArray &request)
    {
        const qsizetype end = request.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        qsizetype length = 0;
        for (const QByteArray &line : request.left(end).split('\n'))
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(line.indexOf(':') + 1).trimmed().toLongLong();
        return request.size() >= end + 4 + length;
    }

    QTcpServer m_server;
    QByteArray m_response;
    QByteArray m_request;
};

inline QByteArray httpResponse(const QByteArray &status, const QByteArray &type,
                               const QByteArray &body)
{
    return "HTTP/1.1 " + status + "\r\nContent-Type: " + type +
           "\r\nContent-Length: " + QByteArray::number(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}
