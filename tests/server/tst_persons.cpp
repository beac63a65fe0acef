// The persons endpoints (list with its filters, retrieve), the group types endpoints, and the
// person and group repositories the SDK endpoints build on: property updates, $identify merges,
// group type mappings.
#include "storage/cohort_repository.h"
#include "storage/group_repository.h"
#include "storage/person_repository.h"
#include "test_server.h"

#include <QTest>
#include <QUrl>

using namespace Qt::StringLiterals;
using namespace bunting::server;

class TestPersons : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_server.reset(); }

    void listShapeAndOrder();
    void pagination();
    void filterByDistinctId();
    void filterByEmail();
    void search_data();
    void search();
    void propertyFilters_data();
    void propertyFilters();
    void cohortFilters();
    void badPropertyFilters_data();
    void badPropertyFilters();
    void retrieveByIdAndUuid();
    void retrieveRefusesDistinctIds();
    void displayNames();
    void scopesAndProjects();

    void setPropertiesCreatesAndUpdates();
    void identifyCreatesOnePerson();
    void identifyAddsTheMissingId();
    void identifyMergesTwoPersons();
    void identifyRefusesToMergeAnIdentifiedPerson();
    void mergeDangerouslyMergesAnyway();

    void groupTypesListAndNames();
    void groupTypeMappingsStopAtFive();
    void groupTypesScopes();
    void groupProperties();

private:
    QString path(const QString &rest = {}) const
    {
        return u"/api/projects/%1/persons/%2"_s.arg(m_server->projectId()).arg(rest);
    }
    QString listWith(const QString &name, const QString &value) const
    {
        return path() + u"?"_s + name + u"="_s +
               QString::fromLatin1(QUrl::toPercentEncoding(value));
    }
    QStringList distinctIdsOf(const TestServer::Reply &reply) const;
    Person add(const QStringList &distinctIds, const QJsonObject &properties);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<PersonRepository> m_persons;
    std::unique_ptr<GroupRepository> m_groups;
};

void TestPersons::init()
{
    m_server = std::make_unique<TestServer>();
    m_persons = std::make_unique<PersonRepository>(m_server->server().database());
    m_groups = std::make_unique<GroupRepository>(m_server->server().database());
}

Person TestPersons::add(const QStringList &distinctIds, const QJsonObject &properties)
{
    return m_persons->create(m_server->projectId(), distinctIds, properties);
}

QStringList TestPersons::distinctIdsOf(const TestServer::Reply &reply) const
{
    QStringList ids;
    for (const QJsonValue &person : reply.object().value("results"_L1).toArray())
        ids.append(person["distinct_ids"_L1][0].toString());
    return ids;
}

void TestPersons::listShapeAndOrder()
{
    const Person first = add({u"alice"_s, u"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"_s},
                             {{u"email"_s, u"alice@example.com"_s}, {u"plan"_s, u"pro"_s}});
    add({u"bob"_s}, {{u"plan"_s, u"free"_s}});
    add({u"carol"_s}, {});

    const auto reply = m_server->get(path());
    QCOMPARE(reply.status, 200);
    const QJsonObject page = reply.object();
    QCOMPARE(page.value("count"_L1), QJsonValue(3));
    QCOMPARE(page.value("next"_L1), QJsonValue());
    QCOMPARE(page.value("previous"_L1), QJsonValue());
    // Newest first.
    QCOMPARE(distinctIdsOf(reply), (QStringList{u"carol"_s, u"bob"_s, u"alice"_s}));
    const QJsonObject expected{
        {u"type"_s, u"person"_s},
        {u"id"_s, first.uuid},
        {u"uuid"_s, first.uuid},
        {u"created_at"_s, first.createdAt},
        {u"properties"_s, QJsonObject{{u"email"_s, u"alice@example.com"_s}, {u"plan"_s, u"pro"_s}}},
        {u"is_identified"_s, false},
        {u"name"_s, u"alice@example.com"_s},
        // The anonymous (UUID-like) id comes last.
        {u"distinct_ids"_s, QJsonArray{u"alice"_s, u"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"_s}},
        {u"matched_recordings"_s, QJsonArray()},
        {u"value_at_data_point"_s, QJsonValue()},
    };
    QCOMPARE(page.value("results"_L1)[2].toObject(), expected);
    QVERIFY(first.createdAt.endsWith(u'Z'));
}

