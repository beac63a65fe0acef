// ApiError: reading the error bodies PostHog, its proxies and Django REST framework send, and
// the sentence a person reads for each kind of failure.
#include "api_error.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using bunting::api::ApiError;

class TestApiError : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void postHogShape();
    void nullAttr();
    void detailOnly();
    void errorOnly();
    void successFalse();
    void fieldErrors();
    void nonFieldErrors();
    void listOfMessages();
    void htmlBodyNamesTheStatus_data();
    void htmlBodyNamesTheStatus();
    void emptyBodies_data();
    void emptyBodies();
    void tooManyRequests();
    void predicates();
    void unreachableNamesTheHost();
    void timeoutSaysAfterHowLong_data();
    void timeoutSaysAfterHowLong();
    void canceledAndInvalid();
};

void TestApiError::postHogShape()
{
    const ApiError e = ApiError::fromHttp(
        400,
        R"({"type": "validation_error", "code": "unique", "detail": "There is already a feature flag with this key.", "attr": "key", "extra": 1})");
    QCOMPARE(e.kind, ApiError::Kind::Http);
    QCOMPARE(e.status, 400);
    QCOMPARE(e.type, u"validation_error"_s);
    QCOMPARE(e.code, u"unique"_s);
    QCOMPARE(e.detail, u"There is already a feature flag with this key."_s);
    QCOMPARE(e.attr, u"key"_s);
    QCOMPARE(e.body.value("extra"_L1), QJsonValue(1));
    QCOMPARE(e.message(), e.detail);
}

void TestApiError::nullAttr()
{
    const ApiError e = ApiError::fromHttp(
        409, R"({"type": "server_error", "code": "conflict", "detail": "Stale.", "attr": null})");
    QVERIFY(e.attr.isEmpty());
    QCOMPARE(e.message(), u"Stale."_s);
    QVERIFY(e.isConflict());
}

void TestApiError::detailOnly()
{
    const ApiError e = ApiError::fromHttp(401, R"({"detail": "Invalid personal API key."})");
    QCOMPARE(e.detail, u"Invalid personal API key."_s);
    QVERIFY(e.type.isEmpty());
    QVERIFY(e.attr.isEmpty());
    QCOMPARE(e.message(), u"Invalid personal API key."_s);
}

void TestApiError::errorOnly()
{
    const ApiError e =
        ApiError::fromHttp(400, R"({"error": "Must provide either filters or ids"})");
    QCOMPARE(e.detail, u"Must provide either filters or ids"_s);
    QCOMPARE(e.message(), u"Must provide either filters or ids"_s);
}

void TestApiError::successFalse()
{
    const ApiError e =
        ApiError::fromHttp(400, R"({"success": false, "error": "Usage dashboard not found"})");
    QCOMPARE(e.message(), u"Usage dashboard not found"_s);
    QCOMPARE(e.body.value("success"_L1), QJsonValue(false));
}

void TestApiError::fieldErrors()
{
    const ApiError e = ApiError::fromHttp(400, R"({"key": ["This field is required."]})");
    QCOMPARE(e.attr, u"key"_s);
    QCOMPARE(e.detail, u"This field is required."_s);
}

void TestApiError::nonFieldErrors()
{
    const ApiError e = ApiError::fromHttp(400, R"({"non_field_errors": ["Both cannot be set."]})");
    QVERIFY(e.attr.isEmpty());
    QCOMPARE(e.message(), u"Both cannot be set."_s);
}

void TestApiError::listOfMessages()
{
    const ApiError e = ApiError::fromHttp(400, R"(["Invalid filters."])");
    QCOMPARE(e.message(), u"Invalid filters."_s);
}

void TestApiError::htmlBodyNamesTheStatus_data()
{
    QTest::addColumn<int>("status");
    QTest::newRow("bad gateway") << 502;
    QTest::newRow("internal error") << 500;
    QTest::newRow("unusual") << 418;
}

