// PostHog's rules for a PATCH that started from an older version, and for what a PATCH's body
// may leave out, over real HTTP (rest-api-behaviour.md §3.3 and §3.4; PostHog's
// FeatureFlagSerializer.update and _get_conflicting_changes):
// - 409 only when the body carries `original_flag` and a field it changes was changed by someone
//   else since, to something else; a bare stale `version` goes through;
// - the 409 is {"type": "server_error", "code": "conflict", ...} and writes nothing;
// - `filters` in a PATCH is merged key by key over the stored filters;
// - fields the serializer does not know are ignored, not refused.
#include "test_server.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestFlagConflicts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_server.reset(); }

    void staleSaves_data();
    void staleSaves();
    void aConflictNamesWhoSavedAndWritesNothing();
    void anotherUsersStaleSaveConflictsOnAnyField();
    void overlappingFiltersConflictEvenInDifferentParts();
    void validationComesBeforeTheVersionCheck();
    void filtersWithoutGroupsKeepTheConditions();
    void emptyFiltersChangeNothing();
    void unknownFieldsAreIgnored();

private:
    QString path() const { return m_server->flags(QString::number(m_id)); }
    QJsonObject stored() { return m_server->get(path()).object(); }
    std::unique_ptr<TestServer> m_server;
    qint64 m_id = 0;
    QJsonObject m_original; // the flag as both "editors" loaded it, at version 1
};

void TestFlagConflicts::init()
{
    m_server = std::make_unique<TestServer>();
    const QJsonObject group{{u"properties"_s, QJsonArray()}, {u"rollout_percentage"_s, 30}};
    m_original =
        m_server->createFlag({{u"key"_s, u"contended"_s},
                              {u"name"_s, u"Original"_s},
                              {u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{group}}}}});
    m_id = m_original.value("id"_L1).toInteger();
    // Someone else renames it: version 2.
    QCOMPARE(m_server->patch(path(), QJsonObject{{u"name"_s, u"Theirs"_s}}).status, 200);
}

// Each row is a second save of the flag loaded at version 1, after someone renamed it.
void TestFlagConflicts::staleSaves_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("name"); // the stored name afterwards
    QTest::addColumn<bool>("active");  // the stored `active` afterwards
    QTest::addColumn<int>("version");  // the stored version afterwards
    const auto with = [](QJsonObject body, const QJsonValue &version, const QJsonValue &original) {
        if (!version.isUndefined())
            body.insert(u"version"_s, version);
        if (!original.isUndefined())
            body.insert(u"original_flag"_s, original);
        return body;
    };
    const QJsonObject rename{{u"name"_s, u"Mine"_s}};
    const QJsonObject disable{{u"active"_s, false}};
    const QJsonValue none = QJsonValue::Undefined;
    // original_flag is filled in by staleSaves() where a row says "loaded": the data function
    // runs before init().
    const QJsonValue loaded = u"loaded"_s;
    QTest::newRow("no version: no check")
        << with(rename, none, none) << 200 << u"Mine"_s << true << 3;
    QTest::newRow("version -1: no check")
        << with(rename, -1, loaded) << 200 << u"Mine"_s << true << 3;
    QTest::newRow("current version, same field")
        << with(rename, 2, loaded) << 200 << u"Mine"_s << true << 3;
    QTest::newRow("stale version alone goes through")
        << with(rename, 1, none) << 200 << u"Mine"_s << true << 3;
    QTest::newRow("stale version, empty original_flag goes through")
        << with(rename, 1, QJsonObject()) << 200 << u"Mine"_s << true << 3;
    QTest::newRow("stale, another field: no conflict")
        << with(disable, 1, loaded) << 200 << u"Theirs"_s << false << 3;
    QTest::newRow("stale, the same field: conflict")
        << with(rename, 1, loaded) << 409 << u"Theirs"_s << true << 2;
    // Nothing to store then: as any PATCH that changes nothing, no new version.
    QTest::newRow("stale, the same field to the same value: no conflict")
        << with(QJsonObject{{u"name"_s, u"Theirs"_s}}, 1, loaded) << 200 << u"Theirs"_s << true
        << 2;
}

void TestFlagConflicts::staleSaves()
{
    QFETCH(QJsonObject, body);
    QFETCH(int, status);
    QFETCH(QString, name);
    QFETCH(bool, active);
    QFETCH(int, version);
    if (body.value("original_flag"_L1) == QJsonValue(u"loaded"_s))
        body.insert(u"original_flag"_s, m_original);
    const auto reply = m_server->patch(path(), body);
    QVERIFY2(reply.status == status, reply.body.constData());
    const QJsonObject now = stored();
    QCOMPARE(now.value("name"_L1).toString(), name);
    QCOMPARE(now.value("active"_L1).toBool(), active);
    QCOMPARE(now.value("version"_L1).toInt(), version);
}

