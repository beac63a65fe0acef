#include "sdk/request_body.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QUrlQuery>
#include <zlib.h>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// Inflating more than this is refused, so a small bomb cannot exhaust memory: no more than an
// uncompressed body may hold. Parsed, a body costs ten times its size, so 64 MiB let a 58 KB
// request with no valid token take the server to 565 MB.
constexpr qsizetype maxInflated = 10 * 1024 * 1024;

} // namespace

std::optional<QByteArray> gunzip(const QByteArray &data)
{
    z_stream stream{};
    // 32 + MAX_WBITS: accept a gzip or a zlib header.
    if (inflateInit2(&stream, 32 + MAX_WBITS) != Z_OK)
        return std::nullopt;
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = static_cast<uInt>(data.size());
    QByteArray out;
    char buffer[16384];
    int result = Z_OK;
    do {
        stream.next_out = reinterpret_cast<Bytef *>(buffer);
        stream.avail_out = sizeof buffer;
        result = inflate(&stream, Z_NO_FLUSH);
        if (result != Z_OK && result != Z_STREAM_END)
            break;
        out.append(buffer, qsizetype(sizeof buffer - stream.avail_out));
        if (out.size() > maxInflated) {
            result = Z_MEM_ERROR;
            break;
        }
    } while (result != Z_STREAM_END && (stream.avail_in > 0 || stream.avail_out == 0));
    inflateEnd(&stream);
    if (result != Z_STREAM_END)
        return std::nullopt;
    return out;
}

QJsonObject sdkRequestObject(const ApiRequest &request)
{
    QByteArray body = request.body;
    const QString compression = request.queryValue(u"compression"_s).toLower();
    const QByteArray encoding = request.header("content-encoding").trimmed().toLower();
    const QByteArray contentType = request.header("content-type").toLower();

    const bool gzipped = encoding == "gzip" || compression == "gzip-js"_L1 ||
                         compression == "gzip"_L1 || body.startsWith("\x1f\x8b");
    if (gzipped) {
        const auto inflated = gunzip(body);
        if (!inflated)
            throw ApiError::parse(u"Failed to decompress the request body (gzip)."_s);
        body = *inflated;
    } else if (compression == "base64"_L1 ||
               contentType.startsWith("application/x-www-form-urlencoded")) {
        const QUrlQuery form(QString::fromUtf8(body));
        QString data = form.queryItemValue(u"data"_s, QUrl::FullyDecoded);
        if (data.isEmpty() && !form.hasQueryItem(u"data"_s))
            data = QString::fromUtf8(body);
        const auto decoded = QByteArray::fromBase64Encoding(
            data.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            throw ApiError::parse(u"Failed to decode the request body (base64)."_s);
        body = *decoded;
    }

    if (body.trimmed().isEmpty())
        throw ApiError::parse(u"The request body is empty."_s);
    checkJsonDepth(body);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        throw ApiError::parse(u"JSON parse error - %1"_s.arg(error.errorString()));
    if (!document.isObject())
        throw ApiError::parse(u"The request body must be a JSON object."_s);
    return document.object();
}

} // namespace bunting::server