void TestPersons::pagination()
{
    for (int i = 0; i < 5; ++i)
        add({u"user-%1"_s.arg(i)}, {});
    const auto first = m_server->get(path() + u"?limit=2"_s);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.object().value("count"_L1), QJsonValue(5));
    QCOMPARE(distinctIdsOf(first), (QStringList{u"user-4"_s, u"user-3"_s}));
    QCOMPARE(first.object().value("previous"_L1), QJsonValue());
    const QUrl next(first.object().value("next"_L1).toString());
    QCOMPARE(next.path(), path());
    QCOMPARE(QUrlQuery(next).queryItemValue(u"offset"_s), u"2"_s);
    QCOMPARE(QUrlQuery(next).queryItemValue(u"limit"_s), u"2"_s);

    const auto middle = m_server->get(path() + u"?limit=2&offset=2"_s);
    QCOMPARE(distinctIdsOf(middle), (QStringList{u"user-2"_s, u"user-1"_s}));
    QCOMPARE(QUrlQuery(QUrl(middle.object().value("previous"_L1).toString()))
                 .queryItemValue(u"offset"_s),
             u"0"_s);
    const auto last = m_server->get(path() + u"?limit=2&offset=4"_s);
    QCOMPARE(distinctIdsOf(last), QStringList{u"user-0"_s});
    QCOMPARE(last.object().value("next"_L1), QJsonValue());
    QCOMPARE(m_server->get(path() + u"?offset=10"_s).object().value("results"_L1),
             QJsonValue(QJsonArray()));

    const auto bad = m_server->get(path() + u"?limit=many"_s);
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.object().value("attr"_L1), QJsonValue(u"limit"_s));
    QCOMPARE(m_server->get(path() + u"?offset=-1"_s).status, 400);
}

void TestPersons::filterByDistinctId()
{
    add({u"anna"_s, u"anna-phone"_s}, {{u"plan"_s, u"pro"_s}});
    add({u"annabel"_s}, {});
    const auto reply = m_server->get(listWith(u"distinct_id"_s, u"anna-phone"_s));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value("count"_L1), QJsonValue(1));
    QCOMPARE(reply.object().value("results"_L1)[0]["distinct_ids"_L1],
             QJsonValue(QJsonArray{u"anna"_s, u"anna-phone"_s}));
    QCOMPARE(m_server->get(listWith(u"distinct_id"_s, u"ann"_s)).object().value("count"_L1),
             QJsonValue(0));
}

void TestPersons::filterByEmail()
{
    add({u"a"_s}, {{u"email"_s, u"a@example.com"_s}});
    add({u"b"_s}, {{u"email"_s, u"A@example.com"_s}});
    const auto reply = m_server->get(listWith(u"email"_s, u"a@example.com"_s));
    QCOMPARE(distinctIdsOf(reply), QStringList{u"a"_s});
}

void TestPersons::search_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("distinct id, exactly") << u"dave-laptop"_s << QStringList{u"dave"_s};
    QTest::newRow("no partial distinct ids") << u"dave-lap"_s << QStringList{};
    QTest::newRow("email, any case") << u"EXAMPLE.ORG"_s << QStringList{u"erin"_s, u"dave"_s};
    QTest::newRow("any property value") << u"berlin"_s << QStringList{u"erin"_s};
    QTest::newRow("numbers as text") << u"42"_s << QStringList{u"dave"_s};
    QTest::newRow("nothing") << u"nobody"_s << QStringList{};
}

