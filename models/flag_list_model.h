#pragma once

#include "client.h"
#include "feature_flag.h"
#include "flag_list_query.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QPointer>
#include <functional>

namespace bunting::models {

// The flags of one project as the list endpoint serves them, a page at a time: the first page
// when the query changes, the next ones as a view scrolls (canFetchMore/fetchMore). A new query
// cancels the load of the old one. Sorting asks the server (its `order` parameter), so the rows
// a view shows are always the server's first rows in that order.
//
// The model also carries out what people do to flags (create, toggle, tag, delete), each as one
// call whose outcome reaches the caller through `done`, and updates its rows from the answers.
class FlagListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        KeyColumn,
        NameColumn,
        TypeColumn,
        StatusColumn,
        RolloutColumn,
        TagsColumn,
        CreatedByColumn,
        UpdatedColumn,
        LastCalledColumn,
        ColumnCount
    };
    enum Role {
        FlagIdRole = Qt::UserRole + 1, // qint64
        FlagKeyRole,                   // QString
        ActiveRole,                    // bool
        TagsRole,                      // QStringList
        TimestampRole,                 // QDateTime of the updated / last called columns
    };

    explicit FlagListModel(QObject *parent = nullptr);
    ~FlagListModel() override;

    // The client of the current connection; nullptr while none. Setting one reloads.
    void setClient(api::Client *client);
    api::Client *client() const { return m_client; }

    void setQuery(const api::FlagListQuery &query); // reloads from the first page
    const api::FlagListQuery &query() const { return m_query; }
    void reload();
    void setPageSize(int rows) { m_pageSize = rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    void sort(int column, Qt::SortOrder order) override;

    const FeatureFlag &flagAt(int row) const { return m_flags.at(row); }
    int rowOfFlag(qint64 id) const;                 // -1 when not loaded
    int totalCount() const { return m_totalCount; } // as the server counts the query's flags
    bool isLoading() const { return m_loading != nullptr; }

    // --- what people do to flags ---
    template<typename T> using Done = std::function<void(const api::Result<T> &)>;

    // New flag with a key and a name; inserted at the top of the list on success.
    void createFlag(const QString &key, const QString &name, Done<FeatureFlag> done);
    // Turns a flag on or off; the server refuses to turn off a flag others depend on.
    void setActive(qint64 id, bool active, Done<FeatureFlag> done);
    // Soft delete; the rows go at once and come back if the server refuses.
    void deleteFlags(const QList<qint64> &ids, Done<api::BulkDeleteResult> done);
    // Undoes a soft delete (PATCH deleted=false), putting the flag back in the list.
    void restoreFlag(qint64 id, Done<FeatureFlag> done);
    void updateTags(const QList<qint64> &ids, api::Client::TagAction action,
                    const QStringList &tags, Done<api::BulkTagsResult> done);
    // Replaces the row of a flag changed elsewhere (an editor, another window).
    void updateFlag(const FeatureFlag &flag);

Q_SIGNALS:
    void loadingChanged(bool loading);
    void totalCountChanged(int count);
    // Loading the list failed; the rows already shown stay.
    void loadFailed(const api::ApiError &error);

private:
    void loadPage(int offset, bool replace);
    void applyChanged(const FeatureFlag &flag);
    void removeRowOf(qint64 id);

    QPointer<api::Client> m_client;
    api::FlagListQuery m_query;
    QList<FeatureFlag> m_flags;
    int m_totalCount = 0;
    int m_pageSize = 100;
    bool m_hasMore = false;
    QPointer<api::PendingCall> m_loading;
};

} // namespace bunting::models
