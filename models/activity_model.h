#pragma once

#include "api_error.h"
#include "api_types.h"

#include <QAbstractItemModel>
#include <QDate>
#include <QDateTime>
#include <QPointer>
#include <QSet>
#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

namespace bunting::api {
class Client;
}

namespace bunting::models {

// What the timeline shows of the loaded entries. The activity endpoints filter nothing (they take
// only page and limit), so every filter applies here, to the entries loaded so far: a filter that
// hides a whole page shows nothing new until more pages are fetched.
struct ActivityFilter
{
    QString userKey; // activityUserKey(); empty: everyone
    // An activity ("created", "updated", "deleted", "restored") or, as "field:tags", a field the
    // entry changed; empty: every kind.
    QString kind;
    QDate from; // local dates, both included; null: open
    QDate to;
    // As typed, in any case, in the flag's name, the user's name or email, the headline or a
    // change sentence.
    QString search;

    friend bool operator==(const ActivityFilter &, const ActivityFilter &) = default;
};

// The activity log of one flag or of the whole project as a tree: days (newest first), the
// entries of each day, and each entry's field changes as sentences. Column 0 holds the text,
// column 1 an entry's time, column 2 the version it made ("v12") when the entry names one. Pages
// load through fetchMore() as a view scrolls to the end.
class ActivityModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Role {
        EntryIdRole = Qt::UserRole + 1,
        FlagIdRole,    // the entry's item_id as a number
        UserRole,      // the user's name
        UserKeyRole,   // activityUserKey()
        TimestampRole, // QDateTime, local time
        KindRole,      // the activity: "created", "updated", ...
        VersionRole,   // the flag version the entry made, when the entry says it; else invalid
        NodeRole,      // Node
    };
    Q_ENUM(Role)
    enum class Node { Day, Entry, Change };
    Q_ENUM(Node)

    explicit ActivityModel(QObject *parent = nullptr);
    ~ActivityModel() override;

    // Setting a client reloads; nullptr empties the model.
    void setClient(api::Client *client);
    // The flag whose activity to show; 0 for the whole project. Reloads.
    void setFlag(qint64 flagId);
    qint64 flagId() const { return m_flagId; }
    void setPageSize(int size) { m_pageSize = std::max(1, size); }
    int pageSize() const { return m_pageSize; }
    // Drops what is loaded and loads the first page again.
    void reload();

    void setFilter(const ActivityFilter &filter);
    const ActivityFilter &filter() const { return m_filter; }

    bool isLoading() const { return m_loading; }
    int loadedCount() const { return int(m_entries.size()); }
    // Entries the server has in all (its count), known once a page came.
    int totalCount() const { return m_totalCount; }
    int visibleCount() const;
    // The users of the loaded entries, as (key, name), sorted by name.
    QList<std::pair<QString, QString>> users() const;
    // The fields the loaded entries changed, sorted.
    QStringList changedFields() const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void loadingChanged(bool loading);
    // A page arrived (rows may or may not have been added, depending on the filter).
    void pageLoaded();
    void loadFailed(const bunting::api::ApiError &error);

private:
    struct Entry
    {
        api::ActivityEntry entry;
        QDateTime time;
        QString user;
        QString userKey;
        QString headline;
        QStringList fields;
        QStringList sentences;
        QString searchText; // lower case
        std::optional<int> version;
        int day = -1; // where it is shown; -1 while filtered out
        int row = -1;
    };
    struct Day
    {
        QDate date;
        QList<int> entries; // indices into m_entries
    };

    void loadPage();
    void append(const QList<api::ActivityEntry> &entries);
    bool matches(const Entry &entry) const;
    void regroup();
    void setLoading(bool loading);
    const Entry *entryAt(const QModelIndex &index) const;

    QPointer<api::Client> m_client;
    std::unique_ptr<QObject> m_context; // the callbacks' context: replaced to drop a load
    qint64 m_flagId = 0;
    int m_pageSize = 50;
    int m_nextPage = 1;
    bool m_hasNext = false;
    bool m_loading = false;
    bool m_failed = false;
    int m_totalCount = 0;
    ActivityFilter m_filter;
    std::vector<Entry> m_entries;
    QSet<QString> m_ids;
    QList<Day> m_days;
};

} // namespace bunting::models
