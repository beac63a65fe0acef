#include "flag_rebase.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <algorithm>
#include <vector>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

QStringList unionKeys(std::initializer_list<QJsonValue> values)
{
    QSet<QString> keys;
    for (const QJsonValue &value : values)
        for (const QString &key : value.toObject().keys())
            keys.insert(key);
    QStringList list(keys.begin(), keys.end());
    list.sort();
    return list;
}

bool allObjects(std::initializer_list<QJsonValue> values)
{
    return std::all_of(values.begin(), values.end(),
                       [](const QJsonValue &value) { return value.isObject(); });
}

QString conditionPath(qsizetype index)
{
    return u"filters.groups[%1]"_s.arg(index);
}

// Where each element of `base` is in `other`, a list of conditions one side changed in length:
// the elements both have unchanged anchor the match (their longest common subsequence); between
// two anchors, as many elements on each side are the same conditions edited, none on the other
// side means removed (-1) or added, and anything else cannot be told apart (-2).
std::vector<int> align(const QJsonArray &base, const QJsonArray &other)
{
    const qsizetype n = base.size(), m = other.size();
    std::vector<std::vector<int>> lcs(size_t(n + 1), std::vector<int>(size_t(m + 1), 0));
    for (qsizetype i = n - 1; i >= 0; --i)
        for (qsizetype j = m - 1; j >= 0; --j)
            lcs[i][j] = base.at(i) == other.at(j) ? lcs[i + 1][j + 1] + 1
                                                  : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::vector<int> map(size_t(n), -1);
    std::vector<std::pair<qsizetype, qsizetype>> anchors;
    for (qsizetype i = 0, j = 0; i < n && j < m;) {
        if (base.at(i) == other.at(j)) {
            anchors.emplace_back(i, j);
            ++i;
            ++j;
        } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
            ++i;
        } else {
            ++j;
        }
    }
    anchors.emplace_back(n, m); // the end closes the last gap
    qsizetype fromBase = 0, fromOther = 0;
    for (const auto &[i, j] : anchors) {
        const qsizetype inBase = i - fromBase, inOther = j - fromOther;
        for (qsizetype k = 0; k < inBase; ++k)
            map[fromBase + k] = inBase == inOther ? int(fromOther + k) : inOther == 0 ? -1 : -2;
        if (i < n)
            map[i] = int(j);
        fromBase = i + 1;
        fromOther = j + 1;
    }
    return map;
}

// The three-way merge of the flag's JSON, field by field, noting each part either side changed.
class Merge
{
public:
    explicit Merge(bool preferServer) : m_preferServer(preferServer) {}

    QList<FlagRebase::Part> parts;

    QJsonObject flag(const QJsonObject &b, const QJsonObject &s, const QJsonObject &u)
    {
        QJsonObject out;
        for (const QString &key : unionKeys({b, s, u})) {
            const QJsonValue value =
                key == "filters"_L1 && allObjects({b.value(key), s.value(key), u.value(key)})
                    ? QJsonValue(filters(b.value(key).toObject(), s.value(key).toObject(),
                                         u.value(key).toObject()))
                    : field(key, key, b.value(key), s.value(key), u.value(key));
            if (!value.isUndefined())
                out.insert(key, value);
        }
        return out;
    }

private:
    // One part that changes as a whole.
    QJsonValue field(const QString &path, const QString &serverPath, const QJsonValue &b,
                     const QJsonValue &s, const QJsonValue &u)
    {
        using Outcome = FlagRebase::Outcome;
        FlagRebase::Part part{path, Outcome::Unchanged, b, s, u, serverPath};
        QJsonValue result = s;
        if (u == b) {
            part.outcome = s == b ? Outcome::Unchanged : Outcome::Server;
        } else if (s == b) {
            part.outcome = Outcome::User;
            result = u;
        } else {
            part.outcome = s == u ? Outcome::Same : Outcome::Conflict;
            if (!m_preferServer)
                result = u;
        }
        if (part.outcome != Outcome::Unchanged)
            parts.append(part);
        return result;
    }

    QJsonObject filters(const QJsonObject &b, const QJsonObject &s, const QJsonObject &u)
    {
        QJsonObject out;
        for (const QString &key : unionKeys({b, s, u})) {
            const QJsonValue vb = b.value(key), vs = s.value(key), vu = u.value(key);
            QJsonValue value;
            if (key == "payloads"_L1 && allObjects({vb, vs, vu})) {
                QJsonObject payloads;
                for (const QString &variant : unionKeys({vb, vs, vu})) {
                    const QString path = u"filters.payloads["_s + variant + u']';
                    const QJsonValue merged =
                        field(path, path, vb[variant], vs[variant], vu[variant]);
                    if (!merged.isUndefined())
                        payloads.insert(variant, merged);
                }
                value = payloads;
            } else if (key == "groups"_L1 && vb.isArray() && vs.isArray() && vu.isArray()) {
                value = conditions(vb.toArray(), vs.toArray(), vu.toArray());
            } else {
                value = field(u"filters."_s + key, u"filters."_s + key, vb, vs, vu);
            }
            if (!value.isUndefined())
                out.insert(key, value);
        }
        return out;
    }

