#pragma once

#include "api_error.h"

#include <QAbstractListModel>
#include <QPointer>
#include <memory>

namespace bunting::api {
class Client;
}

namespace bunting::models {

// Known persons' distinct ids for a QCompleter, found by the persons list's `search` (which
// matches a distinct id exactly or any property's text, as PostHog's does). Display shows the id
// with the person's name or email; EditRole, what a completer inserts, is the bare id.
class PersonCompletionModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        DistinctIdRole = Qt::UserRole + 1,
        NameRole, // the person's name or email; empty when they have neither
        PersonUuidRole,
    };
    Q_ENUM(Role)

    explicit PersonCompletionModel(QObject *parent = nullptr);
    ~PersonCompletionModel() override;

    void setClient(api::Client *client);
    // Looks persons up; an answer to an older search is dropped. An empty search lists the first
    // persons.
    void setSearch(const QString &search);
    QString search() const { return m_search; }
    void setMaximumRows(int rows) { m_maximumRows = std::max(1, rows); }
    int maximumRows() const { return m_maximumRows; }
    bool isLoading() const { return m_loading; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void loaded();
    void failed(const bunting::api::ApiError &error);
    void loadingChanged(bool loading);

private:
    struct Row
    {
        QString distinctId;
        QString name;
        QString uuid;
    };

    void setAnswer(const QList<QJsonObject> &persons);
    void setLoading(bool loading);

    QPointer<api::Client> m_client;
    std::unique_ptr<QObject> m_context;
    QString m_search;
    int m_maximumRows = 20;
    bool m_loading = false;
    QList<Row> m_rows;
};

} // namespace bunting::models
