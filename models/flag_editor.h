#pragma once

#include "api_error.h"
#include "feature_flag.h"
#include "field_path.h"
#include "flag_rebase.h"
#include "flag_validation.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>
#include <functional>
#include <optional>

class QUndoStack;

namespace bunting::models {

class FlagEditCommand;

// How "distribute evenly" splits 100 % among the variants.
enum class VariantSplit {
    Integer, // PostHog's flag form: round(100 / n) each, the last takes the rounding difference
    Decimal, // hundredths: floor(10000 / n) each, the first ones one hundredth more each
};

// The shares "distribute evenly" gives `count` variants; they sum to exactly 100.
QList<double> evenShares(int count, VariantSplit split);

// The state of one flag being edited: the flag as loaded from the server and the draft the
// editor's views show and change. Every edit is an undoable command on undoStack(), named for
// the undo menu ("Change rollout of condition 2 to 30%"); consecutive edits of the same field
// (typing a key, dragging a slider) merge into one step until endMergeGroup().
//
// The draft is kept as core's FeatureFlag, so what the form does not show (unknown fields at any
// level, presence of optional keys) comes back unchanged in patchBody() and toJson(). Positions
// (condition, property, variant) are those of the draft; an edit at a position that does not
// exist changes nothing.
class FlagEditor : public QObject
{
    Q_OBJECT
public:
    explicit FlagEditor(QObject *parent = nullptr);
    explicit FlagEditor(const FeatureFlag &flag, QObject *parent = nullptr);
    ~FlagEditor() override;

    const FeatureFlag &loaded() const { return m_loaded; }
    const FeatureFlag &draft() const { return m_draft; }
    QUndoStack *undoStack() const { return m_undoStack; }

    // A new baseline (after a save or a reload): the draft becomes `flag`, the history is cleared.
    void reset(const FeatureFlag &flag);
    // Whether the draft differs from the loaded flag in what would be sent; an edit undone, or an
    // edit reverted by hand, leaves the flag clean.
    bool isDirty() const { return m_dirty; }
    // The body of the PATCH that saves the draft: the top-level fields that differ from the
    // loaded flag (`filters` whole, as core writes it), with addConflictCheck's `version` and
    // `original_flag`; an empty object when there is nothing to save.
    QJsonObject patchBody() const;
    // The next edit starts a new undo step even if it edits the same field as the last one: a
    // view calls this when a field loses focus or a slider is released.
    void endMergeGroup() { ++m_mergeGroup; }

    // --- the flag's own fields ---
    void setKey(const QString &key);
    void setName(const QString &name); // PostHog's "description"
    void setTags(const QStringList &tags);
    void setActive(bool active);
    void setEvaluationRuntime(const QString &runtime); // "server", "client", "all" or empty
    void setEvaluationContexts(const QStringList &contexts);
    void setEnsureExperienceContinuity(bool on);
    void setRemoteConfiguration(bool on); // the payload is then the one under "true"
    // Persons (nullopt) or a group type for the whole flag. Property filters that only fit the
    // old aggregation stay (validation points at each), rather than vanishing with the change.
    void setAggregationGroupTypeIndex(std::optional<int> index);
    void setHoldout(const std::optional<Holdout> &holdout);

    // --- conditions ---
    int addCondition(); // at the end, no filters at 0 %; returns its position
    void insertCondition(int index, const Condition &condition);
    void duplicateCondition(int index); // the copy goes right after the original
    void removeCondition(int index);
    void moveCondition(int from, int to); // `to`: the position it has afterwards
    void setConditionDescription(int index, const QString &description);
    void setConditionRollout(int index, std::optional<double> percentage); // nullopt: 100 %
    void setConditionVariant(int index, const std::optional<QString> &variant);

    // --- property filters of a condition ---
    void addProperty(int condition, const PropertyFilter &filter);
    void removeProperty(int condition, int property);
    void setProperty(int condition, int property, const PropertyFilter &filter);
    void moveProperty(int condition, int from, int to);

