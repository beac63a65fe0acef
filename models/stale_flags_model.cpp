#include "stale_flags_model.h"

#include "client.h"
#include "flag_summary.h"

#include <QCoreApplication>
#include <QFont>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bunting::models::StaleFlagsModel", text);
}

} // namespace

QString dependedOnText(const QList<api::FlagRef> &dependents)
{
    QStringList keys;
    for (const api::FlagRef &ref : dependents)
        keys.append(ref.key);
    if (dependents.size() == 1)
        return tr("1 flag depends on it: %1").arg(keys.first());
    return tr("%1 flags depend on it: %2").arg(dependents.size()).arg(keys.join(u", "_s));
}

struct StaleFlagsModel::Job
{
    StaleFlagsOutcome outcome;
    QList<qint64> selection;
    QHash<qint64, QString> keys;
    QHash<qint64, QString> names;
    QHash<qint64, QList<api::FlagRef>> dependents;
    QSet<qint64> refused;
    QList<qint64> order; // what is left to do, dependents first
    int pending = 0;

    void refuse(qint64 id, const QString &reason)
    {
        refused.insert(id);
        outcome.refused.append(StaleFlagRefusal{id, keys.value(id), reason});
    }
    // A dependent inside the selection that stays keeps this flag too: the server would refuse.
    std::optional<QString> keptBy(qint64 id) const
    {
        for (const api::FlagRef &d : dependents.value(id))
            if (refused.contains(d.id) && selection.contains(d.id))
                return tr("%1 depends on it and was not changed").arg(d.key);
        return std::nullopt;
    }
};

void StaleFlagsModel::Row::setFlag(const FeatureFlag &changed)
{
    flag = changed;
    lastCalled = flag.lastCalledAt.isEmpty() ? QDateTime() : parseTimestamp(flag.lastCalledAt);
    rollout = rolloutSummary(flag);
}

StaleFlagsModel::StaleFlagsModel(QObject *parent)
    : QAbstractTableModel(parent), m_context(std::make_unique<QObject>())
{
    qRegisterMetaType<StaleFlagsOutcome>();
}

StaleFlagsModel::~StaleFlagsModel() = default;

void StaleFlagsModel::setClient(api::Client *client)
{
    m_client = client;
}

void StaleFlagsModel::reload()
{
    m_context = std::make_unique<QObject>();
    setBusy(false);
    beginResetModel();
    m_rows.clear();
    endResetModel();
    Q_EMIT checkedChanged();
    if (!m_client) {
        setLoading(false);
        return;
    }
    setLoading(true);
    api::FlagListQuery query;
    query.active = u"STALE"_s;
    query.order = u"key"_s;
    m_client->listAllFlags(query, m_context.get(), {},
                           [this](const api::Result<QList<FeatureFlag>> &result) {
                               setLoading(false);
                               if (!result) {
                                   Q_EMIT loadFailed(result.error());
                                   return;
                               }
                               if (!result->isEmpty()) {
                                   beginInsertRows({}, 0, int(result->size()) - 1);
                                   for (const FeatureFlag &flag : result.value())
                                       m_rows.append(Row(flag));
                                   endInsertRows();
                               }
                               for (const Row &row : std::as_const(m_rows))
                                   loadDependents(row.flag.id);
                               Q_EMIT loaded();
                           });
}

void StaleFlagsModel::loadDependents(qint64 id)
{
    m_client->dependentFlags(id, m_context.get(),
                             [this, id](const api::Result<QList<api::FlagRef>> &result) {
                                 // A failure leaves the cell unknown; a cleanup asks again.
                                 if (result)
                                     setDependents(id, result.value());
                             });
}

void StaleFlagsModel::setDependents(qint64 id, const QList<api::FlagRef> &dependents)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    m_rows[row].dependents = dependents;
    const QModelIndex cell = index(row, DependentsColumn);
    Q_EMIT dataChanged(cell, cell);
}

QList<qint64> StaleFlagsModel::checkedIds() const
{
    QList<qint64> ids;
    for (const Row &row : m_rows)
        if (row.checked)
            ids.append(row.flag.id);
    return ids;
}

void StaleFlagsModel::setChecked(qint64 id, bool checked)
{
    const int row = rowOf(id);
    if (row >= 0)
        setData(index(row, KeyColumn), checked ? Qt::Checked : Qt::Unchecked, Qt::CheckStateRole);
}

