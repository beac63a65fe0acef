#pragma once

#include "evaluation.h"

#include <memory>

namespace bunting {

// A project's definitions prepared for evaluation: regexes compiled, values parsed and variant
// tables built once. Immutable, so one instance serves every thread; build a new one after a
// change and swap the pointer.
class CompiledProject
{
public:
    explicit CompiledProject(ProjectDefinitions definitions);
    ~CompiledProject();
    CompiledProject(const CompiledProject &) = delete;
    CompiledProject &operator=(const CompiledProject &) = delete;

    static std::shared_ptr<const CompiledProject> compile(ProjectDefinitions definitions);

    const ProjectDefinitions &definitions() const { return m_definitions; }
    qsizetype flagCount() const { return m_definitions.flags.size(); }
    const FeatureFlag &flag(qsizetype index) const { return m_definitions.flags.at(index); }
    // -1 when no flag has that key.
    qsizetype indexOfKey(const QString &key) const;

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
    ProjectDefinitions m_definitions;
    std::unique_ptr<Data> d;
};

// The bucket of an identifier for a flag: the first 15 hex digits of
// SHA-1("<prefix><identifier><salt>") over 0xFFFFFFFFFFFFFFF, in [0, 1].
double bucketHash(QByteArrayView prefix, QByteArrayView identifier, QByteArrayView salt = {});

} // namespace bunting
