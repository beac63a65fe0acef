// The flag list over real HTTP: every filter PostHog's list takes, their combinations, the order,
// and limit/offset pagination with its absolute next/previous links.
#include "storage/timestamps.h"
#include "test_server.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace {

QJsonObject rollout(double percentage, const QJsonArray &properties = {})
{
    return QJsonObject{
        {u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, properties},
                                             {u"rollout_percentage"_s, percentage}}}}};
}

QJsonObject multivariate(const QJsonArray &variants, double percentage = 100)
{
    QJsonObject filters = rollout(percentage);
    filters.insert(u"multivariate"_s, QJsonObject{{u"variants"_s, variants}});
    return filters;
}

QJsonObject variant(const QString &key, double percentage)
{
    return QJsonObject{{u"key"_s, key}, {u"rollout_percentage"_s, percentage}};
}

QString encoded(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

} // namespace

class TestFlagList : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void shapeAndDefaultOrder();
    void tiesInCreatedAtByIdDescending();
    void orderParameter();
    void deletedFlagsAreNeverListed();
    void activeFilter();
    void staleFilter();
    void createdByFilter();
    void searchFilter();
    void typeFilter();
    void evaluationRuntimeFilter();
    void tagsFilter();
    void excludedPropertiesFilter();
    void evaluationContextsFilter();
    void combinedFiltersWithPagination();
    void pagination_data();
    void pagination();
    void linksKeepOtherParametersSortedAndEncoded();
    void linksUseTheHostHeaderAndPath();
    void statusAndLastCalledInResults();
    void scopesAndProjects();

private:
    qint64 create(const QJsonObject &body);
    void setColumn(qint64 id, const QString &column, const QVariant &value);
    QStringList keys(const QString &query);
    TestServer::Reply list(const QString &query);
    QString url(const QString &query) const;

    std::unique_ptr<TestServer> m_server;
};

qint64 TestFlagList::create(const QJsonObject &body)
{
    const QJsonObject flag = m_server->createFlag(body);
    const qint64 id = flag.value("id"_L1).toInteger();
    if (id <= 0)
        qWarning("flag %s was not created", qPrintable(body.value("key"_L1).toString()));
    return id;
}

void TestFlagList::setColumn(qint64 id, const QString &column, const QVariant &value)
{
    m_server->server().database().exec(
        u"UPDATE feature_flags SET %1 = ? WHERE id = ?"_s.arg(column), {value, id});
}

TestServer::Reply TestFlagList::list(const QString &query)
{
    return m_server->get(m_server->flags() + (query.isEmpty() ? QString() : u"?"_s + query));
}

QStringList TestFlagList::keys(const QString &query)
{
    const auto reply = list(query);
    if (reply.status != 200)
        qWarning("list ?%s answered %d: %s", qPrintable(query), reply.status,
                 reply.body.constData());
    QStringList out;
    for (const QJsonValue &flag : reply.object().value("results"_L1).toArray())
        out.append(flag.toObject().value("key"_L1).toString());
    return out;
}

QString TestFlagList::url(const QString &query) const
{
    return u"http://127.0.0.1:%1%2?%3"_s.arg(m_server->port()).arg(m_server->flags(), query);
}

void TestFlagList::shapeAndDefaultOrder()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 a = create({{u"key"_s, u"a"_s}});
    const qint64 b = create({{u"key"_s, u"b"_s}});
    const qint64 c = create({{u"key"_s, u"c"_s}});
    m_server->setFlagCreatedAt(a, now.addDays(-1));
    m_server->setFlagCreatedAt(b, now.addDays(-3));
    m_server->setFlagCreatedAt(c, now.addDays(-2));

    const auto reply = list({});
    QCOMPARE(reply.status, 200);
    const QJsonObject page = reply.object();
    QCOMPARE(page.keys(), (QStringList{u"count"_s, u"next"_s, u"previous"_s, u"results"_s}));
    QCOMPARE(page.value("count"_L1), QJsonValue(3));
    QCOMPARE(page.value("next"_L1), QJsonValue());
    QCOMPARE(page.value("previous"_L1), QJsonValue());
    QCOMPARE(keys({}), (QStringList{u"a"_s, u"c"_s, u"b"_s})); // newest first
    // Each result is the flag as retrieve serves it.
    const QJsonObject first = page.value("results"_L1).toArray().first().toObject();
    QCOMPARE(first, m_server->get(m_server->flags(QString::number(a))).object());
    QCOMPARE(first.value("status"_L1), QJsonValue(u"ACTIVE"_s));
    QCOMPARE(first.value("last_called_at"_L1), QJsonValue());
}

