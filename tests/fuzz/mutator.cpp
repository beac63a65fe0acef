#include "mutator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <optional>
#include <variant>

using namespace Qt::StringLiterals;

namespace bunting::fuzz {

namespace {

using Step = std::variant<QString, qsizetype>;
using Path = QList<Step>;

constexpr qsizetype maxPaths = 4000;

void collectPaths(const QJsonValue &value, Path &at, QList<Path> &out)
{
    if (out.size() >= maxPaths)
        return;
    out.append(at);
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            at.append(it.key());
            collectPaths(it.value(), at, out);
            at.removeLast();
        }
    } else if (value.isArray()) {
        const QJsonArray a = value.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            at.append(i);
            collectPaths(a.at(i), at, out);
            at.removeLast();
        }
    }
}

QJsonValue valueAt(QJsonValue value, const Path &path)
{
    for (const Step &step : path) {
        if (const auto *key = std::get_if<QString>(&step))
            value = value.toObject().value(*key);
        else
            value = value.toArray().at(std::get<qsizetype>(step));
    }
    return value;
}

// `value` with the node at `path` replaced by `replacement`, or removed when there is none.
QJsonValue replaced(const QJsonValue &value, const Path &path, qsizetype i,
                    const std::optional<QJsonValue> &replacement)
{
    if (i == path.size())
        return replacement.value_or(QJsonValue());
    const bool last = i + 1 == path.size();
    if (const auto *key = std::get_if<QString>(&path[i])) {
        QJsonObject o = value.toObject();
        if (last && !replacement)
            o.remove(*key);
        else
            o.insert(*key, replaced(o.value(*key), path, i + 1, replacement));
        return o;
    }
    const qsizetype index = std::get<qsizetype>(path[i]);
    QJsonArray a = value.toArray();
    if (last && !replacement)
        a.removeAt(index);
    else
        a.replace(index, replaced(a.at(index), path, i + 1, replacement));
    return a;
}

QString lastKey(const Path &path)
{
    for (qsizetype i = path.size() - 1; i >= 0; --i)
        if (const auto *key = std::get_if<QString>(&path[i]))
            return *key;
    return {};
}

QString describe(const Path &path)
{
    QString text = u"$"_s;
    for (const Step &step : path) {
        if (const auto *key = std::get_if<QString>(&step))
            text += u'.' + key->left(40);
        else
            text += u"[%1]"_s.arg(std::get<qsizetype>(step));
    }
    return text;
}

// Any JSON value as text, scalars included (QJsonDocument holds only objects and arrays).
QByteArray toText(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

const QStringList operators{u"exact"_s,
                            u"is_not"_s,
                            u"icontains"_s,
                            u"not_icontains"_s,
                            u"regex"_s,
                            u"not_regex"_s,
                            u"gt"_s,
                            u"gte"_s,
                            u"lt"_s,
                            u"lte"_s,
                            u"is_set"_s,
                            u"is_not_set"_s,
                            u"is_date_before"_s,
                            u"is_date_after"_s,
                            u"is_date_exact"_s,
                            u"semver_eq"_s,
                            u"semver_gt"_s,
                            u"semver_tilde"_s,
                            u"semver_caret"_s,
                            u"semver_wildcard"_s,
                            u"in"_s,
                            u"not_in"_s,
                            u"flag_evaluates_to"_s,
                            u"between"_s,
                            u"min"_s,
                            u"max"_s,
                            u"EXACT"_s,
                            u""_s};
const QStringList propertyTypes{
    u"person"_s,        u"group"_s,      u"cohort"_s,  u"flag"_s,
    u"event"_s,         u"behavioral"_s, u"element"_s, u"precalculated-cohort"_s,
    u"static-cohort"_s, u"AND"_s,        u"OR"_s,      u"hogql"_s};
const QStringList fieldNames{u"key"_s,
                             u"name"_s,
                             u"filters"_s,
                             u"groups"_s,
                             u"properties"_s,
                             u"rollout_percentage"_s,
                             u"variant"_s,
                             u"multivariate"_s,
                             u"variants"_s,
                             u"payloads"_s,
                             u"super_groups"_s,
                             u"holdout_groups"_s,
                             u"active"_s,
                             u"deleted"_s,
                             u"version"_s,
                             u"tags"_s,
                             u"ids"_s,
                             u"action"_s,
                             u"operator"_s,
                             u"type"_s,
                             u"value"_s,
                             u"negation"_s,
                             u"values"_s,
                             u"is_static"_s,
                             u"distinct_id"_s,
                             u"token"_s,
                             u"api_key"_s,
                             u"batch"_s,
                             u"event"_s,
                             u"$set"_s,
                             u"aggregation_group_type_index"_s,
                             u"group_type_index"_s,
                             u"evaluation_runtime"_s,
                             u"is_remote_configuration"_s,
                             u"ensure_experience_continuity"_s,
                             u"original_flag"_s,
                             u"creation_context"_s,
                             u"_create_static_person_ids"_s,
                             u"person_properties"_s,
                             u"group_properties"_s,
                             u"flag_keys_to_evaluate"_s,
                             u"__proto__"_s,
                             u""_s,
                             u"🎏"_s};

} // namespace