void StaleFlagsModel::setAllChecked(bool checked)
{
    if (m_rows.isEmpty())
        return;
    for (Row &row : m_rows)
        row.checked = checked;
    Q_EMIT dataChanged(index(0, KeyColumn), index(rowCount() - 1, KeyColumn), {Qt::CheckStateRole});
    Q_EMIT checkedChanged();
}

int StaleFlagsModel::rowOf(qint64 id) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].flag.id == id)
            return i;
    return -1;
}

void StaleFlagsModel::disable(const QList<qint64> &ids)
{
    start(StaleFlagsOutcome::Action::Disable, ids);
}

void StaleFlagsModel::remove(const QList<qint64> &ids)
{
    start(StaleFlagsOutcome::Action::Remove, ids);
}

void StaleFlagsModel::start(StaleFlagsOutcome::Action action, const QList<qint64> &ids)
{
    auto job = std::make_shared<Job>();
    job->outcome.action = action;
    for (qint64 id : ids)
        if (!job->selection.contains(id))
            job->selection.append(id);
    for (qint64 id : std::as_const(job->selection)) {
        const int row = rowOf(id);
        job->keys.insert(id, row >= 0 ? m_rows[row].flag.key : tr("Flag %1").arg(id));
        job->names.insert(id, row >= 0 ? m_rows[row].flag.name : QString());
    }
    if (!m_client || job->selection.isEmpty()) {
        for (qint64 id : std::as_const(job->selection))
            job->refuse(id, tr("Not connected to a server."));
        Q_EMIT actionFinished(job->outcome);
        return;
    }
    setBusy(true);
    // The dependents as they are now: the list's may be minutes old.
    job->pending = int(job->selection.size());
    for (qint64 id : std::as_const(job->selection))
        m_client->dependentFlags(id, m_context.get(),
                                 [this, job, id](const api::Result<QList<api::FlagRef>> &result) {
                                     if (result) {
                                         job->dependents.insert(id, result.value());
                                         setDependents(id, result.value());
                                     } else {
                                         job->refuse(id, result.error().message());
                                     }
                                     if (--job->pending == 0)
                                         plan(job);
                                 });
}

void StaleFlagsModel::plan(const std::shared_ptr<Job> &job)
{
    for (qint64 id : std::as_const(job->selection)) {
        if (job->refused.contains(id))
            continue;
        QList<api::FlagRef> outside;
        for (const api::FlagRef &d : job->dependents.value(id))
            if (!job->selection.contains(d.id))
                outside.append(d);
        if (!outside.isEmpty())
            job->refuse(id, dependedOnText(outside));
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (qint64 id : std::as_const(job->selection))
            if (!job->refused.contains(id))
                if (const auto reason = job->keptBy(id)) {
                    job->refuse(id, *reason);
                    changed = true;
                }
    }
    // Dependents first: a flag comes after every flag of the selection that depends on it.
    QSet<qint64> seen;
    std::function<void(qint64)> visit = [&](qint64 id) {
        if (seen.contains(id))
            return;
        seen.insert(id);
        for (const api::FlagRef &d : job->dependents.value(id))
            if (job->selection.contains(d.id) && !job->refused.contains(d.id))
                visit(d.id);
        job->order.append(id);
    };
    for (qint64 id : std::as_const(job->selection))
        if (!job->refused.contains(id))
            visit(id);

    if (job->order.isEmpty())
        finish(job);
    else if (job->outcome.action == StaleFlagsOutcome::Action::Disable)
        disableNext(job);
    else
        removeAll(job);
}

void StaleFlagsModel::disableNext(const std::shared_ptr<Job> &job)
{
    if (job->order.isEmpty()) {
        finish(job);
        return;
    }
    const qint64 id = job->order.takeFirst();
    if (const auto reason = job->keptBy(id)) {
        job->refuse(id, *reason);
        disableNext(job);
        return;
    }
    m_client->updateFlag(
        id, QJsonObject{{u"active"_s, false}}, m_context.get(),
        [this, job, id](const api::Result<FeatureFlag> &result) {
            if (result) {
                job->outcome.done.append(api::FlagRef{id, result->key, result->name});
                const int row = rowOf(id);
                if (row >= 0) {
                    m_rows[row].setFlag(result.value());
                    m_rows[row].checked = false;
                    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
                }
            } else {
                job->refuse(id, result.error().message());
            }
            disableNext(job);
        });
}