void TestFlagList::tiesInCreatedAtByIdDescending()
{
    const QDateTime when = QDateTime::currentDateTimeUtc().addDays(-1);
    for (const QString &key : {u"x1"_s, u"x2"_s, u"x3"_s})
        m_server->setFlagCreatedAt(create({{u"key"_s, key}}), when);
    QCOMPARE(keys({}), (QStringList{u"x3"_s, u"x2"_s, u"x1"_s}));
    // Pages of a tie never overlap.
    QCOMPARE(keys(u"limit=1&offset=1"_s), QStringList{u"x2"_s});
}

void TestFlagList::orderParameter()
{
    const qint64 b = create({{u"key"_s, u"bravo"_s}, {u"name"_s, u"3"_s}});
    const qint64 a = create({{u"key"_s, u"alpha"_s}, {u"name"_s, u"2"_s}});
    create({{u"key"_s, u"charlie"_s}, {u"name"_s, u"1"_s}});
    QCOMPARE(keys(u"order=key"_s), (QStringList{u"alpha"_s, u"bravo"_s, u"charlie"_s}));
    QCOMPARE(keys(u"order=-key"_s), (QStringList{u"charlie"_s, u"bravo"_s, u"alpha"_s}));
    QCOMPARE(keys(u"order=name"_s), (QStringList{u"charlie"_s, u"alpha"_s, u"bravo"_s}));
    QCOMPARE(keys(u"order=created_at"_s), (QStringList{u"bravo"_s, u"alpha"_s, u"charlie"_s}));
    QCOMPARE(keys(u"order="_s), (QStringList{u"charlie"_s, u"alpha"_s, u"bravo"_s}));
    // As in PostgreSQL: flags never called come last going up and first going down.
    setColumn(b, u"last_called_at"_s, u"2026-01-02T00:00:00.000000Z"_s);
    setColumn(a, u"last_called_at"_s, u"2026-01-01T00:00:00.000000Z"_s);
    QCOMPARE(keys(u"order=last_called_at"_s), (QStringList{u"alpha"_s, u"bravo"_s, u"charlie"_s}));
    QCOMPARE(keys(u"order=-last_called_at"_s), (QStringList{u"charlie"_s, u"bravo"_s, u"alpha"_s}));

    const auto bad = list(u"order=secret"_s);
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.object().value("type"_L1), QJsonValue(u"validation_error"_s));
    QCOMPARE(bad.object().value("attr"_L1), QJsonValue(u"order"_s));
}

void TestFlagList::deletedFlagsAreNeverListed()
{
    create({{u"key"_s, u"kept"_s}});
    const qint64 gone = create({{u"key"_s, u"gone"_s}});
    QCOMPARE(
        m_server->patch(m_server->flags(QString::number(gone)), QJsonObject{{u"deleted"_s, true}})
            .status,
        200);
    QCOMPARE(keys({}), QStringList{u"kept"_s});
    QCOMPARE(list({}).object().value("count"_L1), QJsonValue(1));
    QCOMPARE(keys(u"active=false"_s), QStringList());
    QCOMPARE(keys(u"search=gone"_s), QStringList());
}

void TestFlagList::activeFilter()
{
    create({{u"key"_s, u"on"_s}});
    create({{u"key"_s, u"off"_s}, {u"active"_s, false}});
    QCOMPARE(keys(u"active=true"_s), QStringList{u"on"_s});
    QCOMPARE(keys(u"active=false"_s), QStringList{u"off"_s});
    // PostHog reads anything but "true" and "STALE" as false.
    QCOMPARE(keys(u"active=yes"_s), QStringList{u"off"_s});
    QCOMPARE(keys(u"active=TRUE"_s), QStringList{u"off"_s});
    // Django keeps the last of a repeated parameter.
    QCOMPARE(keys(u"active=false&active=true"_s), QStringList{u"on"_s});
}

