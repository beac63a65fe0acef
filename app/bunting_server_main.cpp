// bunting-server: Bunting's local PostHog server, headless. Serves PostHog's feature-flag REST
// API over SQLite or PostgreSQL; also manages API keys and evaluates definitions offline.
#include "environment_options.h"
#include "evaluate_command.h"
#include "json_log.h"
#include "local_server.h"
#include "mirror_command.h"
#include "termination_signals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QTextStream>
#include <QThread>
#include <algorithm>
#include <malloc.h>

using namespace Qt::StringLiterals;
using namespace bunting::server;

namespace {

int fail(const QString &message)
{
    QTextStream(stderr) << "bunting-server: " << message << '\n';
    return 2;
}

QString defaultDatabase()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    makePrivateDirectory(dir);
    return QDir(dir).filePath(u"bunting.sqlite"_s);
}

std::optional<std::pair<QHostAddress, quint16>> parseListen(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return std::nullopt;
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    QHostAddress address(host == "localhost"_L1 ? u"127.0.0.1"_s : host);
    if (!ok || port > 65535 || address.isNull())
        return std::nullopt;
    return std::pair{address, quint16(port)};
}

int runKeys(LocalServer &server, const QStringList &args, const EnvironmentOptions &options)
{
    AuthService &auth = server.auth();
    const QString action = args.value(1);
    if (action == "list"_L1) {
        QTextStream(stdout) << QJsonDocument(auth.listKeys()).toJson(QJsonDocument::Indented);
        return 0;
    }
    if (action == "revoke"_L1) {
        bool ok = false;
        const qint64 id = args.value(2).toLongLong(&ok);
        if (!ok)
            return fail(u"keys revoke needs the key's id; see 'keys list'"_s);
        if (!auth.revokeKey(id))
            return fail(u"no live key has id %1"_s.arg(id));
        QTextStream(stdout) << "Key " << id << " revoked.\n";
        return 0;
    }
    if (action == "create"_L1) {
        const QStringList scopes = options.value(u"scopes"_s).split(u',', Qt::SkipEmptyParts);
        if (scopes.isEmpty())
            return fail(u"keys create needs --scopes, e.g. feature_flag:read,feature_flag:write"_s);
        for (const QString &scope : scopes)
            if (!AuthService::knownScopes().contains(scope))
                return fail(u"unknown scope '%1'; known: %2"_s.arg(
                    scope, AuthService::knownScopes().join(u", "_s)));
        QList<qint64> projects;
        for (const QString &text : options.values(u"project"_s)) {
            bool ok = false;
            const qint64 id = text.toLongLong(&ok);
            if (!ok || !auth.projectExists(id))
                return fail(u"no project %1"_s.arg(text));
            projects.append(id);
        }
        const CreatedKey key =
            auth.createKey(auth.ownerUserId(), options.value(u"label"_s), scopes, projects);
        QTextStream(stdout) << "Key " << key.id << " created. It is shown only this once:\n"
                            << key.value << '\n';
        return 0;
    }
    return fail(u"keys takes create, list or revoke"_s);
}

int runProjects(LocalServer &server, const QStringList &args)
{
    AuthService &auth = server.auth();
    const QString action = args.value(1);
    QTextStream out(stdout);
    if (action == "list"_L1) {
        for (const QJsonValue &project : auth.projectsJson(Principal{})) {
            const QJsonObject p = project.toObject();
            out << p.value("id"_L1).toInteger() << '\t' << p.value("api_token"_L1).toString()
                << '\t' << p.value("name"_L1).toString() << '\n';
        }
        return 0;
    }
    if (action == "create"_L1) {
        if (args.size() != 3)
            return fail(
                u"projects create takes the project's name, e.g. projects create Staging"_s);
        try {
            const StoredProject project = auth.createProject(args.value(2));
            out << "Created project " << project.id << " (project token " << project.apiToken
                << "). Every key not limited to some projects reaches it.\n";
            return 0;
        } catch (const ApiError &error) {
            return fail(error.detail());
        }
    }
    return fail(u"projects takes create NAME or list"_s);
}

int serve(LocalServer &server, const EnvironmentOptions &options)
{
    const auto listen = parseListen(options.value(u"listen"_s));
    bool threadsOk = false;
    const int threads = options.value(u"threads"_s).toInt(&threadsOk);
    if (!threadsOk || threads < 1 || threads > 64)
        return fail(u"--threads takes a number from 1 to 64"_s);
    const quint16 port = server.listen(listen->first, listen->second, threads);
    if (port == 0)
        return fail(u"cannot listen on %1 (in use, or not an address of this machine)"_s.arg(
            options.value(u"listen"_s)));
    quitOnTerminationSignals(std::chrono::seconds(20));
    QTextStream(stdout) << "bunting-server " << BUNTING_VERSION << " listening on http://"
                        << listen->first.toString() << ':' << port << " ("
                        << server.database().location().describe() << ")\n";
    const int status = QCoreApplication::exec();
    QTextStream(stdout) << "bunting-server stopping: finishing requests, writing queued events\n";
    return status;
}

} // namespace

