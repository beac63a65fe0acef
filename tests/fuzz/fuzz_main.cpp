// bunting_fuzz: a seeded random-mutation fuzzer of bunting-server, over real TCP.
//
// It starts the real binary on a fresh SQLite file, sends mutated versions of the requests in
// tests/fuzz/corpus/ and judges every answer: the server must not die, must not answer 5xx, must
// answer in valid HTTP, must explain a 4xx in PostHog's error shape, and a write it refused must
// have changed nothing. Findings are written to a directory as requests that --replay sends again.
#include "http_message.h"
#include "mutator.h"
#include "server_process.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QTextStream>
#include <QThread>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace bunting::fuzz;

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

struct Options
{
    quint64 seed = 0;
    qint64 seconds = 0; // 0: no time budget
    qint64 inputs = 0;  // 0: no input budget
    QString server;
    QString corpus;
    QString findings;
    QStringList replay;
    int restartEvery = 5000;
    bool strictHttp = false;
    bool verbose = false;
};

// What the placeholders of the corpus stand for on the server under test.
struct Placeholders
{
    QString key;
    QString token;
    qint64 project = 0;
    QList<qint64> flags;
    QList<qint64> cohorts;
};

QByteArray substitute(QByteArray bytes, const Placeholders &p, Random &random)
{
    bytes.replace("{{KEY}}", p.key.toUtf8());
    bytes.replace("{{TOKEN}}", p.token.toUtf8());
    bytes.replace("{{PROJECT}}", QByteArray::number(p.project));
    while (bytes.contains("{{FLAG_ID}}"))
        bytes.replace(bytes.indexOf("{{FLAG_ID}}"), 11,
                      QByteArray::number(p.flags.isEmpty() ? 1 : random.pick(p.flags)));
    while (bytes.contains("{{COHORT_ID}}"))
        bytes.replace(bytes.indexOf("{{COHORT_ID}}"), 13,
                      QByteArray::number(p.cohorts.isEmpty() ? 1 : random.pick(p.cohorts)));
    return bytes;
}

Request substitute(const Request &r, const Placeholders &p, Random &random)
{
    Request s = r;
    s.target = substitute(s.target, p, random);
    for (auto &header : s.headers)
        header.second = substitute(header.second, p, random);
    s.body = substitute(s.body, p, random);
    return s;
}

// A finding is saved with its secrets as placeholders, so that it replays on any server.
QByteArray desubstitute(QByteArray bytes, const Placeholders &p)
{
    if (!p.key.isEmpty())
        bytes.replace(p.key.toUtf8(), "{{KEY}}");
    if (!p.token.isEmpty())
        bytes.replace(p.token.toUtf8(), "{{TOKEN}}");
    return bytes;
}

QList<QPair<QString, Request>> loadCorpus(const QString &dir)
{
    QList<QPair<QString, Request>> corpus;
    const QDir d(dir);
    for (const QString &name : d.entryList({u"*.http"_s}, QDir::Files, QDir::Name)) {
        QFile file(d.filePath(name));
        if (file.open(QIODevice::ReadOnly))
            corpus.append({name, Request::parse(file.readAll())});
    }
    return corpus;
}

Response call(quint16 port, const QByteArray &method, const QByteArray &target,
              const Placeholders &p, const QByteArray &body = {}, bool sdk = false)
{
    Request r;
    r.method = method;
    r.target = target;
    r.headers = {{"Host", "127.0.0.1"}, {"Content-Type", "application/json"}};
    if (!sdk)
        r.headers.append({"Authorization", "Bearer " + p.key.toUtf8()});
    r.body = body;
    return exchange(port, r.serialize(), 30000);
}

QJsonValue jsonOf(const Response &r)
{
    const QJsonDocument doc = QJsonDocument::fromJson(r.body);
    return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
}