void TestFlagList::staleFilter()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime old = now.addDays(-40);
    const auto day = [&](int daysAgo) { return now.addDays(-daysAgo).toString(u"yyyy-MM-dd"_s); };
    const auto calls = [&](const QString &key, const QString &onDay, qint64 count) {
        m_server->server().database().exec(u"INSERT INTO flag_calls (project_id, flag_key, day, "
                                           "variant, calls) VALUES (?, ?, ?, '', ?)"_s,
                                           {m_server->projectId(), key, onDay, count});
    };
    struct Case
    {
        QString key;
        QJsonObject filters;
        bool active;
        QDateTime created;
        QString lastCalled; // empty: never
        bool stale;
    };
    const QString longAgo = bunting::server::formatApiTimestamp(now.addDays(-35));
    const QString recently = bunting::server::formatApiTimestamp(now.addDays(-2));
    const QList<Case> cases{
        {u"called-long-ago"_s, rollout(30), true, old, longAgo, true},
        {u"called-long-ago-disabled"_s, rollout(30), false, old, longAgo, false},
        {u"called-recently-full"_s, rollout(100), true, old, recently, false},
        {u"never-full"_s, rollout(100), true, old, {}, true},
        {u"never-partial"_s, rollout(50), true, old, {}, false},
        {u"never-full-young"_s, rollout(100), true, now.addDays(-10), {}, false},
        {u"never-full-with-properties"_s,
         rollout(100, QJsonArray{QJsonObject{{u"key"_s, u"email"_s},
                                             {u"type"_s, u"person"_s},
                                             {u"value"_s, u"a@b.c"_s},
                                             {u"operator"_s, u"exact"_s}}}),
         true,
         old,
         {},
         false},
        {u"never-variant-full"_s,
         multivariate(QJsonArray{variant(u"a"_s, 100), variant(u"b"_s, 0)}),
         true,
         old,
         {},
         true},
        {u"never-variant-split"_s,
         multivariate(QJsonArray{variant(u"a"_s, 50), variant(u"b"_s, 50)}),
         true,
         old,
         {},
         false},
        {u"never-full-disabled"_s, rollout(100), false, old, {}, false},
    };
    for (const Case &c : cases) {
        QJsonObject body{{u"key"_s, c.key}, {u"filters"_s, c.filters}, {u"active"_s, c.active}};
        const qint64 id = create(body);
        m_server->setFlagCreatedAt(id, c.created);
        if (!c.lastCalled.isEmpty())
            setColumn(id, u"last_called_at"_s, c.lastCalled);
    }
    // A condition overriding the variant makes a split multivariate flag fully rolled out.
    QJsonObject overridden = multivariate(QJsonArray{variant(u"a"_s, 50), variant(u"b"_s, 50)});
    QJsonObject group = overridden[u"groups"_s].toArray().first().toObject();
    group.insert(u"variant"_s, u"b"_s);
    overridden.insert(u"groups"_s, QJsonArray{group});
    m_server->setFlagCreatedAt(
        create({{u"key"_s, u"never-override"_s}, {u"filters"_s, overridden}}), old);
    // flag_calls counts as calls: 36 days ago is long ago, yesterday is recent, zero is none.
    m_server->setFlagCreatedAt(
        create({{u"key"_s, u"counted-long-ago"_s}, {u"filters"_s, rollout(30)}}), old);
    calls(u"counted-long-ago"_s, day(36), 4);
    m_server->setFlagCreatedAt(
        create({{u"key"_s, u"counted-recently-full"_s}, {u"filters"_s, rollout(100)}}), old);
    calls(u"counted-recently-full"_s, day(1), 4);
    m_server->setFlagCreatedAt(
        create({{u"key"_s, u"counted-zero-full"_s}, {u"filters"_s, rollout(100)}}), old);
    calls(u"counted-zero-full"_s, day(1), 0);

    QStringList expected;
    for (const Case &c : cases)
        if (c.stale)
            expected.append(c.key);
    expected << u"never-override"_s << u"counted-long-ago"_s << u"counted-zero-full"_s;
    QStringList actual = keys(u"active=STALE"_s);
    actual.sort();
    expected.sort();
    QCOMPARE(actual, expected);
    QCOMPARE(list(u"active=STALE&limit=2"_s).object().value("count"_L1),
             QJsonValue(expected.size()));
}

