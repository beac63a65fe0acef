// The version history of a flag edited 50 times on a real server: every version listed and
// loaded, crafted pairs compared field by field, and restore's round trip and conflicts.
#include "client.h"
#include "test_server.h"
#include "version_history.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using namespace bunting::models;

namespace {

QJsonObject condition(double rollout, const QJsonArray &properties = {})
{
    return {{u"properties"_s, properties}, {u"rollout_percentage"_s, rollout}};
}

QJsonObject filters(const QJsonArray &groups, const QJsonObject &extra = {})
{
    QJsonObject f = extra;
    f.insert(u"groups"_s, groups);
    return f;
}

QJsonObject multivariate(int control, int test)
{
    return {{u"variants"_s,
             QJsonArray{QJsonObject{{u"key"_s, u"control"_s}, {u"rollout_percentage"_s, control}},
                        QJsonObject{{u"key"_s, u"test"_s}, {u"rollout_percentage"_s, test}}}}};
}

const QJsonArray staff{QJsonObject{{u"key"_s, u"email"_s},
                                   {u"value"_s, u"@acme.com"_s},
                                   {u"operator"_s, u"icontains"_s},
                                   {u"type"_s, u"person"_s}}};

// The edit that makes version `v` (2..50); versions 2 to 10 are the crafted ones.
QJsonObject editFor(int v)
{
    const QJsonObject variants{{u"multivariate"_s, multivariate(30, 70)}};
    switch (v) {
    case 2:
        return {{u"filters"_s, filters({condition(20)})}};
    case 3:
        return {{u"filters"_s, filters({condition(20), condition(100, staff)})}};
    case 4:
        return {{u"filters"_s, filters({condition(20)})}};
    case 5:
        return {
            {u"filters"_s, filters({condition(20)}, {{u"multivariate"_s, multivariate(50, 50)}})}};
    case 6:
        return {{u"filters"_s, filters({condition(20)}, variants)}};
    case 7: {
        QJsonObject withPayload = variants;
        withPayload.insert(u"payloads"_s, QJsonObject{{u"control"_s, u"{\"a\": 1}"_s}});
        return {{u"filters"_s, filters({condition(20)}, withPayload)}};
    }
    case 8:
        return {{u"active"_s, false}};
    case 9:
        return {{u"tags"_s, QJsonArray{u"beta"_s}}};
    case 10:
        return {{u"name"_s, u"Checkout, renamed"_s}};
    default:
        return {{u"filters"_s, filters({condition(v)}, variants)}};
    }
}

const FlagChange *find(const QList<FlagChange> &changes, const QString &path)
{
    for (const FlagChange &change : changes)
        if (change.path == path)
            return &change;
    return nullptr;
}

QString describe(const QList<FlagChange> &changes)
{
    QStringList paths;
    for (const FlagChange &change : changes)
        paths.append(change.path + u": "_s + change.summary());
    return paths.join(u"; "_s);
}

} // namespace

class TestVersionHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void listsEveryVersion();
    void comparesCraftedPairs_data();
    void comparesCraftedPairs();
    void rawDiffMarksTheChangedLines();
    void restoreMakesANewVersionWithTheOldContent();
    void restoreAfterAConcurrentChangeIsAConflict();
    void versionThatCannotBeRebuiltIs422();

private:
    VersionComparison compare(int from, int to);
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<VersionHistory> m_history;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    qint64 m_flagId = 0;
};

void TestVersionHistory::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(
        api::Endpoint{QUrl(u"http://127.0.0.1:%1"_s.arg(m_server->port())),
                      QString::number(m_server->projectId()), m_server->ownerKey()});
    const QJsonObject created = m_server->createFlag({{u"key"_s, u"checkout"_s},
                                                      {u"name"_s, u"Checkout"_s},
                                                      {u"filters"_s, filters({condition(10)})}});
    m_flagId = created.value(u"id"_s).toInteger();
    for (int v = 2; v <= 50; ++v) {
        const auto reply = m_server->patch(m_server->flags(QString::number(m_flagId)), editFor(v));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.object().value(u"version"_s).toInt(), v);
    }
    m_history = std::make_unique<VersionHistory>(m_client.get(), m_flagId);
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_history.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(m_history.get(), &VersionHistory::loaded);
    m_history->reload();
    QVERIFY(loaded.wait());
}

void TestVersionHistory::cleanup()
{
    m_tester.reset();
    m_history.reset();
    m_client.reset();
    m_server.reset();
}

VersionComparison TestVersionHistory::compare(int from, int to)
{
    std::optional<VersionComparison> result;
    m_history->compare(from, to, [&result](const VersionComparison &c) { result = c; });
    [&] { QTRY_VERIFY(result.has_value()); }();
    return result.value_or(VersionComparison{});
}

