#include "flag_diff.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>

using namespace Qt::StringLiterals;

namespace bunting {

namespace {

// Bookkeeping, not edits: PostHog rewrites version, updated_at and last_modified_by on every
// save, computes status, last_called_at, can_edit and user_access_level from usage or for the
// caller, fixes id, created_at and created_by at creation, owns experiment_set*, surveys,
// features, the dashboards and is_used_in_replay_settings through other objects, and reads the
// "_" keys only on a request. Comparing them would make any two versions differ.
constexpr QLatin1StringView ignoredFields[] = {
    "id"_L1,
    "created_at"_L1,
    "created_by"_L1,
    "updated_at"_L1,
    "version"_L1,
    "last_modified_by"_L1,
    "status"_L1,
    "last_called_at"_L1,
    "can_edit"_L1,
    "user_access_level"_L1,
    "experiment_set"_L1,
    "experiment_set_metadata"_L1,
    "surveys"_L1,
    "features"_L1,
    "usage_dashboard"_L1,
    "analytics_dashboards"_L1,
    "is_used_in_replay_settings"_L1,
    "_create_in_folder"_L1,
    "_should_create_usage_dashboard"_L1,
};

// toJson() leaves a bool at its default out, which would read as "unset"; written out, turning
// one off reads as a change from true to false.
constexpr std::pair<QLatin1StringView, bool FeatureFlag::*> boolFields[] = {
    {"active"_L1, &FeatureFlag::active},
    {"deleted"_L1, &FeatureFlag::deleted},
    {"ensure_experience_continuity"_L1, &FeatureFlag::ensureExperienceContinuity},
    {"performed_rollback"_L1, &FeatureFlag::performedRollback},
    {"has_enriched_analytics"_L1, &FeatureFlag::hasEnrichedAnalytics},
    {"is_remote_configuration"_L1, &FeatureFlag::isRemoteConfiguration},
    {"has_encrypted_payloads"_L1, &FeatureFlag::hasEncryptedPayloads},
};

// As in PostHog's activity log, absent, null, "", [] and {} all mean "not set", so going from
// one to another is no edit.
bool isUnset(const QJsonValue &v)
{
    return v.isUndefined() || v.isNull() || (v.isString() && v.toString().isEmpty()) ||
           (v.isArray() && v.toArray().isEmpty()) || (v.isObject() && v.toObject().isEmpty());
}

bool sameValue(const QJsonValue &a, const QJsonValue &b)
{
    return (isUnset(a) && isUnset(b)) || a == b;
}

// Forgets which keys the input had or had as null, so an explicit default reads as an absent one.
template<typename T> T forgetPresence(T value)
{
    JsonRecord fresh;
    fresh.setExtra(value.record.extra());
    value.record = fresh;
    return value;
}

QJsonObject canonicalProperty(const PropertyFilter &filter)
{
    PropertyFilter p = forgetPresence(filter);
    p.type = p.type.isEmpty() ? u"person"_s : p.type;
    p.op = p.op.isEmpty() ? u"exact"_s : p.op;
    p.hasDependencyChain = false;
    return p.toJson();
}

QJsonObject canonicalCondition(const Condition &condition)
{
    Condition c = forgetPresence(condition);
    if (c.variant && c.variant->isEmpty())
        c.variant.reset();
    QJsonObject o = c.toJson();
    QJsonArray properties;
    for (const PropertyFilter &p : condition.properties)
        properties.append(canonicalProperty(p));
    o.insert("properties"_L1, properties);
    o.insert("rollout_percentage"_L1, condition.rolloutPercentage.value_or(100));
    return o;
}

QJsonObject topLevel(const FeatureFlag &flag)
{
    QJsonObject o = forgetPresence(flag).toJson();
    for (QLatin1StringView key : ignoredFields)
        o.remove(key);
    o.remove("filters"_L1);
    for (const auto &[key, member] : boolFields)
        o.insert(key, flag.*member);
    // PostHog stores tags as a relation and logs them sorted: their order is no edit.
    QStringList tags = flag.tags;
    tags.sort();
    o.insert("tags"_L1, QJsonArray::fromStringList(tags));
    return o;
}

// The keys of `filters` compared as a whole rather than taken apart.
QJsonObject wholeFilterKeys(const FlagFilters &f)
{
    QJsonObject o = f.record.extra();
    if (f.aggregationGroupTypeIndex)
        o.insert("aggregation_group_type_index"_L1, *f.aggregationGroupTypeIndex);
    QJsonArray superGroups;
    for (const Condition &c : f.superGroups)
        superGroups.append(canonicalCondition(c));
    o.insert("super_groups"_L1, superGroups);
    if (f.holdout)
        o.insert("holdout"_L1, forgetPresence(*f.holdout).toJson());
    o.insert("feature_enrollment"_L1, f.featureEnrollment);
    return o;
}

QStringList unionKeys(const QJsonObject &a, const QJsonObject &b)
{
    QStringList keys = a.keys();
    for (const QString &key : b.keys())
        if (!a.contains(key))
            keys.append(key);
    keys.sort();
    return keys;
}

// Pairs the items of two lists, pass by pass, each pass giving each unpaired old item the
// first unpaired new one it accepts, the one at the same position first.
struct Matching
{
    QList<int> partnerOfAfter; // -1: added
    QList<bool> beforePaired;

