#pragma once

#include <QtGlobal>
#include <chrono>

namespace bunting::server {

// What one HTTP connection may cost the server, in bytes and in time. The defaults are those of
// a production server in front of every SDK of a team; tests shorten the times.
struct HttpLimits
{
    // The request line and headers together; past it the answer is 431.
    qint64 maxHeaderBytes = 32 * 1024;
    static constexpr qint64 defaultMaxBodyBytes = 10 * 1024 * 1024;

    // A body, refused with 413 from its Content-Length before any of it is read.
    qint64 maxBodyBytes = defaultMaxBodyBytes;
    // Answers the client has not read yet: past it the connection is not read from until they
    // drain, so a client that pipelines and never reads holds at most this much (plus one answer).
    qint64 maxUnsentBytes = 1024 * 1024;
    // What the socket buffers of a client's unread requests; the kernel holds back the rest.
    qint64 readBufferBytes = 64 * 1024;
    // Between two requests of a keep-alive connection, and before the first.
    std::chrono::milliseconds idleTimeout{60'000};
    // From a request's first byte to the end of its headers: a client sending headers a byte at
    // a time holds a connection this long at most.
    std::chrono::milliseconds headerTimeout{10'000};
    // Between two pieces of a body.
    std::chrono::milliseconds bodyTimeout{30'000};
    // An answer the client does not read at all.
    std::chrono::milliseconds sendTimeout{60'000};
    // Open connections of one server thread; 0 takes a share of the process's file limit. At the
    // limit the oldest idle connection is closed for a new one.
    int maxConnections = 0;
};

} // namespace bunting::server