void TestPersons::search()
{
    QFETCH(QString, search);
    QFETCH(QStringList, expected);
    add({u"dave"_s, u"dave-laptop"_s}, {{u"email"_s, u"dave@example.org"_s}, {u"age"_s, 42}});
    add({u"erin"_s}, {{u"email"_s, u"erin@Example.org"_s}, {u"city"_s, u"Berlin"_s}});
    add({u"frank"_s}, {{u"email"_s, u"frank@example.com"_s}});
    const auto reply = m_server->get(listWith(u"search"_s, search));
    QCOMPARE(reply.status, 200);
    QCOMPARE(distinctIdsOf(reply), expected);
}

void TestPersons::propertyFilters_data()
{
    QTest::addColumn<QString>("filters");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("exact")
        << uR"([{"key":"plan","value":["pro"],"operator":"exact","type":"person"}])"_s
        << QStringList{u"p2"_s, u"p1"_s};
    QTest::newRow("untyped means person")
        << uR"([{"key":"plan","value":"pro","operator":"exact"}])"_s
        << QStringList{u"p2"_s, u"p1"_s};
    QTest::newRow("two filters are ANDed")
        << uR"([{"key":"plan","value":"pro","operator":"exact","type":"person"},
               {"key":"age","value":30,"operator":"gt","type":"person"}])"_s
        << QStringList{u"p2"_s};
    QTest::newRow("icontains")
        << uR"([{"key":"email","value":"@ACME","operator":"icontains","type":"person"}])"_s
        << QStringList{u"p3"_s, u"p1"_s};
    QTest::newRow("is_not_set") << uR"([{"key":"age","operator":"is_not_set","type":"person"}])"_s
                                << QStringList{u"p3"_s};
    QTest::newRow("negation")
        << uR"([{"key":"plan","value":"pro","operator":"exact","type":"person","negation":true}])"_s
        << QStringList{u"p3"_s};
    QTest::newRow("empty list") << u"[]"_s << QStringList{u"p3"_s, u"p2"_s, u"p1"_s};
}

void TestPersons::propertyFilters()
{
    QFETCH(QString, filters);
    QFETCH(QStringList, expected);
    add({u"p1"_s}, {{u"plan"_s, u"pro"_s}, {u"age"_s, 25}, {u"email"_s, u"p1@acme.com"_s}});
    add({u"p2"_s}, {{u"plan"_s, u"pro"_s}, {u"age"_s, 35}, {u"email"_s, u"p2@other.com"_s}});
    add({u"p3"_s}, {{u"plan"_s, u"free"_s}, {u"email"_s, u"p3@acme.com"_s}});
    const auto reply = m_server->get(listWith(u"properties"_s, filters));
    QCOMPARE(reply.status, 200);
    QCOMPARE(distinctIdsOf(reply), expected);
}

void TestPersons::cohortFilters()
{
    const Person p1 = add({u"p1"_s}, {{u"plan"_s, u"pro"_s}});
    add({u"p2"_s}, {{u"plan"_s, u"free"_s}});
    const Person p3 = add({u"p3"_s}, {{u"plan"_s, u"free"_s}});
    const auto cohort =
        m_server->post(u"/api/projects/%1/cohorts/"_s.arg(m_server->projectId()),
                       QJsonObject{{u"name"_s, u"Hand-picked"_s},
                                   {u"is_static"_s, true},
                                   {u"_create_static_person_ids"_s, QJsonArray{p1.uuid, p3.uuid}}});
    QCOMPARE(cohort.status, 201);
    const qint64 id = cohort.object().value("id"_L1).toInteger();
    const auto in = m_server->get(
        listWith(u"properties"_s, uR"([{"key":"id","value":%1,"type":"cohort"}])"_s.arg(id)));
    QCOMPARE(in.status, 200);
    QCOMPARE(distinctIdsOf(in), (QStringList{u"p3"_s, u"p1"_s}));
    const auto out = m_server->get(
        listWith(u"properties"_s,
                 uR"([{"key":"id","value":%1,"type":"cohort","operator":"not_in"}])"_s.arg(id)));
    QCOMPARE(distinctIdsOf(out), QStringList{u"p2"_s});
    const auto both =
        m_server->get(listWith(u"properties"_s, uR"([{"key":"id","value":%1,"type":"cohort"},
                                       {"key":"plan","value":"free","type":"person"}])"_s.arg(id)));
    QCOMPARE(distinctIdsOf(both), QStringList{u"p3"_s});
    QCOMPARE(distinctIdsOf(m_server->get(listWith(u"cohort"_s, QString::number(id)))),
             (QStringList{u"p3"_s, u"p1"_s}));
    const auto missing = m_server->get(listWith(u"cohort"_s, u"999"_s));
    QCOMPARE(missing.status, 400);
    QCOMPARE(missing.object().value("attr"_L1), QJsonValue(u"cohort"_s));
}