void Mutator::setCorpus(QList<Request> corpus)
{
    m_corpus = std::move(corpus);
    m_corpusJson.clear();
    for (const Request &r : std::as_const(m_corpus)) {
        const QJsonDocument doc = QJsonDocument::fromJson(r.body);
        if (doc.isObject())
            m_corpusJson.append(doc.object());
        else if (doc.isArray())
            m_corpusJson.append(doc.array());
    }
}

QString Mutator::interestingString()
{
    static const QStringList pool{u""_s,
                                  u" "_s,
                                  u"50"_s,
                                  u"100"_s,
                                  u"-1"_s,
                                  u"true"_s,
                                  u"false"_s,
                                  u"null"_s,
                                  u"NaN"_s,
                                  u"Infinity"_s,
                                  u"-Infinity"_s,
                                  u"1e309"_s,
                                  u"0x10"_s,
                                  u"🎏"_s,
                                  u"ΟΔΟΣ"_s,
                                  u"'\"\\"_s,
                                  u"%s%n%x"_s,
                                  u"../.."_s,
                                  u"(.*a){25}"_s,
                                  u"[unclosed"_s,
                                  u"\u202e"_s,
                                  u"2026-13-45"_s,
                                  u"-7d"_s,
                                  u"1.2.3"_s,
                                  u"@current"_s,
                                  u"<script>"_s,
                                  u"a b"_s,
                                  u"$feature/x"_s,
                                  u"is_set"_s,
                                  u"%00"_s,
                                  u"SELECT 1;--"_s,
                                  u"checkout-v2"_s,
                                  u"simple-flag"_s,
                                  u"control"_s,
                                  u"test"_s,
                                  u"person"_s,
                                  u"cohort"_s,
                                  u"phc_"_s,
                                  u"phx_"_s};
    switch (m_random.below(12)) {
    case 0: {
        static const QList<int> sizes{201, 401, 1001, 65536};
        const int n = m_random.below(20) == 0 ? 400001 : m_random.pick(sizes);
        return QString(n, QChar(u"xé"_s[m_random.below(2)]));
    }
    case 1:
        return QString(1, QChar(char16_t(m_random.below(0x20))));
    case 2:
        return operators[m_random.below(operators.size())];
    case 3:
        return propertyTypes[m_random.below(propertyTypes.size())];
    default:
        return pool[m_random.below(pool.size())];
    }
}

QByteArray Mutator::interestingText()
{
    static const QList<QByteArray> pool{"NaN",
                                        "Infinity",
                                        "-Infinity",
                                        "1e999",
                                        "-1e999",
                                        "-0",
                                        "1E+2",
                                        "01",
                                        "1.",
                                        "-",
                                        "+1",
                                        "0x10",
                                        ".5",
                                        "1e-400",
                                        "9223372036854775808",
                                        "-9223372036854775809",
                                        "18446744073709551616",
                                        "\"\\ud800\"",
                                        "\"\\u0000\"",
                                        "\"\xff\xfe\"",
                                        "\"\xc3\x28\"",
                                        "\"\xed\xa0\x80\"",
                                        "tru",
                                        "nul",
                                        "'single'",
                                        "[1,]",
                                        "{\"a\":1,}",
                                        "{\"a\"}",
                                        "[",
                                        "{\"a\":1,\"a\":2}"};
    if (m_random.chance(30)) {
        static const QList<int> depths{63, 64, 65, 100, 1000, 5000, 100000};
        const int depth = m_random.pick(depths);
        const bool objects = m_random.chance(40);
        if (objects)
            return QByteArray("{\"a\":").repeated(depth) + "1" + QByteArray("}").repeated(depth);
        return QByteArray("[").repeated(depth) + QByteArray("]").repeated(depth);
    }
    return m_random.pick(pool);
}

