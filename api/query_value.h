#pragma once

#include <QString>
#include <QUrlQuery>

namespace bunting::api {

// Appends `name=value` so that the server reads back exactly `value`. QUrlQuery takes '%'
// as the start of an escape and leaves '+' alone, which Django then reads as a space.
void addQueryValue(QUrlQuery &query, const QString &name, const QString &value);

} // namespace bunting::api