void TestPersons::badPropertyFilters_data()
{
    QTest::addColumn<QString>("filters");
    QTest::addColumn<QString>("detail");
    QTest::newRow("not JSON") << u"[{"_s
                              << u"Properties are unparsable: expected a JSON list of property "
                                 "filters."_s;
    QTest::newRow("an object") << uR"({"key":"plan"})"_s
                               << u"Properties are unparsable: expected a JSON list of property "
                                  "filters."_s;
    QTest::newRow("not objects") << u"[1]"_s << u"Each property filter must be an object."_s;
    QTest::newRow("no key") << uR"([{"value":"x","type":"person"}])"_s
                            << u"A person property filter needs a key."_s;
    QTest::newRow("unknown operator")
        << uR"([{"key":"plan","value":"x","operator":"almost","type":"person"}])"_s
        << u"'almost' is not an operator for person properties."_s;
    QTest::newRow("event properties")
        << uR"([{"key":"$browser","value":"x","type":"event"}])"_s
        << u"Persons can be filtered by person properties and cohorts, not by 'event'."_s;
    QTest::newRow("unknown cohort") << uR"([{"key":"id","value":404,"type":"cohort"}])"_s
                                    << u"Cohort with id 404 does not exist."_s;
}

void TestPersons::badPropertyFilters()
{
    QFETCH(QString, filters);
    QFETCH(QString, detail);
    add({u"p1"_s}, {});
    const auto reply = m_server->get(listWith(u"properties"_s, filters));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object(), (QJsonObject{{u"type"_s, u"validation_error"_s},
                                          {u"code"_s, u"invalid_input"_s},
                                          {u"detail"_s, detail},
                                          {u"attr"_s, u"properties"_s}}));
}

void TestPersons::retrieveByIdAndUuid()
{
    const Person person =
        add({u"zoe"_s, u"zoe-2"_s}, {{u"name"_s, u"Zoe"_s}, {u"plan"_s, u"pro"_s}});
    const QJsonObject expected{
        {u"id"_s, person.id},
        {u"name"_s, u"Zoe"_s},
        {u"distinct_ids"_s, QJsonArray{u"zoe"_s, u"zoe-2"_s}},
        {u"properties"_s, QJsonObject{{u"name"_s, u"Zoe"_s}, {u"plan"_s, u"pro"_s}}},
        {u"created_at"_s, person.createdAt},
        {u"uuid"_s, person.uuid},
    };
    const auto byId = m_server->get(path(QString::number(person.id)));
    QCOMPARE(byId.status, 200);
    QCOMPARE(byId.object(), expected);
    const auto byUuid = m_server->get(path(person.uuid.toUpper() + u"/"_s));
    QCOMPARE(byUuid.status, 200);
    QCOMPARE(byUuid.object(), expected);
    QCOMPARE(m_server->get(path(u"987654"_s)).status, 404);
    QCOMPARE(m_server->get(path(u"00000000-0000-4000-8000-000000000000"_s)).status, 404);
}

void TestPersons::retrieveRefusesDistinctIds()
{
    add({u"zoe"_s}, {});
    const auto reply = m_server->get(path(u"zoe"_s));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value("detail"_L1),
             QJsonValue(u"The ID provided does not look like a personID. If you are using a "
                        "distinctId, please use /persons?distinct_id=zoe instead."_s));
}