void TestApiError::htmlBodyNamesTheStatus()
{
    QFETCH(int, status);
    const ApiError e = ApiError::fromHttp(
        status, "<html><head><title>Error</title></head><body><h1>Oops</h1></body></html>");
    QCOMPARE(e.kind, ApiError::Kind::Http);
    QCOMPARE(e.status, status);
    QVERIFY(e.detail.isEmpty());
    QVERIFY(e.body.isEmpty());
    QVERIFY2(e.message().contains(QString::number(status)), qPrintable(e.message()));
    QVERIFY(!e.message().contains("html"_L1));
}

void TestApiError::emptyBodies_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::newRow("401") << 401 << u"The API key is not valid."_s;
    QTest::newRow("403") << 403 << u"The API key lacks the permission for this action."_s;
    QTest::newRow("404") << 404 << u"Not found."_s;
    QTest::newRow("405") << 405 << u"The server does not allow this action."_s;
    QTest::newRow("503") << 503 << u"The server is unavailable (HTTP 503). Try again later."_s;
}

void TestApiError::emptyBodies()
{
    QFETCH(int, status);
    QFETCH(QString, message);
    QCOMPARE(ApiError::fromHttp(status, {}).message(), message);
}

void TestApiError::tooManyRequests()
{
    ApiError e = ApiError::fromHttp(429, {});
    QCOMPARE(e.message(), u"Too many requests. Try again in a moment."_s);
    e.retryAfter = 30;
    QCOMPARE(e.message(), u"Too many requests. Try again in 30 seconds."_s);
}

void TestApiError::predicates()
{
    QVERIFY(ApiError::fromHttp(401, {}).isAuthentication());
    QVERIFY(ApiError::fromHttp(403, {}).isPermission());
    QVERIFY(ApiError::fromHttp(404, {}).isNotFound());
    QVERIFY(ApiError::fromHttp(409, {}).isConflict());
    QVERIFY(!ApiError::fromHttp(400, {}).isConflict());
}

void TestApiError::unreachableNamesTheHost()
{
    const ApiError e = ApiError::unreachable(u"eu.posthog.com"_s, u"Connection refused"_s);
    QCOMPARE(e.kind, ApiError::Kind::Unreachable);
    QCOMPARE(e.status, 0);
    QCOMPARE(e.message(), u"Could not reach eu.posthog.com: Connection refused."_s);
    QCOMPARE(ApiError::unreachable(u"h:8000"_s, {}).message(), u"Could not reach h:8000."_s);
}

void TestApiError::timeoutSaysAfterHowLong_data()
{
    QTest::addColumn<int>("ms");
    QTest::addColumn<QString>("limit");
    QTest::newRow("milliseconds") << 250 << u"250 ms"_s;
    QTest::newRow("seconds") << 30000 << u"30 seconds"_s;
    QTest::newRow("fraction") << 1500 << u"1.5 seconds"_s;
}

void TestApiError::timeoutSaysAfterHowLong()
{
    QFETCH(int, ms);
    QFETCH(QString, limit);
    const ApiError e = ApiError::timedOut(u"us.posthog.com"_s, std::chrono::milliseconds(ms));
    QCOMPARE(e.kind, ApiError::Kind::Timeout);
    QCOMPARE(e.message(),
             u"The request timed out: us.posthog.com did not answer within %1."_s.arg(limit));
}

void TestApiError::canceledAndInvalid()
{
    QCOMPARE(ApiError::canceled().kind, ApiError::Kind::Canceled);
    QCOMPARE(ApiError::canceled().message(), u"The request was canceled."_s);
    const ApiError e = ApiError::invalidResponse(200, u"expected JSON, got text/html"_s);
    QCOMPARE(e.kind, ApiError::Kind::InvalidResponse);
    QCOMPARE(e.status, 200);
    QCOMPARE(e.message(),
             u"The server's answer could not be read: expected JSON, got text/html."_s);
}

QTEST_GUILESS_MAIN(TestApiError)
#include "tst_api_error.moc"
