// GET feature_flags/:id/versions/:n over real HTTP: the flag as the API returned it when each
// version was saved, in PostHog's version shape; unknown versions, lost snapshots, remote
// configuration flags, scopes and projects.
#include "test_server.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestFlagVersions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void everyVersionAsSaved();
    void unknownVersions();
    void lostSnapshotCannotBeRebuilt();
    void remoteConfigurationFlags();
    void scopes();
    void otherProjects();

private:
    QString version(qint64 flagId, const QString &n) const;
    std::unique_ptr<TestServer> m_server;
};

namespace {

QJsonObject rolloutFilters(int rollout)
{
    return {{u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray{}},
                                                 {u"rollout_percentage"_s, rollout}}}}};
}

qint64 idOf(const QJsonObject &flag)
{
    return flag.value("id"_L1).toInteger();
}

// The flag's own fields PostHog serves for a version, taken from what the API returned.
const QStringList savedFields{
    u"key"_s,
    u"name"_s,
    u"filters"_s,
    u"active"_s,
    u"deleted"_s,
    u"version"_s,
    u"rollback_conditions"_s,
    u"performed_rollback"_s,
    u"ensure_experience_continuity"_s,
    u"has_enriched_analytics"_s,
    u"is_remote_configuration"_s,
    u"has_encrypted_payloads"_s,
    u"evaluation_runtime"_s,
    u"bucketing_identifier"_s,
    u"last_called_at"_s,
};

QJsonObject notFound(const QString &detail)
{
    return {{u"type"_s, u"invalid_request"_s},
            {u"code"_s, u"not_found"_s},
            {u"detail"_s, detail},
            {u"attr"_s, QJsonValue()}};
}

} // namespace

QString TestFlagVersions::version(qint64 flagId, const QString &n) const
{
    return m_server->flags(QString::number(flagId) + u"/versions/"_s + n);
}

void TestFlagVersions::everyVersionAsSaved()
{
    const qint64 owner = m_server->server().auth().ownerUserId();
    const qint64 editor =
        m_server->server()
            .database()
            .scalar(u"INSERT INTO users (uuid, distinct_id, first_name, last_name, email, "
                    "created_at) VALUES ('u-2', 'd-2', 'Second', 'User', 'second@bunting.local', "
                    "'2026-01-01T00:00:00Z') RETURNING id"_s)
            ->toLongLong();
    const QString editorKey =
        m_server->server().auth().createKey(editor, u"editor"_s, {u"*"_s}, {}).value;

    QList<QJsonObject> saved{
        m_server->createFlag({{u"key"_s, u"versioned"_s}, {u"filters"_s, rolloutFilters(20)}})};
    const qint64 id = idOf(saved.first());
    const QString path = m_server->flags(QString::number(id));
    const QList<QPair<QJsonObject, QString>> edits{
        {{{u"filters"_s, rolloutFilters(60)}}, m_server->ownerKey()},
        {{{u"name"_s, u"Versioned flag"_s}}, editorKey},
        {{{u"tags"_s, QJsonArray{u"beta"_s}}}, m_server->ownerKey()},
        {{{u"active"_s, false}}, editorKey},
        {{{u"deleted"_s, true}}, m_server->ownerKey()},
    };
    QList<qint64> authors{owner};
    for (const auto &[body, key] : edits) {
        const auto reply = m_server->patch(path, body, key);
        QCOMPARE(reply.status, 200);
        saved.append(reply.object());
        authors.append(key == editorKey ? editor : owner);
    }
    QCOMPARE(saved.last().value("version"_L1), QJsonValue(6));

    for (qsizetype i = 0; i < saved.size(); ++i) {
        const QJsonObject &then = saved[i];
        QJsonObject expected{
            {u"id"_s, id},
            {u"created_at"_s, saved.first().value("created_at"_L1)},
            {u"created_by"_s, owner},
            {u"is_historical"_s, i + 1 != saved.size()},
            // Version 1 was saved when the flag was created; its usage dashboard, made just
            // after, moves updated_at without a new version.
            {u"version_timestamp"_s,
             i == 0 ? then.value("created_at"_L1) : then.value("updated_at"_L1)},
            {u"modified_by"_s, authors[i]},
        };
        for (const QString &field : savedFields) {
            QVERIFY2(then.contains(field), qPrintable(field));
            expected.insert(field, then.value(field));
        }
        const auto reply = m_server->get(version(id, QString::number(i + 1)));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.object(), expected);
        QCOMPARE(reply.object().value("version"_L1), QJsonValue(i + 1));
    }
    // What changed is there to see, version against version.
    const auto v1 = m_server->get(version(id, u"1"_s)).object();
    const auto v2 = m_server->get(version(id, u"2/"_s)).object();
    QCOMPARE(v1["filters"_L1]["groups"_L1][0]["rollout_percentage"_L1], QJsonValue(20));
    QCOMPARE(v2["filters"_L1]["groups"_L1][0]["rollout_percentage"_L1], QJsonValue(60));
    QCOMPARE(m_server->get(version(id, u"5"_s)).object().value("active"_L1), QJsonValue(false));
    QCOMPARE(m_server->get(version(id, u"4"_s)).object().value("active"_L1), QJsonValue(true));
    QCOMPARE(m_server->get(version(id, u"6"_s)).object().value("deleted"_L1), QJsonValue(true));
}