void TestVersionHistory::listsEveryVersion()
{
    QCOMPARE(m_history->currentVersion(), 50);
    QCOMPARE(m_history->rowCount(), 50);
    for (int row = 0; row < 50; ++row) {
        const QModelIndex index = m_history->index(row);
        QCOMPARE(index.data(VersionHistory::VersionRole).toInt(), 50 - row);
        QCOMPARE(index.data(VersionHistory::IsCurrentRole).toBool(), row == 0);
        QVERIFY(index.data().toString().startsWith(u"Version %1"_s.arg(50 - row)));
    }
    // Asking for the rows loaded them.
    for (int row = 0; row < 50; ++row)
        QTRY_VERIFY(m_history->index(row).data(VersionHistory::IsLoadedRole).toBool());
    const QRegularExpression shape(
        u"^Version 50 · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d · .+ · current$"_s);
    QVERIFY2(shape.match(m_history->index(0).data().toString()).hasMatch(),
             qPrintable(m_history->index(0).data().toString()));
    QVERIFY(!m_history->index(49).data().toString().contains(u"current"_s));
    QVERIFY(m_history->index(0).data(Qt::FontRole).value<QFont>().bold());
}

void TestVersionHistory::comparesCraftedPairs_data()
{
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("to");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QJsonValue>("before");
    QTest::addColumn<QJsonValue>("after");

    const QJsonValue none = QJsonValue::Undefined;
    QTest::newRow("rollout") << 1 << 2 << u"filters.groups[0].rollout_percentage"_s << 1
                             << int(ChangeKind::Changed) << QJsonValue(10) << QJsonValue(20);
    QTest::newRow("rollout backwards")
        << 2 << 1 << u"filters.groups[0].rollout_percentage"_s << 1 << int(ChangeKind::Changed)
        << QJsonValue(20) << QJsonValue(10);
    QTest::newRow("condition added")
        << 2 << 3 << u"filters.groups[1]"_s << 1 << int(ChangeKind::Added) << none << none;
    QTest::newRow("condition removed")
        << 3 << 4 << u"filters.groups[1]"_s << 1 << int(ChangeKind::Removed) << none << none;
    QTest::newRow("variant shares")
        << 5 << 6 << u"filters.multivariate.variants[test].rollout_percentage"_s << 2
        << int(ChangeKind::Changed) << QJsonValue(50) << QJsonValue(70);
    QTest::newRow("payload") << 6 << 7 << u"filters.payloads[control]"_s << 1
                             << int(ChangeKind::Added) << none << none;
    QTest::newRow("active") << 7 << 8 << u"active"_s << 1 << int(ChangeKind::Changed)
                            << QJsonValue(true) << QJsonValue(false);
    QTest::newRow("name") << 9 << 10 << u"name"_s << 1 << int(ChangeKind::Changed)
                          << QJsonValue(u"Checkout"_s) << QJsonValue(u"Checkout, renamed"_s);
    QTest::newRow("many versions apart")
        << 11 << 50 << u"filters.groups[0].rollout_percentage"_s << 1 << int(ChangeKind::Changed)
        << QJsonValue(11) << QJsonValue(50);
}

void TestVersionHistory::comparesCraftedPairs()
{
    QFETCH(int, from);
    QFETCH(int, to);
    QFETCH(QString, path);
    QFETCH(int, count);
    QFETCH(int, kind);
    QFETCH(QJsonValue, before);
    QFETCH(QJsonValue, after);

    const VersionComparison c = compare(from, to);
    QVERIFY(!c.error);
    QCOMPARE(c.from.version, from);
    QCOMPARE(c.to.version, to);
    QVERIFY2(c.changes.size() == count, qPrintable(describe(c.changes)));
    const FlagChange *change = find(c.changes, path);
    QVERIFY2(change, qPrintable(describe(c.changes)));
    QCOMPARE(int(change->kind), kind);
    if (!before.isUndefined())
        QCOMPARE(change->before, before);
    if (!after.isUndefined())
        QCOMPARE(change->after, after);
}

void TestVersionHistory::rawDiffMarksTheChangedLines()
{
    const VersionComparison c = compare(1, 2);
    QStringList deleted, inserted;
    for (const DiffOp &op : c.rawDiff) {
        for (int i = 0; i < op.count; ++i) {
            if (op.kind == DiffOp::Kind::Delete)
                deleted.append(c.fromLines.at(op.oldStart + i).trimmed());
            else if (op.kind == DiffOp::Kind::Insert)
                inserted.append(c.toLines.at(op.newStart + i).trimmed());
        }
    }
    QVERIFY(deleted.contains(u"\"rollout_percentage\": 10"_s));
    QVERIFY(inserted.contains(u"\"rollout_percentage\": 20"_s));
    QVERIFY(deleted.contains(u"\"version\": 1"_s));
    QVERIFY(inserted.contains(u"\"version\": 2"_s));
    // Keys come sorted, so equal content lines up.
    QVERIFY(c.fromLines.indexOf(u"    \"active\": true,"_s) <
            c.fromLines.indexOf(u"    \"key\": \"checkout\","_s));
}