void TestPersons::displayNames()
{
    const Person byEmail = add({u"n1"_s}, {{u"email"_s, u"e@x.io"_s}, {u"name"_s, u"Named"_s}});
    const Person byName = add({u"n2"_s}, {{u"email"_s, u""_s}, {u"Name"_s, u"Capital"_s}});
    const Person byIdentifiedId =
        add({u"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"_s, u"named-id"_s}, {});
    const Person anonymous = add({u"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"_s}, {});
    for (const auto &[person, name] :
         {std::pair{byEmail, u"e@x.io"_s}, std::pair{byName, u"Capital"_s},
          std::pair{byIdentifiedId, u"named-id"_s},
          std::pair{anonymous, u"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"_s}}) {
        const auto reply = m_server->get(path(QString::number(person.id)));
        QCOMPARE(reply.object().value("name"_L1), QJsonValue(name));
    }
}

void TestPersons::scopesAndProjects()
{
    const Person person = add({u"scoped"_s}, {});
    const QString reader = m_server->keyWithScopes({u"person:read"_s});
    QCOMPARE(m_server->get(path(), reader).status, 200);
    QCOMPARE(m_server->get(path(QString::number(person.id)), reader).status, 200);
    const QString other = m_server->keyWithScopes({u"feature_flag:read"_s, u"cohort:read"_s});
    const auto refused = m_server->get(path(), other);
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.object().value("detail"_L1),
             QJsonValue(u"API key missing required scope 'person:read'"_s));
    QCOMPARE(m_server->get(path(), QString()).status, 401);

    const qint64 second = m_server->createProject(u"Second"_s);
    const QString elsewhere = u"/api/projects/%1/persons/"_s.arg(second);
    QCOMPARE(m_server->get(elsewhere + QString::number(person.id)).status, 404);
    QCOMPARE(m_server->get(elsewhere + person.uuid).status, 404);
    const auto empty = m_server->get(elsewhere);
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.object().value("count"_L1), QJsonValue(0));
    const QString limited = m_server->keyWithScopes({u"*"_s}, {second});
    QCOMPARE(m_server->get(path(), limited).status, 404);
}

void TestPersons::setPropertiesCreatesAndUpdates()
{
    const Database &db = m_server->server().database();
    const qint64 project = m_server->projectId();
    Person created;
    db.transaction([&] {
        created = m_persons->updateProperties(project, u"new-user"_s, {{u"plan"_s, u"free"_s}},
                                              {{u"first_seen"_s, u"monday"_s}});
    });
    QCOMPARE(created.distinctIds, QStringList{u"new-user"_s});
    QCOMPARE(created.properties,
             (QJsonObject{{u"plan"_s, u"free"_s}, {u"first_seen"_s, u"monday"_s}}));
    QCOMPARE(created.isIdentified, false);

    db.transaction([&] {
        m_persons->updateProperties(
            project, u"new-user"_s, {{u"plan"_s, u"pro"_s}, {u"seats"_s, 3}},
            {{u"first_seen"_s, u"tuesday"_s}, {u"source"_s, u"ad"_s}}, {u"obsolete"_s});
    });
    db.transaction([&] {
        m_persons->updateProperties(project, u"new-user"_s, {{u"obsolete"_s, true}});
        m_persons->updateProperties(project, u"new-user"_s, {}, {}, {u"obsolete"_s});
    });
    const auto stored = m_persons->findByDistinctId(project, u"new-user"_s);
    QVERIFY(stored);
    QCOMPARE(stored->id, created.id);
    // $set overwrote, $set_once only filled what was missing, $unset removed.
    QCOMPARE(stored->properties, (QJsonObject{{u"plan"_s, u"pro"_s},
                                              {u"seats"_s, 3},
                                              {u"first_seen"_s, u"monday"_s},
                                              {u"source"_s, u"ad"_s}}));
    QCOMPARE(m_persons->all(project).size(), 1);
    // $set wins over $set_once for the same key in one event.
    const Person both = m_persons->updateProperties(project, u"other"_s, {{u"k"_s, u"set"_s}},
                                                    {{u"k"_s, u"once"_s}});
    QCOMPARE(both.properties.value("k"_L1), QJsonValue(u"set"_s));
}