void TestFlagList::createdByFilter()
{
    const auto &db = m_server->server().database();
    const qint64 other =
        db.scalar(u"INSERT INTO users (uuid, distinct_id, first_name, last_name, email, "
                  "created_at) VALUES ('u-2', 'd-2', 'Other', 'User', 'other@bunting.local', "
                  "'2026-01-01T00:00:00Z') RETURNING id"_s)
            ->toLongLong();
    const QString otherKey =
        m_server->server().auth().createKey(other, u"other"_s, {u"*"_s}, {}).value;
    create({{u"key"_s, u"mine"_s}});
    QCOMPARE(
        m_server->post(m_server->flags(), QJsonObject{{u"key"_s, u"theirs"_s}}, otherKey).status,
        201);
    const qint64 owner = m_server->server().auth().ownerUserId();
    QCOMPARE(keys(u"created_by_id=%1"_s.arg(owner)), QStringList{u"mine"_s});
    QCOMPARE(keys(u"created_by_id=%1"_s.arg(other)), QStringList{u"theirs"_s});
    QCOMPARE(keys(u"created_by_id=%20%1%20"_s.arg(other)), QStringList{u"theirs"_s});
    QCOMPARE(keys(u"created_by_id=999"_s), QStringList());

    const auto bad = list(u"created_by_id=abc"_s);
    QCOMPARE(bad.status, 400);
    QCOMPARE(
        bad.object(),
        (QJsonObject{{u"type"_s, u"validation_error"_s},
                     {u"code"_s, u"invalid"_s},
                     {u"detail"_s, u"Field 'created_by_id' expected a number but got 'abc'."_s},
                     {u"attr"_s, u"created_by_id"_s}}));
}

void TestFlagList::searchFilter()
{
    create({{u"key"_s, u"new-checkout"_s}, {u"name"_s, u"Payment page"_s}});
    create({{u"key"_s, u"dark_mode"_s}, {u"name"_s, u"Überblick der Einstellungen"_s}});
    create({{u"key"_s, u"darkXmode"_s}, {u"name"_s, u"100% sure"_s}});
    const auto sorted = [this](const QString &query) {
        QStringList k = keys(query);
        k.sort();
        return k;
    };
    QCOMPARE(sorted(u"search=CHECK"_s), QStringList{u"new-checkout"_s});
    QCOMPARE(sorted(u"search=payment"_s), QStringList{u"new-checkout"_s});      // the name
    QCOMPARE(sorted(u"search=payment+PAGE"_s), QStringList{u"new-checkout"_s}); // '+' is a space
    QCOMPARE(sorted(u"search=payment%20page"_s), QStringList{u"new-checkout"_s});
    // LIKE's wildcards are plain characters.
    QCOMPARE(sorted(u"search=dark_"_s), QStringList{u"dark_mode"_s});
    QCOMPARE(sorted(u"search=%25"_s), QStringList{u"darkXmode"_s});
    QCOMPARE(sorted(u"search=dark"_s), (QStringList{u"darkXmode"_s, u"dark_mode"_s}));
    // Beyond ASCII, still regardless of case.
    QCOMPARE(sorted(u"search="_s + encoded(u"ÜBERBLICK"_s)), QStringList{u"dark_mode"_s});
    QCOMPARE(sorted(u"search="_s + encoded(u"einstellungen"_s)), QStringList{u"dark_mode"_s});
    QCOMPARE(sorted(u"search=nothing"_s), QStringList());
    QCOMPARE(sorted(u"search="_s).size(), 3);
    // PostHog trims the term, then refuses one over 200 characters (rest-api-behaviour.md §4.1).
    QCOMPARE(sorted(u"search=%20%20payment%20%20"_s), QStringList{u"new-checkout"_s});
    QCOMPARE(list(u"search="_s + QString(200, u'x')).status, 200);
    const auto tooLong = list(u"search="_s + QString(201, u'x'));
    QCOMPARE(tooLong.status, 400);
    QCOMPARE(tooLong.object().value("detail"_L1),
             QJsonValue(u"Search term cannot exceed 200 characters"_s));
}

