// The flag list at scale, scrolling as issue 21 asks of it: the real main window over its
// embedded local server with a project of many flags, the list fetching only the pages that come
// into view. Measures the time from moving the scroll bar to every visible row painted from its
// flag (a jump to the end, to the middle, to random places, and the end of a drag through the
// whole list), a search keystroke to the rows in view, and the process's memory. Can save
// screenshots of the list while a page loads and after.
//
//   QT_QPA_PLATFORM=offscreen build/bench/bench_flag_list_scroll [--flags N] [--db FILE]
//       [--screenshots DIR]
#include "flag_filter_bar.h"
#include "flag_list_model.h"
#include "flag_table_view.h"
#include "list_project.h"
#include "local_server.h"
#include "local_session.h"
#include "main_window.h"
#include "storage/flag_repository.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QThread>
#include <algorithm>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::bench;

namespace {

QTextStream out(stdout);

// Every row the table shows holds its flag.
bool visibleRowsLoaded(views::FlagTableView *table, models::FlagListModel *model)
{
    const int top = table->rowAt(0);
    int bottom = table->rowAt(table->viewport()->height() - 1);
    if (top < 0)
        return model->rowCount() == 0;
    if (bottom < 0)
        bottom = model->rowCount() - 1;
    for (int row = top; row <= bottom; ++row)
        if (!model->isRowLoaded(row))
            return false;
    return true;
}

QString summary(QList<double> ms)
{
    std::sort(ms.begin(), ms.end());
    return u"median %1 ms, max %2 ms (n=%3)"_s.arg(qRound(ms.at(ms.size() / 2)))
        .arg(qRound(ms.last()))
        .arg(ms.size());
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(
            u"bunting.server.http.info=false\nbunting.api.debug=false"_s);
    QApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption countOption(u"flags"_s, u"Flags in the project."_s, u"n"_s,
                                         u"100000"_s);
    const QCommandLineOption dbOption(u"db"_s, u"Reuse this database file."_s, u"file"_s);
    const QCommandLineOption shotsOption(u"screenshots"_s, u"Save screenshots here."_s, u"dir"_s);
    parser.addOptions({countOption, dbOption, shotsOption});
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
    window.resize(1200, 800);
    window.show();
    models::FlagListModel *model = window.flagModel();
    views::FlagTableView *table = window.table();
    waitUntil([&] { return model->rowCount() > 0 && !model->isLoading(); });
    QCoreApplication::processEvents();
    out << "first rows: " << start.elapsed() << " ms; rowCount " << model->rowCount() << " of "
        << model->totalCount() << " after the first page\n";

    QScrollBar *bar = table->verticalScrollBar();
    // From setting the scroll bar to every row in view loaded and painted.
    const auto jump = [&](int value) {
        QElapsedTimer t;
        t.start();
        bar->setValue(value);
        table->viewport()->repaint(); // the paint that asks for the rows
        waitUntil([&] { return visibleRowsLoaded(table, model); }, 30000);
        table->viewport()->repaint(); // the paint that shows them
        return t.nsecsElapsed() / 1e6;
    };

    const double toEnd = jump(bar->maximum());
    const double toMiddle = jump(bar->maximum() / 2);
    const double toTop = jump(0);
    out << "jump to the end: " << qRound(toEnd) << " ms, to the middle: " << qRound(toMiddle)
        << " ms, back to the top: " << qRound(toTop) << " ms\n";

    QList<double> jumps;
    QRandomGenerator random(21);
    for (int i = 0; i < 30; ++i)
        jumps.append(jump(int(random.bounded(bar->maximum() + 1))));
    out << "30 jumps to random places: " << summary(jumps) << "\n";

    // A drag from the top to the end over about 0.8 s (50 steps 16 ms apart), then the time from
    // the last step to the rows at the end painted.
    bar->setValue(0);
    waitUntil([&] { return visibleRowsLoaded(table, model); });
    const int loadedBefore = model->loadedPageCount();
    for (int step = 1; step <= 50; ++step) {
        bar->setValue(int(qint64(bar->maximum()) * step / 50));
        table->viewport()->repaint();
        QElapsedTimer t;
        t.start();
        waitUntil([&] { return t.elapsed() >= 16; });
    }
    const double dragEnd = jump(bar->maximum());
    out << "drag to the end (50 steps, 16 ms apart): rows at the end painted " << qRound(dragEnd)
        << " ms after the last step; pages loaded before " << loadedBefore << ", after "
        << model->loadedPageCount() << "\n";

    // Each keystroke: from the key press to the rows in view holding the new query's flags.
    bar->setValue(0);
    QLineEdit *search = window.filterBar()->searchField();
    QList<double> keystrokes;
    QList<double> afterPause; // from the query reaching the model to the rows painted
    for (const QString &typed : {u"c"_s, u"h"_s, u"e"_s, u"c"_s, u"k"_s, u"o"_s, u"u"_s, u"t"_s,
                                 u"-"_s, u"0"_s, u"0"_s, u"1"_s}) {
        const QString expected = search->text() + typed;
        QElapsedTimer t;
        t.start();
        double queried = -1;
        QTest::keyClicks(search, typed);
        waitUntil([&] {
            if (queried < 0 && model->query().search == expected)
                queried = t.nsecsElapsed() / 1e6;
            return model->query().search == expected && !model->isLoading() &&
                   visibleRowsLoaded(table, model);
        });
        table->viewport()->repaint();
        keystrokes.append(t.nsecsElapsed() / 1e6);
        afterPause.append(keystrokes.last() - queried);
    }
    out << "search keystroke to rows (incl. " << views::FlagFilterBar::kSearchDelayMs
        << " ms typing pause): " << summary(keystrokes) << "; after the pause "
        << summary(afterPause) << "\n";
    search->clear();
    window.filterBar()->clear();
    waitUntil([&] {
        return model->query().search.isEmpty() && !model->isLoading() &&
               model->rowCount() == model->totalCount() && model->rowCount() > count / 2;
    });

    if (parser.isSet(shotsOption)) {
        const QDir shots(parser.value(shotsOption));
        shots.mkpath(u"."_s);
        // Mid-scroll: a place not loaded yet, painted before its page arrives, then after.
        bar->setValue(int(bar->maximum() * 0.618));
        table->viewport()->repaint();
        window.grab().save(shots.filePath(u"list-mid-scroll-loading.png"_s));
        waitUntil([&] { return visibleRowsLoaded(table, model); });
        table->viewport()->repaint();
        window.grab().save(shots.filePath(u"list-mid-scroll-loaded.png"_s));
        out << "screenshots in " << shots.absolutePath() << "\n";
    }

    out << "pages loaded now: " << model->loadedPageCount() << " (" << model->loadedRowCount()
        << " rows)\n";
    out << "RSS now: " << rssKiB("VmRSS:") / 1024 << " MiB, peak " << rssKiB("VmHWM:") / 1024
        << " MiB\n";
    return 0;
}
