// A flag's status over real HTTP, rule by rule as PostHog's FeatureFlagStatusChecker computes it,
// from the flag and from the server's record of calls (last_called_at and flag_calls).
#include "storage/timestamps.h"
#include "test_server.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QJsonObject rollout(double percentage, const QJsonArray &properties = {})
{
    return QJsonObject{
        {u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, properties},
                                             {u"rollout_percentage"_s, percentage}}}}};
}

QJsonObject multivariate(const QJsonArray &variants, const QJsonObject &group)
{
    return QJsonObject{{u"groups"_s, QJsonArray{group}},
                       {u"multivariate"_s, QJsonObject{{u"variants"_s, variants}}}};
}

QJsonObject variant(const QString &key, double percentage)
{
    return QJsonObject{{u"key"_s, key}, {u"rollout_percentage"_s, percentage}};
}

QJsonObject group(double percentage, const QJsonValue &variantOverride = QJsonValue::Undefined)
{
    QJsonObject g{{u"properties"_s, QJsonArray{}}, {u"rollout_percentage"_s, percentage}};
    if (!variantOverride.isUndefined())
        g.insert(u"variant"_s, variantOverride);
    return g;
}

const QJsonArray emailIs{QJsonObject{{u"key"_s, u"email"_s},
                                     {u"type"_s, u"person"_s},
                                     {u"value"_s, u"a@b.c"_s},
                                     {u"operator"_s, u"exact"_s}}};

const QString kNoUsage = u"Flag has no usage data yet"_s;
const QString kDisabled = u"Flag is disabled (not evaluated for staleness)"_s;
const QString kBooleanFull = u"This boolean flag will always evaluate to \"true\""_s;

} // namespace

class TestFlagStatus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void rules_data();
    void rules();
    void deleted();
    void callsCountedByDay();
    void callsOfAnEarlierFlagWithTheKeyDoNotCount();
    void statusFieldOfRetrieveAndList();
    void unknownAndOtherProjects();
    void scopes();

private:
    qint64 create(const QJsonObject &body);
    void setLastCalledAt(qint64 id, const QDateTime &time);
    void addCalls(const QString &key, const QDate &day, qint64 calls);
    TestServer::Reply status(qint64 id, const QString &key = TestServer::ownerKeyMarker());

    std::unique_ptr<TestServer> m_server;
};

qint64 TestFlagStatus::create(const QJsonObject &body)
{
    // Created without its conditions, then given them: `{"groups": []}` is refused on create
    // and allowed on update, as in PostHog.
    QJsonObject bare = body;
    bare.remove(u"filters"_s);
    const qint64 id = m_server->createFlag(bare).value("id"_L1).toInteger();
    if (id > 0 && body.contains("filters"_L1))
        m_server->patchFlag(id, {{u"filters"_s, body.value("filters"_L1)}});
    if (id <= 0)
        qWarning("flag %s was not created", qPrintable(body.value("key"_L1).toString()));
    return id;
}

void TestFlagStatus::setLastCalledAt(qint64 id, const QDateTime &time)
{
    m_server->server().database().exec(
        u"UPDATE feature_flags SET last_called_at = ? WHERE id = ?"_s,
        {bunting::server::formatApiTimestamp(time), id});
}

void TestFlagStatus::addCalls(const QString &key, const QDate &day, qint64 calls)
{
    m_server->server().database().exec(
        u"INSERT INTO flag_calls (project_id, flag_key, day, "
        "variant, calls) VALUES (?, ?, ?, '', ?)"_s,
        {m_server->projectId(), key, day.toString(u"yyyy-MM-dd"_s), calls});
}

TestServer::Reply TestFlagStatus::status(qint64 id, const QString &key)
{
    return m_server->get(m_server->flags(QString::number(id) + u"/status"_s), key);
}

