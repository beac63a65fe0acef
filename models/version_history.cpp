#include "version_history.h"

#include "editable_fields.h"

#include <QFont>
#include <QJsonDocument>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

// What the versions endpoint adds about the version itself (when, by whom, whether it is the
// current one): the flag already carries it as updated_at and last_modified_by, and as extra
// fields it would make every two versions differ.
constexpr QLatin1StringView versionBookkeeping[] = {
    "version_timestamp"_L1,
    "modified_by"_L1,
    "is_historical"_L1,
};

FeatureFlag withoutBookkeeping(FeatureFlag flag)
{
    QJsonObject extra = flag.record.extra();
    for (QLatin1StringView key : versionBookkeeping)
        extra.remove(key);
    flag.record.setExtra(extra);
    return flag;
}

} // namespace

VersionHistory::VersionHistory(api::Client *client, qint64 flagId, QObject *parent)
    : QAbstractListModel(parent), m_client(client), m_flagId(flagId)
{
}

int VersionHistory::rowOf(int version) const
{
    if (version < 1 || version > m_count)
        return -1;
    return m_count - version;
}

int VersionHistory::versionAt(int row) const
{
    if (row < 0 || row >= m_count)
        return 0;
    return m_count - row;
}

void VersionHistory::reload()
{
    if (!m_client || m_loading)
        return;
    m_loading = true;
    m_client->getFlag(m_flagId, this, [this](const api::Result<FeatureFlag> &result) {
        m_loading = false;
        if (!result) {
            Q_EMIT loadFailed(result.error());
            return;
        }
        const FeatureFlag &flag = result.value();
        for (const auto &user : {flag.createdBy, flag.lastModifiedBy})
            if (user && user->id != 0)
                m_users.insert(user->id, *user);
        const int before = m_count, after = flag.version;
        // Versions only ever grow; new ones go on top, the rows below keep their content. The
        // mark of the current version moves after the insertion, as a change of its own.
        if (after > before) {
            beginInsertRows({}, 0, after - before - 1);
            m_count = after;
            endInsertRows();
            m_current = flag;
            Q_EMIT dataChanged(index(0), index(std::min(after - before, after - 1)));
        } else if (after < before) {
            beginResetModel();
            m_count = after;
            m_current = flag;
            m_versions.clear();
            m_errors.clear();
            endResetModel();
        } else {
            m_current = flag;
        }
        Q_EMIT loaded();
    });
}

int VersionHistory::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_count;
}

QVariant VersionHistory::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int version = versionAt(index.row());
    const bool loadedHere = m_versions.contains(version);
    // Loading on demand: the rows a view shows are the versions worth fetching.
    if ((role == Qt::DisplayRole || role == Qt::ToolTipRole) && !loadedHere &&
        !m_errors.contains(version) && !m_waiting.contains(version))
        const_cast<VersionHistory *>(this)->fetchVersion(version, [](const auto &) {});
    switch (role) {
    case Qt::DisplayRole:
        return rowText(version);
    case Qt::ToolTipRole:
        return m_errors.contains(version) ? m_errors.value(version).message() : QVariant();
    case Qt::FontRole:
        if (version == m_current.version) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case VersionRole:
        return version;
    case IsCurrentRole:
        return version == m_current.version;
    case IsLoadedRole:
        return loadedHere;
    case ErrorRole:
        return m_errors.contains(version) ? m_errors.value(version).message() : QString();
    default:
        return {};
    }
}

QHash<int, QByteArray> VersionHistory::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(VersionRole, "version");
    names.insert(IsCurrentRole, "isCurrent");
    names.insert(IsLoadedRole, "isLoaded");
    names.insert(ErrorRole, "error");
    return names;
}

QString VersionHistory::author(const FeatureFlag &version) const
{
    if (!version.lastModifiedBy)
        return {};
    const qint64 id = version.lastModifiedBy->id;
    const QString known = m_users.value(id).displayName();
    if (!known.isEmpty())
        return known;
    const QString own = version.lastModifiedBy->displayName();
    if (!own.isEmpty())
        return own;
    return id != 0 ? tr("user %1").arg(id) : QString();
}

