// What a flag write costs while large flags are stored (issue 20 item 7): every create once read
// and parsed every flag of the project to validate it, so three 9 MB flags made each create take
// over half a second. Creates flags through the server's FlagService, as POST /feature_flags/
// does after parsing the body (validation, the transaction, the usage dashboard that follows),
// with three flags of `range(0)` MB stored, `range(1)` creates per iteration.
//
// writesAtProjectSize measures creates and updates at 100, 10,000 and 100,000 flags, with and
// without the SDK endpoints' snapshot of the project to keep up to date.
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

// A server on a fresh SQLite file, its owner as a request names them, and its flags' repository.
struct FreshServer
{
    QTemporaryDir dir;
    LocalServer server{DatabaseLocation::parse(dir.filePath(u"bench.sqlite"_s))};
    std::optional<Bootstrap> first = server.open();
    Principal owner{server.auth().ownerUserId(), 0, {u"*"_s}, {}};
    FlagRepository repository{server.database()};
};

// A flag as the repository stores it, with `key` and `filters`: what the benchmarks seed.
FeatureFlag storedFlag(const QString &key, const QJsonObject &filters)
{
    QJsonObject flag = newFlagTemplate().toJson();
    flag.insert(u"key"_s, key);
    flag.insert(u"filters"_s, filters);
    flag.insert(u"version"_s, 1);
    flag.insert(u"created_at"_s, u"2026-01-01T00:00:00Z"_s);
    flag.insert(u"updated_at"_s, u"2026-01-01T00:00:00Z"_s);
    return FeatureFlag::fromJson(flag);
}

void createFlagsWithLargeFlagsStored(benchmark::State &state)
{
    const qsizetype largeBytes = qsizetype(state.range(0)) * 1024 * 1024;
    const int creates = int(state.range(1));
    int round = 0;
    double totalMs = 0;
    for (auto _ : state) {
        state.PauseTiming();
        FreshServer fresh;
        auto &[dir, server, first, owner, repository] = fresh;
        // Stored as a client could store them before the cap on `filters` (the API now refuses
        // them): straight through the repository.
        for (int i = 0; i < 3; ++i) {
            QJsonObject filters = everyone();
            filters.insert(u"payloads"_s,
                           QJsonObject{{u"true"_s, u"\"%1\""_s.arg(QString(largeBytes, u'x'))}});
            repository.insert(first->projectId, storedFlag(u"large-%1"_s.arg(i), filters),
                              owner.userId);
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

// A typical flag of the `bench/wrk/run` mix: a condition on an email, a 30 % rollout.
QJsonObject typicalFilters(int i)
{
    return QJsonObject{
        {u"groups"_s,
         QJsonArray{QJsonObject{
             {u"properties"_s, QJsonArray{QJsonObject{{u"key"_s, u"email"_s},
                                                      {u"type"_s, u"person"_s},
                                                      {u"operator"_s, u"icontains"_s},
                                                      {u"value"_s, u"@example-%1.com"_s.arg(i)}}}},
             {u"rollout_percentage"_s, 30}}}}};
}

// Issue 21: a create or an update costs the same at 100 and at 100,000 flags. The project is
// seeded with `range(0)` flags straight through the repository in one transaction (not timed),
// then 200 creates, 200 updates (each changing one seeded flag's rollout) and 200 disables run
// through FlagService, as POST and PATCH /feature_flags/ do after parsing the body.
void writesAtProjectSize(benchmark::State &state)
{
    const int stored = int(state.range(0));
    // With 1, the project's snapshot is compiled first, as on a server SDKs are asking: each
    // write then also brings the snapshot up to date (SnapshotStore::applyFlagChange).
    const bool serving = state.range(1) != 0;
    constexpr int writes = 200;
    int wholeCompiles = 0;
    int round = 0;
    double createMs = 0;
    double updateMs = 0;
    double disableMs = 0;
    for (auto _ : state) {
        state.PauseTiming();
        FreshServer fresh;
        auto &[dir, server, first, owner, repository] = fresh;
        QList<qint64> ids;
        server.database().transaction([&] {
            for (int i = 0; i < stored; ++i) {
                ids.append(repository.insert(first->projectId,
                                             storedFlag(u"seeded-%1"_s.arg(i), typicalFilters(i)),
                                             owner.userId));
            }
        });
        if (serving)
            server.snapshots().byProject(first->projectId);
        const int buildsBefore = server.snapshots().buildsRun();
        state.ResumeTiming();

        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < writes; ++i)
            server.flagService().create(first->projectId, owner,
                                        QJsonObject{{u"key"_s, u"new-%1-%2"_s.arg(round).arg(i)},
                                                    {u"filters"_s, typicalFilters(i)}});
        createMs += double(timer.nsecsElapsed()) / 1e6;
        timer.restart();
        for (int i = 0; i < writes; ++i) {
            QJsonObject filters = typicalFilters(i);
            QJsonObject group = filters[u"groups"_s].toArray().first().toObject();
            group.insert(u"rollout_percentage"_s, 31 + i % 50);
            filters.insert(u"groups"_s, QJsonArray{group});
            server.flagService().update(first->projectId, ids.value(i * stored / writes, 1), owner,
                                        QJsonObject{{u"filters"_s, filters}});
        }
        updateMs += double(timer.nsecsElapsed()) / 1e6;
        // Disabling asks which live flags depend on the flag first (PostHog refuses to disable
        // a flag others depend on).
        timer.restart();
        for (int i = 0; i < writes; ++i)
            server.flagService().update(first->projectId, ids.value(i * stored / writes + 1, 1),
                                        owner, QJsonObject{{u"active"_s, false}});
        disableMs += double(timer.nsecsElapsed()) / 1e6;
        if (serving && !server.snapshots().byProject(first->projectId))
            state.SkipWithError("no snapshot after the writes");
        wholeCompiles += server.snapshots().buildsRun() - buildsBefore;
        ++round;
    }
    state.counters["ms_per_create"] = createMs / (double(writes) * double(state.iterations()));
    state.counters["ms_per_update"] = updateMs / (double(writes) * double(state.iterations()));
    state.counters["ms_per_disable"] = disableMs / (double(writes) * double(state.iterations()));
    state.counters["whole_compiles"] = wholeCompiles;
}

} // namespace

// {flags stored, snapshot compiled}
BENCHMARK(writesAtProjectSize)
    ->Args({100, 0})
    ->Args({10000, 0})
    ->Args({100000, 0})
    ->Args({100, 1})
    ->Args({10000, 1})
    ->Args({100000, 1})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

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
