// Persons, cohorts and group types, as PostHog's persons, cohorts and groups_types endpoints
// serve them.
#include "http/router.h"
#include "property_matcher.h"
#include "services.h"
#include "services/cohort_service.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

const QString persons = u"/api/projects/:project/persons"_s;
const QString cohorts = u"/api/projects/:project/cohorts"_s;
const QString groupTypes = u"/api/projects/:project/groups_types"_s;
constexpr qint64 defaultPageSize = 100;

qint64 nonNegativeQueryInt(const ApiRequest &r, const QString &name, qint64 defaultValue)
{
    const QString text = r.queryValue(name).trimmed();
    if (text.isEmpty())
        return defaultValue;
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok)
        throw ApiError::validation(u"invalid"_s, u"A valid integer is required."_s, name);
    if (value < 0)
        throw ApiError::validation(u"min_value"_s,
                                   u"Ensure this value is greater than or equal to 0."_s, name);
    return value;
}

struct Page
{
    qint64 limit = defaultPageSize;
    qint64 offset = 0;

    static Page read(const ApiRequest &r)
    {
        Page p;
        p.limit = nonNegativeQueryInt(r, u"limit"_s, defaultPageSize);
        if (p.limit == 0)
            p.limit = defaultPageSize;
        p.offset = nonNegativeQueryInt(r, u"offset"_s, 0);
        return p;
    }

    QJsonValue link(const ApiRequest &r, qint64 offset) const
    {
        QUrl url = r.url;
        if (url.host().isEmpty()) {
            url.setScheme(u"http"_s);
            url.setAuthority(QString::fromLatin1(r.header("host")));
        }
        QUrlQuery query(url);
        query.removeAllQueryItems(u"limit"_s);
        query.removeAllQueryItems(u"offset"_s);
        query.addQueryItem(u"limit"_s, QString::number(limit));
        query.addQueryItem(u"offset"_s, QString::number(offset));
        url.setQuery(query);
        return url.toString(QUrl::FullyEncoded);
    }

    // {count, next, previous, results} over `total` items of which `results` is this page.
    QJsonObject answer(const ApiRequest &r, qint64 total, const QJsonArray &results) const
    {
        return {{u"count"_s, total},
                {u"next"_s, offset + limit < total ? link(r, offset + limit) : QJsonValue()},
                {u"previous"_s,
                 offset > 0 ? link(r, std::max<qint64>(0, offset - limit)) : QJsonValue()},
                {u"results"_s, results}};
    }

    template<typename T> QList<T> slice(const QList<T> &items) const
    {
        if (offset >= items.size())
            return {};
        return items.mid(offset, limit);
    }
};

// A person in a list, as PostHog's actor serializer writes it (its `id` is the uuid).
QJsonObject personListItem(const Person &p)
{
    return {{u"type"_s, u"person"_s},
            {u"id"_s, p.uuid},
            {u"uuid"_s, p.uuid},
            {u"created_at"_s, p.createdAt},
            {u"properties"_s, p.properties},
            {u"is_identified"_s, p.isIdentified},
            {u"name"_s, personDisplayName(p)},
            {u"distinct_ids"_s, QJsonArray::fromStringList(p.distinctIds)},
            {u"matched_recordings"_s, QJsonArray()},
            {u"value_at_data_point"_s, QJsonValue()}};
}

// One person, as PostHog's PersonSerializer writes it.
QJsonObject personDetail(const Person &p)
{
    return {{u"id"_s, p.id},
            {u"name"_s, personDisplayName(p)},
            {u"distinct_ids"_s, QJsonArray::fromStringList(p.distinctIds)},
            {u"properties"_s, p.properties},
            {u"created_at"_s, p.createdAt},
            {u"uuid"_s, p.uuid}};
}

QString lowerUuid(const QString &text)
{
    const QUuid uuid = QUuid::fromString(text.trimmed());
    return uuid.isNull() ? QString() : uuid.toString(QUuid::WithoutBraces);
}

