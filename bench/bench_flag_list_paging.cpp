// The flag list model's pages on demand without a server: a list of 100,000 flags in memory
// (tests/models/fake_flag_source.h, answering on the next turn of the event loop) under a real
// QTableView. Times a jump of the scroll bar to a place not loaded until every row in view is
// painted from its flag, with the model's pause before requests (30 ms) and without it, so what
// the model and the view cost shows apart from the network and the server.
//
//   QT_QPA_PLATFORM=offscreen build/bench/bench_flag_list_paging
#include "fake_flag_source.h"
#include "flag_list_model.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QScrollBar>
#include <QTableView>
#include <benchmark/benchmark.h>

using namespace bunting;

namespace {

constexpr int kFlags = 100000;

bool visibleRowsLoaded(const QTableView &view, const models::FlagListModel &model)
{
    const int top = view.rowAt(0);
    int bottom = view.rowAt(view.viewport()->height() - 1);
    if (bottom < 0)
        bottom = model.rowCount() - 1;
    for (int row = top; row <= bottom; ++row)
        if (!model.isRowLoaded(row))
            return false;
    return true;
}

void waitForVisibleRows(const QTableView &view, const models::FlagListModel &model)
{
    while (!visibleRowsLoaded(view, model))
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 5);
}

// Arg 0: the model's pause before requests, in ms.
void BM_JumpPainted(benchmark::State &state)
{
    testing::FakeFlagSource source(kFlags);
    source.setAutoAnswer(true);
    models::FlagListModel model;
    model.setPageDelay(int(state.range(0)));
    model.setPageLoader(source.loader());
    QTableView view;
    view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view.verticalHeader()->setDefaultSectionSize(22);
    view.setModel(&model);
    view.resize(1200, 800);
    view.show();
    while (model.rowCount() < kFlags)
        QCoreApplication::processEvents();
    QScrollBar *bar = view.verticalScrollBar();
    int place = 0;
    for (auto _ : state) {
        // Places far apart (never loaded before, so each jump fetches), ending at the end.
        place = (place + 7919) % 1000;
        const int value =
            place == 999 ? bar->maximum() : int(qint64(bar->maximum()) * place / 1000);
        bar->setValue(value);
        view.viewport()->repaint();
        waitForVisibleRows(view, model);
        view.viewport()->repaint();
    }
    state.counters["requests"] =
        benchmark::Counter(double(source.requests.size()), benchmark::Counter::kAvgIterations);
    state.counters["pages_loaded"] = model.loadedPageCount();
}
BENCHMARK(BM_JumpPainted)
    ->Arg(models::FlagListModel::kPageDelayMs)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond);

// The first page of a new query to its rows painted (a keystroke, without the typing pause).
void BM_NewQueryPainted(benchmark::State &state)
{
    testing::FakeFlagSource source(kFlags);
    source.setAutoAnswer(true);
    models::FlagListModel model;
    model.setPageLoader(source.loader());
    QTableView view;
    view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view.setModel(&model);
    view.resize(1200, 800);
    view.show();
    int n = 0;
    for (auto _ : state) {
        api::FlagListQuery query;
        query.search = (++n % 2) ? QStringLiteral("a") : QString();
        model.setQuery(query);
        while (model.isLoading())
            QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents,
                                            5);
        view.viewport()->repaint();
    }
}
BENCHMARK(BM_NewQueryPainted)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
