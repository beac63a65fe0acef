// Every field of `filters` with every wrong JSON type, sent over HTTP to a real server, on create
// and on PATCH: each is refused with PostHog's message and attr, and nothing is written. Issue 20
// item 2: a rollout of "0" was once stored as null, that is on for everyone. PostHog's rule:
// its filters guard refuses the wrong type ("groups[0].rollout_percentage must be a number or
// null, got str", attr `filters`), see core/filters_shape.h.
#include "filters_shape_cases.h"
#include "test_server.h"

#include <QJsonDocument>
#include <QTest>
#include <algorithm>

using namespace Qt::StringLiterals;
using namespace filters_shape_cases;

class TestFlagInputTypes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // One server for every row: each row changes nothing, which is what it checks.
    void initTestCase();
    void cleanupTestCase() { m_server.reset(); }
    void everyFieldEveryWrongType_data();
    void everyFieldEveryWrongType();
    void theListedCasesAreInTheTable();

private:
    void expectRefusal(const TestServer::Reply &reply, const QString &name);
    qint64 flagRows();

    std::unique_ptr<TestServer> m_server;
    QJsonObject m_flag; // the flag each PATCH tries to change
};

void TestFlagInputTypes::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    m_flag = m_server->createFlag(
        {{u"key"_s, u"target"_s},
         {u"filters"_s,
          QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray()},
                                                           {u"rollout_percentage"_s, 30}}}}}}});
}

qint64 TestFlagInputTypes::flagRows()
{
    return m_server->server()
        .database()
        .scalar(u"SELECT COUNT(*) FROM feature_flags"_s)
        .value_or(0)
        .toLongLong();
}

void TestFlagInputTypes::expectRefusal(const TestServer::Reply &reply, const QString &name)
{
    QVERIFY2(reply.status == 400, reply.body.left(300).constData());
    const QJsonObject error = reply.object();
    QCOMPARE(error.value("type"_L1), QJsonValue(u"validation_error"_s));
    QCOMPARE(error.value("code"_L1), QJsonValue(u"invalid_input"_s));
    QCOMPARE(error.value("attr"_L1), QJsonValue(u"filters"_s));
    QVERIFY2(error.value("detail"_L1).toString().startsWith(name), reply.body.constData());
}

void TestFlagInputTypes::everyFieldEveryWrongType_data()
{
    QTest::addColumn<QJsonObject>("filters");
    QTest::addColumn<QString>("name");
    for (const Field &field : fields())
        for (const auto &[kind, value] : samples())
            if (!field.accepted.contains(kind))
                QTest::addRow(
                    "%s = %s", qPrintable(field.name),
                    QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).constData())
                    << replaced(validFilters(), field.path, value).toObject() << field.name;
}

void TestFlagInputTypes::everyFieldEveryWrongType()
{
    QFETCH(QJsonObject, filters);
    QFETCH(QString, name);
    const qint64 rows = flagRows();

    const auto created = m_server->post(
        m_server->flags(), QJsonObject{{u"key"_s, u"wrong"_s}, {u"filters"_s, filters}});
    expectRefusal(created, name);
    QCOMPARE(flagRows(), rows);

    const qint64 id = m_flag.value("id"_L1).toInteger();
    expectRefusal(m_server->patchFlag(id, {{u"filters"_s, filters}}), name);
    QCOMPARE(m_server->getFlag(id), m_flag);
}

void TestFlagInputTypes::theListedCasesAreInTheTable()
{
    // The cases the issue names, each a row of the table above; the table may not lose them.
    const QList<QPair<QString, Kind>> listed{
        {u"groups[0].rollout_percentage"_s, Text},
        {u"groups[0].rollout_percentage"_s, Bool},
        {u"groups[0].rollout_percentage"_s, List},
        {u"groups[0]"_s, Integer},
        {u"groups[0]"_s, Null},
        {u"groups[0]"_s, List},
        {u"groups[0].properties[0].operator"_s, Integer},
        {u"groups[0].properties"_s, Text},
        {u"multivariate"_s, Text},
        {u"multivariate.variants"_s, Text},
        {u"Payloads"_s, Text},
        {u"super_groups[0].rollout_percentage"_s, Text},
        {u"holdout_groups[0].rollout_percentage"_s, Text},
        {u"groups[0].properties[0].key"_s, Integer},
    };
    const QList<Field> table = fields();
    for (const auto &[name, kind] : listed) {
        const auto field = std::find_if(table.begin(), table.end(),
                                        [&](const Field &f) { return f.name == name; });
        QVERIFY2(field != table.end(), qPrintable(name));
        QVERIFY2(!field->accepted.contains(kind), qPrintable(name));
    }
}

QTEST_GUILESS_MAIN(TestFlagInputTypes)
#include "tst_flag_input_types.moc"