QJsonValue Mutator::interestingValue(const QString &key, int depth)
{
    static const QList<double> numbers{
        0,        -1,         1,           0.5,    -0.5,   99.99,      100,
        100.0001, 101,        -100,        1e308,  -1e308, 4294967296, 9007199254740993.0,
        9.3e18,   2147483648, -2147483649, 1e-300, 5e-324};
    if (key == "rollout_percentage"_L1 && m_random.chance(50)) {
        static const QList<QJsonValue> rollouts{
            -1,   101,   50.5,         -0.0001,       100.5,        u"50"_s, u"0"_s,
            true, false, QJsonArray(), QJsonObject(), QJsonValue(), 1e308,   u""_s};
        return m_random.pick(rollouts);
    }
    if (key == "operator"_L1 && m_random.chance(50))
        return operators[m_random.below(operators.size())];
    if (key == "type"_L1 && m_random.chance(50))
        return propertyTypes[m_random.below(propertyTypes.size())];
    if ((key.endsWith("group_type_index"_L1) || key == "version"_L1) && m_random.chance(50)) {
        static const QList<QJsonValue> indexes{-1, 0, 4, 5, 1e9, 0.5, u"0"_s, QJsonValue()};
        return m_random.pick(indexes);
    }
    switch (m_random.below(depth > 2 ? 6 : 10)) {
    case 0:
        return QJsonValue();
    case 1:
        return m_random.chance(50);
    case 2:
    case 3:
        return m_random.pick(numbers);
    case 4:
    case 5:
        return interestingString();
    case 6: {
        QJsonArray a;
        static const QList<int> sizes{0, 1, 2, 3, 1000};
        const int n = m_random.pick(sizes);
        // A long list of small items: a thousand huge strings would only measure memcpy.
        const QJsonValue item = m_random.chance(50) ? QJsonValue(m_random.below(1000))
                                                    : QJsonValue(u"x%1"_s.arg(m_random.below(99)));
        for (int i = 0; i < n; ++i)
            a.append(n > 10 ? item : interestingValue(key, depth + 1));
        return a;
    }
    case 7: {
        QJsonObject o;
        for (int i = m_random.below(4); i > 0; --i)
            o.insert(m_random.pick(fieldNames), interestingValue(key, depth + 1));
        return o;
    }
    case 8:
        return corpusSubtree();
    default: {
        // JSON text QJsonDocument cannot produce, placed after serializing.
        m_rawJson.append(interestingText());
        return u"@@FUZZRAW%1@@"_s.arg(m_rawJson.size() - 1);
    }
    }
}

QJsonValue Mutator::corpusSubtree()
{
    if (m_corpusJson.isEmpty())
        return QJsonValue();
    const QJsonValue root = m_random.pick(m_corpusJson);
    QList<Path> paths;
    Path at;
    collectPaths(root, at, paths);
    return valueAt(root, m_random.pick(paths));
}

