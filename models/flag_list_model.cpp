#include "flag_list_model.h"

#include "flag_summary.h"

#include <QDateTime>
#include <QGuiApplication>
#include <QJsonArray>
#include <QPalette>
#include <QSet>
#include <memory>
#include <utility>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

// A flag's name is PostHog's description field and may run over lines; a row shows the first.
QString firstLine(const QString &text)
{
    const QString trimmed = text.trimmed();
    const qsizetype end = trimmed.indexOf(u'\n');
    return end < 0 ? trimmed : trimmed.left(end).trimmed() + u" …"_s;
}

// What an operation answers while the model has no connection.
api::ApiError notConnected()
{
    api::ApiError error;
    error.kind = api::ApiError::Kind::Unreachable;
    error.detail = FlagListModel::tr("Not connected to a PostHog project.");
    return error;
}

QJsonObject newFlagBody(const QString &key, const QString &name, bool active)
{
    const QJsonObject condition{{u"properties"_s, QJsonArray()},
                                {u"rollout_percentage"_s, 0},
                                {u"variant"_s, QJsonValue::Null}};
    const QJsonObject filters{{u"groups"_s, QJsonArray{condition}},
                              {u"multivariate"_s, QJsonValue::Null},
                              {u"payloads"_s, QJsonObject()}};
    return QJsonObject{
        {u"key"_s, key}, {u"name"_s, name}, {u"filters"_s, filters}, {u"active"_s, active}};
}

} // namespace

FlagListModel::FlagListModel(QObject *parent) : QAbstractTableModel(parent)
{
    m_collectTimer = new QTimer(this);
    m_collectTimer->setSingleShot(true);
    m_collectTimer->setInterval(0);
    connect(m_collectTimer, &QTimer::timeout, this, &FlagListModel::collectMissed);
    m_requestTimer = new QTimer(this);
    m_requestTimer->setSingleShot(true);
    m_requestTimer->setInterval(kPageDelayMs);
    connect(m_requestTimer, &QTimer::timeout, this, &FlagListModel::requestWanted);
}

FlagListModel::~FlagListModel() = default;

void FlagListModel::setClient(api::Client *client)
{
    if (client != m_client) {
        // The rows of another connection mean nothing under this one.
        cancelLoads();
        m_client = client;
        clearRows();
    }
    reload();
}

void FlagListModel::setPageLoader(PageLoader loader)
{
    cancelLoads();
    m_pageLoader = std::move(loader);
    clearRows();
    reload();
}

void FlagListModel::setQuery(const api::FlagListQuery &query)
{
    m_query = query;
    reload();
}

void FlagListModel::reload()
{
    if (canLoad()) {
        loadFirstPage();
        return;
    }
    cancelLoads();
    clearRows();
}

void FlagListModel::clearRows()
{
    if (m_totalCount > 0 || !m_rows.isEmpty()) {
        beginResetModel();
        m_rows.clear();
        m_rowOfId.clear();
        m_pageUse.clear();
        m_totalCount = 0;
        endResetModel();
        Q_EMIT totalCountChanged(0);
    }
    m_wanted.clear();
    m_missed.clear();
    m_failed.clear();
}

void FlagListModel::cancelLoads()
{
    while (!m_inFlight.isEmpty())
        cancelPage(m_inFlight.cbegin().key());
    if (m_firstLoad.active) {
        QPointer<api::PendingCall> call = m_firstLoad.call;
        m_firstLoad = {};
        if (call)
            call->cancel();
    }
    m_collectTimer->stop();
    m_requestTimer->stop();
    reportLoading();
}

void FlagListModel::cancelPage(int page)
{
    // With the other pages of its request: their answer is dropped, finding none of its token.
    const Load load = m_inFlight.take(page);
    for (auto it = m_inFlight.begin(); it != m_inFlight.end();)
        it = it->token == load.token ? m_inFlight.erase(it) : std::next(it);
    if (load.call)
        load.call->cancel();
}

void FlagListModel::reportLoading()
{
    const bool loading = isLoading();
    if (loading == m_reportedLoading)
        return;
    m_reportedLoading = loading;
    Q_EMIT loadingChanged(loading);
}

api::PendingCall *FlagListModel::startLoad(int offset, int limit,
                                           api::Callback<api::Page<FeatureFlag>> done)
{
    if (m_pageLoader)
        return m_pageLoader(m_query, offset, limit, this, std::move(done));
    return m_client->listFlags(m_query, offset, limit, this, std::move(done));
}

