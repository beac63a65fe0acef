#include "person_completion_model.h"

#include "client.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

QString nameOf(const QJsonObject &properties)
{
    for (const auto key : {"name"_L1, "email"_L1, "$email"_L1, "username"_L1}) {
        const QString text = properties.value(key).toString().trimmed();
        if (!text.isEmpty())
            return text;
    }
    return {};
}

} // namespace

PersonCompletionModel::PersonCompletionModel(QObject *parent)
    : QAbstractListModel(parent), m_context(std::make_unique<QObject>())
{
}

PersonCompletionModel::~PersonCompletionModel() = default;

void PersonCompletionModel::setClient(api::Client *client)
{
    m_client = client;
    m_context = std::make_unique<QObject>();
    setLoading(false);
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

void PersonCompletionModel::setSearch(const QString &search)
{
    m_search = search.trimmed();
    m_context = std::make_unique<QObject>();
    if (!m_client) {
        setLoading(false);
        return;
    }
    setLoading(true);
    m_client->listPersons(m_search, 0, m_maximumRows, m_context.get(),
                          [this](const api::Result<api::Page<QJsonObject>> &result) {
                              setLoading(false);
                              if (!result) {
                                  Q_EMIT failed(result.error());
                                  return;
                              }
                              setAnswer(result->results);
                              Q_EMIT loaded();
                          });
}

void PersonCompletionModel::setAnswer(const QList<QJsonObject> &persons)
{
    beginResetModel();
    m_rows.clear();
    for (const QJsonObject &person : persons) {
        const QString name = nameOf(person.value("properties"_L1).toObject());
        const QString uuid = person.value("uuid"_L1).toString();
        QStringList ids;
        for (const QJsonValue &id : person.value("distinct_ids"_L1).toArray())
            ids.append(id.toString());
        // A person found by one of their ids is offered by that id, not by their others.
        if (ids.contains(m_search))
            ids = {m_search};
        for (const QString &id : std::as_const(ids)) {
            if (m_rows.size() >= m_maximumRows)
                break;
            if (!id.isEmpty())
                m_rows.append({id, name, uuid});
        }
    }
    endResetModel();
}

void PersonCompletionModel::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

int PersonCompletionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant PersonCompletionModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return row.name.isEmpty() || row.name == row.distinctId
                   ? row.distinctId
                   : u"%1 — %2"_s.arg(row.distinctId, row.name);
    case Qt::EditRole:
    case DistinctIdRole:
        return row.distinctId;
    case Qt::ToolTipRole:
    case NameRole:
        return row.name;
    case PersonUuidRole:
        return row.uuid;
    }
    return {};
}

QHash<int, QByteArray> PersonCompletionModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(DistinctIdRole, "distinctId");
    names.insert(NameRole, "name");
    names.insert(PersonUuidRole, "personUuid");
    return names;
}

} // namespace bunting::models
