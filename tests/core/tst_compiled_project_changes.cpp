// CompiledProject::withFlag (issue 21): a change to one flag compiles that flag alone and shares
// the rest, and what it makes evaluates exactly as the project compiled whole with the change
// would. The PostHog rules it has to keep are the engine's: a dependency names a flag by key or
// by id (flag_evaluates_to), a missing one makes the flag `missing_dependency`, and a deleted
// flag is neither evaluated nor found by key.
#include "engine.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;

namespace {

FeatureFlag flag(qint64 id, const QString &key, const QJsonArray &groups,
                 const QJsonObject &extraFilters = {})
{
    QJsonObject filters = extraFilters;
    filters.insert(u"groups"_s, groups);
    return FeatureFlag::fromJson(
        QJsonObject{{u"id"_s, id}, {u"key"_s, key}, {u"active"_s, true}, {u"filters"_s, filters}});
}

QJsonObject rollout(int percentage, const QJsonArray &properties = {})
{
    return {{u"properties"_s, properties}, {u"rollout_percentage"_s, percentage}};
}

QJsonObject dependsOn(const QString &keyOrId, const QJsonValue &value = true)
{
    return {{u"key"_s, keyOrId},
            {u"type"_s, u"flag"_s},
            {u"operator"_s, u"flag_evaluates_to"_s},
            {u"value"_s, value}};
}

QJsonObject emailContains(const QString &text)
{
    return {{u"key"_s, u"email"_s},
            {u"type"_s, u"person"_s},
            {u"operator"_s, u"icontains"_s},
            {u"value"_s, text}};
}

// A project of `plain` rollout flags (ids 100...) followed by flags that depend on others.
QList<FeatureFlag> projectFlags(int plain)
{
    QList<FeatureFlag> flags;
    for (int i = 0; i < plain; ++i)
        flags.append(flag(100 + i, u"plain-%1"_s.arg(i), {rollout(10 + i % 90)}));
    const qint64 next = 100 + plain;
    flags.append(flag(next, u"base"_s, {rollout(50)}));
    flags.append(flag(next + 1, u"by-key"_s, {rollout(100, {dependsOn(u"base"_s)})}));
    flags.append(flag(next + 2, u"by-id"_s, {rollout(100, {dependsOn(QString::number(next))})}));
    flags.append(flag(next + 3, u"waits"_s, {rollout(100, {dependsOn(u"later"_s)})}));
    flags.append(flag(
        next + 4, u"colour"_s, {rollout(100, {emailContains(u"@corp"_s)})},
        {{u"multivariate"_s,
          QJsonObject{
              {u"variants"_s,
               QJsonArray{QJsonObject{{u"key"_s, u"red"_s}, {u"rollout_percentage"_s, 40}},
                          QJsonObject{{u"key"_s, u"blue"_s}, {u"rollout_percentage"_s, 60}}}}}},
         {u"payloads"_s, QJsonObject{{u"blue"_s, u"\"navy\""_s}}}}));
    return flags;
}

std::shared_ptr<const CompiledProject> compiled(const QList<FeatureFlag> &flags)
{
    ProjectDefinitions definitions;
    for (const FeatureFlag &f : flags)
        if (!f.deleted)
            definitions.flags.append(f);
    return CompiledProject::compile(std::move(definitions));
}

// Every live flag's answer for a person, by key, position left out: a whole compile without a
// deleted flag numbers the flags after it differently.
QMap<QString, QString> answers(const CompiledProject &project, const QString &distinctId,
                               const QString &email)
{
    EvaluationContext context;
    context.distinctId = distinctId;
    context.personProperties = PropertyMap(QJsonObject{{u"email"_s, email}});
    QMap<QString, QString> byKey;
    for (const EvaluationResult &r : project.evaluateAll(context))
        byKey.insert(
            r.key,
            u"%1 %2 %3 %4"_s.arg(
                QString::fromUtf8(
                    QJsonDocument(QJsonArray{r.value.toJson()}).toJson(QJsonDocument::Compact)),
                reasonCode(r.reason),
                r.conditionIndex ? QString::number(*r.conditionIndex) : u"-"_s,
                QString::fromUtf8(
                    QJsonDocument(QJsonArray{r.payload}).toJson(QJsonDocument::Compact))));
    return byKey;
}

void compareWithWholeCompile(const CompiledProject &changed, const QList<FeatureFlag> &flags)
{
    const auto whole = compiled(flags);
    QCOMPARE(changed.evaluateAll({}).size(), whole->evaluateAll({}).size());
    for (int person = 0; person < 40; ++person) {
        const QString id = u"person-%1"_s.arg(person);
        const QString email = person % 2 ? u"x@corp.com"_s : u"y@home.org"_s;
        QCOMPARE(answers(changed, id, email), answers(*whole, id, email));
    }
}

qsizetype indexOf(const QList<FeatureFlag> &flags, const QString &key)
{
    for (qsizetype i = 0; i < flags.size(); ++i)
        if (flags[i].key == key)
            return i;
    return -1;
}

} // namespace

