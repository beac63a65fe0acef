// No input crashes the server or gets an unexplained answer: thousands of random requests
// (methods, paths, headers, bodies, and structurally random flag filters) from a fixed seed,
// each answered with a status below 500, every error in PostHog's shape, the server alive after.
#include "test_server.h"

#include <QJsonDocument>
#include <QMap>
#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

class Fuzzer
{
public:
    explicit Fuzzer(quint32 seed) : m_random(seed) {}

    int below(int n) { return int(m_random.bounded(n)); }
    bool chance(int percent) { return below(100) < percent; }

    QString text()
    {
        static const QStringList pool{
            u""_s,      u"a"_s,        u"key"_s,       u"🎏"_s,     u"%00"_s,
            u"../.."_s, u"@current"_s, u"-1"_s,        u"1e308"_s, u"9223372036854775808"_s,
            u"true"_s,  u"null"_s,     u"ΟΔΟΣ"_s,      u"'\"\\"_s, u"(unclosed"_s,
            u"-7d"_s,   u"1.2.3"_s,    u"2026-01-01"_s};
        if (chance(10))
            return QString(below(2000), QChar(u'x'));
        return pool[below(pool.size())];
    }

    QJsonValue value(int depth = 0)
    {
        switch (below(depth > 3 ? 5 : 8)) {
        case 0:
            return QJsonValue();
        case 1:
            return chance(50);
        case 2:
            return double(below(300)) - 100 + (chance(30) ? 0.5 : 0);
        case 3:
        case 4:
            return text();
        case 5: {
            QJsonArray a;
            for (int i = below(4); i > 0; --i)
                a.append(value(depth + 1));
            return a;
        }
        default: {
            QJsonObject o;
            for (int i = below(4); i > 0; --i)
                o.insert(text(), value(depth + 1));
            return o;
        }
        }
    }

    // Filters with PostHog's keys but any shapes and values in them.
    QJsonObject filters()
    {
        const auto maybe = [&](const QJsonValue &v) { return chance(70) ? v : value(2); };
        QJsonArray groups;
        for (int i = below(3); i > 0; --i) {
            QJsonArray properties;
            for (int j = below(3); j > 0; --j) {
                static const QStringList types{u"person"_s, u"group"_s, u"cohort"_s, u"flag"_s,
                                               u"event"_s};
                static const QStringList ops{u"exact"_s,
                                             u"regex"_s,
                                             u"gt"_s,
                                             u"in"_s,
                                             u"is_date_after"_s,
                                             u"semver_caret"_s,
                                             u"flag_evaluates_to"_s,
                                             u"bogus"_s};
                properties.append(QJsonObject{{u"key"_s, maybe(text())},
                                              {u"type"_s, maybe(types[below(types.size())])},
                                              {u"operator"_s, maybe(ops[below(ops.size())])},
                                              {u"value"_s, value(1)}});
            }
            groups.append(QJsonObject{{u"properties"_s, maybe(properties)},
                                      {u"rollout_percentage"_s, maybe(double(below(140)) - 20)},
                                      {u"variant"_s, maybe(text())}});
        }
        QJsonObject f{{u"groups"_s, maybe(groups)}};
        if (chance(40))
            f.insert(u"multivariate"_s,
                     QJsonObject{{u"variants"_s,
                                  maybe(QJsonArray{QJsonObject{
                                      {u"key"_s, maybe(text())},
                                      {u"rollout_percentage"_s, maybe(double(below(120)))}}})}});
        if (chance(30))
            f.insert(u"payloads"_s, maybe(QJsonObject{{u"true"_s, value(1)}}));
        if (chance(20))
            f.insert(u"aggregation_group_type_index"_s, value(1));
        if (chance(15))
            f.insert(u"holdout"_s, value(1));
        return f;
    }

    QByteArray body()
    {
        switch (below(6)) {
        case 0:
            return {};
        case 1: {
            QByteArray bytes(below(200), '\0');
            for (char &c : bytes)
                c = char(below(256));
            return bytes;
        }
        case 2:
            return QByteArray(below(600) + 1, '[');
        case 3:
            return compactJson(value()).toUtf8();
        default: {
            QJsonObject o{
                {u"key"_s, chance(80) ? QJsonValue(u"fuzz-%1"_s.arg(below(50))) : value()}};
            if (chance(70))
                o.insert(u"filters"_s, filters());
            static const QStringList fields{
                u"name"_s, u"active"_s,      u"tags"_s,   u"deleted"_s,           u"version"_s,
                u"ids"_s,  u"distinct_id"_s, u"groups"_s, u"evaluation_runtime"_s};
            for (int i = below(3); i > 0; --i)
                o.insert(fields[below(fields.size())], value(1));
            return compactJson(o).toUtf8();
        }
        }
    }

private:
    QRandomGenerator m_random;
};

