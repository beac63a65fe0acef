#include "flag_editor.h"

#include "editable_fields.h"
#include "error_fields.h"
#include "flag_summary.h"
#include "json_record.h"
#include "python_repr.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QUndoStack>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

template<typename T> bool validIndex(const QList<T> &list, int index)
{
    return index >= 0 && index < list.size();
}

// QList::move with `to` read as the position afterwards; false when either is out of range.
template<typename T> bool moveWithin(QList<T> &list, int from, int to)
{
    if (!validIndex(list, from) || !validIndex(list, to) || from == to)
        return false;
    list.move(from, to);
    return true;
}

// The first place where `b` differs from `a`, as a path below `path`.
QString firstDifference(const QJsonValue &a, const QJsonValue &b, const QString &path)
{
    if (a.isObject() && b.isObject()) {
        const QJsonObject x = a.toObject(), y = b.toObject();
        QStringList keys = x.keys();
        for (const QString &key : y.keys())
            if (!x.contains(key))
                keys.append(key);
        for (const QString &key : std::as_const(keys))
            if (x.value(key) != y.value(key))
                return firstDifference(x.value(key), y.value(key), path + u'.' + key);
    } else if (a.isArray() && b.isArray() && a.toArray().size() == b.toArray().size()) {
        const QJsonArray x = a.toArray(), y = b.toArray();
        for (qsizetype i = 0; i < x.size(); ++i)
            if (x.at(i) != y.at(i))
                return firstDifference(x.at(i), y.at(i), path + u"[%1]"_s.arg(i));
    }
    return path;
}

// Drops the variant's payload and the overrides naming `key`, unless another variant keeps it.
void forgetVariantKey(FlagFilters &filters, const QString &key)
{
    if (filters.findVariant(key))
        return;
    filters.payloads.remove(key);
    for (Condition &condition : filters.groups)
        if (condition.variant == key)
            condition.variant.reset();
}

void dropVariants(FlagFilters &filters)
{
    const QList<Variant> variants = filters.variants.value_or(QList<Variant>());
    filters.variants.reset();
    for (const Variant &variant : variants)
        forgetVariantKey(filters, variant.key);
}

} // namespace

// One edit: the whole draft before and after, so undo gives back exactly what was there.
class FlagEditCommand : public QUndoCommand
{
public:
    FlagEditCommand(FlagEditor *editor, const QString &text, const FeatureFlag &before,
                    const FeatureFlag &after, int mergeId, const QString &mergeTarget)
        : QUndoCommand(text), m_editor(editor), m_before(before), m_after(after),
          m_mergeId(mergeId), m_mergeTarget(mergeTarget)
    {
    }

    void undo() override { m_editor->setDraft(m_before); }
    void redo() override { m_editor->setDraft(m_after); }
    int id() const override { return m_mergeId; }

    bool mergeWith(const QUndoCommand *command) override
    {
        const auto *other = static_cast<const FlagEditCommand *>(command);
        if (other->m_mergeTarget != m_mergeTarget)
            return false;
        m_after = other->m_after;
        setText(other->text());
        // Typed back to where it started: the step disappears from the stack.
        setObsolete(m_after == m_before);
        return true;
    }

private:
    FlagEditor *m_editor;
    FeatureFlag m_before;
    FeatureFlag m_after;
    int m_mergeId;
    QString m_mergeTarget;
};

QList<double> evenShares(int count, VariantSplit split)
{
    QList<double> shares;
    if (count <= 0)
        return shares;
    if (split == VariantSplit::Integer) {
        const int each = int(std::floor(100.0 / count + 0.5));
        shares.fill(each, count);
        shares.last() = 100 - each * (count - 1);
        return shares;
    }
    const int hundredths = 10000 / count;
    const int remainder = 10000 - hundredths * count;
    for (int i = 0; i < count; ++i)
        shares.append((hundredths + (i < remainder ? 1 : 0)) / 100.0);
    return shares;
}

FlagEditor::FlagEditor(QObject *parent) : FlagEditor(FeatureFlag(), parent)
{
}

FlagEditor::FlagEditor(const FeatureFlag &flag, QObject *parent)
    : QObject(parent), m_loaded(flag), m_draft(flag), m_undoStack(new QUndoStack(this))
{
    refresh();
}

FlagEditor::~FlagEditor()
{
    // The commands call back into the editor; they must go before its members do.
    delete m_undoStack;
}