int main(int argc, char *argv[])
{
    // Request bodies and answers of megabytes are allocated and freed often. A fixed threshold
    // keeps them in their own mappings, given back to the system when freed; glibc's sliding
    // one would move them onto the heap after the first, where the memory stays.
    ::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(u"Bunting"_s);
    QCoreApplication::setApplicationName(u"bunting-server"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(BUNTING_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Bunting's local PostHog feature-flag server.\n\n"
        "Commands:\n"
        "  serve (default)    Serve PostHog's feature-flag API.\n"
        "  keys create        Create a personal API key (--scopes, --project, --label).\n"
        "  keys list          List the keys (masked).\n"
        "  keys revoke ID     Revoke a key.\n"
        "  projects list      List the projects: id, token, name.\n"
        "  projects create N  Create a project named N, with its own token and flags.\n"
        "  mirror             Copy a PostHog project (--from, --project) into a project of\n"
        "                     this server and serve it, pulling changes --every 30s; the\n"
        "                     personal API key comes from BUNTING_REMOTE_KEY. --status lists\n"
        "                     the flags changed here; --reset puts them back.\n"
        "  evaluate           Evaluate flag definitions (PostHog's local-evaluation JSON) for\n"
        "                     one person and print every flag's value, reason and payload.\n\n"
        "Each option may also come from the environment: BUNTING_ and its name in capitals,\n"
        "'-' as '_' (BUNTING_DB, BUNTING_LISTEN, BUNTING_LOG_FORMAT, BUNTING_METRICS=1, ...);\n"
        "one given on the command line wins. A PostgreSQL password belongs there rather than\n"
        "in the arguments, which every user of the machine can read."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(u"command"_s, u"serve, keys, projects, mirror or evaluate"_s,
                                 u"[command]"_s);
    parser.addOptions({
        {u"db"_s, u"A SQLite file, or postgres://user:password@host:port/database."_s,
         u"file|url"_s, defaultDatabase()},
        {u"listen"_s, u"Address and port to serve on."_s, u"host:port"_s, u"127.0.0.1:8010"_s},
        {u"log-format"_s, u"Log lines as text or json."_s, u"text|json"_s, u"text"_s},
        {u"allow-origin"_s,
         u"Let web pages from this origin call the management API (/api/...); repeatable. "
         "The SDK endpoints answer pages from any origin."_s,
         u"origin"_s},
        {u"threads"_s, u"Threads answering the SDKs' /flags and /decide."_s, u"n"_s,
         QString::number(std::clamp(QThread::idealThreadCount(), 1, 4))},
        {u"scopes"_s, u"keys create: comma-separated scopes, or *."_s, u"scopes"_s},
        {u"project"_s,
         u"keys create: a project the key may reach (repeatable; default all). mirror: the "
         "PostHog project to copy."_s,
         u"id"_s},
        {u"label"_s, u"keys create: a name for the key."_s, u"label"_s, u"bunting-server"_s},
        {u"metrics"_s, u"Count requests and answer GET /metrics in Prometheus' text format."_s},
    });
    addEvaluateOptions(parser);
    addMirrorOptions(parser);
    parser.process(app);
    const EnvironmentOptions options(parser);

    const QString logFormat = options.value(u"log-format"_s);
    if (logFormat == "json"_L1)
        installJsonLogHandler();
    else if (logFormat != "text"_L1)
        return fail(u"--log-format takes text or json"_s);
    // Routine SDK calls log at debug level, which Qt would print for our categories by default;
    // QT_LOGGING_RULES can still turn it on.
    QLoggingCategory::setFilterRules(u"bunting.*.info=true\nbunting.*.debug=false"_s);

    const QStringList args = parser.positionalArguments();
    const QString command = args.value(0, u"serve"_s);
    if (command == "evaluate"_L1)
        return runEvaluate(parser);
    const QStringList commands{u"serve"_s, u"keys"_s, u"projects"_s, u"mirror"_s};
    if (!commands.contains(command))
        return fail(u"unknown command '%1'; see --help"_s.arg(command));

    // A mistyped address must not create a database (and print its owner key) first.
    std::optional<MirrorSettings> mirror;
    if (command == "mirror"_L1) {
        QString why;
        mirror = MirrorSettings::read(options, &why);
        if (!mirror)
            return fail(why);
    }
    const bool serving = command == "serve"_L1 || (mirror && mirror->serves());
    if (serving && !parseListen(options.value(u"listen"_s)))
        return fail(u"--listen must be HOST:PORT, e.g. 127.0.0.1:8010"_s);

    QString originError;
    const auto origins =
        CrossOriginPolicy::parseOrigins(options.values(u"allow-origin"_s), &originError);
    if (!origins)
        return fail(u"--allow-origin: "_s + originError);

    if (options.flagVariableInvalid(u"metrics"_s))
        return fail(u"%1 takes 1 or 0"_s.arg(EnvironmentOptions::variableFor(u"metrics"_s)));

    LocalServer server(DatabaseLocation::parse(options.value(u"db"_s)));
    server.setCrossOrigin(CrossOriginPolicy(*origins));
    if (options.isSet(u"metrics"_s))
        server.enableMetrics();
    try {
        // Keys may be managed while a server serves the file; a second server may not serve it.
        const auto use = serving ? LocalServer::Use::Serve : LocalServer::Use::Administer;
        if (const auto first = server.open(use)) {
            QTextStream(stdout) << "Created project " << first->projectId << " (project token "
                                << first->projectToken
                                << ") and its owner's personal API key, shown only "
                                << "this once:\n  " << first->ownerKey.value << '\n';
        }
        if (command == "keys"_L1)
            return runKeys(server, args, options);
        if (command == "projects"_L1)
            return runProjects(server, args);
        if (command == "mirror"_L1)
            return runMirror(server, *mirror, [&] { return serve(server, options); });
        return serve(server, options);
    } catch (const DatabaseError &error) {
        return fail(QString::fromUtf8(error.what()));
    }
}