void Mutator::mutateJson(Request &r, QStringList &steps)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.body, &error);
    if (error.error != QJsonParseError::NoError || doc.isNull()) {
        r.body = mutateBytes(r.body, steps, "body");
        return;
    }
    QJsonValue root = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
    QList<Path> paths;
    Path at;
    collectPaths(root, at, paths);
    const Path path = m_random.pick(paths);
    const QString key = lastKey(path);
    const QJsonValue current = valueAt(root, path);
    switch (m_random.below(10)) {
    case 0:
    case 1:
    case 2:
    case 3: {
        const QJsonValue value = interestingValue(key);
        steps << u"json: %1 = %2"_s.arg(describe(path), QString::fromUtf8(toText(value).left(60)));
        root = replaced(root, path, 0, value);
        break;
    }
    case 4:
        if (path.isEmpty())
            return mutateJson(r, steps);
        steps << u"json: drop %1"_s.arg(describe(path));
        root = replaced(root, path, 0, std::nullopt);
        break;
    case 5: {
        // An unknown or repeated field in some object on the way to the chosen node.
        Path object = path;
        while (!object.isEmpty() && !valueAt(root, object).isObject())
            object.removeLast();
        if (!valueAt(root, object).isObject())
            return mutateJson(r, steps);
        const QString name = m_random.pick(fieldNames);
        steps << u"json: add %1.%2"_s.arg(describe(object), name);
        object.append(name);
        root = replaced(root, object, 0, interestingValue(name));
        break;
    }
    case 6: {
        if (!current.isArray() || current.toArray().isEmpty())
            return mutateJson(r, steps);
        static const QList<int> copies{2, 10, 1000, 20000};
        const int n = m_random.pick(copies);
        QJsonArray a = current.toArray();
        const QJsonValue item = a.at(m_random.below(a.size()));
        for (int i = 0; i < n; ++i)
            a.append(item);
        steps << u"json: %1 repeated %2 times"_s.arg(describe(path)).arg(n);
        root = replaced(root, path, 0, a);
        break;
    }
    case 7: {
        const QJsonValue value = corpusSubtree();
        steps << u"json: %1 = spliced %2"_s.arg(describe(path),
                                                QString::fromUtf8(toText(value).left(60)));
        root = replaced(root, path, 0, value);
        break;
    }
    case 8: {
        m_rawJson.append(interestingText());
        steps << u"json: %1 = raw %2"_s.arg(describe(path),
                                            QString::fromLatin1(m_rawJson.last().left(40)));
        root = replaced(root, path, 0, u"@@FUZZRAW%1@@"_s.arg(m_rawJson.size() - 1));
        break;
    }
    default: {
        // The same value one level deeper, or a field renamed.
        if (current.isObject() && !current.toObject().isEmpty() && m_random.chance(50)) {
            QJsonObject o = current.toObject();
            const QString old = o.keys().at(m_random.below(o.size()));
            const QString name =
                m_random.chance(50) ? m_random.pick(fieldNames) : interestingString().left(500);
            steps << u"json: rename %1.%2 to %3"_s.arg(describe(path), old, name.left(40));
            const QJsonValue moved = o.take(old);
            o.insert(name, moved);
            root = replaced(root, path, 0, o);
        } else {
            const QJsonValue wrapped = m_random.chance(50)
                                           ? QJsonValue(QJsonArray{current})
                                           : QJsonValue(QJsonObject{{u"value"_s, current}});
            steps << u"json: wrap %1"_s.arg(describe(path));
            root = replaced(root, path, 0, wrapped);
        }
    }
    }
    QByteArray text = toText(root);
    for (qsizetype i = 0; i < m_rawJson.size(); ++i)
        text.replace("\"@@FUZZRAW" + QByteArray::number(i) + "@@\"", m_rawJson[i]);
    m_rawJson.clear();
    r.body = text;
}