const QList<QByteArray> methods{"GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS"};
const QStringList flagPaths{u""_s,
                            u"1"_s,
                            u"2"_s,
                            u"abc"_s,
                            u"1/activity"_s,
                            u"activity"_s,
                            u"1/versions/1"_s,
                            u"1/versions/x"_s,
                            u"1/status"_s,
                            u"1/dependent_flags"_s,
                            u"1/test_evaluation"_s,
                            u"evaluation_reasons?distinct_id=a"_s,
                            u"evaluation_reasons"_s,
                            u"1/remote_config"_s,
                            u"bulk_delete"_s,
                            u"bulk_keys"_s,
                            u"bulk_update_tags"_s,
                            u"1/create_static_cohort_for_flag"_s,
                            u"1/dashboard"_s,
                            u"1/enrich_usage_dashboard"_s,
                            u"?limit=-5&offset=x&search=%25&tags=[1]&active=STALE"_s,
                            u"?type=multivariant&excluded_properties=nope&created_by_id=zz"_s};

} // namespace

class TestHttpRobustness : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void randomRequests();
};

void TestHttpRobustness::randomRequests()
{
    TestServer server;
    Fuzzer fuzz(20261125);
    const QString project = u"/api/projects/%1/"_s.arg(server.projectId());
    int requests = 0;
    int errors = 0;
    QMap<int, int> statuses;
    for (; requests < 3000; ++requests) {
        QString path;
        switch (fuzz.below(10)) {
        case 0:
            path = project + u"persons/?search="_s + fuzz.text();
            break;
        case 1:
            path = project + u"cohorts/"_s;
            break;
        case 2:
            path = u"/"_s + fuzz.text() + u"/"_s + fuzz.text();
            break;
        default:
            path = project + u"feature_flags/"_s + flagPaths[fuzz.below(flagPaths.size())];
        }
        QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/json"}};
        if (fuzz.chance(90))
            headers.append({"Authorization", fuzz.chance(90)
                                                 ? "Bearer " + server.ownerKey().toUtf8()
                                                 : QByteArray("Bearer \x01\xff junk")});
        const QByteArray method = methods[fuzz.below(methods.size())];
        const auto reply = server.send(method, path, fuzz.body(), headers);
        QVERIFY2(reply.status >= 200 && reply.status < 500,
                 qPrintable(u"%1 %2 answered %3: %4"_s.arg(QString::fromLatin1(method), path)
                                .arg(reply.status)
                                .arg(QString::fromUtf8(reply.body.left(400)))));
        ++statuses[reply.status];
        if (reply.status >= 400 && reply.json.isObject()) {
            const QJsonObject e = reply.object();
            // PostHog's own exceptions to its error shape: bare 404s and {"success", "error"}.
            const bool shaped = e.contains("type"_L1) && e.contains("code"_L1) &&
                                e.contains("detail"_L1) && e.contains("attr"_L1);
            const bool posthogAction = e.contains("error"_L1) || e.contains("status"_L1);
            QVERIFY2(shaped || posthogAction, reply.body.left(400).constData());
            ++errors;
        }
    }
    QCOMPARE(requests, 3000);
    QVERIFY(errors > 500); // most random requests are wrong, and each was answered as such
    // The requests reached every kind of answer, so the handlers behind them ran.
    qInfo() << "statuses:" << statuses;
    for (int status : {200, 201, 400, 401, 404, 405})
        QVERIFY2(statuses.value(status) >= 10, qPrintable(QString::number(status)));
    const auto health = server.get(u"/_health"_s, QString());
    QCOMPARE(health.status, 200);
    QCOMPARE(health.object().value("database"_L1)["status"_L1], QJsonValue(u"ok"_s));
}

QTEST_GUILESS_MAIN(TestHttpRobustness)
#include "tst_http_robustness.moc"