void TestFlagStatus::rules_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<int>("ageDays");
    QTest::addColumn<int>("calledDaysAgo"); // -1: never
    QTest::addColumn<QString>("expectedStatus");
    QTest::addColumn<QString>("expectedReason");

    const auto flag = [](const QJsonObject &filters, bool active = true) {
        return QJsonObject{{u"key"_s, u"flag"_s}, {u"filters"_s, filters}, {u"active"_s, active}};
    };
    // PostHog's FeatureFlagStatusChecker.get_status, rule by rule.
    QTest::newRow("new, never called") << flag(rollout(30)) << 0 << -1 << u"active"_s << kNoUsage;
    QTest::newRow("new and fully rolled out")
        << flag(rollout(100)) << 10 << -1 << u"active"_s << kNoUsage;
    QTest::newRow("old, never called, partial")
        << flag(rollout(30)) << 40 << -1 << u"active"_s << kNoUsage;
    QTest::newRow("old, never called, fully rolled out")
        << flag(rollout(100)) << 40 << -1 << u"stale"_s << kBooleanFull;
    QTest::newRow("old, never called, no conditions")
        << flag(QJsonObject{{u"groups"_s, QJsonArray()}}) << 40 << -1 << u"stale"_s << kBooleanFull;
    QTest::newRow("old, never called, 100% with properties")
        << flag(rollout(100, emailIs)) << 40 << -1 << u"active"_s << kNoUsage;
    QTest::newRow("disabled, never called, fully rolled out")
        << flag(rollout(100), false) << 40 << -1 << u"active"_s << kDisabled;
    QTest::newRow("disabled, not called for 45 days")
        << flag(rollout(30), false) << 90 << 45 << u"active"_s << kDisabled;
    QTest::newRow("not called for 45 days")
        << flag(rollout(30)) << 90 << 45 << u"stale"_s << u"Flag has not been called in 45 days"_s;
    QTest::newRow("not called for 31 days, fully rolled out")
        << flag(rollout(100)) << 90 << 31 << u"stale"_s << u"Flag has not been called in 31 days"_s;
    QTest::newRow("called 29 days ago")
        << flag(rollout(30)) << 90 << 29 << u"active"_s << u"Flag was last called 29 days ago"_s;
    QTest::newRow("called a day ago")
        << flag(rollout(30)) << 90 << 1 << u"active"_s << u"Flag was last called 1 day ago"_s;
    QTest::newRow("called today") << flag(rollout(30)) << 90 << 0 << u"active"_s
                                  << u"Flag was called today"_s;
    // Usage outranks configuration: called recently, so not stale however rolled out.
    QTest::newRow("old, called, boolean at 100%")
        << flag(rollout(100)) << 40 << 2 << u"active"_s << u"Flag was last called 2 days ago"_s;
    QTest::newRow("old, never called, one variant at 100%")
        << flag(multivariate(QJsonArray{variant(u"control"_s, 0), variant(u"test"_s, 100)},
                             group(100)))
        << 40 << -1 << u"stale"_s << u"This flag will always use the variant \"test\""_s;
    QTest::newRow("old, never called, variant override at 100%")
        << flag(multivariate(QJsonArray{variant(u"control"_s, 50), variant(u"test"_s, 50)},
                             group(100, u"control"_s)))
        << 40 << -1 << u"stale"_s << u"This flag will always use the variant \"control\""_s;
    QTest::newRow("old, never called, variants split")
        << flag(multivariate(QJsonArray{variant(u"control"_s, 50), variant(u"test"_s, 50)},
                             group(100)))
        << 40 << -1 << u"active"_s << kNoUsage;
    QTest::newRow("old, never called, variant at 100% but condition at 50%")
        << flag(multivariate(QJsonArray{variant(u"control"_s, 0), variant(u"test"_s, 100)},
                             group(50)))
        << 40 << -1 << u"active"_s << kNoUsage;
}