void FlagListModel::loadFirstPage()
{
    // Not cancelLoads(): the old load's end is not reported, the new one carries on for it.
    while (!m_inFlight.isEmpty())
        cancelPage(m_inFlight.cbegin().key());
    if (QPointer<api::PendingCall> old = m_firstLoad.call) {
        m_firstLoad = {};
        old->cancel();
    }
    m_collectTimer->stop();
    m_requestTimer->stop();
    m_missed.clear();
    m_wanted.clear();

    const quint64 token = ++m_nextToken;
    m_firstLoad = Load{true, token, nullptr};
    api::PendingCall *call =
        startLoad(0, m_pageSize, [this, token](const api::Result<api::Page<FeatureFlag>> &result) {
            if (!m_firstLoad.active || m_firstLoad.token != token)
                return; // an older query's answer, or the cancel of one
            m_firstLoad = {};
            if (!result) {
                reportLoading();
                if (result.error().kind != api::ApiError::Kind::Canceled)
                    Q_EMIT loadFailed(result.error());
                return;
            }
            const api::Page<FeatureFlag> &page = result.value();
            const int count = std::max(page.count, int(page.results.size()));
            beginResetModel();
            m_rows.clear();
            m_rowOfId.clear();
            m_pageUse.clear();
            m_failed.clear();
            m_totalCount = count;
            for (int row = 0; row < page.results.size(); ++row)
                putRow(row, FlagRow::fromFlag(page.results.at(row)));
            m_pageUse.insert(0, ++m_useClock);
            endResetModel();
            Q_EMIT totalCountChanged(count);
            reportLoading();
        });
    // A source may answer at once (say, a client without a host), and the call may be gone.
    if (m_firstLoad.active && m_firstLoad.token == token)
        m_firstLoad.call = call;
    reportLoading();
}

void FlagListModel::pageMissed(int page) const
{
    if (m_firstLoad.active || m_failed.contains(page))
        return; // rows of an old query, or a page that failed: nothing to ask for
    m_missed.insert(page);
    if (!m_collectTimer->isActive())
        m_collectTimer->start();
}

void FlagListModel::collectMissed()
{
    // What the last paint showed and missed replaces what the ones before it missed: pages
    // scrolled past are not requested, and their requests still running are canceled.
    m_wanted = std::exchange(m_missed, {});
    QSet<quint64> stillWanted;
    for (auto it = m_inFlight.cbegin(); it != m_inFlight.cend(); ++it)
        if (m_wanted.contains(it.key()))
            stillWanted.insert(it->token);
    const QList<int> running = m_inFlight.keys();
    for (int page : running)
        if (const auto it = m_inFlight.constFind(page);
            it != m_inFlight.cend() && !stillWanted.contains(it->token))
            cancelPage(page);
    reportLoading();
    m_requestTimer->start();
}

int FlagListModel::requestsInFlight() const
{
    QSet<quint64> tokens;
    for (const Load &load : m_inFlight)
        tokens.insert(load.token);
    return int(tokens.size());
}

void FlagListModel::requestWanted()
{
    if (m_firstLoad.active || !canLoad())
        return;
    QList<int> pages;
    for (int page : std::as_const(m_wanted))
        if (page * m_pageSize < m_totalCount && !m_inFlight.contains(page) &&
            !m_failed.contains(page) && !pageComplete(page))
            pages.append(page);
    std::sort(pages.begin(), pages.end());
    // Neighbouring pages go in one request: the server seeks to an offset once, not per page.
    for (qsizetype i = 0; i < pages.size() && requestsInFlight() < kRequestsInFlight;) {
        int count = 1;
        while (i + count < pages.size() && count < kPagesPerRequest &&
               pages.at(i + count) == pages.at(i) + count)
            ++count;
        requestPages(pages.at(i), count);
        i += count;
    }
    reportLoading();
}