    // --- variants ---
    // Off drops the variants, their payloads and the conditions' overrides; on starts with
    // control and test at 50 % each (the boolean payload does not apply to a multivariate flag).
    void setMultivariate(bool on);
    int addVariant(); // a new key ("variant-3"), share 0; returns its position
    void insertVariant(int index, const Variant &variant);
    void removeVariant(int index); // and its payload
    // Renaming also moves the variant's payload and the overrides naming it, which would
    // otherwise point at a variant that no longer exists.
    void setVariantKey(int index, const QString &key);
    void setVariantName(int index, const QString &name);
    void setVariantShare(int index, double percentage);
    void distributeEvenly(VariantSplit split = VariantSplit::Integer);

    // --- payloads: per variant key, or "true" for a boolean or remote-config flag ---
    // Stored as the JSON text PostHog stores; an empty text removes the payload.
    void setPayload(const QString &key, const QString &jsonText);
    QString payloadText(const QString &key) const;

    // The advanced mode: `filters` as JSON. Refused (returning false, with `error` saying where)
    // when core's FlagFilters cannot represent it exactly, so nothing typed there is dropped.
    bool replaceFilters(const QJsonObject &filters, QString *error = nullptr);

    // --- validation ---
    // Project-dependent rules (key uniqueness, group types, cohorts, flag dependencies) need the
    // project; until a context is set, whatever the flag names is taken to exist.
    void setValidationContext(const ValidationContext &context);
    QList<FieldError> validation() const { return m_validation; }
    // The errors at `path` or inside it.
    QList<ValidationError> errorsAt(const FieldPath &path) const;
    // Where in the draft an error reported by the server (or core) belongs.
    QList<FieldPath> fieldsOfError(const ValidationError &error) const;
    QList<FieldPath> fieldsOfServerError(const api::ApiError &error) const;

    // --- a save refused with 409 ---
    // Compares the loaded flag, the draft and the server's newer version; changes nothing.
    FlagRebase rebase(const FeatureFlag &server) const;
    // The server's version becomes the baseline and the draft its merge with the user's changes;
    // where both changed the same field, the user's value or the server's, as the user chose.
    enum class BothChanged { KeepMine, TakeTheirs };
    void mergeOntoServer(const FlagRebase &rebase, BothChanged both = BothChanged::KeepMine);
    // The server's version becomes the baseline and the draft stays: saving then replaces what
    // the server changed with what the user sees.
    void overwriteServer(const FlagRebase &rebase);

Q_SIGNALS:
    void changed();
    void dirtyChanged(bool dirty);
    void validationChanged();

private:
    friend class FlagEditCommand;
    enum MergeId {
        NoMerge = -1,
        MergeKey = 1,
        MergeName,
        MergeTags,
        MergeContexts,
        MergeHoldout,
        MergeConditionDescription,
        MergeConditionRollout,
        MergePropertyEdit,
        MergeVariantKey,
        MergeVariantName,
        MergeVariantShare,
        MergePayload,
    };

    // Pushes the command that turns the draft into `change(draft)`, unless that changes nothing.
    bool edit(const QString &text, int mergeId, const QString &target,
              const std::function<void(FeatureFlag &)> &change);
    void setDraft(const FeatureFlag &draft);
    void setBaseline(const FeatureFlag &loaded, const FeatureFlag &draft);
    void refresh();
    ValidationContext effectiveContext() const;
    bool hasCondition(int index) const
    {
        return index >= 0 && index < m_draft.filters.groups.size();
    }
    bool hasProperty(int condition, int property) const;
    bool hasVariant(int index) const;

    FeatureFlag m_loaded;
    FeatureFlag m_draft;
    QUndoStack *m_undoStack = nullptr;
    int m_mergeGroup = 0;
    bool m_dirty = false;
    std::optional<ValidationContext> m_context;
    QList<FieldError> m_validation;
};

} // namespace bunting::models
