#pragma once

#include "evaluation.h"

#include <memory>

namespace bunting {

// A project's definitions prepared for evaluation: regexes compiled, values parsed and variant
// tables built once. Immutable, so one instance serves every thread. After a change to one flag,
// withFlag() makes the next instance by compiling that flag alone and sharing the rest; any other
// change compiles the project anew.
class CompiledProject
{
public:
    explicit CompiledProject(ProjectDefinitions definitions);
    ~CompiledProject();
    CompiledProject(const CompiledProject &) = delete;
    CompiledProject &operator=(const CompiledProject &) = delete;

    static std::shared_ptr<const CompiledProject> compile(ProjectDefinitions definitions);

    // This project with `flag` in place of the flag with its id, or after the others when it is
    // new. Only `flag` is compiled: the flags that depend on it name it by position, which does
    // not change. nullptr when the change reaches other flags' compiled form (a new key, a key
    // another flag names but could not find, a key two flags share, a new flag whose id is not
    // the largest), and the caller compiles the project anew.
    std::shared_ptr<const CompiledProject> withFlag(FeatureFlag flag) const;

    // How many flags were compiled to make this instance: all of them, or one for withFlag().
    qsizetype flagsCompiled() const;
    qsizetype flagCount() const;
    const FeatureFlag &flag(qsizetype index) const;
    // -1 when no flag has that key (or id).
    qsizetype indexOfKey(const QString &key) const;
    qsizetype indexOfId(qint64 id) const;
    // A flag filter's `key`, which names a flag by id or by key, as the engine resolves it.
    qsizetype indexOfReference(const QString &keyOrId) const;
    const QHash<qint64, Cohort> &cohorts() const;
    const QHash<int, QString> &groupTypeMapping() const;

    // One flag, with an optional explanation of every condition and property.
    EvaluationResult evaluate(qsizetype index, const EvaluationContext &context,
                              Explanation *explanation = nullptr) const;
    std::optional<EvaluationResult> evaluate(const QString &key, const EvaluationContext &context,
                                             Explanation *explanation = nullptr) const;
    // The flags at `indexes`, in that order; the flags they depend on are evaluated once.
    QList<EvaluationResult> evaluate(const QList<qsizetype> &indexes,
                                     const EvaluationContext &context) const;
    // Every flag that is not deleted, in definition order; dependencies evaluated once.
    QList<EvaluationResult> evaluateAll(const EvaluationContext &context) const;

private:
    struct Data;
    class Run;
    explicit CompiledProject(std::unique_ptr<Data> data);
    std::unique_ptr<Data> d;
};

// The bucket of an identifier for a flag: the first 15 hex digits of
// SHA-1("<prefix><identifier><salt>") over 0xFFFFFFFFFFFFFFF, in [0, 1].
double bucketHash(QByteArrayView prefix, QByteArrayView identifier, QByteArrayView salt = {});

} // namespace bunting
