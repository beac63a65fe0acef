// Actions on many flags over real HTTP: bulk delete (by ids and by filters, with the flags that
// cannot go reported), bulk keys, bulk tag updates, and a flag's dependent flags.
#include "test_server.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QJsonObject rollout(double percentage)
{
    return QJsonObject{
        {u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray{}},
                                             {u"rollout_percentage"_s, percentage}}}}};
}

// Conditions on other flags being true.
QJsonObject dependsOn(const QList<qint64> &ids)
{
    QJsonArray properties;
    for (qint64 id : ids)
        properties.append(QJsonObject{{u"key"_s, QString::number(id)},
                                      {u"type"_s, u"flag"_s},
                                      {u"value"_s, true},
                                      {u"operator"_s, u"flag_evaluates_to"_s}});
    return QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, properties},
                                                            {u"rollout_percentage"_s, 100}}}}};
}

} // namespace

class TestFlagBulk : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void deleteByIds();
    void deleteReportsRolloutState();
    void deleteReportsBadAndMissingIds();
    void deleteRefusesFlagsOthersDependOn();
    void deleteTakesDependentsInTheSameRequest();
    void deleteReportsWhatTheServiceRefuses();
    void deleteByFilters();
    void deleteRejectsBadRequests_data();
    void deleteRejectsBadRequests();
    void deleteNeedsWriteScope();

    void keys();
    void keysRejectsOnlyInvalidIds();

    void updateTagsAdd();
    void updateTagsRemoveAndSet();
    void updateTagsSkipsMissingAndOtherProjects();
    void updateTagsReachesDeletedFlags();
    void updateTagsValidation_data();
    void updateTagsValidation();
    void updateTagsNeedsWriteScope();

    void dependentFlags();
    void dependentFlagsOfOtherProjects();

private:
    qint64 create(const QJsonObject &body);
    QJsonObject flag(qint64 id);
    qint64 countRows(const QString &table, const QString &where = {});
    TestServer::Reply bulkDelete(const QJsonValue &body,
                                 const QString &key = TestServer::ownerKeyMarker());
    TestServer::Reply updateTags(const QJsonValue &body,
                                 const QString &key = TestServer::ownerKeyMarker());

    std::unique_ptr<TestServer> m_server;
};

qint64 TestFlagBulk::create(const QJsonObject &body)
{
    const qint64 id = m_server->createFlag(body).value("id"_L1).toInteger();
    if (id <= 0)
        qWarning("flag %s was not created", qPrintable(body.value("key"_L1).toString()));
    return id;
}

QJsonObject TestFlagBulk::flag(qint64 id)
{
    return m_server->get(m_server->flags(QString::number(id))).object();
}

qint64 TestFlagBulk::countRows(const QString &table, const QString &where)
{
    return m_server->server()
        .database()
        .scalar(u"SELECT COUNT(*) FROM "_s + table +
                (where.isEmpty() ? QString() : u" WHERE "_s + where))
        .value_or(0)
        .toLongLong();
}

TestServer::Reply TestFlagBulk::bulkDelete(const QJsonValue &body, const QString &key)
{
    return m_server->post(m_server->flags(u"bulk_delete/"_s), body, key);
}

TestServer::Reply TestFlagBulk::updateTags(const QJsonValue &body, const QString &key)
{
    return m_server->post(m_server->flags(u"bulk_update_tags/"_s), body, key);
}