void FlagEditor::reset(const FeatureFlag &flag)
{
    setBaseline(flag, flag);
}

void FlagEditor::setBaseline(const FeatureFlag &loaded, const FeatureFlag &draft)
{
    m_undoStack->clear();
    m_loaded = loaded;
    m_draft = draft;
    m_mergeGroup = 0;
    refresh();
}

QJsonObject FlagEditor::patchBody() const
{
    const QJsonObject before = m_loaded.toJson(), after = m_draft.toJson();
    QJsonObject body;
    for (QLatin1StringView key : editableFlagFields()) {
        if (before.value(key) == after.value(key))
            continue;
        // A field the draft no longer writes is sent as null, so the server forgets it too.
        if (key == "filters"_L1)
            body.insert(
                key, filtersReplacing(after.value(key).toObject(), before.value(key).toObject()));
        else
            body.insert(key, after.contains(key) ? after.value(key) : QJsonValue());
    }
    if (!body.isEmpty())
        addConflictCheck(body, m_loaded);
    return body;
}

bool FlagEditor::edit(const QString &text, int mergeId, const QString &target,
                      const std::function<void(FeatureFlag &)> &change)
{
    FeatureFlag after = m_draft;
    change(after);
    if (after == m_draft)
        return false;
    const QString mergeTarget = target + u'#' + QString::number(m_mergeGroup);
    m_undoStack->push(new FlagEditCommand(this, text, m_draft, after, mergeId, mergeTarget));
    return true;
}

void FlagEditor::setDraft(const FeatureFlag &draft)
{
    m_draft = draft;
    refresh();
}

void FlagEditor::refresh()
{
    const bool dirty = !patchBody().isEmpty();
    const FeatureFlag *previous = m_loaded.id != 0 ? &m_loaded : nullptr;
    const ValidationContext context = effectiveContext();
    QList<FieldError> validation;
    for (const ValidationError &error : validateFlag(m_draft, context, previous))
        for (const FieldPath &path : models::fieldsOfError(m_draft, error, context))
            validation.append({path, error});
    const bool dirtyChanged = dirty != m_dirty;
    const bool validationChanged = validation != m_validation;
    m_dirty = dirty;
    m_validation = validation;
    Q_EMIT changed();
    if (dirtyChanged)
        Q_EMIT this->dirtyChanged(m_dirty);
    if (validationChanged)
        Q_EMIT this->validationChanged();
}

// Without the project, whatever the draft names is taken to exist, so that an editor without
// a context reports only what is wrong with the flag itself.
ValidationContext FlagEditor::effectiveContext() const
{
    if (m_context)
        return *m_context;
    ValidationContext context;
    const FlagFilters &filters = m_draft.filters;
    if (filters.aggregationGroupTypeIndex)
        context.groupTypeMapping.insert(*filters.aggregationGroupTypeIndex, {});
    for (const Condition &condition : filters.groups) {
        if (condition.aggregationGroupTypeIndex)
            context.groupTypeMapping.insert(*condition.aggregationGroupTypeIndex, {});
        for (const PropertyFilter &p : condition.properties) {
            if (p.groupTypeIndex)
                context.groupTypeMapping.insert(*p.groupTypeIndex, {});
            if (p.type == "cohort"_L1) {
                if (const auto id = pythonInt(pythonStr(p.value))) {
                    Cohort cohort;
                    cohort.id = *id;
                    cohort.isStatic = true;
                    context.cohorts.insert(*id, cohort);
                }
            } else if (p.type == "flag"_L1) {
                if (const auto id = pythonInt(p.key); id && *id != m_loaded.id) {
                    FeatureFlag dependency;
                    dependency.id = *id;
                    dependency.key = u"flag-%1"_s.arg(*id);
                    context.flagsById.insert(*id, dependency);
                }
            }
        }
    }
    return context;
}

bool FlagEditor::hasProperty(int condition, int property) const
{
    return hasCondition(condition) &&
           validIndex(m_draft.filters.groups.at(condition).properties, property);
}

bool FlagEditor::hasVariant(int index) const
{
    return m_draft.filters.variants && validIndex(*m_draft.filters.variants, index);
}

// --- the flag's own fields ---

void FlagEditor::setKey(const QString &key)
{
    edit(tr("Change key to “%1”").arg(key), MergeKey, {}, [&](FeatureFlag &f) { f.key = key; });
}

