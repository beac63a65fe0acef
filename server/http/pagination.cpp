#include "http/pagination.h"

#include "python_repr.h"

#include <QMap>
#include <QStringList>
#include <QUrl>
#include <cctype>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

QByteArray percentDecode(const QString &text)
{
    const QByteArray in = text.toUtf8();
    QByteArray out;
    out.reserve(in.size());
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < in.size() && isxdigit(uchar(in[i + 1])) &&
                   isxdigit(uchar(in[i + 2]))) {
            out += char(QByteArray(in.constData() + i + 1, 2).toInt(nullptr, 16));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

QString quotePlus(const QString &text)
{
    QString out;
    for (const char c : text.toUtf8()) {
        const uchar u = uchar(c);
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
                                c == '~';
        if (unreserved)
            out += QLatin1Char(c);
        else if (c == ' ')
            out += u'+';
        else
            out += u'%' + QString::number(u, 16).toUpper().rightJustified(2, u'0');
    }
    return out;
}

} // namespace

QueryItems parseQueryString(const QString &encoded)
{
    QueryItems items;
    for (const QString &part : encoded.split(u'&')) {
        if (part.isEmpty())
            continue;
        const qsizetype equals = part.indexOf(u'=');
        const QString name = equals < 0 ? part : part.left(equals);
        const QString value = equals < 0 ? QString() : part.mid(equals + 1);
        items.append(
            {QString::fromUtf8(percentDecode(name)), QString::fromUtf8(percentDecode(value))});
    }
    return items;
}

PageRequest PageRequest::fromQuery(const QueryItems &items)
{
    PageRequest page;
    for (const auto &[name, value] : items) {
        if (name == "limit"_L1) {
            const auto limit = pythonInt(value);
            page.limit = limit && *limit > 0 ? *limit : defaultLimit;
        } else if (name == "offset"_L1) {
            const auto offset = pythonInt(value);
            page.offset = offset && *offset >= 0 ? *offset : 0;
        }
    }
    return page;
}

namespace {

using QueryMap = QMap<QString, QStringList>;

QueryMap requestQuery(const ApiRequest &request)
{
    QueryMap map;
    for (const auto &[name, value] : parseQueryString(request.url.query(QUrl::FullyEncoded)))
        map[name].append(value);
    return map;
}

QString absoluteUrl(const ApiRequest &request, const QueryMap &query)
{
    QString host = QString::fromLatin1(request.header("host"));
    if (host.isEmpty())
        host = request.url.authority(QUrl::FullyEncoded);
    QStringList pairs;
    for (auto it = query.begin(); it != query.end(); ++it)
        for (const QString &value : it.value())
            pairs.append(quotePlus(it.key()) + u'=' + quotePlus(value));
    QString url = u"http://"_s + host + request.url.path(QUrl::FullyEncoded);
    if (!pairs.isEmpty())
        url += u'?' + pairs.join(u'&');
    return url;
}

} // namespace

QJsonValue nextPageLink(const ApiRequest &request, const PageRequest &page, qint64 count)
{
    if (page.limit >= count - page.offset)
        return QJsonValue();
    QueryMap query = requestQuery(request);
    query[u"limit"_s] = QStringList{QString::number(page.limit)};
    query[u"offset"_s] = QStringList{QString::number(page.offset + page.limit)};
    return absoluteUrl(request, query);
}

QJsonValue previousPageLink(const ApiRequest &request, const PageRequest &page)
{
    if (page.offset <= 0)
        return QJsonValue();
    QueryMap query = requestQuery(request);
    query[u"limit"_s] = QStringList{QString::number(page.limit)};
    if (page.offset - page.limit <= 0)
        query.remove(u"offset"_s);
    else
        query[u"offset"_s] = QStringList{QString::number(page.offset - page.limit)};
    return absoluteUrl(request, query);
}

} // namespace bunting::server
