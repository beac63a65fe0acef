#pragma once

#include "api_types.h"
#include "made_up_properties.h"

#include <QLineEdit>

class QLabel;

namespace bunting::views {

// "What if": properties made up for one evaluation, typed as models::parseMadeUpProperties()
// reads them: "plan=pro, country=DE" for the person, "company.size=50" for a group of a type the
// project has. Adding a property is typing one more pair, removing it deleting the pair. Every
// place that evaluates flags for a person uses this one field, so the same text means the same.
class MadeUpPropertiesEdit : public QLineEdit
{
    Q_OBJECT
public:
    explicit MadeUpPropertiesEdit(QWidget *parent = nullptr);

    // The group types whose name prefixes a group's property; the example names the first one.
    void setGroupTypes(const QList<api::GroupType> &types);
    // The text read; see MadeUpProperties::error when it cannot be.
    models::MadeUpProperties properties() const;
    // "What if:" with its mnemonic, for the field's form row.
    QLabel *createLabel(QWidget *parent);

private:
    QStringList m_groupTypes;
};

} // namespace bunting::views