void FlagEditor::setName(const QString &name)
{
    edit(tr("Change description"), MergeName, {}, [&](FeatureFlag &f) { f.name = name; });
}

void FlagEditor::setTags(const QStringList &tags)
{
    edit(tr("Change tags"), MergeTags, {}, [&](FeatureFlag &f) { f.tags = tags; });
}

void FlagEditor::setActive(bool active)
{
    edit(active ? tr("Enable flag") : tr("Disable flag"), NoMerge, {},
         [&](FeatureFlag &f) { f.active = active; });
}

void FlagEditor::setEvaluationRuntime(const QString &runtime)
{
    edit(tr("Change evaluation runtime to %1").arg(runtime.isEmpty() ? tr("default") : runtime),
         NoMerge, {}, [&](FeatureFlag &f) { f.evaluationRuntime = runtime; });
}

void FlagEditor::setEvaluationContexts(const QStringList &contexts)
{
    edit(tr("Change evaluation contexts"), MergeContexts, {},
         [&](FeatureFlag &f) { f.evaluationContexts = contexts; });
}

void FlagEditor::setEnsureExperienceContinuity(bool on)
{
    edit(on ? tr("Persist flag across authentication")
            : tr("Stop persisting flag across "
                 "authentication"),
         NoMerge, {}, [&](FeatureFlag &f) { f.ensureExperienceContinuity = on; });
}

void FlagEditor::setRemoteConfiguration(bool on)
{
    edit(on ? tr("Make flag a remote configuration") : tr("Make flag a release toggle"), NoMerge,
         {}, [&](FeatureFlag &f) {
             f.isRemoteConfiguration = on;
             if (on)
                 dropVariants(f.filters);
         });
}

void FlagEditor::setAggregationGroupTypeIndex(std::optional<int> index)
{
    const QString text = index ? tr("Match by group type %1").arg(*index) : tr("Match by persons");
    edit(text, NoMerge, {}, [&](FeatureFlag &f) { f.filters.aggregationGroupTypeIndex = index; });
}

void FlagEditor::setHoldout(const std::optional<Holdout> &holdout)
{
    edit(holdout ? tr("Change holdout") : tr("Remove holdout"), MergeHoldout, {},
         [&](FeatureFlag &f) { f.filters.holdout = holdout; });
}

// --- conditions ---

int FlagEditor::addCondition()
{
    Condition condition;
    condition.hasProperties = true;
    // A new condition reaches no one until its rollout is raised: adding one never widens the
    // flag by itself.
    condition.rolloutPercentage = 0;
    const int index = int(m_draft.filters.groups.size());
    insertCondition(index, condition);
    return index;
}

void FlagEditor::insertCondition(int index, const Condition &condition)
{
    if (index < 0 || index > m_draft.filters.groups.size())
        return;
    edit(tr("Add condition %1").arg(index + 1), NoMerge, {},
         [&](FeatureFlag &f) { f.filters.groups.insert(index, condition); });
}

void FlagEditor::duplicateCondition(int index)
{
    if (!hasCondition(index))
        return;
    edit(tr("Duplicate condition %1").arg(index + 1), NoMerge, {},
         [&](FeatureFlag &f) { f.filters.groups.insert(index + 1, f.filters.groups.at(index)); });
}

void FlagEditor::removeCondition(int index)
{
    if (!hasCondition(index))
        return;
    edit(tr("Remove condition %1").arg(index + 1), NoMerge, {},
         [&](FeatureFlag &f) { f.filters.groups.removeAt(index); });
}

void FlagEditor::moveCondition(int from, int to)
{
    edit(tr("Move condition %1 to position %2").arg(from + 1).arg(to + 1), NoMerge, {},
         [&](FeatureFlag &f) { moveWithin(f.filters.groups, from, to); });
}

void FlagEditor::setConditionDescription(int index, const QString &description)
{
    if (!hasCondition(index))
        return;
    edit(tr("Change description of condition %1").arg(index + 1), MergeConditionDescription,
         QString::number(index),
         [&](FeatureFlag &f) { f.filters.groups[index].description = description; });
}

void FlagEditor::setConditionRollout(int index, std::optional<double> percentage)
{
    if (!hasCondition(index))
        return;
    edit(tr("Change rollout of condition %1 to %2")
             .arg(index + 1)
             .arg(percentText(percentage.value_or(100))),
         MergeConditionRollout, QString::number(index),
         [&](FeatureFlag &f) { f.filters.groups[index].rolloutPercentage = percentage; });
}