void Mutator::mutateTarget(Request &r, QStringList &steps)
{
    const qsizetype q = r.target.indexOf('?');
    QByteArray path = q < 0 ? r.target : r.target.left(q);
    QList<QByteArray> query = q < 0 ? QList<QByteArray>() : r.target.mid(q + 1).split('&');
    static const QList<QByteArray> params{"limit",
                                          "offset",
                                          "search",
                                          "active",
                                          "type",
                                          "tags",
                                          "order",
                                          "distinct_id",
                                          "token",
                                          "v",
                                          "page",
                                          "personal_api_key",
                                          "send_cohorts",
                                          "created_by_id",
                                          "evaluation_runtime",
                                          "excluded_properties",
                                          "groups",
                                          "properties",
                                          "config",
                                          "api_key",
                                          "compression"};
    const auto encoded = [&] {
        return QUrl::toPercentEncoding(interestingString().left(m_random.chance(5) ? 5000 : 300));
    };
    switch (m_random.below(6)) {
    case 0:
    case 1:
        if (!query.isEmpty()) {
            const qsizetype i = m_random.below(query.size());
            const QByteArray name = query[i].split('=').first();
            query[i] = name + '=' + encoded();
            steps << u"query: %1="_s.arg(QString::fromLatin1(name)) +
                         QString::fromLatin1(query[i].mid(name.size() + 1).left(60));
            break;
        }
        [[fallthrough]];
    case 2: {
        const QByteArray name = m_random.pick(params);
        query.append(name + '=' + encoded());
        steps << u"query: add "_s + QString::fromLatin1(query.last().left(60));
        break;
    }
    case 3:
        if (!query.isEmpty()) {
            const qsizetype i = m_random.below(query.size());
            steps << u"query: "_s + (m_random.chance(50) ? u"drop "_s : u"repeat "_s) +
                         QString::fromLatin1(query[i].left(60));
            if (steps.last().startsWith(u"query: drop"_s))
                query.removeAt(i);
            else
                query.append(query[i]);
            break;
        }
        [[fallthrough]];
    default: {
        QList<QByteArray> segments = path.split('/');
        static const QList<QByteArray> odd{"-1",
                                           "0",
                                           "1",
                                           "2",
                                           "99999999999999999999",
                                           "1.5",
                                           "1e3",
                                           "abc",
                                           "@current",
                                           "%2e%2e",
                                           "..",
                                           "%00",
                                           "%2F",
                                           "%F0%9F%8E%8F",
                                           "bulk_delete",
                                           "activity",
                                           "versions",
                                           "status",
                                           "remote_config",
                                           "test_evaluation",
                                           "feature_flags",
                                           "cohorts",
                                           "persons"};
        const qsizetype i = m_random.below(segments.size());
        const QByteArray before = segments[i];
        switch (m_random.below(3)) {
        case 0:
            segments[i] = m_random.pick(odd);
            break;
        case 1:
            segments.insert(i, m_random.pick(odd));
            break;
        default:
            segments[i] = QUrl::toPercentEncoding(interestingString().left(300));
        }
        steps << u"path: segment %1 '%2' -> '%3'"_s.arg(i).arg(
            QString::fromLatin1(before.left(40)), QString::fromLatin1(segments[i].left(40)));
        path = segments.join('/');
        if (!path.startsWith('/'))
            path.prepend('/');
    }
    }
    r.target = query.isEmpty() ? path : path + '?' + query.join('&');
}

void Mutator::mutateHeaders(Request &r, QStringList &steps)
{
    switch (m_random.below(5)) {
    case 0:
    case 1: {
        const QByteArray key = r.header("authorization").mid(7);
        static const QList<QByteArray> forms{"",
                                             "Bearer",
                                             "Bearer ",
                                             "bearer KEY",
                                             "Basic KEY",
                                             "Bearer KEYx",
                                             "Bearer phx_",
                                             "Bearer \x01\xff",
                                             "Bearer KEY KEY",
                                             "KEY"};
        QByteArray value = m_random.pick(forms);
        value.replace("KEY", key.isEmpty() ? QByteArray("phx_nokey") : key);
        if (m_random.chance(20)) {
            r.removeHeader("authorization");
            steps << u"header: no Authorization"_s;
        } else {
            r.setHeader("Authorization", value);
            steps << u"header: Authorization: "_s + QString::fromLatin1(value.left(12)) + u"…"_s;
        }
        break;
    }
    case 2: {
        static const QList<QByteArray> types{"",
                                             "text/plain",
                                             "application/x-www-form-urlencoded",
                                             "multipart/form-data; boundary=x",
                                             "application/json; charset=latin1",
                                             "application/json; charset=utf-8",
                                             "*/*",
                                             "application/jsonx"};
        const QByteArray type = m_random.pick(types);
        r.setHeader("Content-Type", type);
        steps << u"header: Content-Type: "_s + QString::fromLatin1(type);
        break;
    }
    default: {
        static const QList<QPair<QByteArray, QByteArray>> extra{
            {"Content-Encoding", "gzip"},
            {"Content-Encoding", "br"},
            {"Origin", "http://evil.example"},
            {"Connection", "close"},
            {"Connection", "keep-alive"},
            {"X-Forwarded-For", "1.2.3.4, ::1"},
            {"Accept", "text/html"},
            {"Accept-Encoding", "gzip"},
            {"Host", ""},
            {"Cookie", "a=b"},
            {"X-Unknown", "🎏"},
            {"Access-Control-Request-Method", "PATCH"}};
        const auto &[name, value] = m_random.pick(extra);
        r.setHeader(name, value);
        steps << u"header: %1: %2"_s.arg(QString::fromLatin1(name), QString::fromUtf8(value));
    }
    }
}