void TestFlagBulk::deleteByIds()
{
    const qint64 a = create({{u"key"_s, u"a"_s}, {u"filters"_s, rollout(30)}});
    const qint64 b = create({{u"key"_s, u"b"_s}, {u"filters"_s, rollout(30)}});
    const qint64 kept = create({{u"key"_s, u"kept"_s}});
    const auto reply = bulkDelete(QJsonObject{{u"ids"_s, QJsonArray{a, QString::number(b)}}});
    QCOMPARE(reply.status, 200);
    QJsonArray deleted = reply.object().value("deleted"_L1).toArray();
    QCOMPARE(deleted.size(), 2);
    QCOMPARE(reply.object().value("errors"_L1), QJsonValue(QJsonArray()));
    QSet<qint64> ids;
    for (const QJsonValue &d : deleted) {
        const QJsonObject entry = d.toObject();
        QCOMPARE(entry.keys(),
                 (QStringList{u"active_variant"_s, u"id"_s, u"key"_s, u"rollout_state"_s}));
        QCOMPARE(entry.value("rollout_state"_L1), QJsonValue(u"partial"_s));
        ids.insert(entry.value("id"_L1).toInteger());
    }
    QCOMPARE(ids, (QSet<qint64>{a, b}));

    // Soft deletes as PostHog's bulk_delete writes them (rest-api-behaviour.md §3.8): no new
    // version, one `deleted` activity entry each with no changes and the flag's key.
    for (qint64 id : {a, b}) {
        const QJsonObject now = flag(id);
        QCOMPARE(now.value("deleted"_L1), QJsonValue(true));
        QCOMPARE(now.value("version"_L1), QJsonValue(1));
        QCOMPARE(countRows(u"activity_log"_s, u"item_id = '%1' AND activity = 'deleted'"_s.arg(id)),
                 1);
    }
    const QJsonObject entry = m_server->get(m_server->flags(u"%1/activity/"_s.arg(a)))
                                  .object()["results"_L1][0]
                                  .toObject();
    QCOMPARE(entry.value("activity"_L1), QJsonValue(u"deleted"_s));
    QCOMPARE(entry["detail"_L1]["changes"_L1], QJsonValue(QJsonArray()));
    QCOMPARE(entry["detail"_L1]["name"_L1], QJsonValue(u"a"_s));
    QCOMPARE(flag(kept).value("deleted"_L1), QJsonValue(false));
    QCOMPARE(countRows(u"feature_flag_versions"_s), 3);
    // Version 1 still reads as the flag is now.
    QCOMPARE(m_server->get(m_server->flags(u"%1/versions/1"_s.arg(a))).object().value("deleted"_L1),
             QJsonValue(true));
    const QJsonArray listed =
        m_server->get(m_server->flags()).object().value("results"_L1).toArray();
    QCOMPARE(listed.size(), 1);

    // Deleted flags are no longer there to delete.
    const auto again = bulkDelete(QJsonObject{{u"ids"_s, QJsonArray{a}}});
    QCOMPARE(again.object(),
             (QJsonObject{{u"deleted"_s, QJsonArray()},
                          {u"errors"_s, QJsonArray{QJsonObject{
                                            {u"id"_s, a}, {u"reason"_s, u"Flag not found"_s}}}}}));
}

void TestFlagBulk::deleteReportsRolloutState()
{
    const qint64 full = create({{u"key"_s, u"full"_s}, {u"filters"_s, rollout(100)}});
    const qint64 zero = create({{u"key"_s, u"zero"_s}, {u"filters"_s, rollout(0)}});
    QJsonObject variants = rollout(100);
    variants.insert(
        u"multivariate"_s,
        QJsonObject{
            {u"variants"_s,
             QJsonArray{QJsonObject{{u"key"_s, u"control"_s}, {u"rollout_percentage"_s, 0}},
                        QJsonObject{{u"key"_s, u"test"_s}, {u"rollout_percentage"_s, 100}}}}});
    const qint64 variant = create({{u"key"_s, u"variant"_s}, {u"filters"_s, variants}});
    const auto reply = bulkDelete(QJsonObject{{u"ids"_s, QJsonArray{full, zero, variant}}});
    QCOMPARE(reply.status, 200);
    QHash<qint64, QJsonObject> byId;
    for (const QJsonValue &d : reply.object().value("deleted"_L1).toArray())
        byId.insert(d.toObject().value("id"_L1).toInteger(), d.toObject());
    QCOMPARE(byId.value(full), (QJsonObject{{u"id"_s, full},
                                            {u"key"_s, u"full"_s},
                                            {u"rollout_state"_s, u"fully_rolled_out"_s},
                                            {u"active_variant"_s, QJsonValue()}}));
    QCOMPARE(byId.value(zero).value("rollout_state"_L1), QJsonValue(u"not_rolled_out"_s));
    QCOMPARE(byId.value(variant).value("rollout_state"_L1), QJsonValue(u"fully_rolled_out"_s));
    QCOMPARE(byId.value(variant).value("active_variant"_L1), QJsonValue(u"test"_s));
}

