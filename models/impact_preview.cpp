#include "impact_preview.h"

#include "client.h"
#include "engine.h"

#include <QHash>
#include <QJsonArray>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace bunting {

namespace {

bool aggregatesByGroup(const FeatureFlag &flag)
{
    if (flag.filters.aggregationGroupTypeIndex)
        return true;
    return std::any_of(flag.filters.groups.cbegin(), flag.filters.groups.cend(),
                       [](const Condition &c) { return c.aggregationGroupTypeIndex.has_value(); });
}

// The flag's slot in `flags`: the same id, else (a flag never saved) the same key, else a new one.
qsizetype placeFlag(QList<FeatureFlag> &flags, const FeatureFlag &flag)
{
    auto same = [&](const FeatureFlag &f) {
        return flag.id != 0 ? f.id == flag.id : (!f.deleted && f.key == flag.key);
    };
    const auto it = std::find_if(flags.begin(), flags.end(), same);
    if (it != flags.end()) {
        *it = flag;
        return it - flags.begin();
    }
    flags.append(flag);
    return flags.size() - 1;
}

struct CompiledSide
{
    std::shared_ptr<const CompiledProject> project;
    qsizetype index = -1;
};

CompiledSide compileWith(const ProjectDefinitions &project, const FeatureFlag &flag)
{
    ProjectDefinitions definitions = project;
    const qsizetype index = placeFlag(definitions.flags, flag);
    return {CompiledProject::compile(std::move(definitions)), index};
}

void collectCohortIds(const QList<PropertyFilter> &filters, QList<qint64> &ids)
{
    for (const PropertyFilter &filter : filters) {
        if (filter.propertyType() != PropertyType::Cohort)
            continue;
        const QJsonValue value = filter.value;
        const qint64 id = value.isString() ? value.toString().toLongLong() : value.toInteger();
        if (id != 0)
            ids.append(id);
    }
}

void collectCohortIds(const PropertyGroup &group, QList<qint64> &ids)
{
    collectCohortIds(group.filters, ids);
    for (const PropertyGroup &nested : group.groups)
        collectCohortIds(nested, ids);
}

// Static cohorts the flag reads, directly or through the cohorts it names.
QSet<qint64> staticCohortsRead(const FeatureFlag &flag, const QHash<qint64, Cohort> &cohorts)
{
    QList<qint64> pending;
    for (const Condition &c : flag.filters.groups)
        collectCohortIds(c.properties, pending);
    QSet<qint64> seen;
    QSet<qint64> found;
    while (!pending.isEmpty()) {
        const qint64 id = pending.takeLast();
        if (seen.contains(id))
            continue;
        seen.insert(id);
        const auto it = cohorts.constFind(id);
        if (it == cohorts.cend())
            continue;
        if (it->isStatic)
            found.insert(id);
        else
            collectCohortIds(it->properties, pending);
    }
    return found;
}

bool transitionBefore(const ImpactTransition &a, const ImpactTransition &b)
{
    if (a.count != b.count)
        return a.count > b.count;
    if (a.from != b.from)
        return a.from < b.from;
    return a.to < b.to;
}

} // namespace

QString impactValueName(const FlagValue &value)
{
    if (!value.enabled)
        return u"off"_s;
    return value.variant.isEmpty() ? u"on"_s : value.variant;
}

ImpactSummary computeImpact(const ProjectDefinitions &project, const FeatureFlag &before,
                            const FeatureFlag &after, const QList<KnownPerson> &persons,
                            const QDateTime &now)
{
    ImpactSummary summary;
    summary.total = int(persons.size());
    if (aggregatesByGroup(before) || aggregatesByGroup(after)) {
        summary.applicable = false;
        summary.notApplicableReason =
            QObject::tr("This flag is matched by group, not by person: the known persons alone "
                        "cannot say who would see it.");
        return summary;
    }

    const CompiledSide old = compileWith(project, before);
    const CompiledSide draft = compileWith(project, after);
    QHash<std::pair<QString, QString>, int> counts;
    for (const KnownPerson &person : persons) {
        EvaluationContext context;
        context.distinctId = person.distinctId;
        context.personProperties = PropertyMap(person.properties);
        context.staticCohorts = person.staticCohorts;
        context.now = now;
        const FlagValue from = old.project->evaluate(old.index, context).value;
        const FlagValue to = draft.project->evaluate(draft.index, context).value;
        if (from == to) {
            ++summary.unchanged;
            continue;
        }
        if (!from.enabled)
            ++summary.gaining;
        else if (!to.enabled)
            ++summary.losing;
        else
            ++summary.switching;
        ++counts[{impactValueName(from), impactValueName(to)}];
    }
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        summary.transitions.append({it.key().first, it.key().second, it.value()});
    std::sort(summary.transitions.begin(), summary.transitions.end(), transitionBefore);
    return summary;
}