void TestPersons::identifyCreatesOnePerson()
{
    const qint64 project = m_server->projectId();
    MergeResult result;
    m_server->server().database().transaction(
        [&] { result = m_persons->mergeDistinctIds(project, u"user@x.io"_s, u"anon-1"_s); });
    QVERIFY(result.created);
    QVERIFY(!result.merged);
    QVERIFY(result.person.isIdentified);
    QCOMPARE(result.person.distinctIds, (QStringList{u"anon-1"_s, u"user@x.io"_s}));
    QCOMPARE(m_persons->findByDistinctId(project, u"anon-1"_s)->id, result.person.id);
    QCOMPARE(m_persons->all(project).size(), 1);
}

void TestPersons::identifyAddsTheMissingId()
{
    const qint64 project = m_server->projectId();
    const Person anonymous = add({u"anon-2"_s}, {{u"seen"_s, true}});
    const MergeResult toAnonymous = m_persons->mergeDistinctIds(project, u"user-2"_s, u"anon-2"_s);
    QVERIFY(!toAnonymous.created && !toAnonymous.merged && !toAnonymous.refused);
    QCOMPARE(toAnonymous.person.id, anonymous.id);
    QCOMPARE(toAnonymous.person.distinctIds, (QStringList{u"anon-2"_s, u"user-2"_s}));
    QVERIFY(toAnonymous.person.isIdentified);

    const Person known = add({u"user-3"_s}, {});
    const MergeResult toKnown = m_persons->mergeDistinctIds(project, u"user-3"_s, u"anon-3"_s);
    QCOMPARE(toKnown.person.id, known.id);
    QCOMPARE(toKnown.person.distinctIds, (QStringList{u"anon-3"_s, u"user-3"_s}));

    const MergeResult again = m_persons->mergeDistinctIds(project, u"user-3"_s, u"anon-3"_s);
    QCOMPARE(again.person.id, known.id);
    QVERIFY(!again.merged && !again.created);
    QCOMPARE(m_persons->all(project).size(), 2);
}

void TestPersons::identifyMergesTwoPersons()
{
    const qint64 project = m_server->projectId();
    const Database &db = m_server->server().database();
    const Person source =
        add({u"anon-4"_s, u"anon-4b"_s}, {{u"plan"_s, u"free"_s}, {u"utm_source"_s, u"ad"_s}});
    QTest::qWait(5); // a later created_at for the target
    const Person target = add({u"user-4"_s}, {{u"plan"_s, u"pro"_s}, {u"email"_s, u"u@x.io"_s}});
    const Person bystander = add({u"someone-else"_s}, {});

    CohortRepository cohorts(db);
    qint64 both = 0;
    qint64 sourceOnly = 0;
    db.transaction([&] {
        both = cohorts.insert(project, {{u"name"_s, u"both"_s}, {u"is_static"_s, true}}, 0);
        sourceOnly = cohorts.insert(project, {{u"name"_s, u"source"_s}, {u"is_static"_s, true}}, 0);
        cohorts.addMembers(both, {source.id, target.id});
        cohorts.addMembers(sourceOnly, {source.id, bystander.id});
    });

    MergeResult result;
    db.transaction(
        [&] { result = m_persons->mergeDistinctIds(project, u"user-4"_s, u"anon-4"_s); });
    QVERIFY(result.merged);
    QVERIFY(!result.refused);
    QCOMPARE(result.person.id, target.id);
    QCOMPARE(result.person.uuid, target.uuid);
    QCOMPARE(result.person.distinctIds, (QStringList{u"anon-4"_s, u"anon-4b"_s, u"user-4"_s}));
    // The target's properties win; the source fills the rest.
    QCOMPARE(result.person.properties,
             (QJsonObject{
                 {u"plan"_s, u"pro"_s}, {u"utm_source"_s, u"ad"_s}, {u"email"_s, u"u@x.io"_s}}));
    QCOMPARE(result.person.createdAt, source.createdAt);
    QVERIFY(result.person.isIdentified);
    QVERIFY(!m_persons->find(project, source.id));
    QCOMPARE(m_persons->findByDistinctId(project, u"anon-4b"_s)->id, target.id);
    QCOMPARE(cohorts.members(both), QList<qint64>{target.id});
    QCOMPARE(cohorts.members(sourceOnly), (QList<qint64>{target.id, bystander.id}));
    QCOMPARE(m_persons->staticCohortIds(target.id), (QSet<qint64>{both, sourceOnly}));
    QCOMPARE(m_persons->all(project).size(), 2);
}