void TestFlagBulk::deleteReportsBadAndMissingIds()
{
    const qint64 mine = create({{u"key"_s, u"mine"_s}});
    const qint64 second = m_server->createProject(u"Second"_s);
    const qint64 theirs = m_server
                              ->post(u"/api/projects/%1/feature_flags/"_s.arg(second),
                                     QJsonObject{{u"key"_s, u"theirs"_s}})
                              .object()
                              .value("id"_L1)
                              .toInteger();
    QVERIFY(theirs > 0);
    const auto reply = bulkDelete(QJsonObject{
        {u"ids"_s, QJsonArray{u"abc"_s, mine, 99999, theirs, 1.5, u"-3"_s, QJsonValue()}}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value("deleted"_L1).toArray().size(), 1);
    QCOMPARE(reply.object().value("errors"_L1),
             QJsonValue(QJsonArray{
                 QJsonObject{{u"id"_s, u"abc"_s}, {u"reason"_s, u"Invalid flag ID format"_s}},
                 QJsonObject{{u"id"_s, 99999}, {u"reason"_s, u"Flag not found"_s}},
                 QJsonObject{{u"id"_s, theirs}, {u"reason"_s, u"Flag not found"_s}},
                 QJsonObject{{u"id"_s, 1.5}, {u"reason"_s, u"Invalid flag ID format"_s}},
                 QJsonObject{{u"id"_s, u"-3"_s}, {u"reason"_s, u"Invalid flag ID format"_s}},
                 QJsonObject{{u"id"_s, QJsonValue()}, {u"reason"_s, u"Invalid flag ID format"_s}},
             }));
    // The other project's flag is untouched.
    QCOMPARE(m_server->get(u"/api/projects/%1/feature_flags/%2"_s.arg(second).arg(theirs))
                 .object()
                 .value("deleted"_L1),
             QJsonValue(false));
}

void TestFlagBulk::deleteRefusesFlagsOthersDependOn()
{
    const qint64 base = create({{u"key"_s, u"base"_s}});
    QList<qint64> dependents;
    for (const QString &key : {u"dep-d"_s, u"dep-a"_s, u"dep-c"_s, u"dep-b"_s})
        dependents.append(create({{u"key"_s, key}, {u"filters"_s, dependsOn({base})}}));
    // Disabled and deleted flags do not hold it.
    create({{u"key"_s, u"dep-off"_s}, {u"filters"_s, dependsOn({base})}, {u"active"_s, false}});
    const qint64 free = create({{u"key"_s, u"free"_s}});

    const auto reply = bulkDelete(QJsonObject{{u"ids"_s, QJsonArray{base, free}}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value("deleted"_L1).toArray().size(), 1);
    QCOMPARE(reply.object().value("deleted"_L1)[0]["id"_L1], QJsonValue(free));
    const QString reason = u"Cannot delete because other flags depend on it: dep-a (ID: %1), dep-b "
                           "(ID: %2), dep-c (ID: %3), and 1 more"_s.arg(dependents[1])
                               .arg(dependents[3])
                               .arg(dependents[2]);
    QCOMPARE(reply.object().value("errors"_L1),
             QJsonValue(QJsonArray{
                 QJsonObject{{u"id"_s, base}, {u"key"_s, u"base"_s}, {u"reason"_s, reason}}}));
    QCOMPARE(flag(base).value("deleted"_L1), QJsonValue(false));
    QCOMPARE(flag(base).value("version"_L1), QJsonValue(1));
}

void TestFlagBulk::deleteTakesDependentsInTheSameRequest()
{
    // Created before what they depend on, so newest first would meet base first.
    const qint64 top = create({{u"key"_s, u"top"_s}});
    const qint64 middle = create({{u"key"_s, u"middle"_s}});
    const qint64 base = create({{u"key"_s, u"base"_s}});
    QCOMPARE(m_server
                 ->patch(m_server->flags(QString::number(middle)),
                         QJsonObject{{u"filters"_s, dependsOn({base})}})
                 .status,
             200);
    QCOMPARE(m_server
                 ->patch(m_server->flags(QString::number(top)),
                         QJsonObject{{u"filters"_s, dependsOn({middle, base})}})
                 .status,
             200);
    // The server deletes the dependents before what they depend on.
    const auto reply = bulkDelete(QJsonObject{{u"ids"_s, QJsonArray{base, middle, top}}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value("errors"_L1), QJsonValue(QJsonArray()));
    QStringList order;
    for (const QJsonValue &d : reply.object().value("deleted"_L1).toArray())
        order.append(d.toObject().value("key"_L1).toString());
    QCOMPARE(order, (QStringList{u"top"_s, u"middle"_s, u"base"_s}));
    for (qint64 id : {base, middle, top})
        QCOMPARE(flag(id).value("deleted"_L1), QJsonValue(true));
}

void TestFlagBulk::deleteReportsWhatTheServiceRefuses()
{
    // c depends on a and is held by d, outside the request: c stays, and so a must too.
    const qint64 a = create({{u"key"_s, u"a"_s}});
    const qint64 c = create({{u"key"_s, u"c"_s}, {u"filters"_s, dependsOn({a})}});
    const qint64 d = create({{u"key"_s, u"d"_s}, {u"filters"_s, dependsOn({c})}});
    const auto reply = bulkDelete(QJsonObject{{u"ids"_s, QJsonArray{a, c}}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value("deleted"_L1), QJsonValue(QJsonArray()));
    QCOMPARE(reply.object().value("errors"_L1),
             QJsonValue(QJsonArray{
                 QJsonObject{{u"id"_s, c},
                             {u"key"_s, u"c"_s},
                             {u"reason"_s, u"Cannot delete because other flags depend on it: d "
                                           "(ID: %1)"_s.arg(d)}},
                 QJsonObject{{u"id"_s, a},
                             {u"key"_s, u"a"_s},
                             {u"reason"_s, u"Cannot delete because other flags depend on it: "
                                           "c (ID: %1)"_s.arg(c)}}}));
    QCOMPARE(countRows(u"activity_log"_s, u"activity = 'deleted'"_s), 0);
}

void TestFlagBulk::deleteByFilters()
{
    create({{u"key"_s, u"old-one"_s}, {u"tags"_s, QJsonArray{u"cleanup"_s}}});
    create({{u"key"_s, u"old-two"_s}, {u"active"_s, false}});
    create({{u"key"_s, u"current"_s}, {u"tags"_s, QJsonArray{u"cleanup"_s}}});

    const auto bySearch = bulkDelete(
        QJsonObject{{u"filters"_s, QJsonObject{{u"search"_s, u"OLD"_s}, {u"active"_s, true}}}});
    QCOMPARE(bySearch.status, 200);
    QCOMPARE(bySearch.object().value("deleted"_L1).toArray().size(), 1);
    QCOMPARE(bySearch.object().value("deleted"_L1)[0]["key"_L1], QJsonValue(u"old-one"_s));

    // JSON values as the list's query strings would carry them.
    const auto byActive =
        bulkDelete(QJsonObject{{u"filters"_s, QJsonObject{{u"active"_s, false}}}});
    QCOMPARE(byActive.object().value("deleted"_L1)[0]["key"_L1], QJsonValue(u"old-two"_s));
    const auto byTags =
        bulkDelete(QJsonObject{{u"filters"_s, QJsonObject{{u"tags"_s, QJsonArray{u"cleanup"_s}}}}});
    QCOMPARE(byTags.object().value("deleted"_L1).toArray().size(), 1);
    QCOMPARE(byTags.object().value("deleted"_L1)[0]["key"_L1], QJsonValue(u"current"_s));
    QCOMPARE(m_server->get(m_server->flags()).object().value("count"_L1), QJsonValue(0));
    // Matching nothing deletes nothing.
    const auto none = bulkDelete(QJsonObject{{u"filters"_s, QJsonObject{{u"search"_s, u"zzz"_s}}}});
    QCOMPARE(none.object(),
             (QJsonObject{{u"deleted"_s, QJsonArray()}, {u"errors"_s, QJsonArray()}}));
}

void TestFlagBulk::deleteRejectsBadRequests_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("error");
    QTest::newRow("both") << QJsonObject{{u"ids"_s, QJsonArray{1}},
                                         {u"filters"_s, QJsonObject{{u"search"_s, u"a"_s}}}}
                          << u"Provide either filters or ids, not both"_s;
    QTest::newRow("neither") << QJsonObject{} << u"Must provide either filters or ids"_s;
    QTest::newRow("empty both") << QJsonObject{{u"ids"_s, QJsonArray()},
                                               {u"filters"_s, QJsonObject()}}
                                << u"Must provide either filters or ids"_s;
    QTest::newRow("unknown filters")
        << QJsonObject{{u"filters"_s,
                        QJsonObject{{u"zeta"_s, 1}, {u"search"_s, u"a"_s}, {u"bogus"_s, true}}}}
        << u"Unknown filter keys: bogus, zeta"_s;
    QTest::newRow("order is no filter")
        << QJsonObject{{u"filters"_s, QJsonObject{{u"order"_s, u"key"_s}}}}
        << u"Unknown filter keys: order"_s;
    QTest::newRow("filters not an object")
        << QJsonObject{{u"filters"_s, u"search=a"_s}} << u"Filters must be an object"_s;
    QTest::newRow("ids not a list") << QJsonObject{{u"ids"_s, u"1,2"_s}} << u"ids must be a list"_s;
    QTest::newRow("bad creator") << QJsonObject{{u"filters"_s,
                                                 QJsonObject{{u"created_by_id"_s, u"me"_s}}}}
                                 << u"Field 'created_by_id' expected a number but got 'me'."_s;
}

void TestFlagBulk::deleteRejectsBadRequests()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, error);
    create({{u"key"_s, u"a"_s}});
    const auto reply = bulkDelete(body);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object(), (QJsonObject{{u"error"_s, error}}));
    QCOMPARE(countRows(u"feature_flags"_s, u"deleted = 1"_s), 0);
    QCOMPARE(countRows(u"feature_flag_versions"_s), 1);
}

