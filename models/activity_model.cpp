#include "activity_model.h"

#include "activity_text.h"
#include "client.h"
#include "feature_flag.h"

#include <QFont>
#include <QJsonArray>
#include <QLocale>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

// Day rows have id 0, entry rows an even id naming their day, change rows an odd id naming
// their entry: enough for parent() without a node object per row.
constexpr quintptr dayId = 0;
quintptr entryRowId(int day)
{
    return quintptr(day + 1) * 2;
}
quintptr changeRowId(int entry)
{
    return quintptr(entry) * 2 + 1;
}

// PostHog logs the version an edit made as a `version` change; creations name none.
std::optional<int> versionOf(const QJsonObject &detail)
{
    for (const QJsonValue &change : detail.value("changes"_L1).toArray()) {
        const QJsonObject c = change.toObject();
        if (c.value("field"_L1) == "version"_L1 && c.value("after"_L1).isDouble())
            return c.value("after"_L1).toInt();
    }
    return std::nullopt;
}

} // namespace

ActivityModel::ActivityModel(QObject *parent)
    : QAbstractItemModel(parent), m_context(std::make_unique<QObject>())
{
}

ActivityModel::~ActivityModel() = default;

void ActivityModel::setClient(api::Client *client)
{
    m_client = client;
    reload();
}

void ActivityModel::setFlag(qint64 flagId)
{
    m_flagId = flagId;
    reload();
}

void ActivityModel::reload()
{
    beginResetModel();
    m_context = std::make_unique<QObject>();
    m_entries.clear();
    m_ids.clear();
    m_days.clear();
    m_nextPage = 1;
    m_hasNext = false;
    m_failed = false;
    m_totalCount = 0;
    endResetModel();
    setLoading(false);
    if (m_client)
        loadPage();
}

void ActivityModel::setFilter(const ActivityFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    beginResetModel();
    regroup();
    endResetModel();
}

int ActivityModel::visibleCount() const
{
    int count = 0;
    for (const Day &day : m_days)
        count += int(day.entries.size());
    return count;
}

QList<std::pair<QString, QString>> ActivityModel::users() const
{
    QList<std::pair<QString, QString>> users;
    for (const Entry &e : m_entries)
        if (std::none_of(users.begin(), users.end(),
                         [&e](const auto &user) { return user.first == e.userKey; }))
            users.append({e.userKey, e.user});
    std::sort(users.begin(), users.end(), [](const auto &a, const auto &b) {
        return QString::localeAwareCompare(a.second, b.second) < 0;
    });
    return users;
}

QStringList ActivityModel::changedFields() const
{
    QStringList fields;
    for (const Entry &e : m_entries)
        for (const QString &field : e.fields)
            if (!fields.contains(field))
                fields.append(field);
    fields.sort();
    return fields;
}

void ActivityModel::loadPage()
{
    setLoading(true);
    const auto done = [this](const api::Result<api::Page<api::ActivityEntry>> &result) {
        setLoading(false);
        if (!result) {
            m_failed = true;
            Q_EMIT loadFailed(result.error());
            return;
        }
        m_totalCount = result->count;
        m_hasNext = !result->next.isEmpty();
        ++m_nextPage;
        append(result->results);
        Q_EMIT pageLoaded();
    };
    if (m_flagId != 0)
        m_client->flagActivity(m_flagId, m_nextPage, m_pageSize, m_context.get(), done);
    else
        m_client->projectActivity(m_nextPage, m_pageSize, m_context.get(), done);
}

void ActivityModel::append(const QList<api::ActivityEntry> &entries)
{
    for (const api::ActivityEntry &entry : entries) {
        // A change made while paging shifts the pages: what moved onto the next page is skipped.
        if (m_ids.contains(entry.id))
            continue;
        m_ids.insert(entry.id);
        Entry e;
        e.entry = entry;
        e.time = parseTimestamp(entry.createdAt).toLocalTime();
        e.user = activityUserName(entry);
        e.userKey = activityUserKey(entry);
        e.headline = activityHeadline(entry);
        e.fields = activityChangedFields(entry);
        for (const QJsonValue &change : entry.detail.value("changes"_L1).toArray())
            e.sentences += activityChangeSentences(change.toObject());
        e.version = versionOf(entry.detail);
        QStringList words{entry.detail.value("name"_L1).toString(), e.user, e.headline};
        if (entry.user)
            words.append(entry.user->email);
        words += e.sentences;
        e.searchText = words.join(u'\n').toLower();
        m_entries.push_back(std::move(e));

        const int index = int(m_entries.size()) - 1;
        Entry &added = m_entries.back();
        if (!matches(added))
            continue;
        // Pages come newest first, so an entry belongs to the last day or to a new one after it.
        const QDate date = added.time.date();
        if (m_days.isEmpty() || m_days.last().date != date) {
            const int day = int(m_days.size());
            beginInsertRows({}, day, day);
            m_days.append(Day{date, {}});
            endInsertRows();
        }
        const int day = int(m_days.size()) - 1;
        const int row = int(m_days[day].entries.size());
        beginInsertRows(createIndex(day, 0, dayId), row, row);
        added.day = day;
        added.row = row;
        m_days[day].entries.append(index);
        endInsertRows();
    }
}