void TestPersons::identifyRefusesToMergeAnIdentifiedPerson()
{
    const qint64 project = m_server->projectId();
    const Person source = m_persons->create(project, {u"user-a"_s}, {{u"k"_s, 1}}, true);
    const Person target = add({u"user-b"_s}, {{u"k"_s, 2}});
    const MergeResult result = m_persons->mergeDistinctIds(project, u"user-b"_s, u"user-a"_s);
    QVERIFY(result.refused);
    QVERIFY(!result.merged);
    QCOMPARE(result.person.id, target.id);
    QCOMPARE(m_persons->findByDistinctId(project, u"user-a"_s)->id, source.id);
    QCOMPARE(m_persons->findByDistinctId(project, u"user-b"_s)->properties,
             (QJsonObject{{u"k"_s, 2}}));
}

void TestPersons::mergeDangerouslyMergesAnyway()
{
    const qint64 project = m_server->projectId();
    m_persons->create(project, {u"user-a"_s}, {{u"k"_s, 1}, {u"a"_s, true}}, true);
    const Person target = add({u"user-b"_s}, {{u"k"_s, 2}});
    MergeResult result;
    m_server->server().database().transaction(
        [&] { result = m_persons->mergeDistinctIds(project, u"user-b"_s, u"user-a"_s, true); });
    QVERIFY(result.merged);
    QCOMPARE(result.person.id, target.id);
    QCOMPARE(result.person.properties, (QJsonObject{{u"k"_s, 2}, {u"a"_s, true}}));
    QCOMPARE(m_persons->all(project).size(), 1);
}

void TestPersons::groupTypesListAndNames()
{
    const QString types = u"/api/projects/%1/groups_types/"_s.arg(m_server->projectId());
    QCOMPARE(m_server->get(types).json, QJsonValue(QJsonArray()));
    QCOMPARE(m_groups->ensureMapping(m_server->projectId(), u"company"_s), std::optional<int>(0));
    QCOMPARE(m_groups->ensureMapping(m_server->projectId(), u"team"_s), std::optional<int>(1));
    QCOMPARE(m_groups->ensureMapping(m_server->projectId(), u"company"_s), std::optional<int>(0));
    const auto listed = m_server->get(types);
    QCOMPARE(listed.status, 200);
    const QJsonObject company{
        {u"group_type"_s, u"company"_s},       {u"group_type_index"_s, 0},
        {u"name_singular"_s, QJsonValue()},    {u"name_plural"_s, QJsonValue()},
        {u"detail_dashboard"_s, QJsonValue()}, {u"default_columns"_s, QJsonValue()},
        {u"created_at"_s, QJsonValue()}};
    QCOMPARE(listed.json[0].toObject(), company);
    QCOMPARE(listed.json[1]["group_type"_L1], QJsonValue(u"team"_s));
    QCOMPARE(listed.json.toArray().size(), 2);

    const auto named = m_server->patch(types + u"update_metadata"_s,
                                       QJsonArray{QJsonObject{{u"group_type_index"_s, 1},
                                                              {u"name_singular"_s, u"Squad"_s},
                                                              {u"name_plural"_s, u"Squads"_s}}});
    QCOMPARE(named.status, 200);
    QCOMPARE(named.json[1]["name_singular"_L1], QJsonValue(u"Squad"_s));
    QCOMPARE(named.json[1]["name_plural"_L1], QJsonValue(u"Squads"_s));
    QCOMPARE(named.json[0].toObject(), company);
    // Only the names given change.
    const auto renamed = m_server->patch(
        types + u"update_metadata"_s,
        QJsonArray{QJsonObject{{u"group_type_index"_s, 1}, {u"name_plural"_s, QJsonValue()}}});
    QCOMPARE(renamed.json[1]["name_singular"_L1], QJsonValue(u"Squad"_s));
    QCOMPARE(renamed.json[1]["name_plural"_L1], QJsonValue());
    QCOMPARE(m_server->get(types).json, renamed.json);

    const auto unknown = m_server->patch(
        types + u"update_metadata"_s,
        QJsonArray{QJsonObject{{u"group_type_index"_s, 4}, {u"name_singular"_s, u"x"_s}}});
    QCOMPARE(unknown.status, 404);
    const auto badName = m_server->patch(
        types + u"update_metadata"_s,
        QJsonArray{QJsonObject{{u"group_type_index"_s, 0}, {u"name_singular"_s, 3}}});
    QCOMPARE(badName.status, 400);
    QCOMPARE(badName.object().value("attr"_L1), QJsonValue(u"name_singular"_s));
    QCOMPARE(m_server->patch(types + u"update_metadata"_s, QJsonObject{}).status, 400);
    QCOMPARE(m_server->get(types).json, renamed.json);
}