void TestFlagBulk::deleteNeedsWriteScope()
{
    const qint64 id = create({{u"key"_s, u"a"_s}});
    const auto denied = bulkDelete(QJsonObject{{u"ids"_s, QJsonArray{id}}},
                                   m_server->keyWithScopes({u"feature_flag:read"_s}));
    QCOMPARE(denied.status, 403);
    QCOMPARE(denied.object().value("detail"_L1),
             QJsonValue(u"API key missing required scope 'feature_flag:write'"_s));
    QCOMPARE(flag(id).value("deleted"_L1), QJsonValue(false));
    const auto other = m_server->createProject(u"Second"_s);
    const QString limited = m_server->keyWithScopes({u"*"_s}, {other});
    QCOMPARE(bulkDelete(QJsonObject{{u"ids"_s, QJsonArray{id}}}, limited).status, 404);
    QCOMPARE(bulkDelete(QJsonObject{{u"ids"_s, QJsonArray{id}}},
                        m_server->keyWithScopes({u"feature_flag:write"_s}))
                 .status,
             200);
}

void TestFlagBulk::keys()
{
    const qint64 a = create({{u"key"_s, u"alpha"_s}});
    const qint64 b = create({{u"key"_s, u"beta"_s}});
    const qint64 gone = create({{u"key"_s, u"gone"_s}});
    QCOMPARE(
        m_server->patch(m_server->flags(QString::number(gone)), QJsonObject{{u"deleted"_s, true}})
            .status,
        200);
    const qint64 second = m_server->createProject(u"Second"_s);
    const qint64 theirs = m_server
                              ->post(u"/api/projects/%1/feature_flags/"_s.arg(second),
                                     QJsonObject{{u"key"_s, u"theirs"_s}})
                              .object()
                              .value("id"_L1)
                              .toInteger();
    const QString reader = m_server->keyWithScopes({u"feature_flag:read"_s});
    const auto reply = m_server->post(
        m_server->flags(u"bulk_keys/"_s),
        QJsonObject{{u"ids"_s, QJsonArray{a, QString::number(b), gone, theirs, u"x1"_s, 2.5,
                                          QJsonValue(), true, 424242}}},
        reader);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object(),
             (QJsonObject{{u"keys"_s, QJsonObject{{QString::number(a), u"alpha"_s},
                                                  {QString::number(b), u"beta"_s}}},
                          {u"warning"_s, u"Invalid flag IDs ignored: ['x1', 2.5, None, True]"_s}}));
    const auto none = m_server->post(m_server->flags(u"bulk_keys"_s),
                                     QJsonObject{{u"ids"_s, QJsonArray()}}, reader);
    QCOMPARE(none.status, 200);
    QCOMPARE(none.object(), (QJsonObject{{u"keys"_s, QJsonObject()}}));
    QCOMPARE(m_server->post(m_server->flags(u"bulk_keys"_s), QJsonObject{}, reader).object(),
             (QJsonObject{{u"keys"_s, QJsonObject()}}));
    const QString cohorts = m_server->keyWithScopes({u"cohort:read"_s});
    QCOMPARE(
        m_server
            ->post(m_server->flags(u"bulk_keys"_s), QJsonObject{{u"ids"_s, QJsonArray{a}}}, cohorts)
            .status,
        403);
}