void Mutator::mutateFraming(Request &r, QStringList &steps)
{
    switch (m_random.below(8)) {
    case 0: {
        const qsizetype n = r.body.size();
        const QList<QByteArray> lengths{"-5",
                                        "abc",
                                        "",
                                        "1e3",
                                        "+1",
                                        " 7 ",
                                        "0x10",
                                        QByteArray::number(n / 2),
                                        QByteArray::number(n + 10),
                                        "99999999999999999999",
                                        QByteArray::number(n) + ", " + QByteArray::number(n)};
        const QByteArray length = m_random.pick(lengths);
        r.setHeader("Content-Length", length);
        if (m_random.chance(30))
            r.headers.append({"Content-Length", QByteArray::number(n + 1)});
        steps << u"framing: Content-Length: "_s + QString::fromLatin1(length);
        break;
    }
    case 1: {
        // Chunked, correct or with a bad size.
        QByteArray chunked;
        const qsizetype half = r.body.size() / 2;
        for (const QByteArray &part : {r.body.left(half), r.body.mid(half)})
            if (!part.isEmpty())
                chunked += QByteArray::number(part.size(), 16) + "\r\n" + part + "\r\n";
        chunked += m_random.chance(70) ? "0\r\n\r\n" : "zz\r\n\r\n";
        r.body = chunked;
        r.setHeader("Transfer-Encoding", m_random.chance(80) ? "chunked" : "gzip, chunked");
        if (m_random.chance(30))
            r.setHeader("Content-Length", QByteArray::number(r.body.size()));
        steps << u"framing: chunked body"_s;
        break;
    }
    case 2: {
        static const QList<QByteArray> methods{"HEAD",
                                               "TRACE",
                                               "CONNECT",
                                               "get",
                                               "P0ST",
                                               "",
                                               "PRI",
                                               "PROPFIND",
                                               "POST ",
                                               "GET\tX",
                                               QByteArray(5000, 'G')};
        r.method = m_random.pick(methods);
        steps << u"framing: method '%1'"_s.arg(QString::fromLatin1(r.method.left(20)));
        break;
    }
    case 3: {
        static const QList<QByteArray> versions{"HTTP/1.0", "HTTP/2.0", "HTTP/1.1x", "HTTP/9.9",
                                                "http/1.1", "",         "HTTP/1",    "HTTP/0.9"};
        r.version = m_random.pick(versions);
        steps << u"framing: version '%1'"_s.arg(QString::fromLatin1(r.version));
        break;
    }
    case 4: {
        static const QList<QByteArray> targets{"*",         "http://127.0.0.1/_health",
                                               "",          "//",
                                               "/a b",      "/\x01",
                                               "/\xff\xfe", "/%",
                                               "/?&&==",    "/#frag"};
        r.target = m_random.chance(50)
                       ? m_random.pick(targets)
                       : r.target + QByteArray(m_random.chance(50) ? 9000 : 70000, 'a');
        steps << u"framing: target '%1'"_s.arg(QString::fromLatin1(r.target.left(40)));
        break;
    }
    case 5: {
        static const QList<int> sizes{9000, 70000, 1 << 20};
        const int n = m_random.pick(sizes);
        r.headers.append({"X-Big", QByteArray(n, 'h')});
        steps << u"framing: a header of %1 bytes"_s.arg(n);
        break;
    }
    case 6: {
        static const QList<int> counts{101, 1000, 10000};
        const int n = m_random.pick(counts);
        for (int i = 0; i < n; ++i)
            r.headers.append({"X-Many-" + QByteArray::number(i), "v"});
        steps << u"framing: %1 headers"_s.arg(n);
        break;
    }
    default: {
        static const QList<QPair<QByteArray, QByteArray>> odd{
            {"No-Colon-Here", ""},       {"Bad Name", "x"},       {"X-Nul", QByteArray("a\0b", 3)},
            {"X-Fold", "a\r\n  folded"}, {"", "empty name"},      {"Expect", "100-continue"},
            {"Host", "a\r\nHost: b"},    {"X-Bare", "a\nX-LF: b"}};
        const auto &[name, value] = m_random.pick(odd);
        r.headers.insert(m_random.below(r.headers.size() + 1), {name, value});
        steps << u"framing: odd header '%1'"_s.arg(QString::fromLatin1(name));
    }
    }
}