// The `properties` query parameter of the persons list: a JSON list of person property filters
// (matched with core's PropertyMatcher) and cohort filters (membership as flags read it).
class PersonFilters
{
public:
    PersonFilters(const QString &text, qint64 projectId, Services &s)
    {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !doc.isArray())
            throw ApiError::validation(u"invalid_input"_s,
                                       u"Properties are unparsable: expected a JSON list of "
                                       "property filters."_s,
                                       u"properties"_s);
        QHash<qint64, Cohort> cohortDefinitions;
        for (const QJsonValue &item : doc.array()) {
            if (!item.isObject())
                refuse(u"Each property filter must be an object."_s);
            const PropertyFilter filter = PropertyFilter::fromJson(item.toObject());
            if (filter.propertyType() == PropertyType::Person) {
                if (filter.key.isEmpty())
                    refuse(u"A person property filter needs a key."_s);
                const Operator op = filter.effectiveOperator();
                if (op == Operator::Unknown || op == Operator::FlagEvaluatesTo ||
                    op == Operator::In || op == Operator::NotIn)
                    refuse(u"'%1' is not an operator for person properties."_s.arg(filter.op));
                m_matchers.push_back({PropertyMatcher(filter), filter.negation});
            } else if (filter.propertyType() == PropertyType::Cohort) {
                const qint64 id = filter.value.isString() ? filter.value.toString().toLongLong()
                                                          : filter.value.toInteger();
                if (cohortDefinitions.isEmpty())
                    cohortDefinitions = s.cohorts.definitions(projectId);
                if (!cohortDefinitions.contains(id))
                    refuse(u"Cohort with id %1 does not exist."_s.arg(compactValue(filter.value)));
                m_cohorts.append(
                    {id, (filter.effectiveOperator() == Operator::NotIn) != filter.negation});
            } else {
                refuse(
                    u"Persons can be filtered by person properties and cohorts, not by '%1'."_s.arg(
                        filter.type));
            }
        }
        if (!m_cohorts.isEmpty()) {
            m_membership.emplace(cohortDefinitions, s.groups.mapping(projectId));
            m_staticCohorts = s.persons.staticCohortsByPerson(projectId);
        }
    }

    bool matches(const Person &person) const
    {
        const PropertyMap properties(person.properties);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (const auto &[matcher, negation] : m_matchers)
            if (matcher.matches(properties.find(matcher.key()), now) == negation)
                return false;
        if (m_cohorts.isEmpty())
            return true;
        const EvaluationContext context =
            ProjectEvaluation::personContext(person, m_staticCohorts.value(person.id));
        for (const auto &[id, inverted] : m_cohorts)
            if (m_membership->contains(id, context) == inverted)
                return false;
        return true;
    }

private:
    [[noreturn]] static void refuse(const QString &detail)
    {
        throw ApiError::validation(u"invalid_input"_s, detail, u"properties"_s);
    }
    static QString compactValue(const QJsonValue &value)
    {
        return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
            .mid(1)
            .chopped(1);
    }

    std::vector<std::pair<PropertyMatcher, bool>> m_matchers; // matcher, negation
    QList<std::pair<qint64, bool>> m_cohorts;                 // cohort id, inverted
    std::optional<CohortMembership> m_membership;
    QHash<qint64, QSet<qint64>> m_staticCohorts;
};

bool searchMatches(const Person &person, const QString &search)
{
    if (person.distinctIds.contains(search))
        return true;
    for (auto it = person.properties.begin(); it != person.properties.end(); ++it)
        if (propertyText(it.value()).contains(search, Qt::CaseInsensitive))
            return true;
    return false;
}