void TestFlagBulk::keysRejectsOnlyInvalidIds()
{
    for (const QJsonValue &ids :
         {QJsonValue(QJsonArray{u"x"_s, u"-1"_s}), QJsonValue(u"12"_s), QJsonValue(7)}) {
        const auto reply =
            m_server->post(m_server->flags(u"bulk_keys/"_s), QJsonObject{{u"ids"_s, ids}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.object(), (QJsonObject{{u"error"_s, u"Invalid flag IDs provided"_s}}));
    }
}

void TestFlagBulk::updateTagsAdd()
{
    const qint64 a = create({{u"key"_s, u"a"_s}, {u"tags"_s, QJsonArray{u"old"_s}}});
    const qint64 b = create({{u"key"_s, u"b"_s}});
    const qint64 c = create({{u"key"_s, u"c"_s}, {u"tags"_s, QJsonArray{u"b"_s, u"c"_s}}});
    const auto reply = updateTags(QJsonObject{{u"ids"_s, QJsonArray{a, b, c}},
                                              {u"action"_s, u"add"_s},
                                              {u"tags"_s, QJsonArray{u" C "_s, u"B"_s, u"b"_s}}});
    QCOMPARE(reply.status, 200);
    // Newest first; tags trimmed, lower-case, sorted.
    QCOMPARE(
        reply.object(),
        (QJsonObject{{u"updated"_s,
                      QJsonArray{QJsonObject{{u"id"_s, c}, {u"tags"_s, QJsonArray{u"b"_s, u"c"_s}}},
                                 QJsonObject{{u"id"_s, b}, {u"tags"_s, QJsonArray{u"b"_s, u"c"_s}}},
                                 QJsonObject{{u"id"_s, a},
                                             {u"tags"_s, QJsonArray{u"b"_s, u"c"_s, u"old"_s}}}}},
                     {u"skipped"_s, QJsonArray()}}));
    QCOMPARE(flag(a).value("tags"_L1), QJsonValue(QJsonArray{u"b"_s, u"c"_s, u"old"_s}));
    // PostHog writes tags outside the flag's serializer (rest-api-behaviour.md §3.7): no new
    // version, so an editor open on the flag does not meet a conflict.
    QCOMPARE(flag(a).value("version"_L1), QJsonValue(1));
    QCOMPARE(flag(b).value("version"_L1), QJsonValue(1));
    // One `updated` entry for each flag whose tags changed, with only that change; none for c.
    QCOMPARE(countRows(u"activity_log"_s, u"activity = 'updated'"_s), 2);
    const QJsonObject entry = m_server->get(m_server->flags(u"%1/activity/"_s.arg(a)))
                                  .object()["results"_L1][0]
                                  .toObject();
    QCOMPARE(
        entry["detail"_L1]["changes"_L1],
        QJsonValue(QJsonArray{QJsonObject{{u"type"_s, u"FeatureFlag"_s},
                                          {u"action"_s, u"changed"_s},
                                          {u"field"_s, u"tags"_s},
                                          {u"before"_s, QJsonArray{u"old"_s}},
                                          {u"after"_s, QJsonArray{u"b"_s, u"c"_s, u"old"_s}}}}));
    QCOMPARE(countRows(u"activity_log"_s, u"activity = 'updated' AND item_id = '%1' AND detail "
                                          "LIKE '%%\"field\":\"tags\"%%'"_s.arg(a)),
             1);
}

void TestFlagBulk::updateTagsRemoveAndSet()
{
    const qint64 a = create({{u"key"_s, u"a"_s}, {u"tags"_s, QJsonArray{u"x"_s, u"y"_s}}});
    const qint64 b = create({{u"key"_s, u"b"_s}, {u"tags"_s, QJsonArray{u"y"_s}}});
    const auto removed = updateTags(QJsonObject{
        {u"ids"_s, QJsonArray{a, b}}, {u"action"_s, u"remove"_s}, {u"tags"_s, QJsonArray{u"Y"_s}}});
    QCOMPARE(removed.status, 200);
    QCOMPARE(flag(a).value("tags"_L1), QJsonValue(QJsonArray{u"x"_s}));
    QCOMPARE(flag(b).value("tags"_L1), QJsonValue(QJsonArray()));
    const auto set = updateTags(QJsonObject{{u"ids"_s, QJsonArray{a, b}},
                                            {u"action"_s, u"set"_s},
                                            {u"tags"_s, QJsonArray{u"z"_s, u"w"_s}}});
    QCOMPARE(set.status, 200);
    QCOMPARE(flag(a).value("tags"_L1), QJsonValue(QJsonArray{u"w"_s, u"z"_s}));
    QCOMPARE(flag(b).value("tags"_L1), QJsonValue(QJsonArray{u"w"_s, u"z"_s}));
    // "set" with no tags clears them.
    const auto cleared = updateTags(
        QJsonObject{{u"ids"_s, QJsonArray{a}}, {u"action"_s, u"set"_s}, {u"tags"_s, QJsonArray()}});
    QCOMPARE(cleared.status, 200);
    QCOMPARE(cleared.object().value("updated"_L1),
             QJsonValue(QJsonArray{QJsonObject{{u"id"_s, a}, {u"tags"_s, QJsonArray()}}}));
    QCOMPARE(flag(a).value("tags"_L1), QJsonValue(QJsonArray()));
    QCOMPARE(flag(a).value("version"_L1), QJsonValue(1));
}

void TestFlagBulk::updateTagsSkipsMissingAndOtherProjects()
{
    const qint64 a = create({{u"key"_s, u"a"_s}});
    const qint64 second = m_server->createProject(u"Second"_s);
    const qint64 theirs = m_server
                              ->post(u"/api/projects/%1/feature_flags/"_s.arg(second),
                                     QJsonObject{{u"key"_s, u"theirs"_s}})
                              .object()
                              .value("id"_L1)
                              .toInteger();
    const auto reply = updateTags(QJsonObject{{u"ids"_s, QJsonArray{4242, a, theirs, u"77"_s}},
                                              {u"action"_s, u"add"_s},
                                              {u"tags"_s, QJsonArray{u"t"_s}}});
    QCOMPARE(reply.status, 200);
    const QString reason = u"Not found or no edit access"_s;
    QCOMPARE(
        reply.object(),
        (QJsonObject{
            {u"updated"_s, QJsonArray{QJsonObject{{u"id"_s, a}, {u"tags"_s, QJsonArray{u"t"_s}}}}},
            {u"skipped"_s, QJsonArray{QJsonObject{{u"id"_s, 4242}, {u"reason"_s, reason}},
                                      QJsonObject{{u"id"_s, theirs}, {u"reason"_s, reason}},
                                      QJsonObject{{u"id"_s, 77}, {u"reason"_s, reason}}}}}));
    QCOMPARE(m_server->get(u"/api/projects/%1/feature_flags/%2"_s.arg(second).arg(theirs))
                 .object()
                 .value("tags"_L1),
             QJsonValue(QJsonArray()));
}

void TestFlagBulk::updateTagsReachesDeletedFlags()
{
    const qint64 gone = create({{u"key"_s, u"gone"_s}});
    QCOMPARE(
        m_server->patch(m_server->flags(QString::number(gone)), QJsonObject{{u"deleted"_s, true}})
            .status,
        200);
    const auto reply = updateTags(QJsonObject{
        {u"ids"_s, QJsonArray{gone}}, {u"action"_s, u"add"_s}, {u"tags"_s, QJsonArray{u"t"_s}}});
    QCOMPARE(reply.object().value("updated"_L1).toArray().size(), 1);
    QCOMPARE(flag(gone).value("tags"_L1), QJsonValue(QJsonArray{u"t"_s}));
    QCOMPARE(flag(gone).value("deleted"_L1), QJsonValue(true));
}

void TestFlagBulk::updateTagsValidation_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QString>("attr");
    const QJsonArray one{1};
    const QJsonArray tags{u"t"_s};
    QTest::newRow("no ids") << QJsonObject{{u"action"_s, u"add"_s}, {u"tags"_s, tags}}
                            << u"required"_s << u"This field is required."_s << u"ids"_s;
    QTest::newRow("null ids") << QJsonObject{{u"ids"_s, QJsonValue()},
                                             {u"action"_s, u"add"_s},
                                             {u"tags"_s, tags}}
                              << u"null"_s << u"This field may not be null."_s << u"ids"_s;
    QTest::newRow("ids not a list")
        << QJsonObject{{u"ids"_s, u"1"_s}, {u"action"_s, u"add"_s}, {u"tags"_s, tags}}
        << u"not_a_list"_s << u"Expected a list of items but got type \"str\"."_s << u"ids"_s;
    QTest::newRow("empty ids") << QJsonObject{{u"ids"_s, QJsonArray()},
                                              {u"action"_s, u"add"_s},
                                              {u"tags"_s, tags}}
                               << u"empty"_s << u"This list may not be empty."_s << u"ids"_s;
    QTest::newRow("id not an integer")
        << QJsonObject{{u"ids"_s, QJsonArray{1, u"two"_s}},
                       {u"action"_s, u"add"_s},
                       {u"tags"_s, tags}}
        << u"invalid"_s << u"A valid integer is required."_s << u"ids__1"_s;
    QJsonArray many;
    for (int i = 0; i < 501; ++i)
        many.append(i + 1);
    QTest::newRow("too many ids") << QJsonObject{{u"ids"_s, many},
                                                 {u"action"_s, u"add"_s},
                                                 {u"tags"_s, tags}}
                                  << u"max_length"_s
                                  << u"Ensure this field has no more than 500 elements."_s
                                  << u"ids"_s;
    QTest::newRow("no action") << QJsonObject{{u"ids"_s, one}, {u"tags"_s, tags}} << u"required"_s
                               << u"This field is required."_s << u"action"_s;
    QTest::newRow("bad action") << QJsonObject{{u"ids"_s, one},
                                               {u"action"_s, u"merge"_s},
                                               {u"tags"_s, tags}}
                                << u"invalid_choice"_s << u"\"merge\" is not a valid choice."_s
                                << u"action"_s;
    QTest::newRow("no tags") << QJsonObject{{u"ids"_s, one}, {u"action"_s, u"set"_s}}
                             << u"required"_s << u"This field is required."_s << u"tags"_s;
    QTest::newRow("blank tag") << QJsonObject{{u"ids"_s, one},
                                              {u"action"_s, u"add"_s},
                                              {u"tags"_s, QJsonArray{u"  "_s}}}
                               << u"blank"_s << u"This field may not be blank."_s << u"tags__0"_s;
    QTest::newRow("tag not a string")
        << QJsonObject{{u"ids"_s, one},
                       {u"action"_s, u"add"_s},
                       {u"tags"_s, QJsonArray{u"ok"_s, QJsonObject()}}}
        << u"invalid"_s << u"Not a valid string."_s << u"tags__1"_s;
    QTest::newRow("tag too long") << QJsonObject{{u"ids"_s, one},
                                                 {u"action"_s, u"add"_s},
                                                 {u"tags"_s, QJsonArray{QString(256, u'x')}}}
                                  << u"max_length"_s
                                  << u"Ensure this field has no more than 255 characters."_s
                                  << u"tags__0"_s;
    QJsonArray manyTags;
    for (int i = 0; i < 101; ++i)
        manyTags.append(u"t%1"_s.arg(i));
    QTest::newRow("too many tags")
        << QJsonObject{{u"ids"_s, one}, {u"action"_s, u"set"_s}, {u"tags"_s, manyTags}}
        << u"max_length"_s << u"Ensure this field has no more than 100 elements."_s << u"tags"_s;
    QTest::newRow("add nothing") << QJsonObject{{u"ids"_s, one},
                                                {u"action"_s, u"add"_s},
                                                {u"tags"_s, QJsonArray()}}
                                 << u"invalid"_s << u"tags must not be empty for action 'add'."_s
                                 << u"tags"_s;
    QTest::newRow("remove nothing")
        << QJsonObject{{u"ids"_s, one}, {u"action"_s, u"remove"_s}, {u"tags"_s, QJsonArray()}}
        << u"invalid"_s << u"tags must not be empty for action 'remove'."_s << u"tags"_s;
    QJsonArray manyIds;
    for (int i = 0; i < 500; ++i)
        manyIds.append(i + 1);
    QJsonArray twentyOne;
    for (int i = 0; i < 21; ++i)
        twentyOne.append(u"t%1"_s.arg(i));
    QTest::newRow("too many changes")
        << QJsonObject{{u"ids"_s, manyIds}, {u"action"_s, u"add"_s}, {u"tags"_s, twentyOne}}
        << u"invalid"_s
        << u"Too many changes in one request: ids × distinct tags must not exceed 10000."_s
        << u"tags"_s;
    QTest::newRow("ids before action")
        << QJsonObject{{u"ids"_s, QJsonArray()}, {u"action"_s, u"bad"_s}} << u"empty"_s
        << u"This list may not be empty."_s << u"ids"_s;
}

