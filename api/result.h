#pragma once

#include "api_error.h"

#include <utility>
#include <variant>

namespace bunting::api {

// The outcome of a call: its value or the error that took its place.
template<typename T> class Result
{
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(ApiError error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return std::get<T>(m_state); }
    T &value() { return std::get<T>(m_state); }
    const T &operator*() const { return value(); }
    const T *operator->() const { return &value(); }
    const ApiError &error() const { return std::get<ApiError>(m_state); }

private:
    std::variant<T, ApiError> m_state;
};

// For calls that answer nothing worth keeping (204, or a body the caller ignores).
struct Done
{
};

} // namespace bunting::api