void TestFlagVersions::unknownVersions()
{
    const qint64 id = idOf(m_server->createFlag({{u"key"_s, u"short-lived"_s}}));
    QCOMPARE(
        m_server->patch(m_server->flags(QString::number(id)), QJsonObject{{u"name"_s, u"two"_s}})
            .status,
        200);
    QCOMPARE(m_server->get(version(id, u"2"_s)).status, 200);
    // PostHog: {"detail": "Version N not found (current version is M)"}, nothing else.
    for (const QString &n : {u"0"_s, u"3"_s, u"999"_s}) {
        const auto reply = m_server->get(version(id, n));
        QCOMPARE(reply.status, 404);
        QCOMPARE(
            reply.object(),
            (QJsonObject{{u"detail"_s, u"Version %1 not found (current version is 2)"_s.arg(n)}}));
    }
    // Not a version number at all: no route, the usual 404.
    for (const QString &n : {u"-1"_s, u"99999999999999999999"_s})
        QCOMPARE(m_server->get(version(id, n)).object(), notFound(u"Not found."_s));
    QCOMPARE(m_server->get(version(id, u"two"_s)).object(), notFound(u"Not found."_s));
    QCOMPARE(m_server->get(version(987654, u"1"_s)).object(), notFound(u"Not found."_s));
}

void TestFlagVersions::lostSnapshotCannotBeRebuilt()
{
    const qint64 id = idOf(m_server->createFlag({{u"key"_s, u"imported"_s}}));
    for (int rollout : {10, 20})
        QCOMPARE(m_server
                     ->patch(m_server->flags(QString::number(id)),
                             QJsonObject{{u"filters"_s, rolloutFilters(rollout)}})
                     .status,
                 200);
    m_server->server().database().exec(
        u"DELETE FROM feature_flag_versions WHERE flag_id = ? AND version = 2"_s, {id});
    const auto reply = m_server->get(version(id, u"2"_s));
    QCOMPARE(reply.status, 422);
    QCOMPARE(reply.object(),
             (QJsonObject{
                 {u"detail"_s, u"Activity log is incomplete. Cannot reconstruct version 2."_s}}));
    QCOMPARE(m_server->get(version(id, u"1"_s)).status, 200);
    QCOMPARE(m_server->get(version(id, u"3"_s)).status, 200);
}

void TestFlagVersions::remoteConfigurationFlags()
{
    const auto created = m_server->post(
        m_server->flags(),
        QJsonObject{
            {u"key"_s, u"remote"_s},
            {u"is_remote_configuration"_s, true},
            {u"filters"_s,
             QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray{}},
                                                              {u"rollout_percentage"_s, 100}}}},
                         {u"payloads"_s, QJsonObject{{u"true"_s, u"{\"a\": 1}"_s}}}}}});
    QCOMPARE(created.status, 201);
    const auto reply = m_server->get(version(idOf(created.object()), u"1"_s));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.object(),
             (QJsonObject{{u"type"_s, u"validation_error"_s},
                          {u"code"_s, u"invalid_input"_s},
                          {u"detail"_s,
                           u"Version history is not available for remote configuration flags."_s},
                          {u"attr"_s, QJsonValue()}}));
}

void TestFlagVersions::scopes()
{
    const qint64 id = idOf(m_server->createFlag({{u"key"_s, u"scoped"_s}}));
    QCOMPARE(m_server->get(version(id, u"1"_s), m_server->keyWithScopes({u"feature_flag:read"_s}))
                 .status,
             200);
    const auto denied =
        m_server->get(version(id, u"1"_s), m_server->keyWithScopes({u"activity_log:read"_s}));
    QCOMPARE(denied.status, 403);
    QCOMPARE(denied.object().value("detail"_L1),
             QJsonValue(u"API key missing required scope 'feature_flag:read'"_s));
    QCOMPARE(m_server->get(version(id, u"1"_s), u""_s).status, 401);
}

void TestFlagVersions::otherProjects()
{
    const qint64 other = m_server->createProject(u"Other"_s);
    const auto created = m_server->post(u"/api/projects/%1/feature_flags/"_s.arg(other),
                                        QJsonObject{{u"key"_s, u"theirs"_s}});
    QCOMPARE(created.status, 201);
    const qint64 theirs = idOf(created.object());
    const auto reply = m_server->get(version(theirs, u"1"_s));
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.object(), notFound(u"Not found."_s));
    QCOMPARE(m_server->get(u"/api/projects/%1/feature_flags/%2/versions/1"_s.arg(other).arg(theirs))
                 .status,
             200);
}

QTEST_GUILESS_MAIN(TestFlagVersions)
#include "tst_flag_versions.moc"