void TestFlagStatus::rules()
{
    QFETCH(QJsonObject, body);
    QFETCH(int, ageDays);
    QFETCH(int, calledDaysAgo);
    QFETCH(QString, expectedStatus);
    QFETCH(QString, expectedReason);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 id = create(body);
    m_server->setFlagCreatedAt(id, now.addDays(-ageDays).addSecs(-60));
    if (calledDaysAgo >= 0)
        setLastCalledAt(id, now.addDays(-calledDaysAgo).addSecs(-60));
    const auto reply = status(id);
    QCOMPARE(reply.status, 200);
    const QJsonObject answer = reply.object();
    QCOMPARE(answer.value("status"_L1).toString(), expectedStatus);
    QCOMPARE(answer.value("reason"_L1).toString(), expectedReason);
    QCOMPARE(answer.value("reason_states_rollout"_L1).toBool(),
             expectedReason.startsWith("This "_L1));
    QVERIFY(answer.value("rollout"_L1).isObject());
}

void TestFlagStatus::deleted()
{
    const qint64 id = create({{u"key"_s, u"gone"_s}});
    QCOMPARE(
        m_server->patch(m_server->flags(QString::number(id)), QJsonObject{{u"deleted"_s, true}})
            .status,
        200);
    QCOMPARE(status(id).object().value("status"_L1), QJsonValue(u"deleted"_s));
    QCOMPARE(status(id).object().value("reason"_L1), QJsonValue(u"Flag has been deleted"_s));
    QCOMPARE(m_server->get(m_server->flags(QString::number(id))).object().value("status"_L1),
             QJsonValue(u"DELETED"_s));
}

void TestFlagStatus::callsCountedByDay()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // Calls on a day 40 days back, with no exact time recorded: the start of that day stands for
    // the last call, a bound that never lies in the future.
    const qint64 old = create({{u"key"_s, u"old-calls"_s}, {u"filters"_s, rollout(30)}});
    m_server->setFlagCreatedAt(old, now.addDays(-90));
    addCalls(u"old-calls"_s, now.date().addDays(-40), 12);
    const QDateTime startOfDay(now.date().addDays(-40), QTime(0, 0), Qt::UTC);
    QCOMPARE(
        status(old).object().value("reason"_L1),
        QJsonValue(u"Flag has not been called in %1 days"_s.arg(startOfDay.secsTo(now) / 86400)));
    QCOMPARE(
        m_server->get(m_server->flags(QString::number(old))).object().value("last_called_at"_L1),
        QJsonValue(now.date().addDays(-40).toString(u"yyyy-MM-dd"_s) + u"T00:00:00.000000Z"_s));

    // A recent day of calls keeps an old flag active; a day of zero calls is no call.
    const qint64 recent = create({{u"key"_s, u"recent-calls"_s}, {u"filters"_s, rollout(30)}});
    m_server->setFlagCreatedAt(recent, now.addDays(-90));
    addCalls(u"recent-calls"_s, now.date().addDays(-40), 3);
    addCalls(u"recent-calls"_s, now.date().addDays(-1), 3);
    QCOMPARE(status(recent).object().value("status"_L1), QJsonValue(u"active"_s));
    const qint64 zero = create({{u"key"_s, u"zero-calls"_s}, {u"filters"_s, rollout(30)}});
    m_server->setFlagCreatedAt(zero, now.addDays(-90));
    addCalls(u"zero-calls"_s, now.date().addDays(-1), 0);
    QCOMPARE(status(zero).object().value("reason"_L1), QJsonValue(kNoUsage));

    // The later of last_called_at and the days of calls counts.
    const qint64 both = create({{u"key"_s, u"both"_s}, {u"filters"_s, rollout(30)}});
    m_server->setFlagCreatedAt(both, now.addDays(-90));
    addCalls(u"both"_s, now.date().addDays(-50), 3);
    setLastCalledAt(both, now.addDays(-2));
    QCOMPARE(status(both).object().value("status"_L1), QJsonValue(u"active"_s));
}