bool ActivityModel::matches(const Entry &e) const
{
    const ActivityFilter &f = m_filter;
    if (!f.userKey.isEmpty() && e.userKey != f.userKey)
        return false;
    if (!f.kind.isEmpty()) {
        if (f.kind.startsWith("field:"_L1)) {
            if (!e.fields.contains(f.kind.mid(6)))
                return false;
        } else if (e.entry.activity != f.kind) {
            return false;
        }
    }
    const QDate date = e.time.date();
    if (f.from.isValid() && date < f.from)
        return false;
    if (f.to.isValid() && date > f.to)
        return false;
    return e.searchText.contains(f.search.trimmed().toLower());
}

void ActivityModel::regroup()
{
    m_days.clear();
    for (int i = 0; i < int(m_entries.size()); ++i) {
        Entry &e = m_entries[size_t(i)];
        e.day = e.row = -1;
        if (!matches(e))
            continue;
        if (m_days.isEmpty() || m_days.last().date != e.time.date())
            m_days.append(Day{e.time.date(), {}});
        e.day = int(m_days.size()) - 1;
        e.row = int(m_days.last().entries.size());
        m_days.last().entries.append(i);
    }
}

void ActivityModel::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

const ActivityModel::Entry *ActivityModel::entryAt(const QModelIndex &index) const
{
    if (!index.isValid() || index.internalId() == dayId)
        return nullptr;
    if (index.internalId() % 2 == 0) {
        const Day &day = m_days[int(index.internalId() / 2 - 1)];
        return &m_entries[size_t(day.entries[index.row()])];
    }
    return &m_entries[size_t(index.internalId() / 2)];
}

QModelIndex ActivityModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, dayId);
    if (parent.internalId() == dayId)
        return createIndex(row, column, entryRowId(parent.row()));
    const Day &day = m_days[int(parent.internalId() / 2 - 1)];
    return createIndex(row, column, changeRowId(day.entries[parent.row()]));
}

QModelIndex ActivityModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == dayId)
        return {};
    if (child.internalId() % 2 == 0)
        return createIndex(int(child.internalId() / 2 - 1), 0, dayId);
    const Entry &e = m_entries[size_t(child.internalId() / 2)];
    return createIndex(e.row, 0, entryRowId(e.day));
}

int ActivityModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_days.size());
    if (parent.column() != 0)
        return 0;
    if (parent.internalId() == dayId)
        return int(m_days[parent.row()].entries.size());
    if (parent.internalId() % 2 == 0)
        return int(entryAt(parent)->sentences.size());
    return 0;
}

int ActivityModel::columnCount(const QModelIndex &) const
{
    return 3;
}

QVariant ActivityModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == dayId) {
        const Day &day = m_days[index.row()];
        switch (role) {
        case Qt::DisplayRole:
            return index.column() == 0 ? activityDayLabel(day.date, QDate::currentDate())
                                       : QVariant();
        case Qt::FontRole: {
            QFont font;
            font.setBold(true);
            return font;
        }
        case NodeRole:
            return QVariant::fromValue(Node::Day);
        case TimestampRole:
            return day.date.startOfDay();
        default:
            return {};
        }
    }
    const Entry &e = *entryAt(index);
    const bool isChange = index.internalId() % 2 == 1;
    switch (role) {
    case Qt::DisplayRole:
        if (isChange)
            return index.column() == 0 ? QVariant(e.sentences.value(index.row())) : QVariant();
        switch (index.column()) {
        case 0:
            return e.headline;
        case 1:
            return QLocale().toString(e.time.time(), u"HH:mm"_s);
        default:
            return e.version ? QVariant(u"v"_s + QString::number(*e.version)) : QVariant();
        }
    case Qt::ToolTipRole:
        if (isChange)
            return {};
        return QLocale().toString(e.time, QLocale::LongFormat);
    case NodeRole:
        return QVariant::fromValue(isChange ? Node::Change : Node::Entry);
    case EntryIdRole:
        return e.entry.id;
    case FlagIdRole:
        return e.entry.itemId.toLongLong();
    case UserRole:
        return e.user;
    case UserKeyRole:
        return e.userKey;
    case TimestampRole:
        return e.time;
    case KindRole:
        return e.entry.activity;
    case VersionRole:
        return e.version ? QVariant(*e.version) : QVariant();
    default:
        return {};
    }
}

QVariant ActivityModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case 0:
        return tr("Change");
    case 1:
        return tr("Time");
    default:
        return tr("Version");
    }
}

Qt::ItemFlags ActivityModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    // Days are headings, not things to act on.
    if (index.internalId() == dayId)
        return Qt::ItemIsEnabled;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

bool ActivityModel::canFetchMore(const QModelIndex &parent) const
{
    // After a failure only reload() tries again, so a view does not hammer a failing server.
    return !parent.isValid() && m_client && m_hasNext && !m_loading && !m_failed;
}

void ActivityModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        loadPage();
}

QHash<int, QByteArray> ActivityModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(EntryIdRole, "entryId");
    names.insert(FlagIdRole, "flagId");
    names.insert(UserRole, "user");
    names.insert(UserKeyRole, "userKey");
    names.insert(TimestampRole, "timestamp");
    names.insert(KindRole, "kind");
    names.insert(VersionRole, "version");
    names.insert(NodeRole, "node");
    return names;
}

} // namespace bunting::models
