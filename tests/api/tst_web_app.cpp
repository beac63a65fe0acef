// Where the app sends a person for what PostHog does only in its web app: the flag's page, on the
// cloud's app host rather than its API host, in the connection's project.
#include "web_app.h"

#include <QTest>

using namespace Qt::StringLiterals;
using bunting::api::ApiError;
using bunting::api::Endpoint;

class TestWebApp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void flagPages_data();
    void flagPages();
    void onlyPostHogsScopeRefusalIsWebAppOnly();
};

void TestWebApp::flagPages_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("project");
    QTest::addColumn<QString>("page");
    QTest::newRow("US cloud") << u"https://us.posthog.com"_s << u"12"_s
                              << u"https://us.posthog.com/project/12/feature_flags/5"_s;
    QTest::newRow("EU ingestion host") << u"https://eu.i.posthog.com"_s << u"3"_s
                                       << u"https://eu.posthog.com/project/3/feature_flags/5"_s;
    QTest::newRow("self-hosted behind a path")
        << u"https://tools.example.com/posthog/"_s << u"1"_s
        << u"https://tools.example.com/posthog/project/1/feature_flags/5"_s;
    QTest::newRow("the key's own project") << u"https://us.posthog.com"_s << u"@current"_s
                                           << u"https://us.posthog.com/feature_flags/5"_s;
}

void TestWebApp::flagPages()
{
    QFETCH(QString, host);
    QFETCH(QString, project);
    QFETCH(QString, page);
    QCOMPARE(bunting::api::flagWebPage(Endpoint{QUrl(host), project, u"phx_x"_s}, 5), QUrl(page));
}

void TestWebApp::onlyPostHogsScopeRefusalIsWebAppOnly()
{
    const auto refusal = [](const char *detail) {
        return ApiError::fromHttp(
            403, QByteArray(R"({"type": "authentication_error", "code": "permission_denied", )"
                            R"("detail": ")") +
                     detail + R"(", "attr": null})");
    };
    QVERIFY(bunting::api::isWebAppOnly(
        refusal("This action does not support Personal API Key access")));
    QVERIFY(!bunting::api::isWebAppOnly(
        refusal("API key missing required scope 'feature_flag:write'")));
    QVERIFY(!bunting::api::isWebAppOnly(ApiError::fromHttp(401, {})));
}

QTEST_GUILESS_MAIN(TestWebApp)
#include "tst_web_app.moc"
