#pragma once

#include "api_error.h"
#include "api_types.h"
#include "feature_flag.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QPointer>
#include <QSet>
#include <memory>
#include <optional>

namespace bunting::api {
class Client;
}

namespace bunting::models {

// A flag the cleanup left alone, and why: the server's words, or which flags still need it.
struct StaleFlagRefusal
{
    qint64 id = 0;
    QString key;
    QString reason;
    friend bool operator==(const StaleFlagRefusal &, const StaleFlagRefusal &) = default;
};

// What one cleanup did, flag by flag.
struct StaleFlagsOutcome
{
    enum class Action { Disable, Remove };
    Action action = Action::Disable;
    QList<api::FlagRef> done; // in the order they were changed
    QList<StaleFlagRefusal> refused;
};

// "2 flags depend on it: a, b"
QString dependedOnText(const QList<api::FlagRef> &dependents);

// The project's stale flags (GET feature_flags?active=STALE, every page): flags still on, but
// either not called for 30 days or fully rolled out and never called, so ready to come out of
// the code. Rows are checkable; disable() and remove() clean up a selection without breaking
// flags that depend on it: a flag that active flags outside the selection need is left alone and
// reported, and inside the selection dependents are changed before what they depend on.
class StaleFlagsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, NameColumn, LastCalledColumn, RolloutColumn, DependentsColumn };
    Q_ENUM(Column)
    static constexpr int ColumnCount = 5;
    enum Role {
        FlagIdRole = Qt::UserRole + 1,
        KeyRole,
        ActiveRole,
        DependentKeysRole, // QStringList; invalid until known
    };
    Q_ENUM(Role)

    explicit StaleFlagsModel(QObject *parent = nullptr);
    ~StaleFlagsModel() override;

    // Does not load; reload() does.
    void setClient(api::Client *client);
    void reload();
    bool isLoading() const { return m_loading; }
    // A cleanup is running.
    bool isBusy() const { return m_busy; }

    QList<qint64> checkedIds() const;
    void setChecked(qint64 id, bool checked);
    void setAllChecked(bool checked);
    int rowOf(qint64 id) const;
    const FeatureFlag &flagAt(int row) const { return m_rows.at(row).flag; }
    // The active flags depending on the row's flag, once loaded.
    std::optional<QList<api::FlagRef>> dependentsAt(int row) const
    {
        return m_rows.at(row).dependents;
    }

    // PATCH active=false, one flag after the other, dependents first. Rows stay, updated.
    void disable(const QList<qint64> &ids);
    // Soft delete through bulk_delete. Deleted rows disappear.
    void remove(const QList<qint64> &ids);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

Q_SIGNALS:
    void loadingChanged(bool loading);
    void loaded();
    void loadFailed(const bunting::api::ApiError &error);
    void busyChanged(bool busy);
    void checkedChanged();
    // Every flag of the cleanup is either done or refused.
    void actionFinished(const bunting::models::StaleFlagsOutcome &outcome);

private:
    struct Row
    {
        explicit Row(const FeatureFlag &flag) { setFlag(flag); }
        // The flag, and what its cells show of it, worked out once rather than on every paint.
        void setFlag(const FeatureFlag &changed);

        FeatureFlag flag;
        QDateTime lastCalled; // invalid: never called
        QString rollout;
        std::optional<QList<api::FlagRef>> dependents;
        bool checked = false;
    };
    struct Job;

    void loadDependents(qint64 id);
    void setDependents(qint64 id, const QList<api::FlagRef> &dependents);
    void start(StaleFlagsOutcome::Action action, const QList<qint64> &ids);
    void plan(const std::shared_ptr<Job> &job);
    void disableNext(const std::shared_ptr<Job> &job);
    void removeAll(const std::shared_ptr<Job> &job);
    void finish(const std::shared_ptr<Job> &job);
    void setLoading(bool loading);
    void setBusy(bool busy);

    QPointer<api::Client> m_client;
    std::unique_ptr<QObject> m_context;
    QList<Row> m_rows;
    bool m_loading = false;
    bool m_busy = false;
};

} // namespace bunting::models

Q_DECLARE_METATYPE(bunting::models::StaleFlagsOutcome)
