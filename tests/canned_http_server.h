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
                    if (!m_response.isEmpty() && m_request.contains("\r\n\r\n")) {
                        socket->write(m_response);
                        socket->disconnectFromHost();
                    }
                });
            }
        });
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
    }
    quint16 port() const { return m_server.serverPort(); }
    const QByteArray &request() const { return m_request; }

private:
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
