#pragma once

#include <QString>
#include <functional>

class QObject;

namespace bunting::api {
class Client;
}

namespace bunting::models {

// Whether the project knows a person with `distinctId`, for the evaluations that answer for an
// unknown id as for a person without properties and do not say so. `done` is not called when
// the lookup fails (the evaluation's answer stands without the remark) or `context` goes first.
void lookUpPerson(api::Client *client, const QString &distinctId, const QObject *context,
                  std::function<void(bool known)> done);

} // namespace bunting::models