    Matching(qsizetype before, qsizetype after) : partnerOfAfter(after, -1), beforePaired(before) {}

    template<typename Accepts> void pass(Accepts accepts)
    {
        anyPosition([&](int i, int j) { return i == j && accepts(i, j); });
        anyPosition(accepts);
    }

    template<typename Accepts> void anyPosition(Accepts accepts)
    {
        for (int i = 0; i < beforePaired.size(); ++i) {
            for (int j = 0; j < partnerOfAfter.size() && !beforePaired[i]; ++j) {
                if (partnerOfAfter[j] < 0 && accepts(i, j)) {
                    partnerOfAfter[j] = i;
                    beforePaired[i] = true;
                }
            }
        }
    }

    // The new positions of the pairs whose order changed: all but a longest run of pairs that
    // kept their order, so that removing one item does not "move" the ones after it.
    QSet<int> moved() const
    {
        QList<std::pair<int, int>> pairs;
        for (int j = 0; j < partnerOfAfter.size(); ++j)
            if (partnerOfAfter[j] >= 0)
                pairs.append({partnerOfAfter[j], j});
        std::sort(pairs.begin(), pairs.end());
        QList<int> length(pairs.size(), 1), previous(pairs.size(), -1);
        int best = -1;
        for (int k = 0; k < pairs.size(); ++k) {
            for (int m = 0; m < k; ++m) {
                if (pairs[m].second < pairs[k].second && length[m] + 1 > length[k]) {
                    length[k] = length[m] + 1;
                    previous[k] = m;
                }
            }
            if (best < 0 || length[k] > length[best])
                best = k;
        }
        QSet<int> result;
        for (const auto &pair : pairs)
            result.insert(pair.second);
        for (int k = best; k >= 0; k = previous[k])
            result.remove(pairs[k].second);
        return result;
    }
};

QString indexed(const QString &prefix, const QString &index)
{
    return prefix + u'[' + index + u']';
}

class Differ
{
public:
    QList<FlagChange> changes;