void FlagListModel::requestPages(int first, int count)
{
    const quint64 token = ++m_nextToken;
    for (int page = first; page < first + count; ++page)
        m_inFlight.insert(page, Load{true, token, nullptr});
    api::PendingCall *call =
        startLoad(first * m_pageSize, count * m_pageSize,
                  [this, first, count, token](const api::Result<api::Page<FeatureFlag>> &result) {
                      QList<int> mine; // the pages of this request still waiting for it
                      for (int page = first; page < first + count; ++page)
                          if (const auto it = m_inFlight.constFind(page);
                              it != m_inFlight.cend() && it->token == token) {
                              m_inFlight.erase(it);
                              mine.append(page);
                          }
                      if (mine.isEmpty())
                          return; // canceled, or of an older query
                      if (!result) {
                          if (result.error().kind != api::ApiError::Kind::Canceled) {
                              // Not asked for again and again as the view repaints; reload()
                              // retries.
                              for (int page : mine)
                                  m_failed.insert(page);
                              Q_EMIT loadFailed(result.error());
                          }
                      } else {
                          for (int page : mine) {
                              api::Page<FeatureFlag> part;
                              part.count = result->count;
                              part.results =
                                  result->results.mid((page - first) * m_pageSize, m_pageSize);
                              pageArrived(page, part);
                          }
                      }
                      requestWanted();
                      reportLoading();
                  });
    for (int page = first; page < first + count; ++page)
        if (auto it = m_inFlight.find(page); it != m_inFlight.end() && it->token == token)
            it->call = call;
}

void FlagListModel::pageArrived(int page, const api::Page<FeatureFlag> &answer)
{
    // The server's count moved (flags created or deleted elsewhere): the rows follow it.
    const int count = answer.results.isEmpty()
                          ? answer.count
                          : std::max(answer.count, page * m_pageSize + int(answer.results.size()));
    if (count != m_totalCount)
        resizeTo(count);
    const int first = page * m_pageSize;
    if (first >= m_totalCount)
        return;
    for (int i = 0; i < answer.results.size() && first + i < m_totalCount; ++i)
        putRow(first + i, FlagRow::fromFlag(answer.results.at(i)));
    // A page short of rows counts as loaded all the same, or it would be asked for forever.
    m_pageUse.insert(page, ++m_useClock);
    evictPages(page);
    const int last = std::min(m_totalCount, first + m_pageSize) - 1;
    Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

bool FlagListModel::pageComplete(int page) const
{
    return m_pageUse.contains(page);
}

void FlagListModel::putRow(int row, FlagRow flag)
{
    if (const auto old = m_rows.constFind(row); old != m_rows.cend()) {
        if (const auto it = m_rowOfId.constFind(old->id); it != m_rowOfId.cend() && *it == row)
            m_rowOfId.erase(it);
    }
    m_rowOfId.insert(flag.id, row);
    m_rows.insert(row, std::move(flag));
}

void FlagListModel::dropRow(int row)
{
    const auto old = m_rows.constFind(row);
    if (old == m_rows.cend())
        return;
    if (const auto it = m_rowOfId.constFind(old->id); it != m_rowOfId.cend() && *it == row)
        m_rowOfId.erase(it);
    m_rows.erase(old);
}

void FlagListModel::evictPages(int keep)
{
    // Pages holding rows: the whole ones, and parts of pages that inserted or removed rows moved.
    QSet<int> holding;
    for (auto it = m_rows.cbegin(); it != m_rows.cend(); ++it)
        holding.insert(it.key() / m_pageSize);
    const auto evict = [this](int page) {
        const int first = page * m_pageSize;
        const int last = std::min(m_totalCount, first + m_pageSize) - 1;
        for (int row = first; row <= last; ++row)
            dropRow(row);
        m_pageUse.remove(page);
        if (last >= first)
            Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
    };
    // Parts of pages first, then the least recently used; never what a view shows.
    const int limit = m_pageCacheLimit;
    for (auto it = holding.begin(); it != holding.end() && holding.size() > limit;) {
        if (!m_pageUse.contains(*it) && !m_wanted.contains(*it) && *it != keep) {
            evict(*it);
            it = holding.erase(it);
        } else {
            ++it;
        }
    }
    while (holding.size() > limit) {
        int oldest = -1;
        quint64 oldestUse = 0;
        for (auto it = m_pageUse.cbegin(); it != m_pageUse.cend(); ++it) {
            if (it.key() == keep || m_wanted.contains(it.key()))
                continue;
            if (oldest < 0 || it.value() < oldestUse) {
                oldest = it.key();
                oldestUse = it.value();
            }
        }
        if (oldest < 0)
            break;
        evict(oldest);
        holding.remove(oldest);
    }
}

void FlagListModel::resizeTo(int rows)
{
    rows = std::max(0, rows);
    if (rows > m_totalCount) {
        beginInsertRows({}, m_totalCount, rows - 1);
        m_totalCount = rows;
        endInsertRows();
    } else if (rows < m_totalCount) {
        beginRemoveRows({}, rows, m_totalCount - 1);
        for (int row = rows; row < m_totalCount; ++row)
            dropRow(row);
        const int pages = (rows + m_pageSize - 1) / m_pageSize;
        for (auto it = m_pageUse.begin(); it != m_pageUse.end();)
            it = it.key() >= pages ? m_pageUse.erase(it) : std::next(it);
        m_totalCount = rows;
        endRemoveRows();
    } else {
        return;
    }
    Q_EMIT totalCountChanged(m_totalCount);
}

void FlagListModel::shiftRows(int row, int delta)
{
    QHash<int, FlagRow> moved;
    moved.reserve(m_rows.size());
    for (auto it = m_rows.begin(); it != m_rows.end(); ++it)
        moved.insert(it.key() >= row ? it.key() + delta : it.key(), std::move(it.value()));
    m_rows = std::move(moved);
    m_rowOfId.clear();
    for (auto it = m_rows.cbegin(); it != m_rows.cend(); ++it)
        m_rowOfId.insert(it->id, it.key());
    // A page whose rows moved is whole only if its rows are all still there; the others are
    // asked for again when a view shows them, their rows shown meanwhile.
    const int count = m_totalCount + delta;
    for (auto it = m_pageUse.begin(); it != m_pageUse.end();) {
        const int first = it.key() * m_pageSize;
        const int last = std::min(count, first + m_pageSize) - 1;
        bool whole = last >= first;
        for (int r = first; r <= last && whole; ++r)
            whole = m_rows.contains(r);
        it = whole ? std::next(it) : m_pageUse.erase(it);
    }
    // Requests under way answer for offsets the server moved as well: asked for again.
    const QList<int> running = m_inFlight.keys();
    for (int page : running)
        if ((page + 1) * m_pageSize > row && m_inFlight.contains(page))
            cancelPage(page);
    m_failed.clear();
}

int FlagListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_totalCount;
}

