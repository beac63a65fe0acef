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
#include <QTimer>
#include <algorithm>
#include <functional>

namespace bunting::models {

// The flags of one project as the list endpoint serves them. The first page of a query tells the
// total (`count`), and the model has that many rows from then on; of those it keeps only the
// pages a view looked at recently (at most pageCacheLimit() of them), and fetches a page only
// when a view asks for a row of it. A row not loaded yet reads "Loading…" in the key column and
// nothing else.
//
// What a view asks for during one turn of the event loop (a paint) is the set of pages it shows;
// that set replaces the one before, and the pages still missing of it are requested once the
// scrolling pauses (kPageDelayMs), neighbouring pages in one request, at most kRequestsInFlight
// requests at a time. So dragging the scroll bar to the end of 100,000 flags asks for the pages
// at the end, not for every page on the way; a page scrolled past before its request went out is
// never requested, and one whose request is running is canceled.
//
// Row r is the server's offset r under the current query. A new query (search, filters, order)
// cancels every load of the old one and resets the model when its first page arrives. Flags
// created or deleted here shift the rows after them, as the server shifts its offsets.
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
        CopyMarkRole,                  // CopyMark, as an int
    };
    // How a flag of an offline copy differs from the PostHog project it copies.
    enum class CopyMark { None, Created, Changed };

    explicit FlagListModel(QObject *parent = nullptr);
    ~FlagListModel() override;

    // The flags of an offline copy made or changed in it since the copy or the last push, for
    // the key column to mark; empty for any other connection.
    void setCopyMarks(QHash<qint64, CopyMark> marks);
    CopyMark copyMark(qint64 id) const { return m_copyMarks.value(id, CopyMark::None); }

    // The client of the current connection; nullptr while none. Setting one reloads.
    void setClient(api::Client *client);
    api::Client *client() const { return m_client; }

    void setQuery(const api::FlagListQuery &query); // reloads from the first page
    const api::FlagListQuery &query() const { return m_query; }
    void reload();
    // Rows per request; takes effect with the next reload().
    void setPageSize(int rows) { m_pageSize = std::max(1, rows); }
    int pageSize() const { return m_pageSize; }
    // How many pages stay loaded at most (besides those a view shows), the least recently used
    // going first; at least 2.
    void setPageCacheLimit(int pages) { m_pageCacheLimit = std::max(2, pages); }
    int pageCacheLimit() const { return m_pageCacheLimit; }

    // Where pages come from: by default the client's listFlags(). Tests and benchmarks give the
    // model a source of their own; with one the model loads pages without a client (operations
    // on flags still need one).
    using PageLoader = std::function<api::PendingCall *(
        const api::FlagListQuery &query, int offset, int limit, const QObject *context,
        api::Callback<api::Page<FeatureFlag>> done)>;
    void setPageLoader(PageLoader loader);

    // After a view asked for a row of a page not loaded: how long the scrolling must pause
    // before the page is requested, and how many page requests run at once (kRequestsInFlight).
    static constexpr int kPageDelayMs = 30;
    static constexpr int kRequestsInFlight = 2;
    static constexpr int kPagesPerRequest = 2; // neighbouring pages asked for in one request
    void setPageDelay(int ms) { m_requestTimer->setInterval(ms); } // kPageDelayMs until told

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    // Asks the server for its order on the column (column -1: the server's default order) and
    // reloads; columns the server cannot order by (orderField() empty) change nothing.
    void sort(int column, Qt::SortOrder order) override;
    // The list endpoint's `order` field for a column; empty when the server cannot sort by it.
    static QString orderField(int column);

    // The row as loaded; an empty FlagRow (id 0) while its page is not. Asks for no page.
    const FlagRow &flagAt(int row) const;
    bool isRowLoaded(int row) const { return m_rows.contains(row); }
    // Each loaded row, in no particular order.
    void forEachLoadedRow(const std::function<void(int row, const FlagRow &flag)> &visit) const;
    int rowOfFlag(qint64 id) const;                 // -1 when not loaded
    int totalCount() const { return m_totalCount; } // as the server counts the query's flags
    // The first page of a query or any other page is on its way.
    bool isLoading() const { return m_firstLoad.active || !m_inFlight.isEmpty(); }
    // What the model holds: rows and whole pages loaded, the pages being requested.
    int loadedRowCount() const { return int(m_rows.size()); }
    int loadedPageCount() const { return int(m_pageUse.size()); }
    QList<int> pagesInFlight() const;
    int requestsInFlight() const;
    // A view missed rows whose pages are not requested yet (the pause before requests runs).
    bool pagesWaiting() const { return m_collectTimer->isActive() || m_requestTimer->isActive(); }

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
    struct Load
    {
        bool active = false;
        quint64 token = 0;
        QPointer<api::PendingCall> call;
    };

    bool canLoad() const { return m_client || m_pageLoader; }
    api::PendingCall *startLoad(int offset, int limit, api::Callback<api::Page<FeatureFlag>> done);
    void loadFirstPage();
    void cancelLoads();
    void cancelPage(int page);
    void clearRows();
    void reportLoading();
    void applyChanged(const FeatureFlag &flag);

    // --- pages on demand ---
    void pageMissed(int page) const; // from data(): a view shows a row of this page
    void collectMissed();            // after the paint that missed them
    void requestWanted();            // after the scrolling paused, and after each answer
    void requestPages(int first, int count);
    void pageArrived(int page, const api::Page<FeatureFlag> &answer);
    bool pageComplete(int page) const;
    void putRow(int row, FlagRow flag);
    void dropRow(int row);
    void evictPages(int keep);
    void resizeTo(int rows);
    // Rows from `row` on move by `delta` (+1: a row was inserted before them, -1: removed).
    void shiftRows(int row, int delta);
    void insertRowAtTop(const FeatureFlag &flag);
    void removeRowOf(qint64 id);

    QPointer<api::Client> m_client;
    PageLoader m_pageLoader;
    api::FlagListQuery m_query;
    QHash<qint64, CopyMark> m_copyMarks;
    QHash<int, FlagRow> m_rows;            // loaded rows by row
    QHash<qint64, int> m_rowOfId;          // of m_rows
    mutable QHash<int, quint64> m_pageUse; // whole pages loaded -> when a view last showed them
    mutable quint64 m_useClock = 0;        // data() marks pages used
    mutable QSet<int> m_missed;            // pages missed during this turn of the event loop
    QSet<int> m_wanted;                    // the pages the last paint missed
    QSet<int> m_failed;          // pages that failed to load, not asked for until reload()
    QHash<int, Load> m_inFlight; // page -> its request
    Load m_firstLoad;            // the first page of a new query
    QTimer *m_collectTimer = nullptr;
    QTimer *m_requestTimer = nullptr;
    int m_totalCount = 0; // also rowCount()
    NewFlagStart m_newFlagStart = NewFlagStart::Inactive;
    int m_pageSize = 100;
    int m_pageCacheLimit = 20;
    bool m_reportedLoading = false;
    // Bumped by every new query and by every request: an answer whose token is not the one
    // expected is dropped.
    quint64 m_nextToken = 0;
};

} // namespace bunting::models