    void flag(const FeatureFlag &a, const FeatureFlag &b)
    {
        const QJsonObject ta = topLevel(a), tb = topLevel(b);
        QStringList keys = unionKeys(ta, tb);
        keys.append(u"filters"_s);
        keys.sort();
        for (const QString &key : std::as_const(keys)) {
            if (key == "filters"_L1)
                filters(a.filters, b.filters);
            else
                field(key, key, ta.value(key), tb.value(key));
        }
    }

private:
    void field(const QString &name, const QString &path, const QJsonValue &a, const QJsonValue &b)
    {
        if (sameValue(a, b))
            return;
        FlagChange c;
        c.field = name;
        c.path = path;
        c.kind = isUnset(a)   ? ChangeKind::Added
                 : isUnset(b) ? ChangeKind::Removed
                              : ChangeKind::Changed;
        c.before = a;
        c.after = b;
        changes.append(c);
    }

    void fields(const QString &prefix, const QJsonObject &a, const QJsonObject &b)
    {
        for (const QString &key : unionKeys(a, b))
            field(u"filters"_s, prefix + key, a.value(key), b.value(key));
    }

    // One Changed per differing key of an entity both versions have.
    void attributes(const FlagChange &base, const QJsonObject &a, const QJsonObject &b,
                    QLatin1StringView skip)
    {
        for (const QString &key : unionKeys(a, b)) {
            if (key == skip || sameValue(a.value(key), b.value(key)))
                continue;
            FlagChange c = base;
            c.path += u'.' + key;
            c.before = a.value(key);
            c.after = b.value(key);
            changes.append(c);
        }
    }

    // Reports removed items, then in the new order: added, moved and changed ones.
    template<typename Base, typename Paired>
    void walk(const Matching &m, const QList<QJsonObject> &a, const QList<QJsonObject> &b,
              Base base, Paired paired)
    {
        for (int i = 0; i < a.size(); ++i) {
            if (m.beforePaired[i])
                continue;
            FlagChange c = base(i, a[i]);
            c.kind = ChangeKind::Removed;
            c.before = a[i];
            changes.append(c);
        }
        const QSet<int> moved = m.moved();
        for (int j = 0; j < b.size(); ++j) {
            const int i = m.partnerOfAfter[j];
            FlagChange c = base(j, b[j]);
            if (i < 0) {
                c.kind = ChangeKind::Added;
                c.after = b[j];
                changes.append(c);
                continue;
            }
            if (moved.contains(j)) {
                FlagChange move = c;
                move.kind = ChangeKind::Moved;
                move.before = i;
                move.after = j;
                changes.append(move);
            }
            paired(c, i, j);
        }
    }

    void filters(const FlagFilters &a, const FlagFilters &b)
    {
        conditions(a.groups, b.groups);
        variants(a.variants.value_or(QList<Variant>()), b.variants.value_or(QList<Variant>()));
        fields(u"filters.multivariate."_s, a.multivariateRecord.extra(),
               b.multivariateRecord.extra());
        payloads(a.payloads, b.payloads);
        fields(u"filters."_s, wholeFilterKeys(a), wholeFilterKeys(b));
    }

    // Conditions have no identity, so they pair by position; but first a condition pairs with
    // its equal, then with one of the same properties, then with one sharing a property target,
    // so that inserting, removing or reordering conditions does not shift every pair.
    void conditions(const QList<Condition> &before, const QList<Condition> &after)
    {
        QList<QJsonObject> a, b;
        for (const Condition &c : before)
            a.append(canonicalCondition(c));
        for (const Condition &c : after)
            b.append(canonicalCondition(c));
        Matching m(a.size(), b.size());
        const auto targets = [](const QJsonObject &condition) {
            QSet<QJsonValue> set;
            for (const QJsonValue &p : condition.value("properties"_L1).toArray())
                set.insert(QJsonArray{p["type"_L1], p["key"_L1], p["operator"_L1]});
            return set;
        };
        QList<QSet<QJsonValue>> ta, tb;
        std::transform(a.begin(), a.end(), std::back_inserter(ta), targets);
        std::transform(b.begin(), b.end(), std::back_inserter(tb), targets);
        m.pass([&](int i, int j) { return a[i] == b[j]; });
        m.pass([&](int i, int j) {
            return a[i].value("properties"_L1) == b[j].value("properties"_L1);
        });
        m.pass([&](int i, int j) { return ta[i].intersects(tb[j]); });
        m.pass([](int i, int j) { return i == j; });
        const auto base = [](int index, const QJsonObject &) {
            FlagChange c;
            c.level = ChangeLevel::Condition;
            c.field = u"filters"_s;
            c.path = indexed(u"filters.groups"_s, QString::number(index));
            c.conditionIndex = index;
            return c;
        };
        walk(m, a, b, base, [&](const FlagChange &c, int i, int j) {
            attributes(c, a[i], b[j], "properties"_L1);
            properties(j, a[i].value("properties"_L1).toArray(),
                       b[j].value("properties"_L1).toArray());
        });
    }