class TestCompiledProjectChanges : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void updateCompilesOneFlagAtAnySize();
    void updateReachesTheFlagsThatDependOnIt();
    void createGoesLast();
    void deleteLeavesTheOthersInPlace();
    void changesThatReachOtherFlagsNeedAWholeCompile();
    void manyCreatesKeepEveryKeyAndId();
    void theProjectItCameFromIsUnchanged();
};

void TestCompiledProjectChanges::updateCompilesOneFlagAtAnySize()
{
    QList<FeatureFlag> flags = projectFlags(10'000);
    const auto before = compiled(flags);
    QCOMPARE(before->flagsCompiled(), flags.size());

    FeatureFlag changed = flags[5'000];
    changed.filters = flag(0, {}, {rollout(3)}).filters;
    const auto after = before->withFlag(changed);
    QVERIFY(after);
    QCOMPARE(after->flagsCompiled(), 1);
    QCOMPARE(after->flagCount(), before->flagCount());
    QCOMPARE(after->flag(5'000).filters.groups.first().rolloutPercentage, 3.0);
    flags[5'000] = changed;
    compareWithWholeCompile(*after, flags);
}

void TestCompiledProjectChanges::updateReachesTheFlagsThatDependOnIt()
{
    // by-key and by-id name `base` by its key and by its id: both follow its new rollout without
    // being compiled again, because they name it by position in the compiled form.
    QList<FeatureFlag> flags = projectFlags(20);
    const auto before = compiled(flags);
    const qsizetype base = indexOf(flags, u"base"_s);
    for (const int percentage : {0, 100}) {
        FeatureFlag changed = flags[base];
        changed.filters = flag(0, {}, {rollout(percentage)}).filters;
        changed.version += 1;
        const auto after = before->withFlag(changed);
        QVERIFY(after);
        QCOMPARE(after->flagsCompiled(), 1);
        flags[base] = changed;
        compareWithWholeCompile(*after, flags);
        EvaluationContext context;
        context.distinctId = u"p"_s;
        const auto byKey = after->evaluate(u"by-key"_s, context);
        QVERIFY(byKey);
        QCOMPARE(byKey->value.enabled, percentage == 100);
    }
    // Switched off, base is not enabled, and neither are the flags that want it enabled.
    FeatureFlag off = flags[base];
    off.active = false;
    const auto after = before->withFlag(off);
    QVERIFY(after);
    flags[base] = off;
    compareWithWholeCompile(*after, flags);
}

void TestCompiledProjectChanges::createGoesLast()
{
    QList<FeatureFlag> flags = projectFlags(1'000);
    const auto before = compiled(flags);
    const FeatureFlag fresh = flag(5'000, u"fresh"_s, {rollout(100, {dependsOn(u"base"_s)})});
    const auto after = before->withFlag(fresh);
    QVERIFY(after);
    QCOMPARE(after->flagsCompiled(), 1);
    QCOMPARE(after->flagCount(), before->flagCount() + 1);
    QCOMPARE(after->indexOfKey(u"fresh"_s), before->flagCount());
    QCOMPARE(after->indexOfId(5'000), before->flagCount());
    QCOMPARE(before->indexOfKey(u"fresh"_s), -1);
    flags.append(fresh);
    compareWithWholeCompile(*after, flags);
}

void TestCompiledProjectChanges::deleteLeavesTheOthersInPlace()
{
    QList<FeatureFlag> flags = projectFlags(600);
    const auto before = compiled(flags);
    const qsizetype colour = indexOf(flags, u"colour"_s);
    FeatureFlag deleted = flags[colour];
    deleted.deleted = true;
    const auto after = before->withFlag(deleted);
    QVERIFY(after);
    QCOMPARE(after->indexOfKey(u"colour"_s), -1);
    QCOMPARE(after->indexOfId(deleted.id), -1);
    QCOMPARE(after->indexOfKey(u"plain-599"_s), before->indexOfKey(u"plain-599"_s));
    flags[colour] = deleted;
    compareWithWholeCompile(*after, flags);

    // The key is free again: a new flag may take it.
    const auto again = after->withFlag(flag(9'000, u"colour"_s, {rollout(100)}));
    QVERIFY(again);
    QCOMPARE(again->indexOfKey(u"colour"_s), after->flagCount());
    flags.append(flag(9'000, u"colour"_s, {rollout(100)}));
    compareWithWholeCompile(*again, flags);
}

void TestCompiledProjectChanges::changesThatReachOtherFlagsNeedAWholeCompile()
{
    const QList<FeatureFlag> flags = projectFlags(10);
    const auto project = compiled(flags);
    const qsizetype base = indexOf(flags, u"base"_s);

    FeatureFlag renamed = flags[indexOf(flags, u"plain-3"_s)];
    renamed.key = u"plain-3-renamed"_s;
    QVERIFY(!project->withFlag(renamed)); // other flags may name either key

    FeatureFlag gone = flags[base];
    gone.deleted = true;
    QVERIFY(!project->withFlag(gone)); // by-key and by-id would lose their dependency

    // `waits` names `later`, which does not exist yet: it is missing_dependency until it does.
    QVERIFY(!project->withFlag(flag(1'000, u"later"_s, {rollout(100)})));
    // A flag with an id lower than the last one would not go last in a whole compile.
    QVERIFY(!project->withFlag(flag(1, u"early"_s, {rollout(100)})));
    // Two live flags with one key: which one the key finds is a whole compile's choice.
    QVERIFY(!project->withFlag(flag(1'000, u"base"_s, {rollout(100)})));
    // And a change that reaches nothing else is made on its own.
    QVERIFY(project->withFlag(flag(1'000, u"unrelated"_s, {rollout(100)})));
}

void TestCompiledProjectChanges::manyCreatesKeepEveryKeyAndId()
{
    // Keys and ids added one at a time go to a small table that is folded into the shared one
    // now and then; every key and id must be found through any number of folds.
    std::shared_ptr<const CompiledProject> project = compiled(projectFlags(100));
    for (int i = 0; i < 3'000; ++i) {
        project = project->withFlag(flag(10'000 + i, u"added-%1"_s.arg(i), {rollout(i % 100)}));
        QVERIFY(project);
        QCOMPARE(project->flagsCompiled(), 1);
    }
    QCOMPARE(project->flagCount(), 105 + 3'000);
    for (int i = 0; i < 3'000; ++i) {
        QCOMPARE(project->indexOfKey(u"added-%1"_s.arg(i)), 105 + i);
        QCOMPARE(project->indexOfId(10'000 + i), 105 + i);
        QCOMPARE(project->flag(105 + i).key, u"added-%1"_s.arg(i));
    }
    QCOMPARE(project->indexOfKey(u"plain-42"_s), 42);
    QCOMPARE(project->indexOfKey(u"added-3000"_s), -1);
}

void TestCompiledProjectChanges::theProjectItCameFromIsUnchanged()
{
    // Request threads keep evaluating the project they took while a change makes the next one.
    const QList<FeatureFlag> flags = projectFlags(1'200);
    const auto before = compiled(flags);
    const QMap<QString, QString> was = answers(*before, u"p"_s, u"a@corp.com"_s);
    FeatureFlag changed = flags[700];
    changed.active = false;
    const auto after = before->withFlag(changed);
    QVERIFY(after);
    const auto created = after->withFlag(flag(50'000, u"new"_s, {rollout(100)}));
    QVERIFY(created);
    QCOMPARE(answers(*before, u"p"_s, u"a@corp.com"_s), was);
    QVERIFY(before->flag(700).active);
    QCOMPARE(before->flagCount(), flags.size());
    QCOMPARE(after->flagCount(), flags.size());
}

QTEST_GUILESS_MAIN(TestCompiledProjectChanges)
#include "tst_compiled_project_changes.moc"
