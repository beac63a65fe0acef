#include "mirror_command.h"

#include "client.h"
#include "environment_options.h"
#include "local_server.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QPointer>
#include <QSet>
#include <QTextStream>
#include <QTimer>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::server;

Q_LOGGING_CATEGORY(lcMirror, "bunting.mirror")

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

// The host as the copy remembers it: scheme, host, port and path, no user or trailing slash.
QString hostKey(const QUrl &url)
{
    return url
        .adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment |
                  QUrl::StripTrailingSlash)
        .toString();
}

// One pull: the project, every flag page, every cohort page and the group types, then one
// write of what changed. Runs on the event loop; `done` gets the report or an error.
class Pull : public QObject
{
public:
    using Done = std::function<void(const std::optional<MirrorReport> &, const QString &error)>;

    // Owned by the client: gone with it, and its calls with it.
    Pull(api::Client &client, MirrorService &mirror, QString host, int personLimit, Done done)
        : QObject(&client), m_client(client), m_mirror(mirror), m_done(std::move(done)),
          m_personLimit(personLimit)
    {
        m_state.host = std::move(host);
        m_state.projectId = m_client.endpoint().projectId.toLongLong();
    }

    void start()
    {
        m_took.start();
        m_client.currentProject(this, [this](const api::Result<api::Project> &project) {
            if (!project)
                return finish(project.error());
            m_state.name = project->name;
            m_state.apiToken = project->apiToken;
            if (m_state.apiToken.isEmpty())
                return finish(u"the project's answer has no api_token; the key needs the "
                              "project:read scope"_s);
            readFlags();
        });
    }

private:
    void readFlags()
    {
        m_client.listAllFlags(
            {}, this, [this](int, int count) { m_flagCount = count; },
            [this](const api::Result<QList<FeatureFlag>> &flags) {
                if (!flags)
                    return finish(flags.error());
                QSet<qint64> ids;
                for (const FeatureFlag &flag : *flags)
                    if (!ids.contains(flag.id) && !flag.deleted) {
                        ids.insert(flag.id);
                        m_state.flags.append(flag.toJson());
                    }
                // A flag deleted while the pages were read shifts the later pages, so one may
                // be missing: then none counts as gone from the remote this time.
                m_state.complete = ids.size() == m_flagCount && ids.size() == flags->size();
                readCohorts(0);
            });
    }

    void readCohorts(int offset)
    {
        m_client.listCohorts(offset, 500, this,
                             [this, offset](const api::Result<api::Page<QJsonObject>> &page) {
                                 if (!page)
                                     return finish(page.error());
                                 for (const QJsonObject &cohort : page->results)
                                     if (!cohort.value("deleted"_L1).toBool())
                                         m_state.cohorts.append(cohort);
                                 if (!page->next.isEmpty() && !page->results.isEmpty())
                                     return readCohorts(offset + int(page->results.size()));
                                 readPersons();
                             });
    }

    // Up to the limit, newest first as the persons list serves them.
    void readPersons()
    {
        const int wanted = m_personLimit - int(m_state.persons.size());
        if (wanted <= 0)
            return readGroupTypes();
        const int offset = int(m_state.persons.size());
        m_client.listPersons({}, offset, std::min(wanted, 100), this,
                             [this](const api::Result<api::Page<QJsonObject>> &page) {
                                 if (!page)
                                     return finish(page.error());
                                 m_state.persons.append(page->results);
                                 if (page->next.isEmpty() || page->results.isEmpty())
                                     return readGroupTypes();
                                 readPersons();
                             });
    }

    void readGroupTypes()
    {
        m_client.listGroupTypes(this, [this](const api::Result<QList<api::GroupType>> &types) {
            if (!types)
                return finish(types.error());
            for (const api::GroupType &type : *types)
                m_state.groupTypes.append(QJsonObject{{u"group_type"_s, type.name},
                                                      {u"group_type_index"_s, type.index},
                                                      {u"name_singular"_s, type.singularName}});
            qCDebug(lcMirror) << "read" << m_state.flags.size() << "flags,"
                              << m_state.cohorts.size() << "cohorts," << m_state.persons.size()
                              << "persons in" << m_took.elapsed() << "ms";
            std::optional<MirrorReport> report;
            QString error;
            try {
                report = m_mirror.pull(m_state);
            } catch (const std::exception &failure) {
                error = QString::fromUtf8(failure.what());
            }
            m_done(report, error);
            deleteLater();
        });
    }

    void finish(const api::ApiError &error) { finish(error.message()); }
    void finish(const QString &error)
    {
        m_done(std::nullopt, error);
        deleteLater();
    }

    api::Client &m_client;
    MirrorService &m_mirror;
    Done m_done;
    RemoteProjectState m_state;
    int m_flagCount = 0;
    int m_personLimit = 0;
    QElapsedTimer m_took;
};

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
    settings.host = hostKey(settings.from);
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
        *error = u"set %1 to a personal API key of %2 (with feature_flag:read, cohort:read, "
                 "group:read, person:read and project:read); it is never taken from the command line"_s.arg(
                     kRemoteKeyVariable, settings.host);
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
    const auto pullOnce = [&](const std::function<void(bool)> &after) {
        pulling = true;
        QElapsedTimer took;
        took.start();
        auto *pull = new Pull(
            client, server.mirror(), host, settings.personLimit,
            [&, after, took](const std::optional<MirrorReport> &report, const QString &error) {
                pulling = false;
                if (report) {
                    // Another process's writes reach the SDK answers here.
                    if (report->changedSinceLastPull)
                        server.snapshots().invalidate(report->projectId);
                    for (const QString &problem : report->problems)
                        qCWarning(lcMirror).noquote() << "not copied:" << problem;
                    if (report->written() > 0 || report->projectCreated)
                        qCInfo(lcMirror).noquote() << "pulled from" << host << "in"
                                                   << took.elapsed() << "ms:" << summary(*report);
                    else
                        qCDebug(lcMirror).noquote()
                            << "pulled in" << took.elapsed() << "ms, nothing changed";
                } else {
                    qCWarning(lcMirror).noquote() << "pull from" << host << "failed:" << error
                                                  << "- serving the copy of the last pull";
                }
                after(report.has_value());
            });
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