void TestFlagBulk::updateTagsValidation()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, code);
    QFETCH(QString, detail);
    QFETCH(QString, attr);
    create({{u"key"_s, u"a"_s}});
    const auto reply = updateTags(body);
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object(), (QJsonObject{{u"type"_s, u"validation_error"_s},
                                          {u"code"_s, code},
                                          {u"detail"_s, detail},
                                          {u"attr"_s, attr}}));
    QCOMPARE(countRows(u"feature_flag_versions"_s), 1);
    QCOMPARE(flag(1).value("tags"_L1), QJsonValue(QJsonArray()));
}

void TestFlagBulk::updateTagsNeedsWriteScope()
{
    const qint64 id = create({{u"key"_s, u"a"_s}});
    const QJsonObject body{
        {u"ids"_s, QJsonArray{id}}, {u"action"_s, u"add"_s}, {u"tags"_s, QJsonArray{u"t"_s}}};
    const auto denied = updateTags(body, m_server->keyWithScopes({u"feature_flag:read"_s}));
    QCOMPARE(denied.status, 403);
    QCOMPARE(flag(id).value("tags"_L1), QJsonValue(QJsonArray()));
    QCOMPARE(updateTags(body, m_server->keyWithScopes({u"feature_flag:write"_s})).status, 200);
    QCOMPARE(flag(id).value("tags"_L1), QJsonValue(QJsonArray{u"t"_s}));
}