const FlagRow &FlagListModel::flagAt(int row) const
{
    static const FlagRow notLoaded;
    const auto it = m_rows.constFind(row);
    return it == m_rows.cend() ? notLoaded : *it;
}

void FlagListModel::forEachLoadedRow(
    const std::function<void(int row, const FlagRow &flag)> &visit) const
{
    for (auto it = m_rows.cbegin(); it != m_rows.cend(); ++it)
        visit(it.key(), it.value());
}

QList<int> FlagListModel::pagesInFlight() const
{
    QList<int> pages = m_inFlight.keys();
    std::sort(pages.begin(), pages.end());
    return pages;
}

int FlagListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FlagListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto found = m_rows.constFind(index.row());
    if (found == m_rows.cend()) {
        // Not loaded. Asked for its text, a view is painting the row: its page is wanted. (The
        // other roles are read for other reasons too, say the ids of a selection of every row.)
        if (role == Qt::ForegroundRole && index.column() == KeyColumn)
            return QGuiApplication::palette().color(QPalette::PlaceholderText);
        if (role != Qt::DisplayRole)
            return {};
        pageMissed(index.row() / m_pageSize);
        return index.column() == KeyColumn ? QVariant(tr("Loading…")) : QVariant();
    }
    if (const auto use = m_pageUse.find(index.row() / m_pageSize); use != m_pageUse.end())
        *use = ++m_useClock;
    const FlagRow &flag = *found;
    switch (role) {
    case FlagIdRole:
        return flag.id;
    case FlagKeyRole:
        return flag.key;
    case ActiveRole:
        return flag.active;
    case TagsRole:
        return flag.tags;
    case CopyMarkRole:
        return int(copyMark(flag.id));
    case Qt::DecorationRole:
        if (index.column() != KeyColumn)
            return {};
        switch (copyMark(flag.id)) {
        case CopyMark::Created:
            return QColor(0x2e, 0x8b, 0x3e);
        case CopyMark::Changed:
            return QColor(0xd4, 0x8a, 0x00);
        case CopyMark::None:
            break;
        }
        return {};
    case TimestampRole:
        if (index.column() == UpdatedColumn)
            return flag.updated;
        if (index.column() == LastCalledColumn)
            return flag.lastCalled;
        return {};
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case KeyColumn:
            return flag.key;
        case NameColumn:
            return firstLine(flag.name);
        case TypeColumn:
            return flag.typeText;
        case StatusColumn:
            return flag.statusText;
        case RolloutColumn:
            return flag.rolloutSummary;
        case TagsColumn:
            return flag.tags.join(u", "_s);
        case CreatedByColumn:
            return flag.createdByText;
        case UpdatedColumn:
            return relativeTimeText(flag.updated, QDateTime::currentDateTime());
        case LastCalledColumn:
            return relativeTimeText(flag.lastCalled, QDateTime::currentDateTime());
        case ColumnCount:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        switch (Column(index.column())) {
        case KeyColumn:
            switch (copyMark(flag.id)) {
            case CopyMark::Created:
                return tr("%1\nMade in this copy: not on PostHog yet").arg(flag.key);
            case CopyMark::Changed:
                return tr("%1\nChanged in this copy since it was copied").arg(flag.key);
            case CopyMark::None:
                break;
            }
            return flag.key;
        case NameColumn:
            return flag.name;
        case TypeColumn:
            return flag.typeText;
        case StatusColumn:
            return flag.statusToolTip;
        case RolloutColumn:
            return flag.rolloutDetails;
        case TagsColumn:
            return flag.tags.join(u", "_s);
        case CreatedByColumn:
            return flag.createdByToolTip;
        case UpdatedColumn:
            return exactTimeText(flag.updatedAt);
        case LastCalledColumn:
            return flag.lastCalledAt.isEmpty() ? tr("No call recorded")
                                               : exactTimeText(flag.lastCalledAt);
        case ColumnCount:
            break;
        }
        return {};
    default:
        return {};
    }
}