void TestFlagStatus::callsOfAnEarlierFlagWithTheKeyDoNotCount()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 first = create({{u"key"_s, u"reused"_s}});
    QCOMPARE(
        m_server->patch(m_server->flags(QString::number(first)), QJsonObject{{u"deleted"_s, true}})
            .status,
        200);
    addCalls(u"reused"_s, now.date().addDays(-45), 9);
    const qint64 second = create({{u"key"_s, u"reused"_s}, {u"filters"_s, rollout(30)}});
    m_server->setFlagCreatedAt(second, now.addDays(-40));
    QCOMPARE(status(second).object().value("reason"_L1), QJsonValue(kNoUsage));
}

void TestFlagStatus::statusFieldOfRetrieveAndList()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 stale = create({{u"key"_s, u"stale"_s}, {u"filters"_s, rollout(100)}});
    m_server->setFlagCreatedAt(stale, now.addDays(-60));
    setLastCalledAt(stale, now.addDays(-45));
    const QJsonObject retrieved = m_server->get(m_server->flags(QString::number(stale))).object();
    QCOMPARE(retrieved.value("status"_L1), QJsonValue(u"STALE"_s));
    QCOMPARE(retrieved.value("last_called_at"_L1),
             QJsonValue(bunting::server::formatApiTimestamp(now.addDays(-45))));
    const QJsonObject listed =
        m_server->get(m_server->flags()).object().value("results"_L1).toArray().first().toObject();
    QCOMPARE(listed, retrieved);
    // A PATCH answers with the status too.
    const auto patched =
        m_server->patch(m_server->flags(QString::number(stale)), QJsonObject{{u"active"_s, false}});
    QCOMPARE(patched.status, 200);
    QCOMPARE(patched.object().value("status"_L1), QJsonValue(u"ACTIVE"_s));
    const auto created = m_server->post(m_server->flags(), QJsonObject{{u"key"_s, u"new"_s}});
    QCOMPARE(created.object().value("status"_L1), QJsonValue(u"ACTIVE"_s));
}

void TestFlagStatus::unknownAndOtherProjects()
{
    const qint64 id = create({{u"key"_s, u"mine"_s}});
    // PostHog's viewset looks the flag up in the project first: the usual 404.
    const QJsonObject unknown{{u"type"_s, u"invalid_request"_s},
                              {u"code"_s, u"not_found"_s},
                              {u"detail"_s, u"Not found."_s},
                              {u"attr"_s, QJsonValue()}};
    const auto missing = status(id + 100);
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.object(), unknown);
    const qint64 second = m_server->createProject(u"Second"_s);
    const auto elsewhere =
        m_server->get(u"/api/projects/%1/feature_flags/%2/status"_s.arg(second).arg(id));
    QCOMPARE(elsewhere.status, 404);
    QCOMPARE(elsewhere.object(), unknown);
    const auto garbage = m_server->get(m_server->flags(u"abc/status"_s));
    QCOMPARE(garbage.status, 404);
    QCOMPARE(garbage.object().value("code"_L1), QJsonValue(u"not_found"_s));
    QCOMPARE(m_server->get(m_server->flags(QString::number(id) + u"/status/"_s)).status, 200);
}

void TestFlagStatus::scopes()
{
    const qint64 id = create({{u"key"_s, u"scoped"_s}});
    QCOMPARE(status(id, m_server->keyWithScopes({u"feature_flag:read"_s})).status, 200);
    QCOMPARE(status(id, m_server->keyWithScopes({u"feature_flag:write"_s})).status, 200);
    const auto denied = status(id, m_server->keyWithScopes({u"activity_log:read"_s}));
    QCOMPARE(denied.status, 403);
    QCOMPARE(denied.object().value("code"_L1), QJsonValue(u"permission_denied"_s));
    QCOMPARE(status(id, QString()).status, 401);
}

QTEST_GUILESS_MAIN(TestFlagStatus)
#include "tst_flag_status.moc"