void Mutator::compressBody(Request &r, QStringList &steps)
{
    // A compressed body (zlib, which the server inflates as it does gzip), sometimes of a highly
    // repetitive one: small on the wire, large once inflated.
    if (m_random.chance(30)) {
        r.body += QByteArray(m_random.chance(50) ? 9 << 20 : 11 << 20, ' ');
    } else if (m_random.chance(50) && r.body.startsWith('{')) {
        // Cheap to send, dear to parse: a list of millions of numbers.
        const int n = m_random.chance(50) ? 4 << 20 : 30 << 20;
        r.body = "{\"pad\":[" + QByteArray("1,").repeated(n) + "1]," + r.body.mid(1);
    }
    r.body = qCompress(r.body, 9).mid(4);
    r.setHeader("Content-Encoding", "gzip");
    steps << u"header: Content-Encoding: gzip, body compressed to %1 bytes"_s.arg(r.body.size());
}

QByteArray Mutator::mutateBytes(QByteArray bytes, QStringList &steps, const char *what)
{
    const QString where = QString::fromLatin1(what);
    const auto position = [&] { return m_random.below(bytes.size() + 1); };
    static const QList<QByteArray> tokens{QByteArray("\0", 1),
                                          "\xff",
                                          "\r\n",
                                          "\r\n\r\n",
                                          "\n",
                                          "\"",
                                          "\\",
                                          "{",
                                          "}",
                                          "[",
                                          "]",
                                          ",",
                                          ":",
                                          "%",
                                          "\xc3\x28",
                                          "\xed\xa0\x80",
                                          "\xf0\x9f\x8e\x8f",
                                          "null",
                                          "-1",
                                          "99999999999999999999",
                                          "1e308",
                                          "NaN",
                                          "\\u0000",
                                          "\\ud800"};
    switch (bytes.isEmpty() ? 2 : m_random.below(9)) {
    case 0: {
        const qsizetype i = m_random.below(bytes.size());
        bytes[i] = char(bytes[i] ^ (1 << m_random.below(8)));
        steps << u"bytes(%1): flip a bit at %2"_s.arg(where).arg(i);
        break;
    }
    case 1: {
        const qsizetype i = m_random.below(bytes.size());
        bytes[i] = char(m_random.below(256));
        steps << u"bytes(%1): random byte at %2"_s.arg(where).arg(i);
        break;
    }
    case 2: {
        const QByteArray token = m_random.pick(tokens);
        const qsizetype i = position();
        bytes.insert(i, token);
        steps << u"bytes(%1): insert %2 at %3"_s.arg(where, QString::fromLatin1(token.toHex()))
                     .arg(i);
        break;
    }
    case 3: {
        const qsizetype i = m_random.below(bytes.size());
        const qsizetype n = 1 + m_random.below(qMin<qsizetype>(bytes.size() - i, 64));
        bytes.remove(i, n);
        steps << u"bytes(%1): delete %2 at %3"_s.arg(where).arg(n).arg(i);
        break;
    }
    case 4: {
        const qsizetype i = m_random.below(bytes.size());
        const qsizetype n = 1 + m_random.below(qMin<qsizetype>(bytes.size() - i, 64));
        static const QList<int> times{2, 100, 10000, 200000};
        const int t = m_random.pick(times);
        const QByteArray chunk = bytes.mid(i, n);
        bytes.insert(i, chunk.repeated(t));
        steps << u"bytes(%1): repeat %2 bytes at %3 %4 times"_s.arg(where).arg(n).arg(i).arg(t);
        break;
    }
    case 5: {
        const Request &other = m_random.pick(m_corpus);
        const QByteArray source = QByteArrayView(what) == "body" ? other.body : other.serialize();
        if (source.isEmpty())
            return mutateBytes(bytes, steps, what);
        const qsizetype from = m_random.below(source.size());
        const qsizetype n = 1 + m_random.below(source.size() - from);
        const qsizetype i = position();
        bytes = bytes.left(i) + source.mid(from, n) + bytes.mid(i + m_random.below(64));
        steps << u"bytes(%1): splice %2 bytes of another entry at %3"_s.arg(where).arg(n).arg(i);
        break;
    }
    case 6: {
        // A number in the text replaced by an edge value.
        static const QList<QByteArray> numbers{"0",
                                               "-1",
                                               "-0",
                                               "101",
                                               "1e308",
                                               "1e999",
                                               "4294967296",
                                               "9223372036854775807",
                                               "9223372036854775808",
                                               "0.0000001",
                                               "00"};
        qsizetype start = m_random.below(bytes.size());
        while (start < bytes.size() && !std::isdigit(uchar(bytes[start])))
            ++start;
        if (start == bytes.size())
            return mutateBytes(bytes, steps, what);
        qsizetype end = start;
        while (end < bytes.size() && std::isdigit(uchar(bytes[end])))
            ++end;
        const QByteArray number = m_random.pick(numbers);
        bytes.replace(start, end - start, number);
        steps << u"bytes(%1): number at %2 -> %3"_s.arg(where).arg(start).arg(
            QString::fromLatin1(number));
        break;
    }
    case 7: {
        const qsizetype n = m_random.below(bytes.size());
        bytes.truncate(n);
        steps << u"bytes(%1): truncate to %2"_s.arg(where).arg(n);
        break;
    }
    default: {
        const qsizetype i = m_random.below(bytes.size());
        const qsizetype n = 1 + m_random.below(qMin<qsizetype>(bytes.size() - i, 8));
        for (qsizetype k = i; k < i + n; ++k)
            bytes[k] = char(m_random.below(256));
        steps << u"bytes(%1): %2 random bytes at %3"_s.arg(where).arg(n).arg(i);
    }
    }
    return bytes;
}

