#include "flag_rebase.h"

#include <QJsonArray>
#include <QSet>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

// Where a part lives in the flag's JSON, so its value can be read from one version and written
// into another.
struct Place
{
    enum class Kind { TopLevel, FilterKey, Payload, Condition } kind;
    QString key;
    int index = -1;

    QString path() const
    {
        switch (kind) {
        case Kind::TopLevel:
            return key;
        case Kind::FilterKey:
            return u"filters."_s + key;
        case Kind::Payload:
            return u"filters.payloads["_s + key + u']';
        case Kind::Condition:
            break;
        }
        return u"filters.groups[%1]"_s.arg(index);
    }

    QJsonValue read(const QJsonObject &flag) const
    {
        const QJsonObject filters = flag.value("filters"_L1).toObject();
        switch (kind) {
        case Kind::TopLevel:
            return flag.value(key);
        case Kind::FilterKey:
            return filters.value(key);
        case Kind::Payload:
            return filters.value("payloads"_L1).toObject().value(key);
        case Kind::Condition:
            break;
        }
        const QJsonArray groups = filters.value("groups"_L1).toArray();
        return index < groups.size() ? groups.at(index) : QJsonValue(QJsonValue::Undefined);
    }

    void write(QJsonObject &flag, const QJsonValue &value) const
    {
        const auto put = [&](QJsonObject &object, const QString &name) {
            if (value.isUndefined())
                object.remove(name);
            else
                object.insert(name, value);
        };
        if (kind == Kind::TopLevel) {
            put(flag, key);
            return;
        }
        QJsonObject filters = flag.value("filters"_L1).toObject();
        if (kind == Kind::FilterKey) {
            put(filters, key);
        } else if (kind == Kind::Payload) {
            QJsonObject payloads = filters.value("payloads"_L1).toObject();
            put(payloads, key);
            filters.insert("payloads"_L1, payloads);
        } else {
            QJsonArray groups = filters.value("groups"_L1).toArray();
            groups.replace(index, value); // all three versions have this condition
            filters.insert("groups"_L1, groups);
        }
        flag.insert("filters"_L1, filters);
    }
};

QStringList unionKeys(std::initializer_list<QJsonObject> objects)
{
    QSet<QString> keys;
    for (const QJsonObject &o : objects)
        for (const QString &key : o.keys())
            keys.insert(key);
    QStringList list(keys.begin(), keys.end());
    list.sort();
    return list;
}

QList<Place> placesOf(const QJsonObject &base, const QJsonObject &server, const QJsonObject &user)
{
    QList<Place> places;
    for (const QString &key : unionKeys({base, server, user}))
        if (key != "filters"_L1)
            places.append({Place::Kind::TopLevel, key});
    const auto filtersOf = [](const QJsonObject &flag) {
        return flag.value("filters"_L1).toObject();
    };
    const QJsonObject fb = filtersOf(base), fs = filtersOf(server), fu = filtersOf(user);
    for (const QString &key : unionKeys({fb, fs, fu}))
        if (key != "payloads"_L1 && key != "groups"_L1)
            places.append({Place::Kind::FilterKey, key});
    const auto payloadsOf = [](const QJsonObject &filters) {
        return filters.value("payloads"_L1).toObject();
    };
    for (const QString &key : unionKeys({payloadsOf(fb), payloadsOf(fs), payloadsOf(fu)}))
        places.append({Place::Kind::Payload, key});
    const auto count = [](const QJsonObject &filters) {
        return filters.value("groups"_L1).toArray().size();
    };
    if (count(fb) == count(fs) && count(fb) == count(fu) && count(fb) > 0) {
        for (int i = 0; i < count(fb); ++i)
            places.append({Place::Kind::Condition, {}, i});
    } else {
        places.append({Place::Kind::FilterKey, u"groups"_s});
    }
    return places;
}

// Whether a change at `path` lies inside the part at `part` ("filters.groups[1].variant" inside
// "filters.groups[1]", but "name_x" not inside "name").
bool inside(const QString &path, const QString &part)
{
    return path.startsWith(part) && (path.size() == part.size() || path.at(part.size()) == u'.' ||
                                     path.at(part.size()) == u'[');
}

QList<FlagChange> changesInConflicts(const FlagRebase &rebase, const QList<FlagChange> &changes)
{
    const QList<FlagRebase::Part> conflicts = rebase.conflicts();
    QList<FlagChange> result;
    std::copy_if(changes.begin(), changes.end(), std::back_inserter(result),
                 [&](const FlagChange &change) {
                     return std::any_of(conflicts.begin(), conflicts.end(),
                                        [&](const FlagRebase::Part &part) {
                                            return inside(change.path, part.path);
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
    return changesInConflicts(*this, userChanges);
}

QList<FlagChange> FlagRebase::conflictingServerChanges() const
{
    return changesInConflicts(*this, serverChanges);
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
    QJsonObject merged = s;
    for (const Place &place : placesOf(b, s, u)) {
        Part part{place.path(), Outcome::Unchanged, place.read(b), place.read(s), place.read(u)};
        if (part.user == part.base) {
            part.outcome = part.server == part.base ? Outcome::Unchanged : Outcome::Server;
        } else {
            part.outcome = part.server == part.base   ? Outcome::User
                           : part.server == part.user ? Outcome::Same
                                                      : Outcome::Conflict;
            place.write(merged, part.user);
        }
        if (part.outcome != Outcome::Unchanged)
            rebase.parts.append(part);
    }
    rebase.merged = FeatureFlag::fromJson(merged);
    return rebase;
}

} // namespace bunting::models
