// Cost of evaluating flags with the core engine, per flag and for a whole project.
// Run with `make bench` (release build); results go to docs/performance.md.
#include "engine.h"
#include "impact_preview.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <benchmark/benchmark.h>

using namespace Qt::StringLiterals;
using namespace bunting;

namespace {

FeatureFlag flagFrom(const QByteArray &json)
{
    return FeatureFlag::fromJson(QJsonDocument::fromJson(json).object());
}

const QByteArray fullRollout = R"({"id":1,"key":"full","active":true,
    "filters":{"groups":[{"properties":[],"rollout_percentage":100}]}})";

const QByteArray twoConditions =
    R"({"id":2,"key":"two-conditions","active":true,"filters":{"groups":[
    {"properties":[{"key":"email","value":"@posthog.com","operator":"icontains","type":"person"},
                   {"key":"plan","value":["pro","enterprise"],"operator":"exact","type":"person"}],
     "rollout_percentage":100},
    {"properties":[{"key":"email","value":"^[a-z]+@example\\.(com|org)$","operator":"regex","type":"person"}],
     "rollout_percentage":50}]}})";

const QByteArray multivariate = R"({"id":3,"key":"multivariate","active":true,"filters":{
    "groups":[{"properties":[],"rollout_percentage":55}],
    "multivariate":{"variants":[{"key":"a","rollout_percentage":50},{"key":"b","rollout_percentage":20},
        {"key":"c","rollout_percentage":20},{"key":"d","rollout_percentage":5},{"key":"e","rollout_percentage":5}]},
    "payloads":{"a":"{\"color\":\"red\"}"}}})";

EvaluationContext contextFor(int i)
{
    EvaluationContext c;
    c.distinctId = u"user-%1"_s.arg(i);
    c.personProperties = PropertyMap({{u"email"_s, u"user%1@example.com"_s.arg(i)},
                                      {u"plan"_s, i % 3 ? u"free"_s : u"pro"_s},
                                      {u"country"_s, u"DE"_s},
                                      {u"app_version"_s, u"2.%1.0"_s.arg(i % 20)},
                                      {u"signed_up"_s, u"2025-0%1-15T10:00:00Z"_s.arg(1 + i % 9)},
                                      {u"age"_s, 18 + i % 50}});
    return c;
}

void evaluateOneFlag(benchmark::State &state, const QByteArray &json)
{
    const auto project = CompiledProject::compile({{flagFrom(json)}, {}, {}});
    std::vector<EvaluationContext> users;
    for (int i = 0; i < 1024; ++i)
        users.push_back(contextFor(i));
    std::size_t i = 0;
    for (auto _ : state) {
        EvaluationResult r = project->evaluate(0, users[i++ & 1023]);
        benchmark::DoNotOptimize(r);
    }
}

// A realistic project: rollouts, string, list, regex, numeric, semver and date operators,
// multivariate flags and payloads, 200 flags in all.
ProjectDefinitions realisticProject(int count)
{
    ProjectDefinitions project;
    const QStringList operators = {u"icontains"_s,  u"regex"_s,         u"exact"_s,        u"gt"_s,
                                   u"semver_gte"_s, u"is_date_after"_s, u"not_icontains"_s};
    const QList<QJsonValue> values = {
        u"@example.com"_s, u"^user[0-9]+@"_s, QJsonArray{u"pro"_s, u"enterprise"_s}, 30, u"2.5.0"_s,
        u"-365d"_s,        u"@test"_s};
    const QStringList keys = {u"email"_s,       u"email"_s,     u"plan"_s, u"age"_s,
                              u"app_version"_s, u"signed_up"_s, u"email"_s};
    for (int i = 0; i < count; ++i) {
        const int k = i % operators.size();
        QJsonObject condition{
            {u"properties"_s, QJsonArray{QJsonObject{{u"key"_s, keys[k]},
                                                     {u"value"_s, values[k]},
                                                     {u"operator"_s, operators[k]},
                                                     {u"type"_s, u"person"_s}}}},
            {u"rollout_percentage"_s, 10 + (i * 7) % 90}};
        QJsonObject filters{
            {u"groups"_s, QJsonArray{condition, QJsonObject{{u"properties"_s, QJsonArray{}},
                                                            {u"rollout_percentage"_s, 5}}}}};
        if (i % 4 == 0)
            filters.insert(u"multivariate"_s,
                           QJsonObject{{u"variants"_s,
                                        QJsonArray{QJsonObject{{u"key"_s, u"control"_s},
                                                               {u"rollout_percentage"_s, 50}},
                                                   QJsonObject{{u"key"_s, u"test"_s},
                                                               {u"rollout_percentage"_s, 50}}}}});
        project.flags.append(FeatureFlag::fromJson(QJsonObject{{u"id"_s, i + 1},
                                                               {u"key"_s, u"flag-%1"_s.arg(i)},
                                                               {u"active"_s, i % 10 != 9},
                                                               {u"filters"_s, filters}}));
    }
    return project;
}

} // namespace