Mutated Mutator::mutate(const Request &base)
{
    Mutated m;
    m.request = base;
    Request &r = m.request;
    const int rounds = m_random.chance(60) ? 1 : 2 + m_random.below(3);
    bool raw = false;
    for (int i = 0; i < rounds; ++i) {
        const int kind = m_random.below(100);
        if (kind < 40) {
            mutateJson(r, m.steps);
        } else if (kind < 55) {
            mutateTarget(r, m.steps);
        } else if (kind < 65) {
            mutateHeaders(r, m.steps);
        } else if (kind < 82) {
            r.body = mutateBytes(r.body, m.steps, "body");
        } else if (kind < 91) {
            mutateFraming(r, m.steps);
            m.cleanFraming = false;
        } else {
            raw = true;
        }
    }
    // The SDK endpoints inflate compressed bodies, so that is where a bomb goes off.
    if (!r.body.isEmpty() && m_random.below(100) < (r.path().startsWith("/api/") ? 1 : 8))
        compressBody(r, m.steps);
    // Rarely, a body past the server's limit.
    if (m_random.below(400) == 0) {
        r.body += QByteArray(10 * 1024 * 1024 + 1, ' ');
        m.steps << u"body: padded past 10 MiB"_s;
    }
    m.bytes = r.serialize();
    if (raw) {
        m.bytes = mutateBytes(m.bytes, m.steps, "request");
        m.cleanFraming = false;
    }
    // A path, query or header mutation may have put bytes that no request line or header may
    // hold; what the server does with those is the HTTP layer's business.
    static const QList<QByteArray> methods{"GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"};
    const auto controls = [](const QByteArray &text, bool spaces) {
        return std::any_of(text.begin(), text.end(), [&](char c) {
            return uchar(c) == 0x7f || (uchar(c) < 0x20 && c != '\t') ||
                   (!spaces && (uchar(c) <= 0x20 || uchar(c) >= 0x7f));
        });
    };
    if (!methods.contains(r.method) || r.version != "HTTP/1.1" || controls(r.target, false))
        m.cleanFraming = false;
    for (const auto &[name, value] : std::as_const(r.headers))
        if (name.isEmpty() || controls(name, false) || controls(value, true))
            m.cleanFraming = false;
    return m;
}

} // namespace bunting::fuzz
