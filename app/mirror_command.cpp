#include "mirror_command.h"

#include "client.h"
#include "environment_options.h"
#include "local_server.h"
#include "project_pull.h"

#include <QEventLoop>
#include <QPointer>
#include <QTextStream>
#include <QTimer>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::server;

namespace {

constexpr auto kRemoteKeyVariable = "BUNTING_REMOTE_KEY"_L1;

int fail(const QString &message)
{
    QTextStream(stderr) << "bunting-server mirror: " << message << '\n';
    return 2;
}

// "30", "30s", "5m", "1h": seconds between pulls; 0 when malformed or under a second.
int parseInterval(const QString &text)
{
    static const QHash<QChar, int> units{{u's', 1}, {u'm', 60}, {u'h', 3600}};
    QString number = text.trimmed();
    int unit = 1;
    if (!number.isEmpty() && units.contains(number.back())) {
        unit = units.value(number.back());
        number.chop(1);
    }
    bool ok = false;
    const int value = number.toInt(&ok);
    return ok && value > 0 && value <= 86400 / unit ? value * unit : 0;
}

QString summary(const MirrorReport &report)
{
    QString text = u"%1 created, %2 updated, %3 removed, %4 unchanged"_s.arg(report.created)
                       .arg(report.updated)
                       .arg(report.removed)
                       .arg(report.unchanged);
    if (report.kept > 0)
        text += u", %1 kept as local overrides (see mirror --status)"_s.arg(report.kept);
    if (report.cohortsWritten > 0)
        text += u"; %1 cohorts written"_s.arg(report.cohortsWritten);
    if (report.personsWritten > 0)
        text += u"; %1 persons written"_s.arg(report.personsWritten);
    return text;
}

int printStatus(LocalServer &server, const ProjectOrigin &origin)
{
    QTextStream out(stdout);
    out << "Project " << origin.projectId << " mirrors project " << origin.remoteProjectId << " ("
        << origin.remoteName << ") of " << origin.host << ".\n";
    const QList<MirrorOverride> overrides = server.mirror().overrides(origin.projectId);
    if (overrides.isEmpty()) {
        out << "No local overrides: every flag is as the last pull left it.\n";
        return 0;
    }
    out << overrides.size() << " local override(s), kept over the remote until --reset:\n";
    for (const MirrorOverride &item : overrides) {
        const char *kind = item.kind == MirrorOverride::Kind::Created   ? "created here"
                           : item.kind == MirrorOverride::Kind::Deleted ? "deleted here"
                                                                        : "changed here";
        out << "  " << item.key << " (flag " << item.flagId << "): " << kind << '\n';
    }
    return 0;
}

} // namespace

void addMirrorOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {u"from"_s, u"mirror: the PostHog host to copy from, e.g. https://eu.posthog.com."_s,
         u"url"_s},
        {u"every"_s, u"mirror: time between pulls: 30s (default), 5m, 1h."_s, u"interval"_s,
         u"30s"_s},
        {u"persons"_s, u"mirror: how many of the remote's persons to copy (newest first)."_s,
         u"n"_s, u"1000"_s},
        {u"status"_s, u"mirror: list the flags changed here since the last pull, and exit."_s},
        {u"reset"_s, u"mirror: put every flag changed here back as the remote has it, and exit."_s},
    });
}

std::optional<MirrorSettings> MirrorSettings::read(const EnvironmentOptions &options,
                                                   QString *error)
{
    MirrorSettings settings;
    settings.from = QUrl::fromUserInput(options.value(u"from"_s));
    if (options.value(u"from"_s).isEmpty() || !settings.from.isValid() ||
        settings.from.host().isEmpty() ||
        (settings.from.scheme() != "http"_L1 && settings.from.scheme() != "https"_L1)) {
        *error = u"--from takes the PostHog host, e.g. https://eu.posthog.com"_s;
        return std::nullopt;
    }
    settings.host = ProjectPull::hostKey(settings.from);
    bool projectOk = false;
    settings.remoteProject = options.value(u"project"_s).toLongLong(&projectOk);
    if (!projectOk || settings.remoteProject <= 0) {
        *error = u"--project takes the id of the PostHog project to copy"_s;
        return std::nullopt;
    }
    settings.intervalSeconds = parseInterval(options.value(u"every"_s));
    if (settings.intervalSeconds == 0) {
        *error = u"--every takes a time such as 30s, 5m or 1h"_s;
        return std::nullopt;
    }
    bool personsOk = false;
    settings.personLimit = options.value(u"persons"_s).toInt(&personsOk);
    if (!personsOk || settings.personLimit < 0 || settings.personLimit > 100000) {
        *error = u"--persons takes a number from 0 to 100000"_s;
        return std::nullopt;
    }
    settings.status = options.isSet(u"status"_s);
    settings.reset = options.isSet(u"reset"_s);
    if (settings.status && settings.reset) {
        *error = u"--status and --reset go one at a time"_s;
        return std::nullopt;
    }
    settings.key = qEnvironmentVariable(kRemoteKeyVariable.data());
    if (settings.serves() && settings.key.isEmpty()) {
        *error =
            u"set %1 to a personal API key of %2 (with feature_flag:read, cohort:read, "
            "group:read, person:read and project:read); it is never taken from the command line"_s
                .arg(kRemoteKeyVariable, settings.host);
        return std::nullopt;
    }
    return settings;
}

