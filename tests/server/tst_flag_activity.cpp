// A flag's activity and the project's flag activity over real HTTP: PostHog's entry shape,
// every edit with field-level before and after, newest first, paged by limit and page; scopes
// and projects.
#include "test_server.h"

#include <QTest>
#include <QUuid>

using namespace Qt::StringLiterals;

class TestFlagActivity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void createdEntryShape();
    void everyEditInOrder();
    void pagination();
    void paginationLinksKeepTheUrl();
    void badPageParameters_data();
    void badPageParameters();
    void projectWideActivity();
    void emptyProject();
    void storedEntriesAsPostHogServesThem();
    void scopes();
    void otherProjects();

private:
    QString activity(qint64 flagId, const QString &query = {}) const;
    QJsonObject patchOk(qint64 flagId, const QJsonObject &body);
    QString base() const;
    std::unique_ptr<TestServer> m_server;
};

namespace {

QJsonObject rolloutFilters(int rollout)
{
    return {{u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray{}},
                                                 {u"rollout_percentage"_s, rollout}}}}};
}

QJsonObject change(const QString &action, const QString &field, const QJsonValue &before,
                   const QJsonValue &after)
{
    return {{u"type"_s, u"FeatureFlag"_s},
            {u"action"_s, action},
            {u"field"_s, field},
            {u"before"_s, before},
            {u"after"_s, after}};
}

QJsonObject detail(const QString &name, const QJsonArray &changes)
{
    return {{u"changes"_s, changes},
            {u"trigger"_s, QJsonValue()},
            {u"name"_s, name},
            {u"short_id"_s, QJsonValue()},
            {u"type"_s, QJsonValue()}};
}

const QJsonObject owner{{u"first_name"_s, u"Owner"_s}, {u"email"_s, u"owner@bunting.local"_s}};

qint64 idOf(const QJsonObject &flag)
{
    return flag.value("id"_L1).toInteger();
}

} // namespace

QString TestFlagActivity::activity(qint64 flagId, const QString &query) const
{
    return m_server->flags(QString::number(flagId) + u"/activity"_s + query);
}

QString TestFlagActivity::base() const
{
    return u"http://127.0.0.1:%1"_s.arg(m_server->port());
}

QJsonObject TestFlagActivity::patchOk(qint64 flagId, const QJsonObject &body)
{
    const auto reply = m_server->patch(m_server->flags(QString::number(flagId)), body);
    if (reply.status != 200)
        qWarning("PATCH answered %d: %s", reply.status, reply.body.constData());
    return reply.object();
}

void TestFlagActivity::createdEntryShape()
{
    const QJsonObject flag = m_server->createFlag({{u"key"_s, u"fresh"_s}});
    const auto reply = m_server->get(activity(idOf(flag)));
    QCOMPARE(reply.status, 200);
    const QJsonObject page = reply.object();
    QCOMPARE(page.keys(), (QStringList{u"next"_s, u"previous"_s, u"results"_s, u"total_count"_s}));
    QCOMPARE(page.value("total_count"_L1), QJsonValue(1));
    QCOMPARE(page.value("next"_L1), QJsonValue());
    QCOMPARE(page.value("previous"_L1), QJsonValue());
    const QJsonObject entry = page.value("results"_L1)[0].toObject();
    const QString id = entry.value("id"_L1).toString();
    QVERIFY(!QUuid::fromString(id).isNull());
    QCOMPARE(id.size(), 36);
    const QString createdAt = entry.value("created_at"_L1).toString();
    QVERIFY(createdAt.endsWith(u'Z'));
    QVERIFY(QDateTime::fromString(createdAt, Qt::ISODateWithMs).isValid());
    QCOMPARE(entry, (QJsonObject{{u"id"_s, id},
                                 {u"user"_s, owner},
                                 {u"activity"_s, u"created"_s},
                                 {u"scope"_s, u"FeatureFlag"_s},
                                 {u"item_id"_s, QString::number(idOf(flag))},
                                 {u"detail"_s, detail(u"fresh"_s, {})},
                                 {u"created_at"_s, createdAt}}));
}

