#include "http_message.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QTcpSocket>

namespace bunting::fuzz {

namespace {

bool sameName(const QByteArray &a, const QByteArray &b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

QByteArray headerIn(const HeaderList &headers, const QByteArray &name)
{
    for (const auto &[key, value] : headers)
        if (sameName(key, name))
            return value;
    return {};
}

enum class Parse { Incomplete, Complete, Malformed };

// Reads `data` as one HTTP/1.1 response. `closed` says the peer closed the connection, which
// completes a response framed by neither Content-Length nor chunked encoding.
Parse parseResponse(const QByteArray &data, bool headRequest, bool closed, Response &r)
{
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        if (data.size() > 8 && !data.startsWith("HTTP/1.")) {
            r.malformed = QStringLiteral("does not start with a status line");
            return Parse::Malformed;
        }
        return Parse::Incomplete;
    }
    // Up to the CRLF that ends the last header line; the split leaves an empty last part.
    QList<QByteArray> lines = data.left(headEnd + 2).split('\n');
    lines.removeLast();
    const QByteArray statusLine = lines.first().trimmed();
    // "HTTP/1.1 200 OK": a version, a three-digit code, an optional reason.
    const QList<QByteArray> parts = statusLine.split(' ');
    bool ok = false;
    const int status = parts.value(1).toInt(&ok);
    if (!statusLine.startsWith("HTTP/1.") || parts.size() < 2 || parts[1].size() != 3 || !ok ||
        status < 100 || status > 599) {
        r.malformed = QStringLiteral("bad status line: ") + QString::fromLatin1(statusLine);
        return Parse::Malformed;
    }
    // An interim answer (100 Continue) comes before the one that counts.
    if (status < 200) {
        const Parse p = parseResponse(data.mid(headEnd + 4), headRequest, closed, r);
        if (r.consumed >= 0)
            r.consumed += headEnd + 4;
        return p;
    }
    r.consumed = -1;
    r.status = status;
    r.headers.clear();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i];
        if (!line.endsWith('\r')) {
            r.malformed = QStringLiteral("a header line does not end in CRLF");
            return Parse::Malformed;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            r.malformed = QStringLiteral("bad header line: ") + QString::fromLatin1(line);
            return Parse::Malformed;
        }
        r.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    const QByteArray rest = data.mid(headEnd + 4);
    const bool noBody = headRequest || status == 204 || status == 304;
    if (noBody) {
        r.body.clear();
        r.consumed = headEnd + 4;
        return Parse::Complete;
    }
    const QByteArray length = r.header("content-length");
    if (!length.isEmpty()) {
        const qint64 n = length.toLongLong(&ok);
        if (!ok || n < 0) {
            r.malformed = QStringLiteral("bad Content-Length: ") + QString::fromLatin1(length);
            return Parse::Malformed;
        }
        if (rest.size() < n)
            return closed ? Parse::Malformed : Parse::Incomplete;
        // More bytes than announced are the answer to a second request that a mutation put
        // behind the first.
        r.body = rest.left(n);
        r.consumed = headEnd + 4 + n;
        return Parse::Complete;
    }
    if (sameName(r.header("transfer-encoding"), "chunked")) {
        QByteArray body;
        qsizetype at = 0;
        for (;;) {
            const qsizetype eol = rest.indexOf("\r\n", at);
            if (eol < 0)
                return closed ? Parse::Malformed : Parse::Incomplete;
            const qint64 size =
                rest.mid(at, eol - at).split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0) {
                r.malformed = QStringLiteral("bad chunk size");
                return Parse::Malformed;
            }
            if (rest.size() < eol + 2 + size + 2)
                return closed ? Parse::Malformed : Parse::Incomplete;
            if (size == 0) {
                r.body = body;
                return Parse::Complete;
            }
            body += rest.mid(eol + 2, size);
            at = eol + 2 + size + 2;
        }
    }
    if (!closed)
        return Parse::Incomplete;
    r.body = rest;
    return Parse::Complete;
}

} // namespace

Request Request::parse(const QByteArray &text)
{
    Request r;
    qsizetype headEnd = text.indexOf("\r\n\r\n");
    qsizetype bodyStart = headEnd + 4;
    if (headEnd < 0) {
        headEnd = text.indexOf("\n\n");
        bodyStart = headEnd < 0 ? text.size() : headEnd + 2;
        if (headEnd < 0)
            headEnd = text.size();
    }
    QList<QByteArray> lines = text.left(headEnd).split('\n');
    const QList<QByteArray> requestLine = lines.takeFirst().trimmed().split(' ');
    r.method = requestLine.value(0);
    r.target = requestLine.value(1);
    r.version = requestLine.value(2, "HTTP/1.1");
    for (const QByteArray &line : std::as_const(lines)) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed();
        if (!sameName(name, "content-length"))
            r.headers.append({name, line.mid(colon + 1).trimmed()});
    }
    r.body = text.mid(bodyStart);
    return r;
}