ApiResponse listPersons(ApiRequest &r, Services &s)
{
    const Page page = Page::read(r);
    QList<Person> found;
    const QString distinctId = r.queryValue(u"distinct_id"_s);
    if (r.query.hasQueryItem(u"distinct_id"_s)) {
        if (auto person = s.persons.findByDistinctId(r.projectId, distinctId))
            found.append(std::move(*person));
    } else {
        found = s.persons.all(r.projectId);
    }

    if (r.query.hasQueryItem(u"email"_s)) {
        const QJsonValue email(r.queryValue(u"email"_s));
        found.removeIf([&](const Person &p) { return p.properties.value("email"_L1) != email; });
    }
    if (const QString uuids = r.queryValue(u"uuid"_s); !uuids.isEmpty()) {
        QStringList wanted;
        for (const QString &part : uuids.split(u','))
            wanted.append(lowerUuid(part));
        found.removeIf([&](const Person &p) { return !wanted.contains(p.uuid); });
    }
    if (const QString search = r.queryValue(u"search"_s).trimmed(); !search.isEmpty())
        found.removeIf([&](const Person &p) { return !searchMatches(p, search); });
    if (const QString cohort = r.queryValue(u"cohort"_s); !cohort.isEmpty()) {
        bool ok = false;
        const qint64 cohortId = cohort.toLongLong(&ok);
        const auto stored = ok ? s.cohorts.find(r.projectId, cohortId) : std::nullopt;
        if (!stored)
            throw ApiError::validation(u"invalid_input"_s,
                                       u"Cohort with id %1 does not exist."_s.arg(cohort),
                                       u"cohort"_s);
        const ProjectEvaluation evaluation(r.projectId, s.flags, s.persons, s.cohorts, s.groups);
        QSet<qint64> members;
        for (const Person &p : evaluation.cohortMembers(*stored))
            members.insert(p.id);
        found.removeIf([&](const Person &p) { return !members.contains(p.id); });
    }
    if (const QString properties = r.queryValue(u"properties"_s); !properties.isEmpty()) {
        const PersonFilters filters(properties, r.projectId, s);
        found.removeIf([&](const Person &p) { return !filters.matches(p); });
    }

    QJsonArray results;
    for (const Person &p : page.slice(found))
        results.append(personListItem(p));
    return ApiResponse::json(page.answer(r, found.size(), results));
}

ApiResponse getPerson(ApiRequest &r, Services &s)
{
    const QString id = r.param(u"id"_s);
    bool numeric = false;
    const qint64 pk = id.toLongLong(&numeric);
    std::optional<Person> person;
    if (numeric) {
        person = s.persons.find(r.projectId, pk);
    } else if (const QString uuid = lowerUuid(id); !uuid.isEmpty()) {
        person = s.persons.findByUuid(r.projectId, uuid);
    } else {
        throw ApiError::validation(
            u"invalid_input"_s,
            u"The ID provided does not look like a personID. If you are using a distinctId, "
            "please use /persons?distinct_id=%1 instead."_s.arg(id));
    }
    if (!person)
        throw ApiError::notFound();
    return ApiResponse::json(personDetail(*person));
}

ApiResponse listCohorts(ApiRequest &r, Services &s)
{
    const Page page = Page::read(r);
    std::optional<qint64> createdBy;
    if (const QString text = r.queryValue(u"created_by_id"_s); !text.isEmpty()) {
        bool ok = false;
        createdBy = text.toLongLong(&ok);
        if (!ok)
            throw ApiError::validation(u"invalid"_s, u"A valid integer is required."_s,
                                       u"created_by_id"_s);
    }
    const CohortService &service = s.cohortService;
    const QList<StoredCohort> all =
        service.list(r.projectId, r.queryValue(u"type"_s), r.queryValue(u"search"_s), createdBy);
    return ApiResponse::json(
        page.answer(r, all.size(), service.render(r.projectId, page.slice(all))));
}

ApiResponse cohortPersons(ApiRequest &r, Services &s)
{
    const auto cohort = s.cohorts.find(r.projectId, r.idParam(u"id"_s));
    if (!cohort)
        throw ApiError::notFound();
    const Page page = Page::read(r);
    const ProjectEvaluation evaluation(r.projectId, s.flags, s.persons, s.cohorts, s.groups);
    const QList<Person> members = evaluation.cohortMembers(*cohort);
    QJsonArray results;
    for (const Person &p : page.slice(members))
        results.append(personListItem(p));
    return ApiResponse::json(page.answer(r, members.size(), results));
}

