// The flag list at scale: the real main window over its embedded local server with a project of
// many flags. Measures what the issue asks of it: time to the first visible rows, a search
// keystroke to updated rows, and the process's memory. Scrolling is bench_flag_list_scroll's.
//
//   QT_QPA_PLATFORM=offscreen build-release/bench/bench_flag_list [--flags N] [--db FILE]
#include "flag_filter_bar.h"
#include "flag_list_model.h"
#include "list_project.h"
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
using namespace bunting::bench;

namespace {

QTextStream out(stdout);

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
    const QString db = preparedDatabase(parser.value(dbOption), dir, count);
    QSettings settings(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
    const desktop::MainWindowSetup setup = windowSetup(dir, db, settings);

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
