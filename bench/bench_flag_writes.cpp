// What a flag write costs while large flags are stored (issue 20 item 7): every create once read
// and parsed every flag of the project to validate it, so three 9 MB flags made each create take
// over half a second. Creates flags through the server's FlagService, as POST /feature_flags/
// does after parsing the body (validation, the transaction, the usage dashboard that follows),
// with three flags of `range(0)` MB stored, `range(1)` creates per iteration.
//
//   build-release/bench/bench_flag_writes [--benchmark_filter=...]
#include "local_server.h"
#include "services/flag_input.h"
#include "storage/flag_repository.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <benchmark/benchmark.h>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::server;

namespace {

QJsonObject everyone()
{
    return QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray()},
                                                            {u"rollout_percentage"_s, 100}}}}};
}

void createFlagsWithLargeFlagsStored(benchmark::State &state)
{
    const qsizetype largeBytes = qsizetype(state.range(0)) * 1024 * 1024;
    const int creates = int(state.range(1));
    int round = 0;
    double totalMs = 0;
    for (auto _ : state) {
        state.PauseTiming();
        QTemporaryDir dir;
        LocalServer server(DatabaseLocation::parse(dir.filePath(u"bench.sqlite"_s)));
        const std::optional<Bootstrap> first = server.open();
        const Principal owner{server.auth().ownerUserId(), 0, {u"*"_s}, {}};
        // Stored as a client could store them before the cap on `filters` (the API now refuses
        // them): straight through the repository.
        FlagRepository repository(server.database());
        for (int i = 0; i < 3; ++i) {
            QJsonObject filters = everyone();
            filters.insert(u"payloads"_s,
                           QJsonObject{{u"true"_s, u"\"%1\""_s.arg(QString(largeBytes, u'x'))}});
            QJsonObject large = newFlagTemplate().toJson();
            large.insert(u"key"_s, u"large-%1"_s.arg(i));
            large.insert(u"filters"_s, filters);
            large.insert(u"version"_s, 1);
            large.insert(u"created_at"_s, u"2026-01-01T00:00:00Z"_s);
            large.insert(u"updated_at"_s, u"2026-01-01T00:00:00Z"_s);
            repository.insert(first->projectId, FeatureFlag::fromJson(large), owner.userId);
        }
        state.ResumeTiming();

        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < creates; ++i)
            server.flagService().create(first->projectId, owner,
                                        QJsonObject{{u"key"_s, u"flag-%1-%2"_s.arg(round).arg(i)},
                                                    {u"filters"_s, everyone()}});
        totalMs += double(timer.nsecsElapsed()) / 1e6;
        ++round;
    }
    state.counters["ms_per_create"] = totalMs / (double(creates) * double(state.iterations()));
}

} // namespace

// {MB of each of the three stored flags, creates}; 0 MB is the baseline.
BENCHMARK(createFlagsWithLargeFlagsStored)
    ->Args({0, 1000})
    ->Args({9, 50})
    ->Args({9, 1000})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(u"bunting.*.info=false"_s);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