    // One condition all three versions have, field by field.
    QJsonValue condition(qsizetype userIndex, qsizetype serverIndex, const QJsonValue &b,
                         const QJsonValue &s, const QJsonValue &u)
    {
        const QString path = conditionPath(userIndex), serverPath = conditionPath(serverIndex);
        if (!allObjects({b, s, u}))
            return field(path, serverPath, b, s, u);
        QJsonObject out;
        for (const QString &key : unionKeys({b, s, u})) {
            const QJsonValue value =
                field(path + u'.' + key, serverPath + u'.' + key, b[key], s[key], u[key]);
            if (!value.isUndefined())
                out.insert(key, value);
        }
        return out;
    }

    QJsonValue conditions(const QJsonArray &b, const QJsonArray &s, const QJsonArray &u)
    {
        if (b.size() == s.size() && b.size() == u.size()) {
            QJsonArray out;
            for (qsizetype i = 0; i < b.size(); ++i)
                out.append(condition(i, i, b.at(i), s.at(i), u.at(i)));
            return out;
        }
        // One side added or removed conditions: its list is the frame, and the other side's edits
        // of the conditions it kept go into it.
        if (b.size() == s.size() || b.size() == u.size()) {
            const bool userResized = b.size() == s.size();
            const QJsonArray &resized = userResized ? u : s;
            const QJsonArray &edited = userResized ? s : u;
            const std::vector<int> map = align(b, resized);
            bool fits = true;
            for (qsizetype i = 0; i < b.size(); ++i)
                if (edited.at(i) != b.at(i) && map.at(i) < 0)
                    fits = false; // an edit of a condition the other side removed
            if (fits) {
                QJsonArray out = resized;
                std::vector<bool> kept(size_t(resized.size()), false);
                for (qsizetype i = 0; i < b.size(); ++i) {
                    const int j = map.at(i);
                    if (j < 0) {
                        resizedPart(userResized, i, -1, b.at(i), QJsonValue::Undefined);
                        continue;
                    }
                    kept[j] = true;
                    const qsizetype userIndex = userResized ? j : i;
                    const qsizetype serverIndex = userResized ? i : j;
                    out[j] = userResized ? condition(userIndex, serverIndex, b.at(i), edited.at(i),
                                                     resized.at(j))
                                         : condition(userIndex, serverIndex, b.at(i), resized.at(j),
                                                     edited.at(i));
                }
                for (qsizetype j = 0; j < resized.size(); ++j)
                    if (!kept.at(j))
                        resizedPart(userResized, -1, j, QJsonValue::Undefined, resized.at(j));
                return out;
            }
        }
        return field(u"filters.groups"_s, u"filters.groups"_s, b, s, u);
    }

    // A condition one side added (`to`) or removed (`from`) while the other left the list alone.
    void resizedPart(bool byUser, qsizetype from, qsizetype to, const QJsonValue &before,
                     const QJsonValue &after)
    {
        using Outcome = FlagRebase::Outcome;
        const QString path = conditionPath(to >= 0 ? to : from);
        FlagRebase::Part part{path,
                              byUser ? Outcome::User : Outcome::Server,
                              before,
                              byUser ? before : after,
                              byUser ? after : before,
                              path};
        parts.append(part);
    }

    bool m_preferServer = false;
};

// Whether a change at `path` lies inside the part at `part` ("filters.groups[1].variant" inside
// "filters.groups[1]", but "name_x" not inside "name").
bool inside(const QString &path, const QString &part)
{
    return path.startsWith(part) && (path.size() == part.size() || path.at(part.size()) == u'.' ||
                                     path.at(part.size()) == u'[');
}

QList<FlagChange> changesInConflicts(const FlagRebase &rebase, const QList<FlagChange> &changes,
                                     bool server)
{
    const QList<FlagRebase::Part> conflicts = rebase.conflicts();
    QList<FlagChange> result;
    std::copy_if(changes.begin(), changes.end(), std::back_inserter(result),
                 [&](const FlagChange &change) {
                     return std::any_of(
                         conflicts.begin(), conflicts.end(), [&](const FlagRebase::Part &part) {
                             const QString &at = server ? part.serverPath : part.path;
                             return inside(change.path, at) || inside(at, change.path);
                         });
                 });
    return result;
}

} // namespace

bool FlagRebase::hasConflicts() const
{
    return std::any_of(parts.begin(), parts.end(),
                       [](const Part &part) { return part.outcome == Outcome::Conflict; });
}

QList<FlagRebase::Part> FlagRebase::conflicts() const
{
    QList<Part> list;
    std::copy_if(parts.begin(), parts.end(), std::back_inserter(list),
                 [](const Part &part) { return part.outcome == Outcome::Conflict; });
    return list;
}

QList<FlagChange> FlagRebase::conflictingUserChanges() const
{
    return changesInConflicts(*this, userChanges, false);
}

QList<FlagChange> FlagRebase::conflictingServerChanges() const
{
    return changesInConflicts(*this, serverChanges, true);
}

FlagRebase FlagRebase::compute(const FeatureFlag &base, const FeatureFlag &draft,
                               const FeatureFlag &server)
{
    FlagRebase rebase;
    rebase.base = base;
    rebase.server = server;
    rebase.draft = draft;
    rebase.serverChanges = diffFlags(base, server);
    rebase.userChanges = diffFlags(base, draft);
    const QJsonObject b = base.toJson(), s = server.toJson(), u = draft.toJson();
    Merge mine(false);
    rebase.merged = FeatureFlag::fromJson(mine.flag(b, s, u));
    rebase.parts = mine.parts;
    Merge theirs(true);
    rebase.mergedTheirs = FeatureFlag::fromJson(theirs.flag(b, s, u));
    return rebase;
}

} // namespace bunting::models