void TestPersons::groupTypeMappingsStopAtFive()
{
    const qint64 project = m_server->projectId();
    for (int i = 0; i < 5; ++i)
        QCOMPARE(m_groups->ensureMapping(project, u"type-%1"_s.arg(i)), std::optional<int>(i));
    QCOMPARE(m_groups->ensureMapping(project, u"sixth"_s), std::nullopt);
    QCOMPARE(m_groups->ensureMapping(project, u"type-3"_s), std::optional<int>(3));
    QCOMPARE(m_groups->mapping(project).value(4), u"type-4"_s);
    // Each project numbers its own group types.
    const qint64 second = m_server->createProject(u"Second"_s);
    QCOMPARE(m_groups->ensureMapping(second, u"sixth"_s), std::optional<int>(0));
    QCOMPARE(m_groups->indexOf(project, u"sixth"_s), std::nullopt);
}

void TestPersons::groupTypesScopes()
{
    m_groups->ensureMapping(m_server->projectId(), u"company"_s);
    const QString types = u"/api/projects/%1/groups_types/"_s.arg(m_server->projectId());
    const QString reader = m_server->keyWithScopes({u"group:read"_s});
    QCOMPARE(m_server->get(types, reader).status, 200);
    const auto refused = m_server->patch(
        types + u"update_metadata"_s,
        QJsonArray{QJsonObject{{u"group_type_index"_s, 0}, {u"name_singular"_s, u"Firm"_s}}},
        reader);
    QCOMPARE(refused.status, 403);
    QCOMPARE(m_server->get(types, m_server->keyWithScopes({u"person:read"_s})).status, 403);
    const qint64 second = m_server->createProject(u"Second"_s);
    QCOMPARE(m_server->get(u"/api/projects/%1/groups_types/"_s.arg(second)).json,
             QJsonValue(QJsonArray()));
}

void TestPersons::groupProperties()
{
    const qint64 project = m_server->projectId();
    const int index = *m_groups->ensureMapping(project, u"company"_s);
    QCOMPARE(m_groups->groupProperties(project, index, u"acme"_s), std::nullopt);
    m_groups->updateGroup(project, index, u"acme"_s, {{u"plan"_s, u"free"_s}, {u"size"_s, 10}});
    const QJsonObject updated =
        m_groups->updateGroup(project, index, u"acme"_s, {{u"plan"_s, u"enterprise"_s}});
    QCOMPARE(updated, (QJsonObject{{u"plan"_s, u"enterprise"_s}, {u"size"_s, 10}}));
    QCOMPARE(m_groups->groupProperties(project, index, u"acme"_s), std::optional(updated));
    QCOMPARE(m_groups->groupProperties(project, index + 1, u"acme"_s), std::nullopt);
}

QTEST_GUILESS_MAIN(TestPersons)
#include "tst_persons.moc"