    // Properties pair by (type, key, operator), then by (type, key), so that editing a value or
    // an operator reads as a change rather than as a removal and an addition.
    void properties(int condition, const QJsonArray &before, const QJsonArray &after)
    {
        QList<QJsonObject> a, b;
        for (const QJsonValue &p : before)
            a.append(p.toObject());
        for (const QJsonValue &p : after)
            b.append(p.toObject());
        const auto same = [](const QJsonObject &x, const QJsonObject &y, QLatin1StringView key) {
            return x.value(key) == y.value(key);
        };
        const auto sameTarget = [&](int i, int j) {
            return same(a[i], b[j], "type"_L1) && same(a[i], b[j], "key"_L1);
        };
        Matching m(a.size(), b.size());
        m.pass([&](int i, int j) { return a[i] == b[j]; });
        m.pass([&](int i, int j) { return sameTarget(i, j) && same(a[i], b[j], "operator"_L1); });
        m.pass(sameTarget);
        const auto base = [condition](int index, const QJsonObject &property) {
            FlagChange c;
            c.level = ChangeLevel::Property;
            c.field = u"filters"_s;
            c.path =
                indexed(indexed(u"filters.groups"_s, QString::number(condition)) + ".properties"_L1,
                        QString::number(index));
            c.conditionIndex = condition;
            c.propertyIndex = index;
            const QString type = property.value("type"_L1).toString();
            // The operator as the editor names it ("contains", not "icontains").
            c.subject = (type == "person"_L1 ? QString() : type + u' ') +
                        property.value("key"_L1).toString() + u' ' +
                        operatorLabel(property.value("operator"_L1).toString());
            return c;
        };
        walk(m, a, b, base,
             [&](const FlagChange &c, int i, int j) { attributes(c, a[i], b[j], {}); });
    }

    void variants(const QList<Variant> &before, const QList<Variant> &after)
    {
        QList<QJsonObject> a, b;
        for (const Variant &v : before)
            a.append(forgetPresence(v).toJson());
        for (const Variant &v : after)
            b.append(forgetPresence(v).toJson());
        Matching m(a.size(), b.size());
        m.pass([&](int i, int j) { return before[i].key == after[j].key; });
        const auto base = [](int, const QJsonObject &variant) {
            FlagChange c;
            c.level = ChangeLevel::Variant;
            c.field = u"filters"_s;
            c.variantKey = variant.value("key"_L1).toString();
            c.path = indexed(u"filters.multivariate.variants"_s, c.variantKey);
            return c;
        };
        walk(m, a, b, base,
             [&](const FlagChange &c, int i, int j) { attributes(c, a[i], b[j], "key"_L1); });
    }