void TestFlagList::typeFilter()
{
    create({{u"key"_s, u"bool"_s}});
    create({{u"key"_s, u"multi"_s},
            {u"filters"_s, multivariate(QJsonArray{variant(u"a"_s, 50), variant(u"b"_s, 50)})}});
    create({{u"key"_s, u"remote"_s},
            {u"is_remote_configuration"_s, true},
            {u"filters"_s,
             QJsonObject{{u"groups"_s, rollout(100).value(u"groups"_s)},
                         {u"payloads"_s, QJsonObject{{u"true"_s, u"{\u0022a\u0022: 1}"_s}}}}}});
    const qint64 experiment = create({{u"key"_s, u"experiment"_s}});
    // The local server has no experiments; a flag linked to one lists it in experiment_set.
    const auto &db = m_server->server().database();
    QJsonObject document =
        QJsonDocument::fromJson(
            db.scalar(u"SELECT document FROM feature_flags WHERE id = ?"_s, {experiment})
                ->toByteArray())
            .object();
    document.insert(u"experiment_set"_s, QJsonArray{7});
    db.exec(
        u"UPDATE feature_flags SET document = ? WHERE id = ?"_s,
        {QString::fromUtf8(QJsonDocument(document).toJson(QJsonDocument::Compact)), experiment});

    const auto sorted = [this](const QString &query) {
        QStringList k = keys(query);
        k.sort();
        return k;
    };
    QCOMPARE(sorted(u"type=boolean"_s), (QStringList{u"bool"_s, u"experiment"_s, u"remote"_s}));
    QCOMPARE(sorted(u"type=multivariant"_s), QStringList{u"multi"_s});
    QCOMPARE(sorted(u"type=remote_config"_s), QStringList{u"remote"_s});
    QCOMPARE(sorted(u"type=experiment"_s), QStringList{u"experiment"_s});
    QCOMPARE(sorted(u"type=unknown"_s).size(), 4); // ignored, as PostHog does
}

void TestFlagList::evaluationRuntimeFilter()
{
    create({{u"key"_s, u"everywhere"_s}});
    create({{u"key"_s, u"client-only"_s}, {u"evaluation_runtime"_s, u"client"_s}});
    create({{u"key"_s, u"server-only"_s}, {u"evaluation_runtime"_s, u"server"_s}});
    QCOMPARE(keys(u"evaluation_runtime=client"_s), QStringList{u"client-only"_s});
    QCOMPARE(keys(u"evaluation_runtime=server"_s), QStringList{u"server-only"_s});
    QCOMPARE(keys(u"evaluation_runtime=all"_s), QStringList{u"everywhere"_s});
    // PostHog compares the stored value exactly; its documented "both" matches none.
    QCOMPARE(keys(u"evaluation_runtime=both"_s), QStringList());
}

void TestFlagList::tagsFilter()
{
    create({{u"key"_s, u"ab"_s}, {u"tags"_s, QJsonArray{u"alpha"_s, u"beta"_s}}});
    create({{u"key"_s, u"b"_s}, {u"tags"_s, QJsonArray{u"beta"_s}}});
    create({{u"key"_s, u"odd"_s}, {u"tags"_s, QJsonArray{u"with \u0022quote\u0022"_s, u"100%"_s}}});
    create({{u"key"_s, u"none"_s}});
    const auto sorted = [this](const QJsonValue &tags) {
        QStringList k = keys(u"tags="_s + encoded(compactJson(tags)));
        k.sort();
        return k;
    };
    QCOMPARE(sorted(QJsonArray{u"alpha"_s}), QStringList{u"ab"_s});
    QCOMPARE(sorted(QJsonArray{u"beta"_s}), (QStringList{u"ab"_s, u"b"_s}));
    QCOMPARE(sorted(QJsonArray{u"alpha"_s, u"missing"_s}), QStringList{u"ab"_s}); // any of
    QCOMPARE(sorted(QJsonArray{u"with \u0022quote\u0022"_s}), QStringList{u"odd"_s});
    QCOMPARE(sorted(QJsonArray{u"100%"_s}), QStringList{u"odd"_s});
    QCOMPARE(sorted(QJsonArray{u"BETA"_s}), QStringList()); // names match exactly
    QCOMPARE(sorted(QJsonArray{u"missing"_s}), QStringList());
    QCOMPARE(sorted(QJsonArray{}).size(), 4);
    // What is not a JSON list filters nothing, as PostHog ignores it.
    QCOMPARE(keys(u"tags=beta"_s).size(), 4);
    QCOMPARE(keys(u"tags=%5Bbroken"_s).size(), 4);
}