void TestFlagBulk::dependentFlags()
{
    const qint64 base = create({{u"key"_s, u"base"_s}});
    const qint64 other = create({{u"key"_s, u"other"_s}});
    const qint64 zed = create({{u"key"_s, u"zed"_s}, {u"filters"_s, dependsOn({base})}});
    const qint64 named = create({{u"key"_s, u"alpha"_s},
                                 {u"name"_s, u"Alpha flag"_s},
                                 {u"filters"_s, dependsOn({other, base})}});
    create({{u"key"_s, u"disabled"_s}, {u"filters"_s, dependsOn({base})}, {u"active"_s, false}});
    const qint64 gone = create({{u"key"_s, u"gone"_s}, {u"filters"_s, dependsOn({base})}});
    QCOMPARE(
        m_server->patch(m_server->flags(QString::number(gone)), QJsonObject{{u"deleted"_s, true}})
            .status,
        200);
    create({{u"key"_s, u"unrelated"_s}, {u"filters"_s, dependsOn({other})}});

    const QString reader = m_server->keyWithScopes({u"feature_flag:read"_s});
    const auto reply =
        m_server->get(m_server->flags(QString::number(base) + u"/dependent_flags/"_s), reader);
    QCOMPARE(reply.status, 200);
    QCOMPARE(
        reply.json,
        QJsonValue(QJsonArray{
            QJsonObject{{u"id"_s, named}, {u"key"_s, u"alpha"_s}, {u"name"_s, u"Alpha flag"_s}},
            QJsonObject{{u"id"_s, zed}, {u"key"_s, u"zed"_s}, {u"name"_s, u"zed"_s}}}));
    const auto none =
        m_server->get(m_server->flags(QString::number(zed) + u"/dependent_flags"_s), reader);
    QCOMPARE(none.status, 200);
    QCOMPARE(none.json, QJsonValue(QJsonArray()));
    // A deleted flag still answers.
    QCOMPARE(m_server->get(m_server->flags(QString::number(gone) + u"/dependent_flags"_s)).status,
             200);
}

void TestFlagBulk::dependentFlagsOfOtherProjects()
{
    const qint64 base = create({{u"key"_s, u"base"_s}});
    const qint64 second = m_server->createProject(u"Second"_s);
    QCOMPARE(
        m_server->get(u"/api/projects/%1/feature_flags/%2/dependent_flags"_s.arg(second).arg(base))
            .status,
        404);
    QCOMPARE(m_server->get(m_server->flags(u"999/dependent_flags"_s)).status, 404);
    QCOMPARE(m_server->get(m_server->flags(u"x/dependent_flags"_s)).status, 404);
    const QString cohorts = m_server->keyWithScopes({u"cohort:read"_s});
    QCOMPARE(m_server->get(m_server->flags(QString::number(base) + u"/dependent_flags"_s), cohorts)
                 .status,
             403);
}

QTEST_GUILESS_MAIN(TestFlagBulk)
#include "tst_flag_bulk.moc"
