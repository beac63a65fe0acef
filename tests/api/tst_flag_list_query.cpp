// FlagListQuery::toUrlQuery: only the filters set become parameters, in the form PostHog reads,
// and any text survives the trip through the URL unchanged.
#include "flag_list_query.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUrl>

using namespace Qt::StringLiterals;
using bunting::api::FlagListQuery;

class TestFlagListQuery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyQueryHasNoParameters();
    void everyFilter();
    void tagsAreOneJsonList();
    void textSurvivesTheUrl_data();
    void textSurvivesTheUrl();
};

namespace {

// What Django reads: the query as sent, split on '&' and '=', '+' as a space, then decoded.
QHash<QString, QString> serverView(const QUrlQuery &query)
{
    QUrl url(u"http://localhost/api/projects/1/feature_flags/"_s);
    url.setQuery(query);
    QHash<QString, QString> values;
    for (QByteArray pair : url.query(QUrl::FullyEncoded).toLatin1().split('&')) {
        pair.replace('+', ' ');
        const qsizetype equals = pair.indexOf('=');
        values.insert(QUrl::fromPercentEncoding(pair.left(equals)),
                      QUrl::fromPercentEncoding(pair.mid(equals + 1)));
    }
    return values;
}

} // namespace

void TestFlagListQuery::emptyQueryHasNoParameters()
{
    QVERIFY(FlagListQuery().toUrlQuery().isEmpty());
}

void TestFlagListQuery::everyFilter()
{
    FlagListQuery q;
    q.search = u"checkout"_s;
    q.active = u"STALE"_s;
    q.type = u"multivariant"_s;
    q.createdById = 42;
    q.evaluationRuntime = u"server"_s;
    q.order = u"-created_at"_s;
    const QHash<QString, QString> sent = serverView(q.toUrlQuery());
    QCOMPARE(sent.size(), 6);
    QCOMPARE(sent.value(u"search"_s), u"checkout"_s);
    QCOMPARE(sent.value(u"active"_s), u"STALE"_s);
    QCOMPARE(sent.value(u"type"_s), u"multivariant"_s);
    QCOMPARE(sent.value(u"created_by_id"_s), u"42"_s);
    QCOMPARE(sent.value(u"evaluation_runtime"_s), u"server"_s);
    QCOMPARE(sent.value(u"order"_s), u"-created_at"_s);
}

void TestFlagListQuery::tagsAreOneJsonList()
{
    FlagListQuery q;
    q.tags = QStringList{u"beta"_s, u"team \"growth\""_s};
    const QUrlQuery query = q.toUrlQuery();
    QCOMPARE(query.allQueryItemValues(u"tags"_s).size(), 1);
    const QJsonDocument tags = QJsonDocument::fromJson(serverView(query).value(u"tags"_s).toUtf8());
    QCOMPARE(tags.array(), QJsonArray({u"beta"_s, u"team \"growth\""_s}));
}

void TestFlagListQuery::textSurvivesTheUrl_data()
{
    QTest::addColumn<QString>("search");
    QTest::newRow("plus") << u"C++"_s;
    QTest::newRow("percent") << u"50%"_s;
    QTest::newRow("escape-like") << u"%41%2B"_s;
    QTest::newRow("delimiters") << u"a&b=c#d?e"_s;
    QTest::newRow("spaces and unicode") << u"new checkout – été"_s;
}

void TestFlagListQuery::textSurvivesTheUrl()
{
    QFETCH(QString, search);
    FlagListQuery q;
    q.search = search;
    const QHash<QString, QString> sent = serverView(q.toUrlQuery());
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sent.value(u"search"_s), search);
}

QTEST_GUILESS_MAIN(TestFlagListQuery)
#include "tst_flag_list_query.moc"
