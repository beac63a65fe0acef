#include "flag_list_model.h"

#include "flag_summary.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSet>
#include <memory>

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
}

FlagListModel::~FlagListModel() = default;

void FlagListModel::setClient(api::Client *client)
{
    if (client != m_client) {
        // The rows of another connection mean nothing under this one.
        cancelLoad();
        m_client = client;
        clearRows();
    }
    reload();
}

void FlagListModel::setQuery(const api::FlagListQuery &query)
{
    m_query = query;
    reload();
}

void FlagListModel::reload()
{
    if (m_client) {
        loadPage(0, true);
        return;
    }
    cancelLoad();
    clearRows();
}

void FlagListModel::clearRows()
{
    m_hasMore = false;
    if (!m_flags.isEmpty()) {
        beginResetModel();
        m_flags.clear();
        m_ids.clear();
        endResetModel();
    }
    setTotalCount(0);
}

void FlagListModel::cancelLoad()
{
    ++m_generation;
    if (api::PendingCall *call = m_loading) {
        m_loading = nullptr;
        call->cancel();
    }
    reportLoading();
}

void FlagListModel::reportLoading()
{
    const bool loading = isLoading();
    if (loading == m_reportedLoading)
        return;
    m_reportedLoading = loading;
    Q_EMIT loadingChanged(loading);
}

void FlagListModel::setTotalCount(int count)
{
    if (count == m_totalCount)
        return;
    m_totalCount = count;
    Q_EMIT totalCountChanged(count);
}

void FlagListModel::loadPage(int offset, bool replace)
{
    if (!m_client)
        return;
    if (replace) {
        // Not cancelLoad(): the old load's end is not reported, the new one carries on for it.
        ++m_generation;
        if (api::PendingCall *old = m_loading) {
            m_loading = nullptr;
            old->cancel();
        }
    } else if (isLoading()) {
        return;
    }
    const quint64 generation = m_generation;
    auto answered = std::make_shared<bool>(false);
    api::PendingCall *call = m_client->listFlags(
        m_query, offset, m_pageSize, this,
        [this, generation, replace, answered](const api::Result<api::Page<FeatureFlag>> &result) {
            *answered = true;
            if (generation != m_generation)
                return; // an older query's answer, or the cancel of one
            if (!result) {
                m_loading = nullptr;
                // A view asks for more as it scrolls: without this, a failing page would be
                // asked for again and again. reload() starts over.
                if (!replace)
                    m_hasMore = false;
                reportLoading();
                if (result.error().kind != api::ApiError::Kind::Canceled)
                    Q_EMIT loadFailed(result.error());
                return;
            }
            const api::Page<FeatureFlag> &page = result.value();
            // Views fetch more from inside the signals of the change: before the rows are in
            // (rowsAboutToBeInserted) that must find the load still running, so that it asks for
            // no page twice; after, it must find the load over and the next page's state set.
            m_hasMore = !page.next.isEmpty() && !page.results.isEmpty();
            if (replace) {
                beginResetModel();
                setRows(page.results);
                m_loading = nullptr;
                endResetModel();
            } else {
                // Flags created here since the last page shift the server's offsets by as many
                // rows, so the next page may repeat rows already shown.
                QList<FlagRow> fresh;
                for (const FeatureFlag &flag : page.results)
                    if (!m_ids.contains(flag.id))
                        fresh.append(FlagRow::fromFlag(flag));
                if (fresh.isEmpty()) {
                    m_loading = nullptr;
                } else {
                    beginInsertRows({}, int(m_flags.size()),
                                    int(m_flags.size() + fresh.size() - 1));
                    for (const FlagRow &row : fresh)
                        m_ids.insert(row.id);
                    m_flags.append(fresh);
                    m_loading = nullptr;
                    endInsertRows();
                }
            }
            setTotalCount(page.count);
            reportLoading();
        });
    // A client may answer at once (say, without a host), and the call may be gone by now.
    if (!*answered && call && generation == m_generation) {
        m_loading = call;
        connect(call, &QObject::destroyed, this, &FlagListModel::reportLoading);
    }
    reportLoading();
}

int FlagListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_flags.size());
}

int FlagListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FlagListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FlagRow &flag = m_flags.at(index.row());
    switch (role) {
    case FlagIdRole:
        return flag.id;
    case FlagKeyRole:
        return flag.key;
    case ActiveRole:
        return flag.active;
    case TagsRole:
        return flag.tags;
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

bool FlagListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_client && m_hasMore && !isLoading();
}

void FlagListModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        loadPage(int(m_flags.size()), false);
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

void FlagListModel::setRows(const QList<FeatureFlag> &flags)
{
    m_flags.clear();
    m_ids.clear();
    m_flags.reserve(flags.size());
    for (const FeatureFlag &flag : flags) {
        m_flags.append(FlagRow::fromFlag(flag));
        m_ids.insert(flag.id);
    }
}

int FlagListModel::rowOfFlag(qint64 id) const
{
    if (!m_ids.contains(id))
        return -1;
    for (qsizetype row = 0; row < m_flags.size(); ++row)
        if (m_flags.at(row).id == id)
            return int(row);
    return -1;
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
    m_flags[row] = FlagRow::fromFlag(flag);
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void FlagListModel::removeRowOf(qint64 id)
{
    const int row = rowOfFlag(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_flags.removeAt(row);
    m_ids.remove(id);
    endRemoveRows();
    setTotalCount(std::max(0, m_totalCount - 1));
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
                                     beginInsertRows({}, 0, 0);
                                     m_flags.prepend(FlagRow::fromFlag(*result));
                                     m_ids.insert(result->id);
                                     endInsertRows();
                                     setTotalCount(m_totalCount + 1);
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
                                 outcome.refused.append({id,
                                                         row < 0 ? QString() : m_flags.at(row).key,
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
