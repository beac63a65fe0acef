#pragma once

#include <QJsonValue>
#include <QString>
#include <optional>

namespace bunting {

// PostHog puts request values into some messages the way Python prints them; these mimic it.

// repr() of the value Python's json module reads from `value`: 'text', 1.5, True, None, [...].
QString pythonRepr(const QJsonValue &value);
// A JSON number as Python prints what json.loads made of it: 5 for an integral value, else
// repr() of the float (1.5, 1e+16, nan).
QString pythonNumber(double value);
// repr() of a str.
QString pythonRepr(const QString &text);
// str(): strings as they are, anything else as repr().
QString pythonStr(const QJsonValue &value);
// Python's int(text) for a str: surrounding whitespace, a sign, and `_` between digits are
// accepted; nullopt where Python raises ValueError (or the value does not fit in 64 bits).
std::optional<qint64> pythonInt(const QString &text);
// The name of the Python type json.loads makes of `value`: bool, int, float, str, list, dict or
// NoneType.
QString pythonTypeName(const QJsonValue &value);
// Python's truth value of a JSON value: null, false, 0, "", [] and {} are false.
bool pythonTruthy(const QJsonValue &value);

} // namespace bunting
