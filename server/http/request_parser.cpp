#include "http/request_parser.h"

#include <http_parser.h>
#include <limits>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

HttpMethod methodOf(unsigned method)
{
    switch (method) {
    case HTTP_GET:
        return HttpMethod::Get;
    case HTTP_HEAD:
        return HttpMethod::Head;
    case HTTP_POST:
        return HttpMethod::Post;
    case HTTP_PUT:
        return HttpMethod::Put;
    case HTTP_PATCH:
        return HttpMethod::Patch;
    case HTTP_DELETE:
        return HttpMethod::Delete;
    case HTTP_OPTIONS:
        return HttpMethod::Options;
    default:
        return HttpMethod::Other;
    }
}

// A header line's separator and line end, counted against the header limit with its text.
constexpr qint64 kLineOverhead = 4;

} // namespace

struct HttpRequestParser::State
{
    http_parser parser;
};

struct HttpRequestParser::Callbacks
{
    static HttpRequestParser *self(http_parser *p)
    {
        return static_cast<HttpRequestParser *>(p->data);
    }

    static int messageBegin(http_parser *p)
    {
        HttpRequestParser *s = self(p);
        s->m_request = {};
        s->m_headerBytes = 0;
        s->m_inValue = false;
        s->m_phase = Phase::Headers;
        return 0;
    }
    static int url(http_parser *p, const char *at, size_t length)
    {
        HttpRequestParser *s = self(p);
        if (!s->countHeaderBytes(qsizetype(length)))
            return 1;
        s->m_request.target.append(at, qsizetype(length));
        return 0;
    }
    static int headerField(http_parser *p, const char *at, size_t length)
    {
        HttpRequestParser *s = self(p);
        if (!s->countHeaderBytes(qsizetype(length) + (s->m_inValue ? kLineOverhead : 0)))
            return 1;
        if (s->m_inValue || s->m_request.headers.isEmpty()) {
            s->m_request.headers.append(QPair<QByteArray, QByteArray>());
            s->m_inValue = false;
        }
        s->m_request.headers.last().first.append(at, qsizetype(length));
        return 0;
    }
    static int headerValue(http_parser *p, const char *at, size_t length)
    {
        HttpRequestParser *s = self(p);
        if (!s->countHeaderBytes(qsizetype(length)))
            return 1;
        s->m_inValue = true;
        s->m_request.headers.last().second.append(at, qsizetype(length));
        return 0;
    }
    static int headersComplete(http_parser *p) { return self(p)->headersComplete(); }
    static int body(http_parser *p, const char *at, size_t length)
    {
        HttpRequestParser *s = self(p);
        if (s->m_request.body.size() + qint64(length) > s->m_limits.maxBodyBytes) {
            s->fail(413, u"payload_too_large"_s,
                    u"The request body is larger than %1 bytes."_s.arg(s->m_limits.maxBodyBytes));
            return 1;
        }
        s->m_request.body.append(at, qsizetype(length));
        return 0;
    }
    static int messageComplete(http_parser *p)
    {
        HttpRequestParser *s = self(p);
        s->m_request.keepAlive = http_should_keep_alive(p) != 0 && !p->upgrade;
        s->m_request.upgrade = p->upgrade != 0;
        s->m_complete = true;
        s->m_phase = Phase::Idle;
        // Hands the request over before the next one is read: answers go out in order, and a
        // client whose answers pile up is not read from.
        http_parser_pause(p, 1);
        return 0;
    }

    static const http_parser_settings &settings()
    {
        static const http_parser_settings s = [] {
            http_parser_settings init;
            http_parser_settings_init(&init);
            init.on_message_begin = messageBegin;
            init.on_url = url;
            init.on_header_field = headerField;
            init.on_header_value = headerValue;
            init.on_headers_complete = headersComplete;
            init.on_body = body;
            init.on_message_complete = messageComplete;
            return init;
        }();
        return s;
    }
};

HttpRequestParser::HttpRequestParser(const HttpLimits &limits)
    : m_limits(limits), m_state(std::make_unique<State>())
{
    http_parser_init(&m_state->parser, HTTP_REQUEST);
    m_state->parser.data = this;
}

HttpRequestParser::~HttpRequestParser() = default;

bool HttpRequestParser::countHeaderBytes(qsizetype size)
{
    m_headerBytes += size;
    if (m_headerBytes <= m_limits.maxHeaderBytes)
        return true;
    fail(431, u"request_header_fields_too_large"_s,
         u"The request line and headers are larger than %1 bytes."_s.arg(m_limits.maxHeaderBytes));
    return false;
}

int HttpRequestParser::headersComplete()
{
    http_parser *p = &m_state->parser;
    m_request.method = methodOf(p->method);
    m_phase = Phase::Body;
    if (p->http_major != 1 && !(p->http_major == 0 && p->http_minor == 9)) {
        fail(505, u"http_version_not_supported"_s,
             u"HTTP/%1.%2 is not served here; use HTTP/1.1."_s.arg(p->http_major)
                 .arg(p->http_minor));
        return -1;
    }
    // Without Content-Length or chunking, http-parser leaves content_length at its maximum.
    const bool sized = !(p->flags & F_CHUNKED) &&
                       p->content_length != std::numeric_limits<decltype(p->content_length)>::max();
    if (sized && p->content_length > quint64(m_limits.maxBodyBytes)) {
        fail(413, u"payload_too_large"_s,
             u"The request body is larger than %1 bytes."_s.arg(m_limits.maxBodyBytes));
        return -1;
    }
    if (sized)
        m_request.body.reserve(qsizetype(p->content_length));
    for (const auto &[name, value] : std::as_const(m_request.headers))
        if (name.compare("expect", Qt::CaseInsensitive) == 0 &&
            value.trimmed().compare("100-continue", Qt::CaseInsensitive) == 0)
            m_continue = true;
    return 0;
}

void HttpRequestParser::fail(int status, const QString &code, const QString &detail)
{
    if (!m_error)
        m_error = HttpParseError{status, code, detail};
}

qsizetype HttpRequestParser::feed(const char *data, qsizetype size)
{
    if (m_error || m_complete)
        return 0;
    http_parser *p = &m_state->parser;
    const size_t read = http_parser_execute(p, &Callbacks::settings(), data, size_t(size));
    const auto status = http_errno(HTTP_PARSER_ERRNO(p));
    if (status == HPE_PAUSED) {
        http_parser_pause(p, 0);
    } else if (status == HPE_HEADER_OVERFLOW) {
        fail(431, u"request_header_fields_too_large"_s,
             u"The request line and headers are too large."_s);
    } else if (status != HPE_OK) {
        fail(400, u"bad_request"_s,
             u"The request is not valid HTTP/1.1: %1."_s.arg(
                 QString::fromLatin1(http_errno_description(status))));
    } else if (m_phase == Phase::Body && p->upgrade) {
        // http-parser stops at the headers of a CONNECT or an upgrade and leaves the rest to the
        // caller: the request is served as it is and the connection closed after it.
        m_request.keepAlive = false;
        m_request.upgrade = true;
        m_complete = true;
        m_phase = Phase::Idle;
    }
    if (m_error)
        m_phase = Phase::Idle;
    return qsizetype(read);
}

HttpRequest HttpRequestParser::takeRequest()
{
    m_complete = false;
    return std::exchange(m_request, {});
}

} // namespace bunting::server
