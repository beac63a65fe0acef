#pragma once

#include "client.h"
#include "feature_flag.h"
#include "flag_list_query.h"
#include "flag_row.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QSet>
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
    // Asks the server for its order on the column (column -1: the server's default order) and
    // reloads; columns the server cannot order by (orderField() empty) change nothing.
    void sort(int column, Qt::SortOrder order) override;
    // The list endpoint's `order` field for a column; empty when the server cannot sort by it.
    static QString orderField(int column);

    const FlagRow &flagAt(int row) const { return m_flags.at(row); }
    int rowOfFlag(qint64 id) const;                 // -1 when not loaded
    int totalCount() const { return m_totalCount; } // as the server counts the query's flags
    bool isLoading() const { return m_loading != nullptr; }

    // --- what people do to flags ---
    // `done` runs once, while the model lives; without a client at once, with an Unreachable
    // error.
    template<typename T> using Done = std::function<void(const api::Result<T> &)>;

    // How a new flag starts. Neither reaches anyone: widening it is a decision of its own, made
    // in the editor, which says so before it saves.
    enum class NewFlagStart {
        Inactive,    // switched off, its one condition at 0 %
        ZeroPercent, // switched on, its one condition (no filters) at 0 % of users
    };
    // How the flags createFlag() makes start: the user's choice, Inactive until told.
    void setNewFlagStart(NewFlagStart start) { m_newFlagStart = start; }
    NewFlagStart newFlagStart() const { return m_newFlagStart; }
    // New flag with a key and a name: one condition without properties at 0 %, no variants,
    // active or not as newFlagStart() says. Inserted at the top of the list on success,
    // whatever the filters.
    void createFlag(const QString &key, const QString &name, Done<FeatureFlag> done);
    // Turns a flag on or off; the server refuses to turn off a flag others depend on.
    void setActive(qint64 id, bool active, Done<FeatureFlag> done);
    // Soft delete: one flag by PATCH {"deleted": true}, several by bulk_delete. The rows of the
    // deleted flags go once the server answers; refused ones stay, each refusal with the server's
    // reason in `refused` (a single flag's 400/404 included), and `done` gets an ApiError only
    // when the request as a whole failed.
    void deleteFlags(const QList<qint64> &ids, Done<api::BulkDeleteResult> done);
    // Undoes a soft delete (PATCH deleted=false). Where the flag belongs under the current query
    // and order only the server knows, so on success the list reloads from its first page.
    void restoreFlag(qint64 id, Done<FeatureFlag> done);
    // bulk_update_tags, then each changed flag's row is fetched again (the server normalizes
    // tags and bumps versions); `done` runs after those rows are refreshed.
    void updateTags(const QList<qint64> &ids, api::Client::TagAction action,
                    const QStringList &tags, Done<api::BulkTagsResult> done);
    // Replaces the row of a flag changed elsewhere (an editor, another window); a deleted flag's
    // row goes.
    void updateFlag(const FeatureFlag &flag);

Q_SIGNALS:
    void loadingChanged(bool loading);
    void totalCountChanged(int count);
    // Loading the list failed; the rows already shown stay.
    void loadFailed(const api::ApiError &error);

private:
    void loadPage(int offset, bool replace);
    void cancelLoad();
    void clearRows();
    void reportLoading();
    void setTotalCount(int count);
    void applyChanged(const FeatureFlag &flag);
    void setRows(const QList<FeatureFlag> &flags);
    void removeRowOf(qint64 id);

    QPointer<api::Client> m_client;
    api::FlagListQuery m_query;
    QList<FlagRow> m_flags;
    QSet<qint64> m_ids; // of m_flags, to skip rows a later page repeats
    int m_totalCount = 0;
    NewFlagStart m_newFlagStart = NewFlagStart::Inactive;
    int m_pageSize = 100;
    bool m_hasMore = false;
    QPointer<api::PendingCall> m_loading;
    bool m_reportedLoading = false;
    // Bumped by every new query: the answer of a load started under an older one is dropped.
    quint64 m_generation = 0;
};

} // namespace bunting::models