void TestFlagActivity::everyEditInOrder()
{
    const QJsonObject v1 = m_server->createFlag({{u"key"_s, u"history"_s}});
    const qint64 id = idOf(v1);
    const QJsonObject v2 = patchOk(id, {{u"filters"_s, rolloutFilters(30)}});
    patchOk(id, {{u"name"_s, u"History flag"_s}});
    patchOk(id, {{u"tags"_s, QJsonArray{u"team-b"_s, u"team-a"_s}}});
    patchOk(id, {{u"active"_s, false}});
    const QJsonObject v6 = patchOk(id, {{u"deleted"_s, true}});
    QCOMPARE(v6.value("deleted"_L1), QJsonValue(true));
    const QJsonObject v7 = patchOk(id, {{u"deleted"_s, false}});
    QCOMPARE(v7.value("version"_L1), QJsonValue(7));

    const auto reply = m_server->get(activity(id));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value("total_count"_L1), QJsonValue(7));
    const QJsonArray results = reply.object().value("results"_L1).toArray();
    QCOMPARE(results.size(), 7);

    // As in PostHog, every change also records its version step.
    const auto step = [&](int after) {
        return change(u"changed"_s, u"version"_s, after - 1, after);
    };
    const QList<QPair<QString, QJsonObject>> expected{
        {u"restored"_s,
         detail(u"history"_s, {change(u"changed"_s, u"deleted"_s, true, false), step(7)})},
        {u"deleted"_s,
         detail(u"history"_s, {change(u"changed"_s, u"deleted"_s, false, true), step(6)})},
        {u"updated"_s,
         detail(u"history"_s, {change(u"changed"_s, u"active"_s, true, false), step(5)})},
        {u"updated"_s, detail(u"history"_s, {change(u"created"_s, u"tags"_s, QJsonValue(),
                                                    QJsonArray{u"team-a"_s, u"team-b"_s}),
                                             step(4)})},
        {u"updated"_s,
         detail(u"history"_s,
                {change(u"created"_s, u"name"_s, QJsonValue(), u"History flag"_s), step(3)})},
        {u"updated"_s, detail(u"history"_s, {change(u"changed"_s, u"filters"_s,
                                                    v1.value("filters"_L1), v2.value("filters"_L1)),
                                             step(2)})},
        {u"created"_s, detail(u"history"_s, {})},
    };
    QSet<QString> ids;
    for (qsizetype i = 0; i < results.size(); ++i) {
        const QJsonObject entry = results[i].toObject();
        QCOMPARE(entry.value("activity"_L1).toString(), expected[i].first);
        QCOMPARE(entry.value("detail"_L1).toObject(), expected[i].second);
        QCOMPARE(entry.value("user"_L1).toObject(), owner);
        QCOMPARE(entry.value("scope"_L1), QJsonValue(u"FeatureFlag"_s));
        QCOMPARE(entry.value("item_id"_L1), QJsonValue(QString::number(id)));
        ids.insert(entry.value("id"_L1).toString());
        if (i > 0)
            QVERIFY(entry.value("created_at"_L1).toString() <=
                    results[i - 1]["created_at"_L1].toString());
    }
    QCOMPARE(ids.size(), 7);
}

void TestFlagActivity::pagination()
{
    const qint64 id = idOf(m_server->createFlag({{u"key"_s, u"busy"_s}}));
    for (int rollout = 1; rollout <= 12; ++rollout)
        patchOk(id, {{u"filters"_s, rolloutFilters(rollout)}});

    // Newest first, page by page, nothing missed or repeated.
    QJsonArray all;
    for (int page = 1; page <= 3; ++page) {
        const auto reply = m_server->get(activity(id, u"?limit=5&page=%1"_s.arg(page)));
        QCOMPARE(reply.status, 200);
        const QJsonObject body = reply.object();
        QCOMPARE(body.value("total_count"_L1), QJsonValue(13));
        const QJsonArray results = body.value("results"_L1).toArray();
        QCOMPARE(results.size(), page < 3 ? 5 : 3);
        for (const QJsonValue &entry : results)
            all.append(entry);
        const QString path = base() + activity(id);
        QCOMPARE(body.value("next"_L1),
                 page < 3 ? QJsonValue(path + u"?limit=5&page=%1"_s.arg(page + 1)) : QJsonValue());
        QCOMPARE(body.value("previous"_L1),
                 page > 1 ? QJsonValue(path + u"?limit=5&page=%1"_s.arg(page - 1)) : QJsonValue());
    }
    QCOMPARE(all.size(), 13);
    for (qsizetype i = 0; i < 12; ++i) {
        const QJsonObject entry = all[i].toObject();
        QCOMPARE(entry.value("activity"_L1), QJsonValue(u"updated"_s));
        // The newest entry set rollout 12, the oldest update rollout 1.
        QCOMPARE(entry["detail"_L1]["changes"_L1][0]["after"_L1]["groups"_L1][0]
                      ["rollout_percentage"_L1],
                 QJsonValue(12 - i));
    }
    QCOMPARE(all[12]["activity"_L1], QJsonValue(u"created"_s));

    // The default page is 10 entries long.
    const auto first = m_server->get(activity(id));
    QCOMPARE(first.object().value("results"_L1).toArray().size(), 10);
    QCOMPARE(first.object().value("next"_L1),
             QJsonValue(base() + activity(id) + u"?page=2&limit=10"_s));
    const auto second = m_server->get(activity(id, u"?page=2"_s));
    QCOMPARE(second.object().value("results"_L1).toArray().size(), 3);
    QCOMPARE(second.object().value("next"_L1), QJsonValue());
    QCOMPARE(second.object().value("previous"_L1),
             QJsonValue(base() + activity(id) + u"?page=1&limit=10"_s));

    // A limit larger than everything is one page; one past the last page is none.
    const auto everything = m_server->get(activity(id, u"?limit=99999999999999999999999"_s));
    QCOMPARE(everything.status, 200);
    QCOMPARE(everything.object().value("results"_L1).toArray(), all);
    QCOMPARE(everything.object().value("next"_L1), QJsonValue());
    const auto past = m_server->get(activity(id, u"?limit=5&page=4"_s));
    QCOMPARE(past.status, 404);
    QCOMPARE(past.object(), (QJsonObject{{u"type"_s, u"invalid_request"_s},
                                         {u"code"_s, u"not_found"_s},
                                         {u"detail"_s, u"Invalid page."_s},
                                         {u"attr"_s, QJsonValue()}}));
}