void FlagEditor::setConditionVariant(int index, const std::optional<QString> &variant)
{
    if (!hasCondition(index))
        return;
    const QString text = variant && !variant->isEmpty()
                             ? tr("Serve “%2” to condition %1").arg(index + 1).arg(*variant)
                             : tr("Remove variant override of condition %1").arg(index + 1);
    edit(text, NoMerge, {}, [&](FeatureFlag &f) { f.filters.groups[index].variant = variant; });
}

// --- property filters ---

void FlagEditor::addProperty(int condition, const PropertyFilter &filter)
{
    if (!hasCondition(condition))
        return;
    edit(tr("Add filter to condition %1").arg(condition + 1), NoMerge, {}, [&](FeatureFlag &f) {
        Condition &c = f.filters.groups[condition];
        c.properties.append(filter);
        c.hasProperties = true;
    });
}

void FlagEditor::removeProperty(int condition, int property)
{
    if (!hasProperty(condition, property))
        return;
    edit(tr("Remove filter %1 of condition %2").arg(property + 1).arg(condition + 1), NoMerge, {},
         [&](FeatureFlag &f) { f.filters.groups[condition].properties.removeAt(property); });
}

void FlagEditor::setProperty(int condition, int property, const PropertyFilter &filter)
{
    if (!hasProperty(condition, property))
        return;
    edit(tr("Change filter %1 of condition %2").arg(property + 1).arg(condition + 1),
         MergePropertyEdit, u"%1/%2"_s.arg(condition).arg(property),
         [&](FeatureFlag &f) { f.filters.groups[condition].properties[property] = filter; });
}

void FlagEditor::moveProperty(int condition, int from, int to)
{
    if (!hasCondition(condition))
        return;
    edit(tr("Move filter %1 of condition %2").arg(from + 1).arg(condition + 1), NoMerge, {},
         [&](FeatureFlag &f) { moveWithin(f.filters.groups[condition].properties, from, to); });
}

// --- variants ---

void FlagEditor::setMultivariate(bool on)
{
    if (on == m_draft.filters.isMultivariate())
        return;
    edit(on ? tr("Serve variants") : tr("Serve true or false"), NoMerge, {}, [&](FeatureFlag &f) {
        if (!on) {
            dropVariants(f.filters);
            return;
        }
        Variant control, test;
        control.key = u"control"_s;
        control.rolloutPercentage = 50;
        test.key = u"test"_s;
        test.rolloutPercentage = 50;
        f.filters.variants = QList<Variant>{control, test};
        f.filters.payloads.remove("true"_L1);
        f.isRemoteConfiguration = false;
    });
}

int FlagEditor::addVariant()
{
    const QList<Variant> variants = m_draft.filters.variants.value_or(QList<Variant>());
    int number = int(variants.size()) + 1;
    while (m_draft.filters.findVariant(u"variant-%1"_s.arg(number)))
        ++number;
    Variant variant;
    variant.key = u"variant-%1"_s.arg(number);
    insertVariant(int(variants.size()), variant);
    return int(variants.size());
}

void FlagEditor::insertVariant(int index, const Variant &variant)
{
    const qsizetype count = m_draft.filters.variants ? m_draft.filters.variants->size() : 0;
    if (index < 0 || index > count)
        return;
    edit(tr("Add variant “%1”").arg(variant.key), NoMerge, {}, [&](FeatureFlag &f) {
        if (!f.filters.variants)
            f.filters.variants.emplace();
        f.filters.variants->insert(index, variant);
    });
}

void FlagEditor::removeVariant(int index)
{
    if (!hasVariant(index))
        return;
    const QString key = m_draft.filters.variants->at(index).key;
    edit(tr("Remove variant “%1”").arg(key), NoMerge, {}, [&](FeatureFlag &f) {
        f.filters.variants->removeAt(index);
        forgetVariantKey(f.filters, key);
    });
}

void FlagEditor::setVariantKey(int index, const QString &key)
{
    if (!hasVariant(index))
        return;
    edit(tr("Change key of variant %1 to “%2”").arg(index + 1).arg(key), MergeVariantKey,
         QString::number(index), [&](FeatureFlag &f) {
             FlagFilters &filters = f.filters;
             const QString old = filters.variants->at(index).key;
             (*filters.variants)[index].key = key;
             const bool shared = filters.findVariant(old) != nullptr;
             if (shared || old == key)
                 return;
             if (filters.payloads.contains(old) && !filters.payloads.contains(key))
                 filters.payloads.insert(key, filters.payloads.take(old));
             for (Condition &condition : filters.groups)
                 if (condition.variant == old)
                     condition.variant = key;
         });
}

