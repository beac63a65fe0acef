#pragma once

#include "client.h"

#include <QTest>
#include <chrono>
#include <memory>
#include <optional>

// Runs one client call to its end. A call that never ends yields a Timeout error naming the test.
template<typename T, typename Start> bunting::api::Result<T> await(Start start)
{
    using namespace std::chrono_literals;
    auto result = std::make_shared<std::optional<bunting::api::Result<T>>>();
    start(bunting::api::Callback<T>(
        [result](const bunting::api::Result<T> &r) { result->emplace(r); }));
    if (!QTest::qWaitFor([&] { return result->has_value(); }, 20000))
        return bunting::api::ApiError::timedOut(QStringLiteral("the test"), 20s);
    return **result;
}

// For QVERIFY2's message: "ok", or the error's sentence.
template<typename T> QByteArray why(const bunting::api::Result<T> &result)
{
    return result.ok() ? QByteArray("ok") : result.error().message().toUtf8();
}