void TestFlagActivity::paginationLinksKeepTheUrl()
{
    const qint64 id = idOf(m_server->createFlag({{u"key"_s, u"links"_s}}));
    for (int rollout = 1; rollout <= 3; ++rollout)
        patchOk(id, {{u"filters"_s, rolloutFilters(rollout)}});
    const QString slash = m_server->flags(QString::number(id) + u"/activity/"_s);
    // The page and limit a URL has are replaced where they are; other parameters stay.
    const auto reply = m_server->get(slash + u"?page=2&foo=bar&limit=1"_s);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value("next"_L1),
             QJsonValue(base() + slash + u"?page=3&foo=bar&limit=1"_s));
    QCOMPARE(reply.object().value("previous"_L1),
             QJsonValue(base() + slash + u"?page=1&foo=bar&limit=1"_s));
    // "2.0" is the integer 2 for PostHog's serializer; the link keeps what it does not match.
    const auto decimal = m_server->get(slash + u"?limit=2.0"_s);
    QCOMPARE(decimal.status, 200);
    QCOMPARE(decimal.object().value("results"_L1).toArray().size(), 2);
    QCOMPARE(decimal.object().value("next"_L1),
             QJsonValue(base() + slash + u"?limit=2.0&page=2"_s));
}

void TestFlagActivity::badPageParameters_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QString>("attr");
    const QString minimum = u"Ensure this value is greater than or equal to 1."_s;
    const QString integer = u"A valid integer is required."_s;
    QTest::newRow("limit 0") << u"?limit=0"_s << u"min_value"_s << minimum << u"limit"_s;
    QTest::newRow("negative page") << u"?page=-3"_s << u"min_value"_s << minimum << u"page"_s;
    QTest::newRow("huge negative page")
        << u"?page=-99999999999999999999999"_s << u"min_value"_s << minimum << u"page"_s;
    QTest::newRow("limit text") << u"?limit=abc"_s << u"invalid"_s << integer << u"limit"_s;
    QTest::newRow("empty page") << u"?page="_s << u"invalid"_s << integer << u"page"_s;
    QTest::newRow("fraction") << u"?limit=2.5"_s << u"invalid"_s << integer << u"limit"_s;
    QTest::newRow("limit reported first")
        << u"?page=x&limit=x"_s << u"invalid"_s << integer << u"limit"_s;
    QTest::newRow("too long") << u"?limit="_s + QString(1001, u'1') << u"max_string_length"_s
                              << u"String value too large."_s << u"limit"_s;
}

void TestFlagActivity::badPageParameters()
{
    QFETCH(QString, query);
    const qint64 id = idOf(m_server->createFlag({{u"key"_s, u"params"_s}}));
    QFETCH(QString, code);
    QFETCH(QString, detail);
    QFETCH(QString, attr);
    const QJsonObject expected{{u"type"_s, u"validation_error"_s},
                               {u"code"_s, code},
                               {u"detail"_s, detail},
                               {u"attr"_s, attr}};
    for (const QString &path : {activity(id, query), m_server->flags(u"activity"_s + query)}) {
        const auto reply = m_server->get(path);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.object(), expected);
    }
}