QString VersionHistory::rowText(int version) const
{
    QStringList parts{tr("Version %1").arg(version)};
    if (m_errors.contains(version)) {
        const api::ApiError &error = m_errors.value(version);
        parts.append(error.status == 422 ? tr("cannot be rebuilt (422)")
                                         : tr("not loaded: %1").arg(error.message()));
    } else if (const auto it = m_versions.constFind(version); it != m_versions.cend()) {
        const QDateTime at = parseTimestamp(it->updatedAt);
        if (at.isValid())
            parts.append(at.toLocalTime().toString(u"yyyy-MM-dd HH:mm"_s));
        const QString by = author(*it);
        if (!by.isEmpty())
            parts.append(by);
    }
    if (version == m_current.version)
        parts.append(tr("current"));
    return parts.join(u" · "_s);
}

void VersionHistory::fetchVersion(int version,
                                  std::function<void(const api::Result<FeatureFlag> &)> done)
{
    if (const auto it = m_versions.constFind(version); it != m_versions.cend()) {
        done(*it);
        return;
    }
    auto &waiting = m_waiting[version];
    waiting.append(std::move(done));
    if (waiting.size() > 1)
        return;
    if (!m_client) {
        received(version, api::ApiError::canceled());
        return;
    }
    m_errors.remove(version);
    m_client->flagVersion(
        m_flagId, version, this,
        [this, version](const api::Result<FeatureFlag> &result) { received(version, result); });
}

void VersionHistory::received(int version, const api::Result<FeatureFlag> &answer)
{
    const api::Result<FeatureFlag> result =
        answer ? api::Result<FeatureFlag>(withoutBookkeeping(answer.value())) : answer;
    if (result)
        m_versions.insert(version, result.value());
    else
        m_errors.insert(version, result.error());
    const auto waiting = m_waiting.take(version);
    if (const int row = rowOf(version); row >= 0)
        Q_EMIT dataChanged(index(row), index(row));
    if (result)
        Q_EMIT versionLoaded(version);
    for (const auto &done : waiting)
        done(result);
}

QStringList VersionHistory::jsonLines(const FeatureFlag &flag)
{
    const QByteArray text = QJsonDocument(flag.toJson()).toJson(QJsonDocument::Indented);
    QStringList lines = QString::fromUtf8(text).split(u'\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

void VersionHistory::compare(int fromVersion, int toVersion,
                             std::function<void(const VersionComparison &)> done)
{
    auto comparison = std::make_shared<VersionComparison>();
    comparison->fromVersion = fromVersion;
    comparison->toVersion = toVersion;
    auto finish = [comparison, done = std::move(done)] {
        VersionComparison &c = *comparison;
        if (!c.error) {
            c.changes = diffFlags(c.from, c.to);
            c.fromLines = jsonLines(c.from);
            c.toLines = jsonLines(c.to);
            c.rawDiff = diffLines(c.fromLines, c.toLines);
        }
        done(c);
    };
    fetchVersion(fromVersion, [this, comparison, toVersion,
                               finish = std::move(finish)](const api::Result<FeatureFlag> &from) {
        if (!from) {
            comparison->error = from.error();
            finish();
            return;
        }
        comparison->from = from.value();
        fetchVersion(toVersion, [comparison, finish](const api::Result<FeatureFlag> &to) {
            if (to)
                comparison->to = to.value();
            else
                comparison->error = to.error();
            finish();
        });
    });
}

void VersionHistory::restorePreview(int version,
                                    std::function<void(const VersionComparison &)> done)
{
    compare(m_current.version, version, std::move(done));
}

QJsonObject VersionHistory::restoreBody(const FeatureFlag &old, const FeatureFlag &current)
{
    QJsonObject body = patchTowards(old, current);
    if (!body.isEmpty())
        addConflictCheck(body, current);
    return body;
}

void VersionHistory::restore(int version,
                             std::function<void(const api::Result<FeatureFlag> &)> done)
{
    const FeatureFlag current = m_current;
    fetchVersion(version,
                 [this, current, done = std::move(done)](const api::Result<FeatureFlag> &old) {
                     if (!old || !m_client) {
                         done(old ? api::Result<FeatureFlag>(api::ApiError::canceled()) : old);
                         return;
                     }
                     m_client->updateFlag(m_flagId, restoreBody(old.value(), current), this,
                                          [this, done](const api::Result<FeatureFlag> &saved) {
                                              // After a 409 too: the list then shows the newer
                                              // version.
                                              reload();
                                              done(saved);
                                          });
                 });
}

} // namespace bunting::models