void TestFlagList::excludedPropertiesFilter()
{
    for (const QString &key : {u"one"_s, u"two"_s, u"three"_s})
        create({{u"key"_s, key}});
    const auto sorted = [this](const QString &value) {
        QStringList k = keys(u"excluded_properties="_s + encoded(value));
        k.sort();
        return k;
    };
    // PostHog reads it as a JSON list of flag keys to leave out.
    QCOMPARE(sorted(u"[\u0022one\u0022, \u0022three\u0022]"_s), QStringList{u"two"_s});
    QCOMPARE(sorted(u"[\u0022nope\u0022]"_s), (QStringList{u"one"_s, u"three"_s, u"two"_s}));
    QCOMPARE(sorted(u"not json"_s).size(), 3);
    QCOMPARE(sorted(u"[]"_s).size(), 3);
    QCOMPARE(list(u"excluded_properties="_s + encoded(u"[\u0022one\u0022]"_s))
                 .object()
                 .value("count"_L1),
             QJsonValue(2));
}

void TestFlagList::evaluationContextsFilter()
{
    create({{u"key"_s, u"with"_s},
            {u"tags"_s, QJsonArray{u"web"_s}},
            {u"evaluation_contexts"_s, QJsonArray{u"web"_s}}});
    create({{u"key"_s, u"without"_s}, {u"tags"_s, QJsonArray{u"web"_s}}});
    QCOMPARE(keys(u"has_evaluation_contexts=true"_s), QStringList{u"with"_s});
    QCOMPARE(keys(u"has_evaluation_contexts=false"_s), QStringList{u"without"_s});
    QCOMPARE(keys(u"has_evaluation_contexts=1"_s), QStringList{u"with"_s});
    QCOMPARE(keys(u"has_evaluation_contexts=YES"_s), QStringList{u"with"_s});
    QCOMPARE(keys(u"has_evaluation_contexts=no"_s), QStringList{u"without"_s});
    // PostHog's earlier name for the same filter.
    QCOMPARE(keys(u"has_evaluation_tags=true"_s), QStringList{u"with"_s});
}

void TestFlagList::combinedFiltersWithPagination()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QJsonObject split = multivariate(QJsonArray{variant(u"a"_s, 50), variant(u"b"_s, 50)});
    for (int i = 0; i < 6; ++i) {
        const bool multi = i % 2 == 0;
        QJsonObject body{{u"key"_s, u"checkout-%1"_s.arg(i)},
                         {u"tags"_s, QJsonArray{i < 4 ? u"team-a"_s : u"team-b"_s}}};
        if (multi)
            body.insert(u"filters"_s, split);
        if (i == 2)
            body.insert(u"active"_s, false);
        m_server->setFlagCreatedAt(create(body), now.addSecs(-60 * (10 - i)));
    }
    create({{u"key"_s, u"other"_s}, {u"filters"_s, split}, {u"tags"_s, QJsonArray{u"team-a"_s}}});
    // Multivariate, active, team-a, "checkout": 0 (and 2, which is disabled).
    QCOMPARE(keys(u"type=multivariant&active=true&search=checkout&tags="_s +
                  encoded(u"[\u0022team-a\u0022]"_s)),
             QStringList{u"checkout-0"_s});
    // Boolean checkouts, newest first, one per page; the links carry every filter.
    const QString query = u"type=boolean&search=checkout"_s;
    const auto first = list(query + u"&limit=1"_s);
    QCOMPARE(first.object().value("count"_L1), QJsonValue(3));
    QCOMPARE(keys(query + u"&limit=1"_s), QStringList{u"checkout-5"_s});
    QCOMPARE(first.object().value("next"_L1),
             QJsonValue(url(u"limit=1&offset=1&search=checkout&type=boolean"_s)));
    QCOMPARE(keys(query + u"&limit=1&offset=1"_s), QStringList{u"checkout-3"_s});
    QCOMPARE(keys(query + u"&limit=1&offset=2"_s), QStringList{u"checkout-1"_s});
    const auto last = list(query + u"&limit=1&offset=2"_s);
    QCOMPARE(last.object().value("next"_L1), QJsonValue());
    QCOMPARE(last.object().value("previous"_L1),
             QJsonValue(url(u"limit=1&offset=1&search=checkout&type=boolean"_s)));
    QCOMPARE(keys(query + u"&excluded_properties="_s + encoded(u"[\u0022checkout-3\u0022]"_s)),
             (QStringList{u"checkout-5"_s, u"checkout-1"_s}));
}