ImpactPreview::ImpactPreview(api::Client *client, QObject *parent)
    : QObject(parent), m_client(client)
{
}

void ImpactPreview::start(const FeatureFlag &loaded, const FeatureFlag &draft)
{
    // A newer generation first: the call canceled below may report back at once.
    ++m_generation;
    if (m_running && m_call)
        m_call->cancel();
    m_before = loaded;
    m_after = draft;
    m_running = true;
    if (m_data) {
        // Queued, so the caller's own reaction to starting (a busy state) comes before the end.
        const int generation = m_generation;
        QMetaObject::invokeMethod(
            this,
            [this, generation] {
                if (generation == m_generation)
                    finish();
            },
            Qt::QueuedConnection);
        return;
    }
    if (!m_client) {
        fail(api::ApiError::invalidResponse(0, tr("There is no connection to load persons from.")));
        return;
    }
    m_loading = {};
    loadFlags();
}

void ImpactPreview::cancel()
{
    if (!m_running)
        return;
    ++m_generation;
    m_running = false;
    if (m_call)
        m_call->cancel();
    Q_EMIT canceled();
}

void ImpactPreview::refresh()
{
    m_data.reset();
}

void ImpactPreview::loadFlags()
{
    const int generation = m_generation;
    m_call = m_client->listAllFlags(
        {}, this, nullptr, [this, generation](const api::Result<QList<FeatureFlag>> &result) {
            if (generation != m_generation)
                return;
            if (!result)
                return fail(result.error());
            m_loading.project.flags = *result;
            loadCohorts(0);
        });
}

void ImpactPreview::loadCohorts(int offset)
{
    const int generation = m_generation;
    m_call = m_client->listCohorts(
        offset, 100, this,
        [this, generation, offset](const api::Result<api::Page<QJsonObject>> &r) {
            if (generation != m_generation)
                return;
            if (!r)
                return fail(r.error());
            for (const QJsonObject &json : r->results) {
                const Cohort cohort = Cohort::fromJson(json);
                m_loading.project.cohorts.insert(cohort.id, cohort);
            }
            const int next = offset + int(r->results.size());
            if (r->next.isEmpty() || r->results.isEmpty())
                loadPersons(0);
            else
                loadCohorts(next);
        });
}

void ImpactPreview::loadPersons(int offset)
{
    const int generation = m_generation;
    m_call = m_client->listPersons(
        {}, offset, m_pageSize, this,
        [this, generation, offset](const api::Result<api::Page<QJsonObject>> &r) {
            if (generation != m_generation)
                return;
            if (!r)
                return fail(r.error());
            for (const QJsonObject &json : r->results) {
                QStringList ids;
                for (const QJsonValue &id : json.value("distinct_ids"_L1).toArray())
                    ids.append(id.toString());
                // The local server evaluates a person under their smallest distinct id, so the
                // preview does too.
                const auto smallest = std::min_element(ids.cbegin(), ids.cend());
                if (smallest != ids.cend())
                    m_loading.persons.append(
                        {*smallest, json.value("properties"_L1).toObject(), {}});
            }
            const int next = offset + int(r->results.size());
            Q_EMIT progress(int(m_loading.persons.size()),
                            std::max(r->count, int(m_loading.persons.size())));
            if (generation != m_generation)
                return; // a slot on progress restarted or canceled the preview
            if (r->next.isEmpty() || r->results.isEmpty()) {
                m_data = std::move(m_loading);
                m_loading = {};
                finish();
            } else {
                loadPersons(next);
            }
        });
}

void ImpactPreview::finish()
{
    m_running = false;
    ImpactSummary summary = computeImpact(m_data->project, m_before, m_after, m_data->persons,
                                          QDateTime::currentDateTimeUtc());
    // The persons list does not say who belongs to a static cohort, so nobody does here.
    QSet<qint64> statics = staticCohortsRead(m_before, m_data->project.cohorts);
    statics.unite(staticCohortsRead(m_after, m_data->project.cohorts));
    if (summary.applicable && !statics.isEmpty())
        summary.caveat = tr("Members of static cohorts are not known here, so conditions on "
                            "them count nobody.");
    Q_EMIT finished(summary);
}

void ImpactPreview::fail(const api::ApiError &error)
{
    m_running = false;
    m_loading = {};
    Q_EMIT failed(error);
}

} // namespace bunting