void FlagEditor::setVariantName(int index, const QString &name)
{
    if (!hasVariant(index))
        return;
    edit(tr("Change name of variant %1").arg(index + 1), MergeVariantName, QString::number(index),
         [&](FeatureFlag &f) { (*f.filters.variants)[index].name = name; });
}

void FlagEditor::setVariantShare(int index, double percentage)
{
    if (!hasVariant(index))
        return;
    edit(tr("Change share of variant %1 to %2").arg(index + 1).arg(percentText(percentage)),
         MergeVariantShare, QString::number(index),
         [&](FeatureFlag &f) { (*f.filters.variants)[index].rolloutPercentage = percentage; });
}

void FlagEditor::distributeEvenly(VariantSplit split)
{
    if (!m_draft.filters.isMultivariate())
        return;
    edit(tr("Distribute variants evenly"), NoMerge, {}, [&](FeatureFlag &f) {
        QList<Variant> &variants = *f.filters.variants;
        const QList<double> shares = evenShares(int(variants.size()), split);
        for (qsizetype i = 0; i < variants.size(); ++i)
            variants[i].rolloutPercentage = shares.at(i);
    });
}

// --- payloads ---

QString FlagEditor::payloadText(const QString &key) const
{
    const QJsonValue value = m_draft.filters.payloads.value(key);
    if (value.isUndefined())
        return {};
    return value.isString() ? value.toString() : compactJson(value);
}

void FlagEditor::setPayload(const QString &key, const QString &jsonText)
{
    if (payloadText(key) == jsonText)
        return;
    const QString text = jsonText.isEmpty() ? tr("Remove payload of “%1”").arg(key)
                                            : tr("Change payload of “%1”").arg(key);
    edit(text, MergePayload, key, [&](FeatureFlag &f) {
        if (jsonText.isEmpty())
            f.filters.payloads.remove(key);
        else
            f.filters.payloads.insert(key, jsonText);
    });
}

bool FlagEditor::replaceFilters(const QJsonObject &filters, QString *error)
{
    const FlagFilters parsed = FlagFilters::fromJson(filters);
    const QJsonObject written = parsed.toJson();
    if (written != filters) {
        if (error)
            *error = tr("%1 cannot be kept: it does not have the type PostHog expects there.")
                         .arg(firstDifference(filters, written, u"filters"_s));
        return false;
    }
    if (error)
        error->clear();
    edit(tr("Edit filters as JSON"), NoMerge, {}, [&](FeatureFlag &f) { f.filters = parsed; });
    return true;
}

// --- validation ---

void FlagEditor::setValidationContext(const ValidationContext &context)
{
    m_context = context;
    refresh();
}

QList<ValidationError> FlagEditor::errorsAt(const FieldPath &path) const
{
    QList<ValidationError> errors;
    for (const FieldError &e : m_validation)
        if (path.contains(e.path) && !errors.contains(e.error))
            errors.append(e.error);
    return errors;
}

QList<FieldPath> FlagEditor::fieldsOfError(const ValidationError &error) const
{
    return models::fieldsOfError(m_draft, error, effectiveContext());
}

QList<FieldPath> FlagEditor::fieldsOfServerError(const api::ApiError &error) const
{
    return fieldsOfError({error.code, error.detail, error.attr});
}

// --- 409 ---

FlagRebase FlagEditor::rebase(const FeatureFlag &server) const
{
    return FlagRebase::compute(m_loaded, m_draft, server);
}

void FlagEditor::mergeOntoServer(const FlagRebase &rebase, BothChanged both)
{
    setBaseline(rebase.server,
                both == BothChanged::TakeTheirs ? rebase.mergedTheirs : rebase.merged);
}

void FlagEditor::overwriteServer(const FlagRebase &rebase)
{
    QJsonObject json = rebase.server.toJson();
    const QJsonObject draft = rebase.draft.toJson();
    for (QLatin1StringView key : editableFlagFields()) {
        if (draft.contains(key))
            json.insert(key, draft.value(key));
        else
            json.remove(key);
    }
    setBaseline(rebase.server, FeatureFlag::fromJson(json));
}

} // namespace bunting::models
