#include "flaky_proxy.h"

#include <QNetworkReply>
#include <QPointer>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

FlakyProxy::FlakyProxy(QUrl target, QObject *parent) : QObject(parent), m_target(std::move(target))
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                m_buffers.remove(socket);
                socket->deleteLater();
            });
        }
    });
}

bool FlakyProxy::listen()
{
    if (!m_server.listen(QHostAddress::LocalHost, m_port))
        return false;
    m_port = m_server.serverPort();
    return true;
}

void FlakyProxy::close()
{
    m_server.close();
    const QList<QTcpSocket *> open = m_buffers.keys();
    for (QTcpSocket *socket : open)
        socket->abort();
}

QUrl FlakyProxy::url() const
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_port));
}

void FlakyProxy::failNext(const QByteArray &method, Fault fault, int count, int retryAfter)
{
    for (int i = 0; i < count; ++i)
        m_faults.append({method, fault, retryAfter});
}

void FlakyProxy::read(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    const QList<QByteArray> start = lines.value(0).trimmed().split(' ');
    QList<QPair<QByteArray, QByteArray>> headers;
    qsizetype length = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon < 0)
            continue;
        const QByteArray name = lines[i].left(colon).trimmed();
        const QByteArray value = lines[i].mid(colon + 1).trimmed();
        if (name.compare("content-length", Qt::CaseInsensitive) == 0)
            length = value.toLongLong();
        headers.append({name, value});
    }
    if (buffer.size() < end + 4 + length)
        return;
    const QByteArray body = buffer.mid(end + 4, length);
    const QByteArray method = start.value(0);
    const QByteArray path = start.value(1);
    buffer.clear();

    QPointer<QTcpSocket> alive(socket);
    if (onRequest)
        onRequest(method, path);
    if (!alive || !m_server.isListening())
        return;
    for (qsizetype i = 0; i < m_faults.size(); ++i) {
        if (m_faults[i].method != method)
            continue;
        const Pending fault = m_faults.takeAt(i);
        if (fault.fault == Fault::LoseAnswer)
            return forward(socket, method, path, headers, body, true);
        const QByteArray answer =
            R"({"type":"throttled_error","code":"throttled","detail":"Request was throttled.","attr":null})";
        socket->write("HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
                      "Retry-After: " +
                      QByteArray::number(fault.retryAfter) + "\r\nContent-Length: " +
                      QByteArray::number(answer.size()) + "\r\nConnection: close\r\n\r\n" + answer);
        socket->disconnectFromHost();
        return;
    }
    forward(socket, method, path, headers, body, false);
}

void FlakyProxy::forward(QTcpSocket *socket, const QByteArray &method, const QByteArray &path,
                         const QList<QPair<QByteArray, QByteArray>> &headers,
                         const QByteArray &body, bool loseAnswer)
{
    QUrl url = m_target;
    url.setPath(
        QString::fromUtf8(path.left(path.indexOf('?') < 0 ? path.size() : path.indexOf('?'))));
    if (path.contains('?'))
        url.setQuery(QString::fromUtf8(path.mid(path.indexOf('?') + 1)));
    QNetworkRequest request(url);
    for (const auto &[name, value] : headers)
        if (name.compare("host", Qt::CaseInsensitive) != 0 &&
            name.compare("content-length", Qt::CaseInsensitive) != 0 &&
            name.compare("connection", Qt::CaseInsensitive) != 0)
            request.setRawHeader(name, value);
    ++m_forwarded[method];
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    QPointer<QTcpSocket> alive(socket);
    connect(reply, &QNetworkReply::finished, this, [reply, alive, loseAnswer] {
        reply->deleteLater();
        if (!alive)
            return;
        if (loseAnswer) {
            // Written there; the answer is cut off in its body. (Cut before the body, Qt's
            // network access sends the request again by itself, PATCH and POST alike.)
            alive->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         "Content-Length: 1000\r\n\r\n{\"id\":");
            alive->flush();
            alive->abort();
            return;
        }
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray answer = reply->readAll();
        QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + " X\r\n";
        for (const auto &[name, value] : reply->rawHeaderPairs())
            if (name.compare("content-length", Qt::CaseInsensitive) != 0 &&
                name.compare("connection", Qt::CaseInsensitive) != 0 &&
                name.compare("transfer-encoding", Qt::CaseInsensitive) != 0)
                head += name + ": " + value + "\r\n";
        head += "Content-Length: " + QByteArray::number(answer.size()) +
                "\r\nConnection: close\r\n\r\n";
        alive->write(head + answer);
        alive->disconnectFromHost();
    });
}