void FlagListModel::setCopyMarks(QHash<qint64, CopyMark> marks)
{
    if (marks == m_copyMarks)
        return;
    m_copyMarks = std::move(marks);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, KeyColumn), index(rowCount() - 1, KeyColumn),
                           {Qt::DecorationRole, Qt::ToolTipRole, CopyMarkRole});
}

QVariant FlagListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case KeyColumn:
        return tr("Key");
    case NameColumn:
        return tr("Name");
    case TypeColumn:
        return tr("Type");
    case StatusColumn:
        return tr("Status");
    case RolloutColumn:
        return tr("Rollout");
    case TagsColumn:
        return tr("Tags");
    case CreatedByColumn:
        return tr("Created by");
    case UpdatedColumn:
        return tr("Updated");
    case LastCalledColumn:
        return tr("Last called");
    case ColumnCount:
        break;
    }
    return {};
}

Qt::ItemFlags FlagListModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QString FlagListModel::orderField(int column)
{
    switch (column) {
    case KeyColumn:
        return u"key"_s;
    case NameColumn:
        return u"name"_s;
    case StatusColumn:
        return u"active"_s;
    case CreatedByColumn:
        // By the creator's id: flags grouped per person, not their names in alphabetical order.
        return u"created_by_id"_s;
    case UpdatedColumn:
        return u"updated_at"_s;
    case LastCalledColumn:
        return u"last_called_at"_s;
    default:
        return {};
    }
}

void FlagListModel::sort(int column, Qt::SortOrder order)
{
    QString wanted;
    if (column >= 0) {
        const QString field = orderField(column);
        if (field.isEmpty())
            return;
        wanted = order == Qt::DescendingOrder ? u'-' + field : field;
    }
    if (wanted == m_query.order)
        return;
    m_query.order = wanted;
    reload();
}

int FlagListModel::rowOfFlag(qint64 id) const
{
    return m_rowOfId.value(id, -1);
}