void TestFlagActivity::projectWideActivity()
{
    const qint64 a = idOf(m_server->createFlag({{u"key"_s, u"flag-a"_s}}));
    const qint64 b = idOf(m_server->createFlag({{u"key"_s, u"flag-b"_s}}));
    patchOk(a, {{u"name"_s, u"A"_s}});
    patchOk(b, {{u"active"_s, false}});
    patchOk(a, {{u"deleted"_s, true}}); // a deleted flag's history stays
    const qint64 other = m_server->createProject(u"Other"_s);
    QCOMPARE(m_server
                 ->post(u"/api/projects/%1/feature_flags/"_s.arg(other),
                        QJsonObject{{u"key"_s, u"elsewhere"_s}})
                 .status,
             201);

    const auto reply = m_server->get(m_server->flags(u"activity"_s));
    QCOMPARE(reply.status, 200);
    const QJsonObject body = reply.object();
    QCOMPARE(body.value("total_count"_L1), QJsonValue(5));
    const QJsonArray results = body.value("results"_L1).toArray();
    const QList<QPair<qint64, QString>> expected{{a, u"deleted"_s},
                                                 {b, u"updated"_s},
                                                 {a, u"updated"_s},
                                                 {b, u"created"_s},
                                                 {a, u"created"_s}};
    QCOMPARE(results.size(), expected.size());
    for (qsizetype i = 0; i < results.size(); ++i) {
        QCOMPARE(results[i]["item_id"_L1], QJsonValue(QString::number(expected[i].first)));
        QCOMPARE(results[i]["activity"_L1], QJsonValue(expected[i].second));
        QCOMPARE(results[i]["detail"_L1]["name"_L1],
                 QJsonValue(expected[i].first == a ? u"flag-a"_s : u"flag-b"_s));
    }
    // Each flag's own activity is the part of it about that flag.
    const QJsonArray ofA = m_server->get(activity(a)).object().value("results"_L1).toArray();
    QCOMPARE(ofA, (QJsonArray{results[0], results[2], results[4]}));

    const auto paged = m_server->get(m_server->flags(u"activity?limit=2&page=3"_s));
    QCOMPARE(paged.object().value("results"_L1).toArray(), QJsonArray{results[4]});
    QCOMPARE(paged.object().value("next"_L1), QJsonValue());
    QCOMPARE(paged.object().value("previous"_L1),
             QJsonValue(base() + m_server->flags(u"activity?limit=2&page=2"_s)));

    // The other project sees only its own flag.
    const auto theirs = m_server->get(u"/api/projects/%1/feature_flags/activity"_s.arg(other));
    QCOMPARE(theirs.status, 200);
    QCOMPARE(theirs.object().value("total_count"_L1), QJsonValue(1));
    QCOMPARE(theirs.object()["results"_L1][0]["detail"_L1]["name"_L1], QJsonValue(u"elsewhere"_s));
}

void TestFlagActivity::emptyProject()
{
    const auto reply = m_server->get(m_server->flags(u"activity"_s));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(), (QJsonObject{{u"results"_s, QJsonArray{}},
                                          {u"next"_s, QJsonValue()},
                                          {u"previous"_s, QJsonValue()},
                                          {u"total_count"_s, 0}}));
    QCOMPARE(m_server->get(m_server->flags(u"activity?page=2"_s)).status, 404);
}