void TestFlagList::pagination_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QString>("next");     // empty: null
    QTest::addColumn<QString>("previous"); // empty: null
    // Five flags f4 (newest) ... f0.
    QTest::newRow("first page") << u"limit=2"_s << QStringList{u"f4"_s, u"f3"_s}
                                << u"limit=2&offset=2"_s << QString();
    QTest::newRow("middle page") << u"limit=2&offset=2"_s << QStringList{u"f2"_s, u"f1"_s}
                                 << u"limit=2&offset=4"_s << u"limit=2"_s;
    QTest::newRow("last page") << u"limit=2&offset=4"_s << QStringList{u"f0"_s} << QString()
                               << u"limit=2&offset=2"_s;
    QTest::newRow("odd offset") << u"limit=2&offset=3"_s << QStringList{u"f1"_s, u"f0"_s}
                                << QString() << u"limit=2&offset=1"_s;
    QTest::newRow("exactly the rest")
        << u"limit=3&offset=2"_s << QStringList{u"f2"_s, u"f1"_s, u"f0"_s} << QString()
        << u"limit=3"_s;
    QTest::newRow("offset at the end")
        << u"limit=2&offset=5"_s << QStringList() << QString() << u"limit=2&offset=3"_s;
    QTest::newRow("offset past the end")
        << u"limit=2&offset=50"_s << QStringList() << QString() << u"limit=2&offset=48"_s;
    const QStringList all{u"f4"_s, u"f3"_s, u"f2"_s, u"f1"_s, u"f0"_s};
    QTest::newRow("no limit") << u"offset=1"_s << all.mid(1) << QString() << u"limit=100"_s;
    QTest::newRow("limit 0 is the default") << u"limit=0"_s << all << QString() << QString();
    QTest::newRow("negative limit") << u"limit=-1"_s << all << QString() << QString();
    QTest::newRow("limit not a number") << u"limit=ten"_s << all << QString() << QString();
    QTest::newRow("limit 1.5") << u"limit=1.5"_s << all << QString() << QString();
    QTest::newRow("negative offset") << u"limit=2&offset=-3"_s << QStringList{u"f4"_s, u"f3"_s}
                                     << u"limit=2&offset=2"_s << QString();
    QTest::newRow("offset not a number") << u"limit=2&offset=x"_s << QStringList{u"f4"_s, u"f3"_s}
                                         << u"limit=2&offset=2"_s << QString();
    QTest::newRow("big limit") << u"limit=1000000"_s << all << QString() << QString();
    QTest::newRow("limit with spaces") << u"limit=%202%20"_s << QStringList{u"f4"_s, u"f3"_s}
                                       << u"limit=2&offset=2"_s << QString();
}

void TestFlagList::pagination()
{
    QFETCH(QString, query);
    QFETCH(QStringList, expected);
    QFETCH(QString, next);
    QFETCH(QString, previous);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < 5; ++i)
        m_server->setFlagCreatedAt(create({{u"key"_s, u"f%1"_s.arg(i)}}), now.addSecs(-100 + i));
    const auto reply = list(query);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value("count"_L1), QJsonValue(5));
    QCOMPARE(keys(query), expected);
    QCOMPARE(reply.object().value("next"_L1),
             next.isEmpty() ? QJsonValue() : QJsonValue(url(next)));
    QCOMPARE(reply.object().value("previous"_L1),
             previous.isEmpty() ? QJsonValue() : QJsonValue(url(previous)));
}

void TestFlagList::linksKeepOtherParametersSortedAndEncoded()
{
    for (int i = 0; i < 3; ++i)
        create({{u"key"_s, u"flag-%1"_s.arg(i)},
                {u"name"_s, u"my flag %1"_s.arg(i)},
                {u"tags"_s, QJsonArray{u"a b"_s}}});
    const QString tags = encoded(u"[\u0022a b\u0022]"_s);
    const auto reply = list(u"tags=%1&search=flag+&limit=1&offset=1&zeta=%C3%A9"_s.arg(tags));
    QCOMPARE(reply.object().value("count"_L1), QJsonValue(3));
    // DRF rebuilds the query: names sorted, values form-encoded (space as '+').
    QCOMPARE(reply.object().value("next"_L1),
             QJsonValue(url(u"limit=1&offset=2&search=flag+&tags=%5B%22a+b%22%5D&zeta=%C3%A9"_s)));
    QCOMPARE(reply.object().value("previous"_L1),
             QJsonValue(url(u"limit=1&search=flag+&tags=%5B%22a+b%22%5D&zeta=%C3%A9"_s)));
}

