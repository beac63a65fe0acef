#include "person_lookup.h"

#include "client.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace bunting::models {

void lookUpPerson(api::Client *client, const QString &distinctId, const QObject *context,
                  std::function<void(bool known)> done)
{
    if (!client)
        return;
    client->listPersons(
        distinctId, 0, 100, context,
        [distinctId, done = std::move(done)](const api::Result<api::Page<QJsonObject>> &page) {
            if (!page)
                return;
            bool known = false;
            for (const QJsonObject &person : page->results)
                known = known ||
                        person.value("distinct_ids"_L1).toArray().contains(QJsonValue(distinctId));
            done(known);
        });
}

} // namespace bunting::models