int runMirror(LocalServer &server, const MirrorSettings &settings,
              const std::function<int()> &serve)
{
    const QString &host = settings.host;
    const qint64 remoteProject = settings.remoteProject;
    const int interval = settings.intervalSeconds;
    const auto origin = server.mirror().find(host, remoteProject);
    if (!settings.serves()) {
        if (!origin)
            return fail(u"project %1 of %2 has not been mirrored into this database"_s.arg(
                QString::number(remoteProject), host));
        if (settings.reset) {
            const int written = server.mirror().reset(origin->projectId);
            QTextStream(stdout) << "Reset " << written
                                << " flag(s) to the remote's copy of the last pull.\n";
            return 0;
        }
        return printStatus(server, *origin);
    }

    api::Client client(api::Endpoint{settings.from, QString::number(remoteProject), settings.key});
    api::Client::Options clientOptions;
    clientOptions.pageSize = 1000; // a page per request: 10 requests for 10,000 flags
    client.setOptions(clientOptions);

    QTextStream out(stdout);
    bool pulling = false;
    // Written here, on the thread that serves: the server's own services write it.
    const ProjectPull::Write write = [&server](const RemoteProjectState &state,
                                               const ProjectPull::Finished &finished) {
        std::optional<MirrorReport> report;
        QString error;
        try {
            report = server.mirror().pull(state);
        } catch (const std::exception &failure) {
            error = QString::fromUtf8(failure.what());
        }
        finished(report, error);
    };
    const auto pullOnce = [&](const std::function<void(bool)> &after) {
        pulling = true;
        auto self = std::make_shared<QPointer<ProjectPull>>();
        auto *pull = new ProjectPull(
            client, settings.personLimit, write,
            [&, after, self](const std::optional<MirrorReport> &report, const QString &error) {
                pulling = false;
                const qint64 took = *self ? (*self)->elapsedMs() : 0;
                if (*self)
                    (*self)->deleteLater();
                if (report) {
                    // Another process's writes reach the SDK answers here.
                    if (report->changedSinceLastPull)
                        server.snapshots().invalidate(report->projectId);
                    for (const QString &problem : report->problems)
                        qCWarning(lcMirror).noquote() << "not copied:" << problem;
                    if (report->written() > 0 || report->projectCreated)
                        qCInfo(lcMirror).noquote()
                            << "pulled from" << host << "in" << took << "ms:" << summary(*report);
                    else
                        qCDebug(lcMirror).noquote() << "pulled in" << took << "ms, nothing changed";
                } else {
                    qCWarning(lcMirror).noquote() << "pull from" << host << "failed:" << error
                                                  << "- serving the copy of the last pull";
                }
                after(report.has_value());
            },
            &client);
        *self = pull;
        pull->start();
    };

    // The first pull before serving, so that SDKs never see a project without its flags.
    QEventLoop firstPull;
    bool firstOk = false;
    pullOnce([&](bool ok) {
        firstOk = ok;
        firstPull.quit();
    });
    if (pulling)
        firstPull.exec();
    const auto mirrored = server.mirror().find(host, remoteProject);
    if (!mirrored)
        return fail(
            u"the first pull from %1 failed, and there is no earlier copy to serve"_s.arg(host));
    if (!firstOk)
        out << "Serving the copy of an earlier pull until " << host << " answers again.\n";
    out << "Mirroring project " << remoteProject << " of " << host << " into project "
        << mirrored->projectId << ", every " << interval << " s. SDKs keep the remote's "
        << "project token.\n";
    out.flush();

    QTimer timer;
    timer.setInterval(interval * 1000);
    QObject::connect(&timer, &QTimer::timeout, [&] {
        if (!pulling)
            pullOnce([](bool) {});
    });
    timer.start();
    return serve();
}
