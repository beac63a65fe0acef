// The flag list at scale: the real main window over its embedded local server with a project of
// many flags. Measures what the issue asks of it: time to the first visible rows, a search
// keystroke to updated rows, and the process's memory. Scrolling is bench_flag_list_scroll's.
//
//   QT_QPA_PLATFORM=offscreen build-release/bench/bench_flag_list [--flags N] [--db FILE]
#include "flag_filter_bar.h"
#include "flag_list_model.h"
#include "local_server.h"
#include "local_session.h"
#include "main_window.h"
#include "storage/flag_repository.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <algorithm>

using namespace Qt::StringLiterals;
using namespace bunting;

namespace {

QTextStream out(stdout);

QJsonObject flagJson(int i)
{
    static const QStringList words{u"checkout"_s, u"search"_s, u"billing"_s, u"onboarding"_s,
                                   u"pricing"_s,  u"export"_s, u"mobile"_s,  u"dashboard"_s};
    const QString word = words.at(i % words.size());
    QJsonArray groups{
        QJsonObject{{u"properties"_s, QJsonArray()}, {u"rollout_percentage"_s, (i * 7) % 101}}};
    if (i % 3 == 0)
        groups.prepend(
            QJsonObject{{u"properties"_s, QJsonArray{QJsonObject{{u"key"_s, u"email"_s},
                                                                 {u"type"_s, u"person"_s},
                                                                 {u"operator"_s, u"icontains"_s},
                                                                 {u"value"_s, u"@example.com"_s}}}},
                        {u"rollout_percentage"_s, 100}});
    QJsonObject filters{{u"groups"_s, groups}};
    if (i % 5 == 0)
        filters.insert(
            u"multivariate"_s,
            QJsonObject{
                {u"variants"_s,
                 QJsonArray{QJsonObject{{u"key"_s, u"control"_s}, {u"rollout_percentage"_s, 50}},
                            QJsonObject{{u"key"_s, u"test"_s}, {u"rollout_percentage"_s, 50}}}}});
    return QJsonObject{{u"key"_s, u"%1-%2"_s.arg(word).arg(i, 6, 10, QChar(u'0'))},
                       {u"name"_s, u"%1 experiment number %2"_s.arg(word).arg(i)},
                       {u"filters"_s, filters},
                       {u"active"_s, i % 4 != 0},
                       {u"tags"_s, QJsonArray{word}},
                       {u"version"_s, 1}};
}

void seed(const QString &path, int count)
{
    server::LocalServer server(server::DatabaseLocation::parse(path));
    server.open();
    const qint64 project =
        server.database().scalar(u"SELECT MIN(id) FROM projects"_s)->toLongLong();
    const qint64 have = server.database()
                            .scalar(u"SELECT COUNT(*) FROM feature_flags WHERE deleted = 0"_s)
                            ->toLongLong();
    if (have >= count)
        return;
    QElapsedTimer timer;
    timer.start();
    server::FlagRepository flags(server.database());
    const qint64 user = server.auth().ownerUserId();
    const QString now = formatTimestamp(QDateTime::currentDateTimeUtc());
    for (int start = int(have); start < count; start += 5000) {
        server.database().transaction([&] {
            for (int i = start; i < std::min(count, start + 5000); ++i) {
                FeatureFlag flag = FeatureFlag::fromJson(flagJson(i));
                flag.createdAt = now;
                flag.updatedAt = now;
                flags.insert(project, flag, user);
            }
        });
    }
    out << "seeded " << count - have << " flags in " << timer.elapsed() << " ms\n";
}

qint64 rssKiB(const char *field)
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').first().toLongLong();
    return -1;
}

// Waits, serving events, until `done` or `timeoutMs`; returns the elapsed ms.
double waitUntil(const std::function<bool()> &done, int timeoutMs = 60000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return timer.nsecsElapsed() / 1e6;
}

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer processStart;
    processStart.start();
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(
            u"bunting.server.http.info=false\nbunting.api.debug=false"_s);
    QApplication app(argc, argv);
    const double applicationMs = processStart.nsecsElapsed() / 1e6;
    QCommandLineParser parser;
    const QCommandLineOption countOption(u"flags"_s, u"Flags in the project."_s, u"n"_s,
                                         u"100000"_s);
    const QCommandLineOption dbOption(u"db"_s, u"Reuse this database file."_s, u"file"_s);
    parser.addOptions({countOption, dbOption});
    parser.addHelpOption();
    parser.process(app);
    const int count = parser.value(countOption).toInt();

    QTemporaryDir dir;
    const QString db =
        parser.isSet(dbOption) ? parser.value(dbOption) : dir.filePath(u"bench.sqlite"_s);
    seed(db, count);
    out << "flags: " << count << "  RSS before the window: " << rssKiB("VmRSS:") / 1024 << " MiB\n";
    out.flush();

    QSettings settings(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
    desktop::MainWindowSetup setup;
    setup.settings = &settings;
    setup.localDatabasePath = db;
    setup.keyDirectory = dir.filePath(u"keys"_s);
    setup.keyMode = api::SecretStore::Mode::FallbackOnly;

    QElapsedTimer start;
    start.start();
    desktop::MainWindow window(setup);
    window.show();
    models::FlagListModel *model = window.flagModel();
    waitUntil([&] { return model->rowCount() > 0; });
    QCoreApplication::processEvents(); // the paint of those rows
    // As a person starting the app sees it: QApplication's start, then the window (which opens
    // the database and starts the local server) up to the first painted rows. Seeding is not
    // counted.
    const double windowMs = start.nsecsElapsed() / 1e6;
    out << "first rows visible: " << applicationMs + windowMs << " ms after start (application "
        << applicationMs << " ms, window and local server " << windowMs << " ms; "
        << model->rowCount() << " of " << model->totalCount() << " rows)\n";

    // Each keystroke: from the key press to the model holding the new query's rows.
    QLineEdit *search = window.filterBar()->searchField();
    QList<double> keystrokes;
    for (const QString &typed : {u"c"_s, u"h"_s, u"e"_s, u"c"_s, u"k"_s, u"o"_s, u"u"_s, u"t"_s,
                                 u"-"_s, u"0"_s, u"0"_s, u"1"_s}) {
        const QString expected = search->text() + typed;
        QElapsedTimer t;
        t.start();
        QTest::keyClicks(search, typed);
        waitUntil([&] { return model->query().search == expected && !model->isLoading(); });
        keystrokes.append(t.nsecsElapsed() / 1e6);
    }
    out << "search keystroke to rows (ms, incl. " << views::FlagFilterBar::kSearchDelayMs
        << " ms typing pause):";
    for (double ms : keystrokes)
        out << ' ' << qRound(ms);
    std::sort(keystrokes.begin(), keystrokes.end());
    out << "  median " << keystrokes.at(keystrokes.size() / 2) << " max " << keystrokes.last()
        << "\n";
    search->clear();
    window.filterBar()->clear();
    waitUntil([&] {
        return model->query().search.isEmpty() && !model->isLoading() && model->rowCount() > 0;
    });

    out << "RSS now: " << rssKiB("VmRSS:") / 1024 << " MiB, peak " << rssKiB("VmHWM:") / 1024
        << " MiB\n";
    return 0;
}
