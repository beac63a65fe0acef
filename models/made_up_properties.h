#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace bunting::models {

// Properties typed for a what-if test, as a person writes them: "plan=pro, age=30" for the
// person, "organization.size=50" for the group of a type the project has. Pairs are separated
// by commas or new lines; true, false and numbers are taken as such, anything else as text
// (quotes keep "30" text).
struct MadeUpProperties
{
    QJsonObject person;
    QJsonObject groups; // group type name -> {property: value}
    QString error;      // why the text cannot be read; empty when it can

    bool isValid() const { return error.isEmpty(); }
    bool isEmpty() const { return person.isEmpty() && groups.isEmpty(); }
};

MadeUpProperties parseMadeUpProperties(const QString &text, const QStringList &groupTypes = {});
// The properties written back as they are typed ("plan=pro, company.size=50"), persons' first.
QString madeUpPropertiesText(const MadeUpProperties &properties);

} // namespace bunting::models
