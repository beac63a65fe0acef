#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace bunting::fuzz {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// An HTTP/1.1 request as the fuzzer mutates it: in parts, so that a mutation can keep the framing
// (request line, headers, Content-Length) valid while it breaks what the server validates.
struct Request
{
    QByteArray method;
    QByteArray target; // path and query, as sent
    QByteArray version = "HTTP/1.1";
    HeaderList headers;
    QByteArray body;

    // A corpus file: a request line, headers, an empty line, the body. Lines may end in "\n" or
    // "\r\n"; a Content-Length in the file is dropped, serialize() writes the right one.
    static Request parse(const QByteArray &text);
    // The bytes to send; with `contentLength`, a Content-Length header for the body is added
    // unless a mutation put one (or a Transfer-Encoding) in the headers on purpose.
    QByteArray serialize(bool contentLength = true) const;

    QByteArray header(const QByteArray &name) const;
    void setHeader(const QByteArray &name, const QByteArray &value);
    void removeHeader(const QByteArray &name);
    QByteArray path() const
    {
        const qsizetype query = target.indexOf('?');
        return query < 0 ? target : target.left(query);
    }
};

// What came back over the connection, read as HTTP/1.1.
struct Response
{
    bool connected = false;
    bool answered = false; // a complete, parsable response arrived
    bool closedEarly = false;
    bool timedOut = false;
    QByteArray raw;    // every byte received, for the report
    QString malformed; // why the bytes received are not HTTP; empty when they are
    int status = 0;
    HeaderList headers;
    QByteArray body;
    qint64 elapsedMs = 0;
    qsizetype consumed = -1; // bytes of `raw` the response took, when it is framed by length
    // With a follow-up request: the status of its answer; 0 for none, -1 for a malformed one.
    int followUpStatus = 0;

    QByteArray header(const QByteArray &name) const;
};

// Whether a server that reads `bytes` as HTTP/1.1 would wait for more: no end of the headers,
// or fewer body bytes than a Content-Length announces.
bool looksIncomplete(const QByteArray &bytes);

// Sends `bytes` on a fresh connection to 127.0.0.1:`port` and reads one response (a HEAD
// request's without a body) within `timeoutMs`; with `followUp`, `bytes` ends in a second
// request, pipelined, whose answer is read too.
Response exchange(quint16 port, const QByteArray &bytes, int timeoutMs, bool headRequest = false,
                  bool followUp = false);

} // namespace bunting::fuzz