void TestFlagConflicts::aConflictNamesWhoSavedAndWritesNothing()
{
    const auto reply = m_server->patch(
        path(),
        QJsonObject{{u"name"_s, u"Mine"_s}, {u"version"_s, 1}, {u"original_flag"_s, m_original}});
    QCOMPARE(reply.status, 409);
    const QJsonObject error = reply.object();
    QCOMPARE(error.value("type"_L1), QJsonValue(u"server_error"_s));
    QCOMPARE(error.value("code"_L1), QJsonValue(u"conflict"_s));
    QCOMPARE(error.value("detail"_L1),
             QJsonValue(u"The feature flag was updated by owner@bunting.local since you started "
                        "editing it. Please refresh and try again."_s));
    QVERIFY(error.value("attr"_L1).isNull());
    // Nothing written: no version, no activity entry.
    QCOMPARE(stored().value("version"_L1).toInt(), 2);
    const QJsonArray activity = m_server->get(m_server->flags(u"%1/activity/"_s.arg(m_id)))
                                    .object()["results"_L1]
                                    .toArray();
    QCOMPARE(activity.size(), 2); // created, renamed
}

void TestFlagConflicts::anotherUsersStaleSaveConflictsOnAnyField()
{
    // PostHog's serializer puts `last_modified_by` (the caller) among the fields it compares
    // with `original_flag`: a stale save by anyone but the last modifier is a conflict.
    const QString colleague = m_server->keyForNewUser(u"colleague@bunting.local"_s);
    const QJsonObject body{
        {u"active"_s, false}, {u"version"_s, 1}, {u"original_flag"_s, m_original}};
    const auto theirs = m_server->patch(path(), body, colleague);
    QCOMPARE(theirs.status, 409);
    QVERIFY(theirs.object().value("detail"_L1).toString().contains("owner@bunting.local"_L1));
    // Without original_flag's author the same save goes through, as for the owner.
    QJsonObject original = m_original;
    original.remove(u"last_modified_by"_s);
    QJsonObject anonymous = body;
    anonymous.insert(u"original_flag"_s, original);
    QCOMPARE(m_server->patch(path(), anonymous, colleague).status, 200);
    QCOMPARE(stored().value("last_modified_by"_L1).toObject().value("email"_L1),
             QJsonValue(u"colleague@bunting.local"_s));
}

void TestFlagConflicts::overlappingFiltersConflictEvenInDifferentParts()
{
    // PostHog compares whole top-level fields: a payload added against a changed rollout is a
    // change of `filters` on both sides.
    const QJsonObject group{{u"properties"_s, QJsonArray()}, {u"rollout_percentage"_s, 60}};
    QCOMPARE(m_server
                 ->patch(path(),
                         QJsonObject{{u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{group}}}}})
                 .status,
             200);
    const QJsonObject payload{{u"payloads"_s, QJsonObject{{u"true"_s, u"{\"a\": 1}"_s}}}};
    const auto reply = m_server->patch(
        path(),
        QJsonObject{{u"filters"_s, payload}, {u"version"_s, 1}, {u"original_flag"_s, m_original}});
    QCOMPARE(reply.status, 409);
    const QJsonObject filters = stored().value("filters"_L1).toObject();
    QCOMPARE(filters["groups"_L1][0]["rollout_percentage"_L1].toInt(), 60);
}

void TestFlagConflicts::validationComesBeforeTheVersionCheck()
{
    const auto reply = m_server->patch(path(), QJsonObject{{u"key"_s, u"not valid!"_s},
                                                           {u"version"_s, 1},
                                                           {u"original_flag"_s, m_original}});
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object().value("attr"_L1), QJsonValue(u"key"_s));
}

void TestFlagConflicts::filtersWithoutGroupsKeepTheConditions()
{
    const QJsonObject payload{{u"payloads"_s, QJsonObject{{u"true"_s, u"{\"a\": 1}"_s}}}};
    QCOMPARE(m_server->patch(path(), QJsonObject{{u"filters"_s, payload}}).status, 200);
    const QJsonObject filters = stored().value("filters"_L1).toObject();
    QCOMPARE(filters["groups"_L1].toArray().size(), 1);
    QCOMPARE(filters["groups"_L1][0]["rollout_percentage"_L1].toInt(), 30);
    QCOMPARE(filters["payloads"_L1]["true"_L1].toString(), u"{\"a\": 1}"_s);
    // `groups: []` is the way to clear them (allowed on update).
    QCOMPARE(
        m_server
            ->patch(path(), QJsonObject{{u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray()}}}})
            .status,
        200);
    QVERIFY(stored()["filters"_L1]["groups"_L1].toArray().isEmpty());
    QCOMPARE(stored()["filters"_L1]["payloads"_L1]["true"_L1].toString(), u"{\"a\": 1}"_s);
}

void TestFlagConflicts::emptyFiltersChangeNothing()
{
    QCOMPARE(m_server->patch(path(), QJsonObject{{u"filters"_s, QJsonObject()}}).status, 200);
    QCOMPARE(stored().value("version"_L1).toInt(), 2);
    QCOMPARE(stored()["filters"_L1]["groups"_L1][0]["rollout_percentage"_L1].toInt(), 30);
}

void TestFlagConflicts::unknownFieldsAreIgnored()
{
    const auto reply =
        m_server->patch(path(), QJsonObject{{u"name"_s, u"Renamed"_s}, {u"colour"_s, u"red"_s}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value("name"_L1), QJsonValue(u"Renamed"_s));
    QVERIFY(!reply.object().contains("colour"_L1));
    const auto created =
        m_server->post(m_server->flags(), QJsonObject{{u"key"_s, u"k"_s}, {u"colour"_s, u"red"_s}});
    QCOMPARE(created.status, 201);
}

QTEST_GUILESS_MAIN(TestFlagConflicts)
#include "tst_flag_conflicts.moc"
