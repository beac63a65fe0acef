// Pushing an offline copy back (issue 16): a local server with a project of many flags plays
// PostHog; a second one holds a copy of it (ProjectPull); 100 flags are changed in the copy and
// pushed with the app's own machinery (ProjectPush over api::Client, the copy written on its
// server's thread as the app does). Measures the push of 100 changed flags, and a push with
// nothing left to send, end to end over loopback HTTP.
//
//   build-release/bench/bench_project_push [--flags N] [--changed N] [--db FILE]
#include "client.h"
#include "flag_transfer.h"
#include "list_project.h"
#include "local_server.h"
#include "local_session.h"
#include "project_pull.h"
#include "project_push.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTextStream>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::bench;
using bunting::desktop::LocalSession;
using bunting::desktop::ProjectPush;
using bunting::server::PushItem;

namespace {

QTextStream out(stdout);

template<typename T> T onServer(LocalSession &session, std::function<T(server::LocalServer &)> work)
{
    auto result = std::make_shared<T>();
    bool done = false;
    QObject context;
    session.post([result, work](server::LocalServer &server) { *result = work(server); }, &context,
                 [&done] { done = true; });
    waitUntil([&] { return done; }, 600000);
    return *result;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(
            u"bunting.server.http.info=false\nbunting.api.debug=false"_s);
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption countOption(u"flags"_s, u"Flags in the project."_s, u"n"_s,
                                         u"10000"_s);
    const QCommandLineOption changedOption(u"changed"_s, u"Flags changed in the copy."_s, u"n"_s,
                                           u"100"_s);
    const QCommandLineOption dbOption(u"db"_s, u"Reuse this database file as the remote."_s,
                                      u"file"_s);
    parser.addOptions({countOption, changedOption, dbOption});
    parser.addHelpOption();
    parser.process(app);
    const int changed = parser.value(changedOption).toInt();

    QTemporaryDir dir;
    const QString remoteDb =
        preparedDatabase(parser.value(dbOption), dir, parser.value(countOption).toInt());
    LocalSession remote(remoteDb);
    LocalSession copy(dir.filePath(u"copy.sqlite"_s));
    QString error;
    if (!remote.start(&error) || !copy.start(&error)) {
        out << "a server did not start: " << error << "\n";
        return 1;
    }
    api::Client remoteClient(remote.endpoint());

    // The copy, as "Work offline" makes it.
    QElapsedTimer timer;
    timer.start();
    std::optional<server::MirrorReport> report;
    ProjectPull pull(
        remoteClient, 0,
        [&copy](const server::RemoteProjectState &state, ProjectPull::Finished done) {
            done(onServer<server::MirrorReport>(
                     copy, [state](server::LocalServer &s) { return s.mirror().pull(state); }),
                 {});
        },
        [&report](const std::optional<server::MirrorReport> &written, const QString &) {
            report = written;
        });
    pull.start();
    waitUntil([&] { return report.has_value(); }, 600000);
    if (!report) {
        out << "the copy failed\n";
        return 1;
    }
    const qint64 project = report->projectId;
    out << "copy of " << report->created << " flags: " << timer.elapsed() << " ms\n";

    // `changed` flags renamed and rolled out further in the copy, through its API.
    api::Endpoint copyEndpoint = copy.endpoint();
    copyEndpoint.projectId = QString::number(project);
    api::Client copyClient(copyEndpoint);
    QList<FeatureFlag> page;
    bool listed = false;
    copyClient.listFlags({}, 0, changed, &app, [&](const api::Result<api::Page<FeatureFlag>> &r) {
        if (r)
            page = r->results;
        listed = true;
    });
    waitUntil([&] { return listed; });
    int edited = 0;
    for (const FeatureFlag &flag : std::as_const(page))
        copyClient.updateFlag(flag.id,
                              {{u"name"_s, flag.name + u" (changed offline)"_s},
                               {u"tags"_s, QJsonArray{u"offline"_s}}},
                              &app, [&edited](const api::Result<FeatureFlag> &) { ++edited; });
    waitUntil([&] { return edited == page.size(); });

    const auto push = [&](const char *what) {
        QElapsedTimer took;
        took.start();
        const QList<PushItem> plan = onServer<QList<PushItem>>(
            copy, [project](server::LocalServer &s) { return s.mirror().pushPlan(project); });
        const double planMs = took.nsecsElapsed() / 1e6;
        ProjectPush::Copy side;
        side.read = [&copy, project](qint64 id, auto done) {
            done(onServer<std::optional<PushItem>>(copy, [project, id](server::LocalServer &s) {
                return s.mirror().pushItem(project, id);
            }));
        };
        side.adopt = [&copy, project](const PushItem &item, const QJsonObject &answer, auto done) {
            onServer<bool>(copy, [project, item, answer](server::LocalServer &s) {
                s.mirror().adopt(project, item, answer);
                return true;
            });
            done(QString());
        };
        ProjectPush run(remoteClient, side, plan);
        bool finished = false;
        QObject::connect(&run, &ProjectPush::finished, &app, [&finished] { finished = true; });
        run.start();
        waitUntil([&] { return finished; }, 600000);
        const double ms = took.nsecsElapsed() / 1e6;
        out << what << ": " << plan.size() << " flags in " << ms << " ms (plan " << planMs
            << " ms; " << (plan.isEmpty() ? 0.0 : ms / plan.size()) << " ms a flag); sent "
            << run.count(ProjectPush::State::Sent) << ", failed "
            << run.count(ProjectPush::State::Failed) << "\n";
    };
    push("push of the changed flags");
    push("push with nothing left");

    // A backup of the whole remote project (Export with every row selected), then that file
    // planned against the copy ("Import"): every flag is there already.
    QElapsedTimer exported;
    exported.start();
    std::optional<desktop::FlagBundle> bundle;
    bool loaded = false;
    desktop::loadBundle(remoteClient, {{}, api::FlagListQuery{}}, &app,
                        [&](const std::optional<desktop::FlagBundle> &b, const QString &) {
                            bundle = b;
                            loaded = true;
                        });
    waitUntil([&] { return loaded; }, 600000);
    const QByteArray file = QJsonDocument(bundle ? bundle->toJson() : QJsonObject()).toJson();
    out << "export of the whole project: " << (bundle ? bundle->flags.size() : 0) << " flags, "
        << file.size() / 1024 << " KiB, in " << exported.elapsed() << " ms\n";
    QElapsedTimer planned;
    planned.start();
    desktop::FlagTransfer transfer(copyClient, *bundle);
    bool done = false;
    transfer.plan([&](const std::optional<desktop::FlagTransfer::Plan> &plan, const QString &) {
        out << "import planned against the copy: " << (plan ? plan->items.size() : -1)
            << " to send, " << (plan ? plan->same.size() : -1) << " equal there, in ";
        done = true;
    });
    waitUntil([&] { return done; }, 600000);
    out << planned.elapsed() << " ms\n";
    out << "peak RSS " << rssKiB("VmHWM:") / 1024 << " MiB\n";
    return 0;
}