void TestVersionHistory::restoreMakesANewVersionWithTheOldContent()
{
    std::optional<VersionComparison> preview;
    m_history->restorePreview(5, [&preview](const VersionComparison &c) { preview = c; });
    QTRY_VERIFY(preview);
    QCOMPARE(preview->fromVersion, 50);
    QCOMPARE(preview->toVersion, 5);
    QVERIFY(find(preview->changes, u"active"_s));
    QVERIFY(find(preview->changes, u"filters.multivariate.variants[test].rollout_percentage"_s));
    QVERIFY(find(preview->changes, u"filters.groups[0].rollout_percentage"_s));

    QSignalSpy inserted(m_history.get(), &QAbstractItemModel::rowsInserted);
    std::optional<api::Result<FeatureFlag>> saved;
    m_history->restore(5, [&saved](const api::Result<FeatureFlag> &r) { saved = r; });
    QTRY_VERIFY(saved);
    QVERIFY2(saved->ok(), qPrintable(saved->ok() ? QString() : saved->error().message()));
    QCOMPARE(saved->value().version, 51);
    QTRY_COMPARE(m_history->rowCount(), 51);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(m_history->index(0).data(VersionHistory::VersionRole).toInt(), 51);
    QVERIFY(!m_history->index(1).data(VersionHistory::IsCurrentRole).toBool());

    const VersionComparison c = compare(5, 51);
    QVERIFY(!c.error);
    QVERIFY2(c.changes.isEmpty(), qPrintable(describe(c.changes)));
    // Nothing left to restore, and the restored version was on.
    const QJsonObject left = VersionHistory::restoreBody(c.from, c.to);
    QVERIFY2(left.isEmpty(), QJsonDocument(left).toJson().constData());
    QCOMPARE(c.from.active, true);
    // What the flag itself says now, beyond the versions endpoint.
    const QJsonObject flag = m_server->get(m_server->flags(QString::number(m_flagId))).object();
    QCOMPARE(flag.value(u"active"_s), QJsonValue(true));
    QCOMPARE(flag.value(u"filters"_s).toObject().value(u"multivariate"_s),
             QJsonValue(multivariate(50, 50)));
    QVERIFY(!flag.value(u"filters"_s).toObject().contains(u"payloads"_s) ||
            flag.value(u"filters"_s).toObject().value(u"payloads"_s).toObject().isEmpty());
}

void TestVersionHistory::restoreAfterAConcurrentChangeIsAConflict()
{
    // Someone changes what the restore changes too (the rollout): PostHog's rule answers 409.
    const QJsonObject condition{{u"properties"_s, QJsonArray()}, {u"rollout_percentage"_s, 3}};
    QCOMPARE(
        m_server
            ->patch(m_server->flags(QString::number(m_flagId)),
                    QJsonObject{{u"name"_s, u"Someone else"_s},
                                {u"filters"_s, QJsonObject{{u"groups"_s, QJsonArray{condition}}}}})
            .status,
        200);
    std::optional<api::Result<FeatureFlag>> saved;
    m_history->restore(3, [&saved](const api::Result<FeatureFlag> &r) { saved = r; });
    QTRY_VERIFY(saved);
    QVERIFY(!saved->ok());
    QCOMPARE(saved->error().status, 409);
    QVERIFY(saved->error().isConflict());
    // The list catches up with the change that got in the way; nothing else was written.
    QTRY_COMPARE(m_history->rowCount(), 51);
    QCOMPARE(m_history->currentFlag().name, u"Someone else"_s);
}

void TestVersionHistory::versionThatCannotBeRebuiltIs422()
{
    m_server->server().database().exec(
        u"DELETE FROM feature_flag_versions WHERE flag_id = ? AND version = 2"_s, {m_flagId});
    const VersionComparison c = compare(1, 2);
    QVERIFY(c.error);
    QCOMPARE(c.error->status, 422);
    QVERIFY(c.changes.isEmpty());
    const QModelIndex row = m_history->index(m_history->rowOf(2));
    QVERIFY(row.data().toString().contains(u"422"_s));
    QVERIFY(!row.data(VersionHistory::ErrorRole).toString().isEmpty());
    std::optional<api::Result<FeatureFlag>> saved;
    m_history->restore(2, [&saved](const api::Result<FeatureFlag> &r) { saved = r; });
    QTRY_VERIFY(saved);
    QCOMPARE(saved->error().status, 422);
    QCOMPARE(m_server->get(m_server->flags(QString::number(m_flagId))).object().value(u"version"_s),
             QJsonValue(50));
}

QTEST_MAIN(TestVersionHistory)
#include "tst_version_history.moc"