static void BM_FullRolloutFlag(benchmark::State &state)
{
    evaluateOneFlag(state, fullRollout);
}
BENCHMARK(BM_FullRolloutFlag);

static void BM_TwoConditionFlagStringAndRegex(benchmark::State &state)
{
    evaluateOneFlag(state, twoConditions);
}
BENCHMARK(BM_TwoConditionFlagStringAndRegex);

static void BM_MultivariateFlag(benchmark::State &state)
{
    evaluateOneFlag(state, multivariate);
}
BENCHMARK(BM_MultivariateFlag);

// All flags of a 200-flag project for one person, as /flags does per request.
static void BM_AllFlagsOfProject(benchmark::State &state)
{
    const auto project = CompiledProject::compile(realisticProject(int(state.range(0))));
    std::vector<EvaluationContext> users;
    for (int i = 0; i < 256; ++i)
        users.push_back(contextFor(i));
    std::size_t i = 0;
    for (auto _ : state) {
        QList<EvaluationResult> r = project->evaluateAll(users[i++ & 255]);
        benchmark::DoNotOptimize(r);
    }
    state.counters["per_flag_ns"] =
        benchmark::Counter(double(state.range(0)), benchmark::Counter::kIsIterationInvariantRate |
                                                       benchmark::Counter::kInvert);
}
BENCHMARK(BM_AllFlagsOfProject)->Arg(200)->Unit(benchmark::kMicrosecond);

// Building the context (converting the person's properties once) is part of a request's cost.
static void BM_BuildContext(benchmark::State &state)
{
    int i = 0;
    for (auto _ : state) {
        EvaluationContext c = contextFor(i++);
        benchmark::DoNotOptimize(c);
    }
}
BENCHMARK(BM_BuildContext);

static void BM_CompileProject(benchmark::State &state)
{
    const ProjectDefinitions definitions = realisticProject(int(state.range(0)));
    for (auto _ : state) {
        auto project = CompiledProject::compile(definitions);
        benchmark::DoNotOptimize(project);
    }
}
BENCHMARK(BM_CompileProject)
    ->Arg(200)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

// Issue 21: a change to one flag of a large project, applied to its compiled form
// (CompiledProject::withFlag): an update in the middle, and a new flag at the end.
static void BM_UpdateOneFlag(benchmark::State &state)
{
    ProjectDefinitions definitions = realisticProject(int(state.range(0)));
    FeatureFlag changed = definitions.flags[definitions.flags.size() / 2];
    const auto project = CompiledProject::compile(std::move(definitions));
    int i = 0;
    for (auto _ : state) {
        changed.filters.groups.first().rolloutPercentage = i++ % 100;
        auto next = project->withFlag(changed);
        benchmark::DoNotOptimize(next);
    }
}
BENCHMARK(BM_UpdateOneFlag)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMicrosecond);

static void BM_AddFlags(benchmark::State &state)
{
    // One after another, each on the last: the key and id tables fold their additions in now
    // and then, and that cost is part of the average.
    std::shared_ptr<const CompiledProject> project =
        CompiledProject::compile(realisticProject(int(state.range(0))));
    FeatureFlag added = project->flag(0);
    qint64 id = project->flag(project->flagCount() - 1).id;
    for (auto _ : state) {
        added.id = ++id;
        added.key = u"added-%1"_s.arg(id);
        project = project->withFlag(added);
    }
}
BENCHMARK(BM_AddFlags)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMicrosecond);

// The rollout editor's impact preview: one flag's saved version and draft, both evaluated for
// every known person (a 50/50 multivariate flag against the same at 80 % for a cohort-less
// project of 200 flags).
static void BM_ImpactPreview(benchmark::State &state)
{
    const ProjectDefinitions project = realisticProject(200);
    FeatureFlag before = flagFrom(R"({"id": 100000, "key": "impact", "active": true, "filters":
        {"groups": [{"properties": [], "rollout_percentage": 100}], "multivariate": {"variants":
        [{"key": "control", "rollout_percentage": 50}, {"key": "test", "rollout_percentage": 50}]}}})");
    FeatureFlag after = before;
    after.filters.groups.first().rolloutPercentage = 80;
    QList<KnownPerson> persons;
    for (int i = 0; i < int(state.range(0)); ++i)
        persons.append({u"person-%1"_s.arg(i),
                        QJsonObject{{u"email"_s, u"user%1@example.com"_s.arg(i)},
                                    {u"plan"_s, i % 3 == 0 ? u"pro"_s : u"free"_s}},
                        {}});
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto _ : state) {
        ImpactSummary summary = computeImpact(project, before, after, persons, now);
        benchmark::DoNotOptimize(summary);
    }
}
BENCHMARK(BM_ImpactPreview)->Arg(10000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