QByteArray Request::serialize(bool contentLength) const
{
    QByteArray out = method + ' ' + target + ' ' + version + "\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    if (contentLength && header("content-length").isNull() &&
        header("transfer-encoding").isNull() && (!body.isEmpty() || method != "GET"))
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "\r\n";
    out += body;
    return out;
}

QByteArray Request::header(const QByteArray &name) const
{
    return headerIn(headers, name);
}

void Request::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &[key, old] : headers) {
        if (sameName(key, name)) {
            old = value;
            return;
        }
    }
    headers.append({name, value});
}

void Request::removeHeader(const QByteArray &name)
{
    headers.removeIf([&](const auto &h) { return sameName(h.first, name); });
}

QByteArray Response::header(const QByteArray &name) const
{
    return headerIn(headers, name);
}

bool looksIncomplete(const QByteArray &bytes)
{
    const qsizetype headEnd = bytes.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return true;
    const QByteArray head = bytes.left(headEnd).toLower();
    const qsizetype bodySize = bytes.size() - headEnd - 4;
    if (head.contains("\ntransfer-encoding:")) {
        // Walks the chunks: one that announces more than follows leaves the server waiting; a
        // size that is no hex number it must refuse at once.
        qsizetype at = headEnd + 4;
        for (;;) {
            const qsizetype eol = bytes.indexOf("\r\n", at);
            if (eol < 0)
                return true;
            bool ok = false;
            const qint64 size =
                bytes.mid(at, eol - at).split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0)
                return false;
            if (size == 0)
                return bytes.indexOf("\r\n", eol + 2) < 0;
            if (bytes.size() < eol + 2 + size + 2)
                return true;
            at = eol + 2 + size + 2;
        }
    }
    const qsizetype at = head.indexOf("\ncontent-length:");
    if (at < 0)
        return false;
    const qsizetype end = head.indexOf('\r', at);
    bool ok = false;
    const qint64 length = head.mid(at + 16, end - at - 16).trimmed().toLongLong(&ok);
    return ok && length > bodySize;
}

Response exchange(quint16 port, const QByteArray &bytes, int timeoutMs, bool headRequest,
                  bool followUp)
{
    Response r;
    QElapsedTimer timer;
    timer.start();
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs)) {
        r.elapsedMs = timer.elapsed();
        return r;
    }
    r.connected = true;
    // Large inputs go out as the server reads them; a server that stops reading (it answered
    // early, e.g. 413) must not make the fuzzer wait forever to write.
    qsizetype sent = 0;
    const auto remaining = [&] { return int(qMax<qint64>(timeoutMs - timer.elapsed(), 0)); };
    bool closed = false;
    while (sent < bytes.size() && remaining() > 0) {
        const qint64 n =
            socket.write(bytes.constData() + sent, qMin<qsizetype>(bytes.size() - sent, 1 << 20));
        if (n < 0)
            break;
        sent += n;
        while (socket.bytesToWrite() > 0 && socket.state() == QAbstractSocket::ConnectedState &&
               remaining() > 0)
            socket.waitForBytesWritten(qMin(remaining(), 200));
        if (socket.bytesAvailable() > 0 || socket.state() != QAbstractSocket::ConnectedState)
            break;
    }
    for (;;) {
        if (socket.isOpen())
            r.raw += socket.readAll();
        closed = socket.state() != QAbstractSocket::ConnectedState;
        const Parse p = parseResponse(r.raw, headRequest, closed, r);
        if (p == Parse::Complete && followUp && r.consumed >= 0) {
            r.answered = true;
            Response second;
            const Parse q = parseResponse(r.raw.mid(r.consumed), false, closed, second);
            if (q == Parse::Complete) {
                r.followUpStatus = second.status;
                break;
            }
            if (q == Parse::Malformed) {
                r.followUpStatus = -1;
                break;
            }
            if (closed || remaining() <= 0)
                break;
            socket.waitForReadyRead(remaining());
            continue;
        }
        if (p == Parse::Complete) {
            r.answered = true;
            break;
        }
        if (p == Parse::Malformed)
            break;
        if (closed) {
            r.closedEarly = true;
            if (!r.raw.isEmpty())
                r.malformed = QStringLiteral("connection closed inside a response");
            break;
        }
        if (remaining() <= 0) {
            r.timedOut = true;
            break;
        }
        if (!socket.waitForReadyRead(remaining())) {
            if (socket.state() == QAbstractSocket::ConnectedState && remaining() <= 0) {
                r.timedOut = true;
                break;
            }
        }
    }
    r.elapsedMs = timer.elapsed();
    socket.abort();
    return r;
}

} // namespace bunting::fuzz
