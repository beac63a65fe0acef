#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QTcpServer>
#include <QUrl>
#include <functional>

class QTcpSocket;

// An HTTP front for a test server that fails on purpose, as a network and PostHog do: it
// answers 429 with a Retry-After, forwards a request and drops the answer (the server wrote,
// the client never hears), or stops listening altogether (the host is down) and comes back on
// the same port. One request per connection.
class FlakyProxy : public QObject
{
public:
    enum class Fault { RateLimit, LoseAnswer };

    explicit FlakyProxy(QUrl target, QObject *parent = nullptr);

    bool listen();
    // Stops listening and cuts the open connections: the host does not answer.
    void close();
    QUrl url() const;

    // The next `count` requests with this method get `fault`.
    void failNext(const QByteArray &method, Fault fault, int count = 1, int retryAfter = 1);
    // Runs as each request arrives, before it is forwarded: a test may close() here.
    std::function<void(const QByteArray &method, const QByteArray &path)> onRequest;
    // Requests forwarded, by method.
    int forwarded(const QByteArray &method) const { return m_forwarded.value(method); }

private:
    struct Pending
    {
        QByteArray method;
        Fault fault;
        int retryAfter;
    };
    void read(QTcpSocket *socket);
    void forward(QTcpSocket *socket, const QByteArray &method, const QByteArray &path,
                 const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body,
                 bool loseAnswer);

    QUrl m_target;
    quint16 m_port = 0;
    QTcpServer m_server;
    QNetworkAccessManager m_network;
    QList<Pending> m_faults;
    QHash<QByteArray, int> m_forwarded;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};
