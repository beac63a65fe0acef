#include "flag_link_list_model.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bunting::models::FlagLinkListModel", text);
}

} // namespace

QString FlagLink::text() const
{
    const QString label =
        key.isEmpty() ? (id != 0 ? tr("Flag %1").arg(id) : tr("Unknown flag")) : key;
    switch (state) {
    case State::Disabled:
        return tr("%1 (disabled)").arg(label);
    case State::Deleted:
        return tr("%1 (deleted)").arg(label);
    case State::Missing:
        return tr("%1 (missing)").arg(label);
    case State::Active:
        break;
    }
    if (name.isEmpty() || name == key)
        return label;
    return u"%1 (%2)"_s.arg(label, name);
}

FlagLinkListModel::FlagLinkListModel(QObject *parent) : QAbstractListModel(parent)
{
}

void FlagLinkListModel::setLinks(const QList<FlagLink> &links)
{
    beginResetModel();
    m_links = links;
    endResetModel();
}

int FlagLinkListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_links.size());
}

QVariant FlagLinkListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FlagLink &link = m_links.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return link.text();
    case Qt::ToolTipRole:
        if (link.state == FlagLink::State::Missing)
            return tr("No flag with this id exists any more; the condition naming it never "
                      "matches.");
        if (link.state == FlagLink::State::Deleted)
            return tr("This flag was deleted; the condition naming it never matches.");
        return link.name.isEmpty() ? link.key : link.name;
    case FlagIdRole:
        return link.id;
    case KeyRole:
        return link.key;
    case StateRole:
        return int(link.state);
    default:
        return {};
    }
}

QHash<int, QByteArray> FlagLinkListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(FlagIdRole, "flagId");
    names.insert(KeyRole, "key");
    names.insert(StateRole, "state");
    return names;
}

} // namespace bunting::models