void FlagListModel::applyChanged(const FeatureFlag &flag)
{
    if (flag.deleted) {
        removeRowOf(flag.id);
        return;
    }
    const int row = rowOfFlag(flag.id);
    if (row < 0)
        return;
    putRow(row, FlagRow::fromFlag(flag));
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void FlagListModel::removeRowOf(qint64 id)
{
    const int row = rowOfFlag(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    dropRow(row);
    shiftRows(row + 1, -1);
    m_totalCount = std::max(0, m_totalCount - 1);
    endRemoveRows();
    Q_EMIT totalCountChanged(m_totalCount);
    requestWanted();
    reportLoading();
}

void FlagListModel::insertRowAtTop(const FeatureFlag &flag)
{
    beginInsertRows({}, 0, 0);
    shiftRows(0, +1);
    putRow(0, FlagRow::fromFlag(flag));
    ++m_totalCount;
    endInsertRows();
    Q_EMIT totalCountChanged(m_totalCount);
    requestWanted();
    reportLoading();
}

void FlagListModel::createFlag(const QString &key, const QString &name, Done<FeatureFlag> done)
{
    if (!m_client) {
        if (done)
            done(notConnected());
        return;
    }
    m_client->createFlag(newFlagBody(key, name, m_newFlagStart == NewFlagStart::ZeroPercent), this,
                         [this, done](const api::Result<FeatureFlag> &result) {
                             if (result) {
                                 if (rowOfFlag(result->id) >= 0) {
                                     applyChanged(*result); // a reload got it first
                                 } else {
                                     insertRowAtTop(*result);
                                 }
                             }
                             if (done)
                                 done(result);
                         });
}

void FlagListModel::setActive(qint64 id, bool active, Done<FeatureFlag> done)
{
    if (!m_client) {
        if (done)
            done(notConnected());
        return;
    }
    m_client->updateFlag(id, QJsonObject{{u"active"_s, active}}, this,
                         [this, done](const api::Result<FeatureFlag> &result) {
                             if (result)
                                 applyChanged(*result);
                             if (done)
                                 done(result);
                         });
}

void FlagListModel::deleteFlags(const QList<qint64> &ids, Done<api::BulkDeleteResult> done)
{
    if (!m_client) {
        if (done)
            done(notConnected());
        return;
    }
    if (ids.isEmpty()) {
        if (done)
            done(api::BulkDeleteResult{});
        return;
    }
    if (ids.size() > 1) {
        m_client->bulkDelete(ids, this, [this, done](const api::Result<api::BulkDeleteResult> &r) {
            if (r)
                for (const api::FlagRef &deleted : r->deleted)
                    removeRowOf(deleted.id);
            if (done)
                done(r);
        });
        return;
    }
    // One flag the way PostHog's own UI deletes it, answered in bulk_delete's shape so that a
    // caller handles one and many alike.
    const qint64 id = ids.first();
    m_client->updateFlag(id, QJsonObject{{u"deleted"_s, true}}, this,
                         [this, id, done](const api::Result<FeatureFlag> &r) {
                             api::BulkDeleteResult outcome;
                             if (r) {
                                 outcome.deleted.append(api::FlagRef{r->id, r->key, r->name});
                                 removeRowOf(id);
                             } else if (r.error().kind == api::ApiError::Kind::Http &&
                                        (r.error().status == 400 || r.error().status == 404)) {
                                 // The server's word on this flag (other flags depend on it, it is
                                 // gone).
                                 const int row = rowOfFlag(id);
                                 outcome.refused.append({id, row < 0 ? QString() : flagAt(row).key,
                                                         r.error().message()});
                             } else {
                                 if (done)
                                     done(r.error());
                                 return;
                             }
                             if (done)
                                 done(outcome);
                         });
}

void FlagListModel::restoreFlag(qint64 id, Done<FeatureFlag> done)
{
    if (!m_client) {
        if (done)
            done(notConnected());
        return;
    }
    m_client->updateFlag(id, QJsonObject{{u"deleted"_s, false}}, this,
                         [this, done](const api::Result<FeatureFlag> &result) {
                             if (result)
                                 reload();
                             if (done)
                                 done(result);
                         });
}

void FlagListModel::updateTags(const QList<qint64> &ids, api::Client::TagAction action,
                               const QStringList &tags, Done<api::BulkTagsResult> done)
{
    if (!m_client) {
        if (done)
            done(notConnected());
        return;
    }
    m_client->bulkUpdateTags(
        ids, action, tags, this, [this, done](const api::Result<api::BulkTagsResult> &result) {
            QList<qint64> shown;
            if (result)
                for (qint64 id : result->updated)
                    if (rowOfFlag(id) >= 0 && !shown.contains(id))
                        shown.append(id);
            if (shown.isEmpty() || !m_client) {
                if (done)
                    done(result);
                return;
            }
            // Re-fetched rather than computed here: the server normalizes tags as it stores them.
            auto remaining = std::make_shared<qsizetype>(shown.size());
            const api::BulkTagsResult outcome = result.value();
            for (qint64 id : shown) {
                m_client->getFlag(
                    id, this, [this, remaining, outcome, done](const api::Result<FeatureFlag> &r) {
                        if (r)
                            applyChanged(*r);
                        if (--*remaining == 0 && done)
                            done(outcome);
                    });
            }
        });
}

void FlagListModel::updateFlag(const FeatureFlag &flag)
{
    applyChanged(flag);
}

} // namespace bunting::models
