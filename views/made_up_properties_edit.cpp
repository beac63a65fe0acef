#include "made_up_properties_edit.h"

#include <QLabel>

using namespace Qt::StringLiterals;

namespace bunting::views {

MadeUpPropertiesEdit::MadeUpPropertiesEdit(QWidget *parent) : QLineEdit(parent)
{
    setObjectName(u"madeUpProperties"_s);
    setClearButtonEnabled(true);
    setGroupTypes({});
}

void MadeUpPropertiesEdit::setGroupTypes(const QList<api::GroupType> &types)
{
    m_groupTypes.clear();
    for (const api::GroupType &type : types)
        m_groupTypes.append(type.name);
    // The example shows the project's own group type when it has one.
    const QString group = m_groupTypes.isEmpty() ? u"organization"_s : m_groupTypes.first();
    setPlaceholderText(tr("plan=pro, country=DE, %1.size=50").arg(group));
    setToolTip(tr("What if the person had these properties? Write name=value pairs, separated by "
                  "commas; they go over the stored ones for this evaluation only, and change "
                  "nothing. Prefix a group type (%1.size) for a property of that group, whose key "
                  "is then needed too.")
                   .arg(group));
}

models::MadeUpProperties MadeUpPropertiesEdit::properties() const
{
    return models::parseMadeUpProperties(text(), m_groupTypes);
}

QLabel *MadeUpPropertiesEdit::createLabel(QWidget *parent)
{
    auto *label = new QLabel(tr("What &if:"), parent);
    label->setBuddy(this);
    return label;
}

} // namespace bunting::views