void TestFlagList::linksUseTheHostHeaderAndPath()
{
    for (int i = 0; i < 2; ++i)
        create({{u"key"_s, u"h%1"_s.arg(i)}});
    const QString path = u"/api/projects/%1/feature_flags"_s.arg(m_server->projectId());
    const auto reply =
        m_server->send("GET", path + u"?limit=1"_s, {},
                       {{"Host", "flags.example.com:8000"},
                        {"Authorization", "Bearer " + m_server->ownerKey().toUtf8()}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.object().value("next"_L1),
             QJsonValue(u"http://flags.example.com:8000%1?limit=1&offset=1"_s.arg(path)));
    const auto current = m_server->get(u"/api/projects/@current/feature_flags/?limit=1"_s);
    QCOMPARE(current.object().value("next"_L1),
             QJsonValue(
                 u"http://127.0.0.1:%1/api/projects/@current/feature_flags/?limit=1&offset=1"_s.arg(
                     m_server->port())));
}

void TestFlagList::statusAndLastCalledInResults()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 fresh = create({{u"key"_s, u"fresh"_s}});
    const qint64 stale = create({{u"key"_s, u"stale"_s}, {u"filters"_s, rollout(100)}});
    const qint64 unused = create({{u"key"_s, u"unused"_s}, {u"filters"_s, rollout(30)}});
    m_server->setFlagCreatedAt(stale, now.addDays(-60));
    m_server->setFlagCreatedAt(unused, now.addDays(-60));
    // PostHog: stale when not called for 30 days; an old flag never called that is not fully
    // rolled out is active, with no usage data.
    const QString called = bunting::server::formatApiTimestamp(now.addDays(-40));
    setColumn(stale, u"last_called_at"_s, called);
    QHash<QString, QJsonObject> byKey;
    for (const QJsonValue &v : list({}).object().value("results"_L1).toArray())
        byKey.insert(v.toObject().value("key"_L1).toString(), v.toObject());
    QCOMPARE(byKey.value(u"fresh"_s).value("status"_L1), QJsonValue(u"ACTIVE"_s));
    QCOMPARE(byKey.value(u"stale"_s).value("status"_L1), QJsonValue(u"STALE"_s));
    QCOMPARE(byKey.value(u"stale"_s).value("last_called_at"_L1), QJsonValue(called));
    QCOMPARE(byKey.value(u"unused"_s).value("status"_L1), QJsonValue(u"ACTIVE"_s));
    QCOMPARE(m_server->get(m_server->flags(QString::number(stale))).object().value("status"_L1),
             QJsonValue(u"STALE"_s));
    Q_UNUSED(fresh);
}

void TestFlagList::scopesAndProjects()
{
    create({{u"key"_s, u"scoped"_s}});
    const QString reader = m_server->keyWithScopes({u"feature_flag:read"_s});
    QCOMPARE(m_server->get(m_server->flags() + u"?search=scoped"_s, reader).status, 200);
    const QString cohorts = m_server->keyWithScopes({u"cohort:read"_s});
    const auto denied = m_server->get(m_server->flags() + u"?search=scoped"_s, cohorts);
    QCOMPARE(denied.status, 403);
    QCOMPARE(denied.object().value("detail"_L1),
             QJsonValue(u"API key missing required scope 'feature_flag:read'"_s));
    // Another project lists only its own flags.
    const qint64 second = m_server->createProject(u"Second"_s);
    const auto other = m_server->get(u"/api/projects/%1/feature_flags/"_s.arg(second));
    QCOMPARE(other.status, 200);
    QCOMPARE(other.object().value("count"_L1), QJsonValue(0));
    const QString limited = m_server->keyWithScopes({u"*"_s}, {second});
    QCOMPARE(m_server->get(m_server->flags(), limited).status, 404);
}

QTEST_GUILESS_MAIN(TestFlagList)
#include "tst_flag_list.moc"