    void payloads(const QJsonObject &a, const QJsonObject &b)
    {
        for (const QString &key : unionKeys(a, b)) {
            const QJsonValue va = a.value(key), vb = b.value(key);
            if (sameValue(va, vb))
                continue;
            FlagChange c;
            c.level = ChangeLevel::Payload;
            c.kind = isUnset(va)   ? ChangeKind::Added
                     : isUnset(vb) ? ChangeKind::Removed
                                   : ChangeKind::Changed;
            c.field = u"filters"_s;
            c.path = indexed(u"filters.payloads"_s, key);
            c.variantKey = key;
            c.before = va;
            c.after = vb;
            changes.append(c);
        }
    }
};

} // namespace

QList<FlagChange> diffFlags(const FeatureFlag &before, const FeatureFlag &after)
{
    Differ differ;
    differ.flag(before, after);
    return differ.changes;
}

QJsonArray activityChanges(const FeatureFlag &before, const FeatureFlag &after)
{
    QStringList fields;
    for (const FlagChange &c : diffFlags(before, after))
        if (!fields.contains(c.field))
            fields.append(c.field);
    QJsonObject a = topLevel(before), b = topLevel(after);
    a.insert("filters"_L1, before.filters.toJson());
    b.insert("filters"_L1, after.filters.toJson());
    QJsonArray entries;
    for (const QString &field : std::as_const(fields)) {
        const QJsonValue va = a.value(field), vb = b.value(field);
        const QString action = isUnset(va)   ? u"created"_s
                               : isUnset(vb) ? u"deleted"_s
                                             : u"changed"_s;
        entries.append(QJsonObject{
            {"type"_L1, u"FeatureFlag"_s},
            {"action"_L1, action},
            {"field"_L1, field},
            {"before"_L1, isUnset(va) ? QJsonValue() : va},
            {"after"_L1, isUnset(vb) ? QJsonValue() : vb},
        });
    }
    return entries;
}

namespace {

QString quoted(const QString &text)
{
    return u'"' + text + u'"';
}

QString render(const QJsonValue &v)
{
    if (isUnset(v))
        return u"none"_s;
    QString text;
    switch (v.type()) {
    case QJsonValue::Bool:
        return v.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double:
        if (const double d = v.toDouble(); d == std::trunc(d) && std::abs(d) < 1e15)
            return QString::number(v.toInteger());
        return QString::number(v.toDouble());
    case QJsonValue::String:
        text = quoted(v.toString());
        break;
    case QJsonValue::Array:
        text = QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
        break;
    default:
        text = QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
        break;
    }
    constexpr qsizetype maxLength = 60;
    return text.size() > maxLength ? text.left(maxLength - 1) + u'…' : text;
}

QString valueText(const QString &attribute, const QJsonValue &v, ChangeLevel level)
{
    if (attribute == "rollout_percentage"_L1)
        return render(isUnset(v) ? QJsonValue(100) : v) + u'%';
    if (attribute == "operator"_L1 && v.isString())
        return quoted(operatorLabel(v.toString()));
    if (attribute == "aggregation_group_type_index"_L1) {
        if (isUnset(v))
            return level == ChangeLevel::Condition ? u"flag default"_s : u"persons"_s;
        return u"group type "_s + render(v);
    }
    return render(v);
}

QString label(const QString &attribute, ChangeLevel level)
{
    if (attribute == "rollout_percentage"_L1)
        return level == ChangeLevel::Variant ? u"Share"_s : u"Rollout"_s;
    if (attribute == "variant"_L1)
        return u"Variant override"_s;
    if (attribute == "aggregation_group_type_index"_L1)
        return u"Aggregation"_s;
    QString text = attribute;
    while (text.startsWith(u'_'))
        text.remove(0, 1);
    text.replace(u'_', u' ');
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

// "filters.groups[1].rollout_percentage" -> "rollout_percentage"; empty for a whole entity.
QString lastAttribute(const QString &path)
{
    const qsizetype dot = path.lastIndexOf(u'.');
    return dot < path.lastIndexOf(u']') ? QString() : path.mid(dot + 1);
}

QString transition(const FlagChange &c, const QString &attribute, const QString &what)
{
    const QString from = valueText(attribute, c.before, c.level);
    const QString to = valueText(attribute, c.after, c.level);
    switch (c.kind) {
    case ChangeKind::Added:
        return what + u" set to "_s + to;
    case ChangeKind::Removed:
        return what + u" removed (was "_s + from + u')';
    default:
        return what + u": "_s + from + u" → "_s + to;
    }
}

QString tagsSummary(const QJsonValue &before, const QJsonValue &after)
{
    QStringList added, removed;
    for (const QJsonValue &tag : after.toArray())
        if (!before.toArray().contains(tag))
            added.append(quoted(tag.toString()));
    for (const QJsonValue &tag : before.toArray())
        if (!after.toArray().contains(tag))
            removed.append(quoted(tag.toString()));
    QStringList parts;
    if (!added.isEmpty())
        parts.append(u"added "_s + added.join(u", "_s));
    if (!removed.isEmpty())
        parts.append(u"removed "_s + removed.join(u", "_s));
    return u"Tags: "_s + parts.join(u"; "_s);
}

QString moveText(const FlagChange &c)
{
    return u" moved from position "_s + QString::number(c.before.toInt() + 1) + u" to "_s +
           QString::number(c.after.toInt() + 1);
}

QString entitySummary(const FlagChange &c, const QString &attribute, const QString &entity,
                      const QString &detail)
{
    if (!attribute.isEmpty())
        return transition(c, attribute, label(attribute, c.level) + u" of "_s + entity);
    QString sentence = entity;
    sentence[0] = sentence[0].toUpper();
    switch (c.kind) {
    case ChangeKind::Added:
        return sentence + u" added"_s + detail;
    case ChangeKind::Removed:
        return sentence + u" removed"_s + detail;
    case ChangeKind::Moved:
        return sentence + moveText(c);
    case ChangeKind::Changed:
        break;
    }
    return transition(c, attribute, sentence);
}

} // namespace

QString FlagChange::summary() const
{
    const QString attribute = lastAttribute(path);
    const QString condition = u"condition set "_s + QString::number(conditionIndex.value_or(0) + 1);
    switch (level) {
    case ChangeLevel::Field:
        if (path == "active"_L1)
            return after.toBool() ? u"Flag enabled"_s : u"Flag disabled"_s;
        if (path == "deleted"_L1)
            return after.toBool() ? u"Flag deleted"_s : u"Flag restored"_s;
        if (path == "tags"_L1)
            return tagsSummary(before, after);
        return transition(*this, attribute, label(attribute, level));
    case ChangeLevel::Condition:
        if (kind == ChangeKind::Moved)
            return u"Condition set "_s + QString::number(before.toInt() + 1) +
                   u" moved to position "_s + QString::number(after.toInt() + 1);
        return entitySummary(*this, attribute, condition, {});
    case ChangeLevel::Property: {
        const QJsonValue whole = kind == ChangeKind::Removed ? before : after;
        const QJsonValue value = whole.toObject().value("value"_L1);
        const QString shown = isUnset(value) ? QString() : u' ' + render(value);
        if (kind == ChangeKind::Added && attribute.isEmpty())
            return u"Property "_s + subject + shown + u" added to "_s + condition;
        if (kind == ChangeKind::Removed && attribute.isEmpty())
            return u"Property "_s + subject + shown + u" removed from "_s + condition;
        return entitySummary(*this, attribute, u"property "_s + subject + u" in "_s + condition,
                             {});
    }
    case ChangeLevel::Variant: {
        const QString share = valueText(u"rollout_percentage"_s,
                                        after.toObject().value("rollout_percentage"_L1), level);
        return entitySummary(*this, attribute, u"variant "_s + quoted(variantKey),
                             kind == ChangeKind::Added ? u" with "_s + share : QString());
    }
    case ChangeLevel::Payload:
        return entitySummary(*this, {}, u"payload for "_s + quoted(variantKey),
                             kind == ChangeKind::Added ? u": "_s + render(after) : QString());
    }
    return {};
}

} // namespace bunting