// PATCH groups_types/update_metadata: a list of {group_type_index, name_singular, name_plural}.
ApiResponse updateGroupTypeNames(ApiRequest &r, Services &s)
{
    checkJsonDepth(r.body);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.body, &error);
    if (error.error != QJsonParseError::NoError)
        throw ApiError::parse(
            u"JSON parse error - %1 at offset %2"_s.arg(error.errorString()).arg(error.offset));
    if (!doc.isArray())
        throw ApiError::validation(u"invalid_input"_s,
                                   u"Expected a list of group types to update."_s);
    const QList<GroupTypeMapping> current = s.groups.mappings(r.projectId);
    QList<GroupTypeMapping> updated;
    for (const QJsonValue &item : doc.array()) {
        const QJsonObject row = item.toObject();
        const QJsonValue index = row.value("group_type_index"_L1);
        if (!index.isDouble() || index.toDouble() != double(index.toInteger()))
            throw ApiError::validation(u"invalid_input"_s, u"A valid integer is required."_s,
                                       u"group_type_index"_s);
        auto it = std::find_if(current.begin(), current.end(), [&](const GroupTypeMapping &m) {
            return m.index == index.toInteger();
        });
        if (it == current.end())
            throw ApiError::notFound();
        GroupTypeMapping mapping = *it;
        for (const auto &[key, field] : {std::pair{"name_singular"_L1, &mapping.nameSingular},
                                         std::pair{"name_plural"_L1, &mapping.namePlural}}) {
            if (!row.contains(key))
                continue;
            const QJsonValue v = row.value(key);
            if (!v.isString() && !v.isNull())
                throw ApiError::validation(u"invalid_input"_s, u"Not a valid string."_s, key);
            *field = v.isNull() ? QString() : v.toString();
        }
        updated.append(mapping);
    }
    s.groups.updateNames(r.projectId, updated);
    QJsonArray results;
    for (const GroupTypeMapping &m : s.groups.mappings(r.projectId))
        results.append(m.toJson());
    return ApiResponse::json(results);
}

} // namespace

void addPeopleRoutes(Router &router, Services &s)
{
    const auto personRead = RouteAccess::scoped(u"person:read"_s);
    const auto cohortRead = RouteAccess::scoped(u"cohort:read"_s);
    const auto cohortWrite = RouteAccess::scoped(u"cohort:write"_s);

    router.add(Get, persons, personRead, [&s](ApiRequest &r) { return listPersons(r, s); });
    router.add(Get, persons + u"/:id"_s, personRead,
               [&s](ApiRequest &r) { return getPerson(r, s); });

    router.add(Get, cohorts, cohortRead, [&s](ApiRequest &r) { return listCohorts(r, s); });
    router.add(Post, cohorts, cohortWrite, [&s](ApiRequest &r) {
        return ApiResponse::json(s.cohortService.create(r.projectId, r.principal, r.jsonObject()),
                                 201);
    });
    router.add(Get, cohorts + u"/:id"_s, cohortRead, [&s](ApiRequest &r) {
        return ApiResponse::json(s.cohortService.get(r.projectId, r.idParam(u"id"_s)));
    });
    router.add(Patch, cohorts + u"/:id"_s, cohortWrite, [&s](ApiRequest &r) {
        return ApiResponse::json(
            s.cohortService.update(r.projectId, r.idParam(u"id"_s), r.principal, r.jsonObject()));
    });
    // PostHog never hard-deletes a cohort: deletion is PATCH {"deleted": true}.
    router.add(Delete, cohorts + u"/:id"_s, cohortWrite,
               [](ApiRequest &) -> ApiResponse { throw ApiError::methodNotAllowed(u"DELETE"_s); });
    router.add(Get, cohorts + u"/:id/persons"_s, cohortRead,
               [&s](ApiRequest &r) { return cohortPersons(r, s); });

    router.add(Get, groupTypes, RouteAccess::scoped(u"group:read"_s), [&s](ApiRequest &r) {
        QJsonArray results;
        for (const GroupTypeMapping &m : s.groups.mappings(r.projectId))
            results.append(m.toJson());
        return ApiResponse::json(results);
    });
    router.add(Patch, groupTypes + u"/update_metadata"_s, RouteAccess::scoped(u"group:write"_s),
               [&s](ApiRequest &r) { return updateGroupTypeNames(r, s); });
}

} // namespace bunting::server