void TestFlagActivity::storedEntriesAsPostHogServesThem()
{
    const qint64 id = idOf(m_server->createFlag({{u"key"_s, u"stored"_s}}));
    const auto &db = m_server->server().database();
    const auto insert = [&](const QString &uuid, const QVariant &userId, const QString &detail,
                            const QString &at) {
        db.exec(u"INSERT INTO activity_log (uuid, project_id, scope, item_id, activity, user_id, "
                "detail, created_at) VALUES (?, ?, 'FeatureFlag', ?, 'updated', ?, ?, ?)"_s,
                {uuid, m_server->projectId(), QString::number(id), userId, detail, at});
    };
    // A change a job made without a user, one by a user since removed, and a detail written in
    // an older shape: DRF serves the keys a detail has, nulls as nulls.
    insert(u"11111111-1111-4111-8111-111111111111"_s, QVariant(QMetaType(QMetaType::LongLong)),
           uR"({"name": "stored", "changes": null, "trigger": {"job_type": "scheduled_change",
               "job_id": "7", "payload": {"scheduled_change_id": 7}, "extra": 1}})"_s,
           u"2999-01-01T00:00:02.000000Z"_s);
    insert(u"22222222-2222-4222-8222-222222222222"_s, 987654, uR"({"id": 5, "merge": null,
           "changes": [{"type": "FeatureFlag", "action": "changed", "field": "name",
           "before": "a", "after": "b", "extra": true}], "context": {"x": 1}})"_s,
           u"2999-01-01T00:00:01.000000Z"_s);
    insert(u"33333333-3333-4333-8333-333333333333"_s, QVariant(QMetaType(QMetaType::LongLong)),
           u"not json"_s, u"2999-01-01T00:00:00.000000Z"_s);

    const QJsonArray results = m_server->get(activity(id)).object().value("results"_L1).toArray();
    QCOMPARE(results.size(), 4);
    const QJsonObject system{
        {u"first_name"_s, u"System"_s}, {u"email"_s, QJsonValue()}, {u"is_system"_s, true}};
    QCOMPARE(
        results[0].toObject(),
        (QJsonObject{
            {u"id"_s, u"11111111-1111-4111-8111-111111111111"_s},
            {u"user"_s, system},
            {u"activity"_s, u"updated"_s},
            {u"scope"_s, u"FeatureFlag"_s},
            {u"item_id"_s, QString::number(id)},
            {u"detail"_s, QJsonObject{{u"name"_s, u"stored"_s},
                                      {u"changes"_s, QJsonValue()},
                                      {u"trigger"_s,
                                       QJsonObject{{u"job_type"_s, u"scheduled_change"_s},
                                                   {u"job_id"_s, u"7"_s},
                                                   {u"payload"_s,
                                                    QJsonObject{{u"scheduled_change_id"_s, 7}}}}}}},
            {u"created_at"_s, u"2999-01-01T00:00:02.000000Z"_s}}));
    QCOMPARE(results[1]["user"_L1].toObject(),
             (QJsonObject{{u"first_name"_s, u""_s}, {u"email"_s, u""_s}}));
    QCOMPARE(
        results[1]["detail"_L1].toObject(),
        (QJsonObject{{u"id"_s, u"5"_s},
                     {u"merge"_s, QJsonValue()},
                     {u"changes"_s, QJsonArray{change(u"changed"_s, u"name"_s, u"a"_s, u"b"_s)}}}));
    QCOMPARE(results[2]["detail"_L1], QJsonValue());
    QCOMPARE(results[3]["activity"_L1], QJsonValue(u"created"_s));
}

void TestFlagActivity::scopes()
{
    const qint64 id = idOf(m_server->createFlag({{u"key"_s, u"scoped"_s}}));
    const QString flagsOnly = m_server->keyWithScopes({u"feature_flag:read"_s});
    const QString activityOnly = m_server->keyWithScopes({u"activity_log:read"_s});
    const QJsonObject missing{
        {u"type"_s, u"authentication_error"_s},
        {u"code"_s, u"permission_denied"_s},
        {u"detail"_s, u"API key missing required scope 'activity_log:read'"_s},
        {u"attr"_s, QJsonValue()}};
    for (const QString &path : {activity(id), m_server->flags(u"activity"_s)}) {
        const auto denied = m_server->get(path, flagsOnly);
        QCOMPARE(denied.status, 403);
        QCOMPARE(denied.object(), missing);
        QCOMPARE(m_server->get(path, activityOnly).status, 200);
        QCOMPARE(m_server->get(path, u""_s).status, 401);
    }
}

void TestFlagActivity::otherProjects()
{
    const qint64 other = m_server->createProject(u"Other"_s);
    const auto created = m_server->post(u"/api/projects/%1/feature_flags/"_s.arg(other),
                                        QJsonObject{{u"key"_s, u"theirs"_s}});
    QCOMPARE(created.status, 201);
    const qint64 theirs = idOf(created.object());

    // PostHog answers 404 without a body for a flag the project does not have.
    for (qint64 id : {theirs, qint64(987654)}) {
        const auto reply = m_server->get(activity(id));
        QCOMPARE(reply.status, 404);
        QVERIFY(reply.body.isEmpty());
    }
    QCOMPARE(m_server->get(m_server->flags(u"abc/activity"_s)).status, 404);
    QCOMPARE(m_server->get(u"/api/projects/%1/feature_flags/%2/activity"_s.arg(other).arg(theirs))
                 .status,
             200);
    // A key kept to the other project reaches nothing here.
    const QString limited = m_server->keyWithScopes({u"activity_log:read"_s}, {other});
    QVERIFY(m_server->get(m_server->flags(u"activity"_s), limited).status >= 400);
}

QTEST_GUILESS_MAIN(TestFlagActivity)
#include "tst_flag_activity.moc"