void StaleFlagsModel::removeAll(const std::shared_ptr<Job> &job)
{
    const QList<qint64> ids = job->order;
    job->order.clear();
    m_client->bulkDelete(
        ids, m_context.get(), [this, job, ids](const api::Result<api::BulkDeleteResult> &result) {
            if (!result) {
                for (qint64 id : ids)
                    job->refuse(id, result.error().message());
                finish(job);
                return;
            }
            for (const api::FlagRef &ref : result->deleted) {
                job->outcome.done.append(ref);
                const int row = rowOf(ref.id);
                if (row >= 0) {
                    beginRemoveRows({}, row, row);
                    m_rows.removeAt(row);
                    endRemoveRows();
                }
            }
            for (const api::BulkDeleteResult::Refused &r : result->refused) {
                job->refused.insert(r.id);
                job->outcome.refused.append(StaleFlagRefusal{
                    r.id, r.key.isEmpty() ? job->keys.value(r.id) : r.key, r.reason});
            }
            finish(job);
        });
}

void StaleFlagsModel::finish(const std::shared_ptr<Job> &job)
{
    // What was changed may have been what other rows' dependents were.
    if (!job->outcome.done.isEmpty())
        for (const Row &row : std::as_const(m_rows))
            loadDependents(row.flag.id);
    Q_EMIT checkedChanged();
    setBusy(false);
    Q_EMIT actionFinished(job->outcome);
}

void StaleFlagsModel::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

void StaleFlagsModel::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

int StaleFlagsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int StaleFlagsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StaleFlagsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const FeatureFlag &flag = row.flag;
    switch (role) {
    case FlagIdRole:
        return flag.id;
    case KeyRole:
        return flag.key;
    case ActiveRole:
        return flag.active;
    case DependentKeysRole: {
        if (!row.dependents)
            return {};
        QStringList keys;
        for (const api::FlagRef &ref : *row.dependents)
            keys.append(ref.key);
        return keys;
    }
    case Qt::CheckStateRole:
        if (index.column() == KeyColumn)
            return row.checked ? Qt::Checked : Qt::Unchecked;
        return {};
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case KeyColumn:
            return flag.key;
        case NameColumn:
            return flag.name;
        case LastCalledColumn:
            if (!row.lastCalled.isValid())
                return u"never"_s;
            return relativeTimeText(row.lastCalled, QDateTime::currentDateTimeUtc());
        case RolloutColumn:
            return row.rollout;
        case DependentsColumn:
            if (!row.dependents)
                return u"…"_s;
            if (row.dependents->isEmpty())
                return u"none"_s;
            return u"%1: %2"_s.arg(row.dependents->size())
                .arg(data(index, DependentKeysRole).toStringList().join(u", "_s));
        }
        return {};
    case Qt::ToolTipRole:
        switch (Column(index.column())) {
        case LastCalledColumn:
            return flag.lastCalledAt.isEmpty() ? tr("No SDK has evaluated this flag.")
                                               : exactTimeText(flag.lastCalledAt);
        case RolloutColumn:
            return rolloutDetails(flag);
        case DependentsColumn:
            if (row.dependents && !row.dependents->isEmpty())
                return tr("Active flags whose conditions use this one. It cannot be disabled or "
                          "deleted while they do.");
            return {};
        default:
            return statusToolTip(flag);
        }
    case Qt::FontRole:
        if (!flag.active) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    default:
        return {};
    }
}

bool StaleFlagsModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::CheckStateRole || index.column() != KeyColumn ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const bool checked = value.toInt() == Qt::Checked;
    Row &row = m_rows[index.row()];
    if (row.checked == checked)
        return true;
    row.checked = checked;
    Q_EMIT dataChanged(index, index, {Qt::CheckStateRole});
    Q_EMIT checkedChanged();
    return true;
}

QVariant StaleFlagsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case KeyColumn:
        return tr("Key");
    case NameColumn:
        return tr("Name");
    case LastCalledColumn:
        return tr("Last called");
    case RolloutColumn:
        return tr("Rolled out");
    case DependentsColumn:
        return tr("Depended on by");
    }
    return {};
}

Qt::ItemFlags StaleFlagsModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == KeyColumn)
        flags |= Qt::ItemIsUserCheckable;
    return flags;
}

} // namespace bunting::models