// Flags, a cohort and people that the corpus's ids and keys name, made as a client makes them.
bool makeBaseline(const ServerProcess &server, Placeholders &p, QString &error)
{
    p = Placeholders{server.ownerKey(), server.projectToken(), server.projectId(), {}, {}};
    const QByteArray base = "/api/projects/" + QByteArray::number(p.project);
    const Response cohort =
        call(server.port(), "POST", base + "/cohorts/", p,
             R"({"name":"Baseline","is_static":false,"filters":{"properties":{"type":"AND",)"
             R"("values":[{"type":"AND","values":[{"key":"plan","type":"person",)"
             R"("operator":"exact","value":["pro"]}]}]}}})");
    if (cohort.status != 201) {
        error = u"creating the baseline cohort answered %1: %2"_s.arg(cohort.status)
                    .arg(QString::fromUtf8(cohort.body));
        return false;
    }
    p.cohorts.append(jsonOf(cohort)[u"id"_s].toInteger());
    const QList<QByteArray> flags{
        R"({"key":"base-simple","filters":{"groups":[{"properties":[],"rollout_percentage":40}]}})",
        R"({"key":"base-variants","filters":{"groups":[{"properties":[],"rollout_percentage":100}],)"
        R"("multivariate":{"variants":[{"key":"control","rollout_percentage":50},)"
        R"({"key":"test","rollout_percentage":50}]},"payloads":{"test":"{\"a\":1}"}}})",
        R"({"key":"base-cohort","filters":{"groups":[{"properties":[{"key":"id","type":"cohort",)"
        R"("value":COHORT}],"rollout_percentage":100}]}})"};
    for (QByteArray body : flags) {
        body.replace("COHORT", QByteArray::number(p.cohorts.first()));
        const Response flag = call(server.port(), "POST", base + "/feature_flags/", p, body);
        if (flag.status != 201) {
            error = u"creating a baseline flag answered %1: %2"_s.arg(flag.status)
                        .arg(QString::fromUtf8(flag.raw));
            return false;
        }
        p.flags.append(jsonOf(flag)[u"id"_s].toInteger());
    }
    const QByteArray events =
        R"({"api_key":")" + p.token.toUtf8() +
        R"(","batch":[{"event":"$identify","distinct_id":"alice","properties":{"$set":)"
        R"({"email":"alice@acme.com","plan":"pro"}}},{"event":"$identify","distinct_id":"bob",)"
        R"("properties":{"$set":{"email":"bob@other.com","plan":"free"}}},)"
        R"({"event":"$groupidentify","distinct_id":"alice","properties":{"$group_type":)"
        R"("organization","$group_key":"acme","$group_set":{"industry":"tech"}}}]})";
    const Response batch = call(server.port(), "POST", "/batch/", p, events, true);
    if (batch.status != 200) {
        error = u"sending the baseline people answered %1"_s.arg(batch.status);
        return false;
    }
    return true;
}

// The part of the store a refused write must leave alone: every flag's and cohort's definition.
QByteArray storeState(quint16 port, const Placeholders &p)
{
    const QByteArray base = "/api/projects/" + QByteArray::number(p.project);
    QJsonArray state;
    const Response flags = call(port, "GET", base + "/feature_flags/?limit=100000", p);
    for (const QJsonValue &f : jsonOf(flags)[u"results"_s].toArray()) {
        QJsonObject kept;
        for (const auto key :
             {"id"_L1, "key"_L1, "name"_L1, "version"_L1, "deleted"_L1, "active"_L1, "filters"_L1,
              "tags"_L1, "ensure_experience_continuity"_L1, "is_remote_configuration"_L1,
              "evaluation_runtime"_L1})
            kept.insert(key, f[key]);
        state.append(kept);
    }
    const Response cohorts = call(port, "GET", base + "/cohorts/?limit=100000", p);
    for (const QJsonValue &c : jsonOf(cohorts)[u"results"_s].toArray()) {
        QJsonObject kept;
        for (const auto key :
             {"id"_L1, "name"_L1, "description"_L1, "filters"_L1, "deleted"_L1, "is_static"_L1})
            kept.insert(key, c[key]);
        state.append(kept);
    }
    return QByteArray::number(flags.status) + ' ' + QByteArray::number(cohorts.status) + ' ' +
           QJsonDocument(state).toJson(QJsonDocument::Compact);
}

bool isWrite(const Request &r)
{
    if (r.method != "POST" && r.method != "PATCH" && r.method != "DELETE" && r.method != "PUT")
        return false;
    const QByteArray path = r.path();
    return path.startsWith("/api/projects/") && !path.contains("bulk_keys") &&
           !path.contains("test_evaluation");
}

// Issue 20's point 2: a flag write must refuse these types, never store them coerced.
QStringList wrongTypesIn(const QJsonValue &filters)
{
    QStringList wrong;
    if (!filters.isObject())
        return wrong;
    const auto number = [](const QJsonValue &v) {
        return v.isDouble() || v.isNull() || v.isUndefined();
    };
    for (const auto list : {"groups"_L1, "super_groups"_L1, "holdout_groups"_L1}) {
        const QJsonValue groups = filters[list];
        if (!groups.isArray() && !groups.isUndefined() && !groups.isNull()) {
            wrong << u"%1 is not a list"_s.arg(list);
            continue;
        }
        for (const QJsonValue &g : groups.toArray()) {
            if (!g.isObject()) {
                wrong << u"a member of %1 is not an object"_s.arg(list);
                continue;
            }
            if (!number(g[u"rollout_percentage"_s]))
                wrong << u"%1 rollout_percentage is not a number"_s.arg(list);
            const QJsonValue properties = g[u"properties"_s];
            if (!properties.isArray() && !properties.isUndefined() && !properties.isNull())
                wrong << u"%1 properties is not a list"_s.arg(list);
        }
    }
    const QJsonValue multivariate = filters[u"multivariate"_s];
    if (!multivariate.isObject() && !multivariate.isNull() && !multivariate.isUndefined())
        wrong << u"multivariate is not an object"_s;
    for (const QJsonValue &v : multivariate[u"variants"_s].toArray())
        if (!v.isObject() || !number(v[u"rollout_percentage"_s]))
            wrong << u"a variant's rollout_percentage is not a number"_s;
    const QJsonValue payloads = filters[u"payloads"_s];
    if (!payloads.isObject() && !payloads.isNull() && !payloads.isUndefined())
        wrong << u"payloads is not an object"_s;
    return wrong;
}

// PostHog's error shapes: {"type","code","detail","attr"}, and the bare ones some of its
// endpoints answer as PostHog's do: {"detail"} (a version not found), {"error"} (bulk delete),
// {"success": false, "error"} (usage dashboards).
bool isPostHogError(const QJsonDocument &doc)
{
    if (!doc.isObject())
        return false;
    const QJsonObject o = doc.object();
    if (o.contains("type"_L1))
        return o.value("type"_L1).isString() && o.value("code"_L1).isString() &&
               o.value("detail"_L1).isString() && o.contains("attr"_L1) &&
               (o.value("attr"_L1).isString() || o.value("attr"_L1).isNull());
    const QStringList names = o.keys();
    const QSet<QString> keys(names.begin(), names.end());
    return keys == QSet<QString>{u"detail"_s} || keys == QSet<QString>{u"error"_s} ||
           keys == QSet<QString>{u"success"_s, u"error"_s};
}

// Server findings fail the run; HTTP-layer findings fail it only with --strict-http (that layer
// is being replaced); notes (slow answers, which depend on the machine) never do.
enum class Severity { Server, Http, Note };

// An answer this late is worth a look (a note): the fuzzer's requests are small and the store
// holds a few hundred flags at most.
constexpr qint64 slowMs = 3000;
// A body may hold 10 MiB; parsing one costs about ten times that.
constexpr qint64 memoryJumpKiB = 256 * 1024;

struct Finding
{
    QString kind;
    Severity severity = Severity::Server;
    QString detail;
};

class Runner
{
public:
    Runner(const Options &options, const QList<QPair<QString, Request>> &corpus)
        : m_options(options), m_corpus(corpus), m_random(options.seed), m_server(options.server),
          m_mutator(m_random)
    {
    }

    int run();
    int replay();

private:
    bool restart();
    QList<Finding> judge(const Mutated &m, const Response &r, const QByteArray &before);
    void record(const Finding &f, const Mutated &m, const Response &r, const QString &origin);
    bool healthy();

    const Options &m_options;
    QList<QPair<QString, Request>> m_corpus;
    Random m_random;
    ServerProcess m_server;
    Mutator m_mutator;
    Placeholders m_placeholders;

    qint64 m_inputs = 0;
    qint64 m_clean = 0;
    qint64 m_noAnswer = 0;
    qint64 m_sampledWrites = 0;
    int m_restarts = 0;
    QMap<int, qint64> m_statuses;
    QMap<QString, qint64> m_findingCounts;   // by signature
    QMap<QString, QString> m_findingExample; // signature -> file
    QMap<QString, Severity> m_findingSeverity;
    QList<QByteArray> m_recent; // the last inputs, for a crash that shows only later
    qint64 m_peakKiB = 0;       // of the server process running now
};

bool Runner::restart()
{
    if (!m_server.start()) {
        out() << "bunting_fuzz: " << m_server.error() << Qt::endl;
        return false;
    }
    QString error;
    if (!makeBaseline(m_server, m_placeholders, error)) {
        out() << "bunting_fuzz: " << error << Qt::endl;
        return false;
    }
    m_peakKiB = 0;
    QList<Request> substituted;
    for (const auto &entry : std::as_const(m_corpus))
        substituted.append(substitute(entry.second, m_placeholders, m_random));
    m_mutator.setCorpus(substituted);
    ++m_restarts;
    return true;
}

bool Runner::healthy()
{
    Request r;
    r.method = "GET";
    r.target = "/_health";
    r.headers = {{"Host", "127.0.0.1"}};
    const Response health = exchange(m_server.port(), r.serialize(), 10000);
    return health.answered && health.status == 200;
}

QList<Finding> Runner::judge(const Mutated &m, const Response &r, const QByteArray &before)
{
    QList<Finding> findings;
    const Severity framing = m.cleanFraming ? Severity::Server : Severity::Http;
    if (!m_server.isRunning()) {
        findings.append({u"crash"_s, Severity::Server, m_server.exitDescription()});
        return findings;
    }
    if (!r.connected) {
        findings.append({u"refused"_s, Severity::Server, u"no connection to a running server"_s});
        return findings;
    }
    if (!r.malformed.isEmpty()) {
        findings.append({u"malformed-http"_s, Severity::Http, r.malformed});
        return findings;
    }
    if (!r.answered) {
        ++m_noAnswer;
        // Refusing an oversized body before reading it, the server closes on the rest; unless
        // it lingers, the peer's reset can destroy the 413 before the client reads it.
        const bool oversized = m.request.body.size() > 10 * 1024 * 1024;
        if (m.cleanFraming)
            findings.append({u"no-answer"_s, oversized ? Severity::Http : Severity::Server,
                             r.timedOut ? u"no answer within the time limit"_s
                                        : u"connection closed without an answer"_s});
        else if (!healthy())
            findings.append(
                {u"stalled"_s, Severity::Server, u"/_health did not answer after this input"_s});
        // A complete request with a framing the server refuses deserves a 400 (issue 20: "an
        // unparsable request line gets a 400, Content-Length: -5 or abc a 400"), not silence.
        // Only a close: a late answer to such an input says more about the machine's load.
        else if (r.closedEarly && !looksIncomplete(m.bytes) &&
                 std::none_of(m.steps.begin(), m.steps.end(),
                              [](const QString &s) { return s.startsWith(u"bytes(request)"_s); }))
            findings.append(
                {u"no-answer"_s, Severity::Http, u"connection closed without an answer"_s});
        return findings;
    }
    ++m_statuses[r.status];
    if (m.cleanFraming && r.elapsedMs > slowMs)
        findings.append({u"slow"_s, Severity::Note,
                         u"answered %1 after %2 ms"_s.arg(r.status).arg(r.elapsedMs)});
    const bool json = r.header("content-type").startsWith("application/json");
    if (r.status >= 500 && (m.cleanFraming || (r.status != 501 && r.status != 505)))
        findings.append({u"5xx"_s, Severity::Server, QString::fromUtf8(r.body.left(300))});
    if (r.status >= 400 && r.status < 500 && !r.body.isEmpty()) {
        if (!json || !isPostHogError(QJsonDocument::fromJson(r.body)))
            findings.append(
                {u"error-shape"_s, framing,
                 u"%1 %2: %3"_s.arg(r.status).arg(QString::fromLatin1(r.header("content-type")),
                                                  QString::fromUtf8(r.body.left(300)))});
    }
    if (r.status < 300 && json && !r.body.isEmpty()) {
        // Any JSON value: a remote config answers a bare string.
        QJsonParseError error;
        QJsonDocument::fromJson('[' + r.body + ']', &error);
        if (error.error != QJsonParseError::NoError)
            findings.append({u"bad-json"_s, Severity::Server, error.errorString()});
    }
    if (!before.isEmpty() && r.status >= 400 && r.status < 500) {
        const QByteArray after = storeState(m_server.port(), m_placeholders);
        if (after != before)
            findings.append({u"refused-write-changed-store"_s, Severity::Server,
                             u"before: %1\nafter: %2"_s.arg(QString::fromUtf8(before.left(3000)),
                                                            QString::fromUtf8(after.left(3000)))});
    }
    static const QRegularExpression flagWrite(u"^/api/projects/[^/]+/feature_flags/(\\d+/?)?$"_s);
    if (m.cleanFraming && r.status < 300 &&
        (m.request.method == "POST" || m.request.method == "PATCH") &&
        flagWrite.match(QString::fromUtf8(m.request.path())).hasMatch()) {
        const QJsonValue filters = QJsonDocument::fromJson(m.request.body)[u"filters"_s];
        if (const QStringList wrong = wrongTypesIn(filters); !wrong.isEmpty())
            findings.append(
                {u"coerced"_s, Severity::Server, u"accepted although "_s + wrong.join(u"; "_s)});
    }
    return findings;
}

QString signatureOf(const Finding &f, const Mutated &m, const Response &r)
{
    // Ids and numbers vary between inputs with one cause; so does the tail of a message.
    static const QRegularExpression digits(u"\\d+"_s);
    QString path = QString::fromLatin1(m.request.path().left(80));
    path.replace(digits, u"N"_s);
    QString detail = QString::fromUtf8(r.body.left(80));
    detail.replace(digits, u"N"_s);
    if (!m.cleanFraming && f.severity == Severity::Http) {
        // What the HTTP layer mishandles is the framing mutation, wherever the request went.
        QStringList framing = m.steps.filter(QRegularExpression(u"^framing"_s));
        for (QString &step : framing)
            step = step.left(34).replace(digits, u"N"_s);
        return f.kind + u' ' + QString::number(r.status) + u' ' + framing.join(u" + "_s);
    }
    if (f.kind == "crash"_L1 || f.kind == "stalled"_L1 || f.kind == "no-answer"_L1 ||
        f.kind == "slow"_L1 || f.kind == "memory"_L1)
        return f.kind + u' ' + QString::fromLatin1(m.request.method.left(10)) + u' ' + path;
    return f.kind + u' ' + QString::number(r.status) + u' ' +
           QString::fromLatin1(m.request.method.left(10)) + u' ' + path + u' ' + detail;
}

void Runner::record(const Finding &f, const Mutated &m, const Response &r, const QString &origin)
{
    const QString signature = signatureOf(f, m, r);
    const bool first = !m_findingCounts.contains(signature);
    ++m_findingCounts[signature];
    m_findingSeverity[signature] = f.severity;
    if (!first)
        return;
    QDir().mkpath(m_options.findings);
    const QString base =
        u"%1/%2-%3-%4"_s.arg(m_options.findings, f.kind).arg(m_options.seed).arg(m_inputs);
    QFile request(base + u".http"_s);
    if (request.open(QIODevice::WriteOnly))
        request.write(desubstitute(m.bytes, m_placeholders));
    QFile report(base + u".txt"_s);
    if (report.open(QIODevice::WriteOnly | QIODevice::Text)) {
        QTextStream text(&report);
        text << "kind: " << f.kind
             << (f.severity == Severity::Http   ? " (HTTP layer)"
                 : f.severity == Severity::Note ? " (note)"
                                                : " (server)")
             << '\n'
             << "seed: " << m_options.seed << ", input " << m_inputs << '\n'
             << "from corpus entry: " << origin << '\n'
             << "framing: " << (m.cleanFraming ? "clean" : "mutated") << '\n'
             << "mutations:\n";
        for (const QString &step : m.steps)
            text << "  " << step << '\n';
        text << "what happened: " << f.detail << '\n'
             << "response (" << r.elapsedMs << " ms):\n"
             << QString::fromUtf8(desubstitute(r.raw.left(4000), m_placeholders)) << '\n';
        if (f.kind == "crash"_L1) {
            text << "\nthe inputs before it, oldest first:\n";
            for (const QByteArray &earlier : std::as_const(m_recent))
                text << "----\n"
                     << QString::fromUtf8(desubstitute(earlier.left(2000), m_placeholders)) << '\n';
        }
    }
    m_findingExample[signature] = base + u".http"_s;
    out() << "FINDING " << f.kind << " (" << base
          << ".http): " << QString(f.detail).left(300).replace(u'\n', u' ') << Qt::endl;
}

int Runner::run()
{
    out() << "bunting_fuzz: seed " << m_options.seed << ", " << m_corpus.size() << " corpus entries"
          << Qt::endl;
    if (!restart())
        return 2;
    QElapsedTimer clock;
    clock.start();
    qint64 sinceRestart = 0;
    const auto budgetLeft = [&] {
        if (m_options.inputs > 0 && m_inputs >= m_options.inputs)
            return false;
        return m_options.seconds <= 0 || clock.elapsed() < m_options.seconds * 1000;
    };
    // Each corpus entry as it is first: a valid request must not fail either.
    qsizetype unmutated = 0;
    while (budgetLeft()) {
        const bool asIs = unmutated < m_corpus.size();
        const auto &[name, entry] = asIs ? m_corpus[unmutated++] : m_random.pick(m_corpus);
        Mutated m;
        if (asIs) {
            m.request = substitute(entry, m_placeholders, m_random);
            m.bytes = m.request.serialize();
            m.steps << u"none"_s;
        } else {
            m = m_mutator.mutate(substitute(entry, m_placeholders, m_random));
        }
        ++m_inputs;
        m_clean += m.cleanFraming;
        m_recent.append(m.bytes.left(4000));
        if (m_recent.size() > 4)
            m_recent.removeFirst();
        QByteArray before;
        if (m.cleanFraming && isWrite(m.request) && m_random.below(4) == 0) {
            before = storeState(m_server.port(), m_placeholders);
            ++m_sampledWrites;
        }
        // A server rightly waits for the rest of an incomplete request; the fuzzer does not.
        const int timeoutMs = m.cleanFraming ? 20000 : looksIncomplete(m.bytes) ? 250 : 2000;
        // Sometimes a second request behind the first on the same connection: whatever the
        // first was, a connection that stays open must stay in step.
        const bool keepsOpen = m.request.header("connection").compare("close", Qt::CaseInsensitive);
        const bool followUp = m.cleanFraming && keepsOpen && m_random.below(10) == 0;
        if (followUp)
            m.bytes += "GET /_health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        const Response r =
            exchange(m_server.port(), m.bytes, timeoutMs, m.request.method == "HEAD", followUp);
        if (followUp && r.answered && r.followUpStatus != 200 &&
            r.header("connection").compare("close", Qt::CaseInsensitive) && m_server.isRunning())
            record(
                {u"pipeline"_s, Severity::Http,
                 u"the request after it on the same connection got %1"_s.arg(
                     r.followUpStatus == 0 ? u"no answer"_s : QString::number(r.followUpStatus))},
                m, r, name);
        if (m_options.verbose)
            out() << m_inputs << ' ' << name << ' ' << r.status << ' ' << r.elapsedMs << "ms "
                  << m.steps.join(u" | "_s).left(200) << Qt::endl;
        QList<Finding> findings = judge(m, r, before);
        // Bounded memory per request (issue 20): one input may not cost hundreds of MB.
        if (const qint64 peak = m_server.peakMemoryKiB(); peak > m_peakKiB) {
            if (m_peakKiB > 0 && peak - m_peakKiB > memoryJumpKiB)
                findings.append(
                    {u"memory"_s, Severity::Server,
                     u"the server's peak memory grew from %1 MB to %2 MB"_s.arg(m_peakKiB / 1024)
                         .arg(peak / 1024)});
            m_peakKiB = peak;
        }
        for (const Finding &f : findings)
            record(f, m, r, name);
        const bool died = std::any_of(findings.begin(), findings.end(), [](const Finding &f) {
            return f.kind == "crash"_L1 || f.kind == "stalled"_L1 || f.kind == "refused"_L1;
        });
        if (m_inputs % 250 == 0 && !died && !healthy()) {
            record({u"health"_s, Severity::Server, u"/_health did not answer 200"_s}, m, r, name);
            if (!restart())
                return 2;
            sinceRestart = 0;
        }
        if (died || ++sinceRestart >= m_options.restartEvery) {
            // A fresh store keeps the inputs fast: every write costs more with more flags.
            if (!restart())
                return 2;
            sinceRestart = 0;
        }
        if (m_inputs % 1000 == 0)
            out() << "bunting_fuzz: " << m_inputs << " inputs, " << clock.elapsed() / 1000 << " s, "
                  << m_findingCounts.size() << " distinct findings" << Qt::endl;
    }
    const bool healthyAtEnd = m_server.isRunning() && healthy();
    const double seconds = clock.elapsed() / 1000.0;
    m_server.stop();

    qint64 failing = 0;
    out() << "\nbunting_fuzz summary\n"
          << "  seed:            " << m_options.seed << '\n'
          << "  duration:        " << QString::number(seconds, 'f', 1) << " s\n"
          << "  inputs:          " << m_inputs << " ("
          << QString::number(m_inputs / qMax(seconds, 0.001), 'f', 0) << "/s; " << m_clean
          << " with clean framing, " << m_inputs - m_clean << " with mutated framing)\n"
          << "  refused writes checked against the store: " << m_sampledWrites << '\n'
          << "  unanswered:      " << m_noAnswer << '\n'
          << "  server starts:   " << m_restarts << '\n'
          << "  statuses:       ";
    for (auto it = m_statuses.begin(); it != m_statuses.end(); ++it)
        out() << ' ' << it.key() << "×" << it.value();
    out() << "\n  /_health at the end: " << (healthyAtEnd ? "200" : "FAILED") << '\n'
          << "  findings:        " << m_findingCounts.size() << " distinct\n";
    for (auto it = m_findingCounts.begin(); it != m_findingCounts.end(); ++it) {
        const Severity severity = m_findingSeverity.value(it.key());
        if (severity == Severity::Server || (severity == Severity::Http && m_options.strictHttp))
            failing += it.value();
        out() << "    " << it.value() << "× "
              << (severity == Severity::Http   ? "[HTTP layer] "
                  : severity == Severity::Note ? "[note] "
                                               : "")
              << QString(it.key()).left(160).replace(u'\n', u' ') << "\n      "
              << m_findingExample.value(it.key()) << '\n';
    }
    out().flush();
    return failing == 0 && healthyAtEnd ? 0 : 1;
}

int Runner::replay()
{
    if (!restart())
        return 2;
    int status = 0;
    for (const QString &path : m_options.replay) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            out() << path << ": cannot read" << Qt::endl;
            status = 2;
            continue;
        }
        const QByteArray bytes = substitute(file.readAll(), m_placeholders, m_random);
        const Response r = exchange(m_server.port(), bytes, 20000, bytes.startsWith("HEAD "));
        const bool alive = m_server.isRunning();
        out() << path << ":\n  "
              << (r.answered   ? u"answered %1 in %2 ms"_s.arg(r.status).arg(r.elapsedMs)
                  : r.timedOut ? u"no answer within 20 s"_s
                               : u"no answer (connection closed)"_s)
              << (r.malformed.isEmpty() ? QString() : u", malformed: "_s + r.malformed)
              << "\n  server " << (alive ? u"alive"_s : u"DIED: "_s + m_server.exitDescription())
              << "\n"
              << QString::fromUtf8(desubstitute(r.raw.left(2000), m_placeholders)) << "\n"
              << Qt::endl;
        if (!alive || r.status >= 500 || !r.answered)
            status = 1;
        if (!alive && !restart())
            return 2;
    }
    return status;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Fuzzes bunting-server over TCP with mutated requests from a corpus."_s);
    parser.addHelpOption();
    parser.addOptions({
        {u"seed"_s, u"Seed of the run (default: $BUNTING_FUZZ_SEED, else random)."_s, u"n"_s},
        {u"seconds"_s, u"Time budget (default: $FUZZ_SECONDS, else 30)."_s, u"s"_s},
        {u"inputs"_s, u"Input budget; the run ends at whichever budget is spent first."_s, u"n"_s,
         u"0"_s},
        {u"server"_s, u"The bunting-server executable."_s, u"path"_s,
         QStringLiteral(BUNTING_SERVER_EXECUTABLE)},
        {u"corpus"_s, u"The corpus directory."_s, u"dir"_s, QStringLiteral(BUNTING_FUZZ_CORPUS)},
        {u"findings"_s, u"Where findings are written."_s, u"dir"_s, u"fuzz-findings"_s},
        {u"replay"_s, u"Sends a saved finding to a fresh server instead (repeatable)."_s,
         u"file"_s},
        {u"restart-every"_s, u"Inputs before a fresh server and store."_s, u"n"_s, u"5000"_s},
        {u"strict-http"_s, u"Fail on HTTP-layer findings too."_s},
        {u"verbose"_s, u"Print every input."_s},
    });
    parser.process(app);

    Options options;
    QString seed = parser.value(u"seed"_s);
    if (seed.isEmpty())
        seed = qEnvironmentVariable("BUNTING_FUZZ_SEED");
    options.seed = seed.isEmpty() ? quint64(QDateTime::currentMSecsSinceEpoch()) % 1000000007
                                  : seed.toULongLong();
    QString seconds = parser.value(u"seconds"_s);
    if (seconds.isEmpty())
        seconds = qEnvironmentVariable("FUZZ_SECONDS", u"30"_s);
    options.seconds = seconds.toLongLong();
    options.inputs = parser.value(u"inputs"_s).toLongLong();
    options.server = parser.value(u"server"_s);
    options.corpus = parser.value(u"corpus"_s);
    options.findings = parser.value(u"findings"_s);
    options.replay = parser.values(u"replay"_s);
    options.restartEvery = qMax(1, parser.value(u"restart-every"_s).toInt());
    options.strictHttp = parser.isSet(u"strict-http"_s);
    options.verbose = parser.isSet(u"verbose"_s);

    const auto corpus = loadCorpus(options.corpus);
    if (corpus.isEmpty()) {
        out() << "bunting_fuzz: no *.http files in " << options.corpus << Qt::endl;
        return 2;
    }
    Runner runner(options, corpus);
    return options.replay.isEmpty() ? runner.run() : runner.replay();
}
