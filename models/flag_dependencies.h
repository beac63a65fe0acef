#pragma once

#include "api_error.h"
#include "feature_flag.h"
#include "flag_link_list_model.h"

#include <QObject>
#include <QPointer>
#include <memory>
#include <optional>

namespace bunting::api {
class Client;
}

namespace bunting::models {

// The ids (as the filters write them) of the flags `flag` depends on: the keys of its property
// filters of type "flag", in every condition, each once, in order of appearance.
QStringList flagDependencyKeys(const FeatureFlag &flag);

// "Is this flag still used?" for one flag: its status with the server's reason, the active flags
// that depend on it, and the flags it depends on (read from its own conditions, each looked up,
// so a dependency on a flag that is gone shows as such).
class FlagDependencies : public QObject
{
    Q_OBJECT
public:
    explicit FlagDependencies(QObject *parent = nullptr);
    ~FlagDependencies() override;

    // Does not load; setFlag() and reload() do.
    void setClient(api::Client *client);
    // Loads everything for this flag.
    void setFlag(const FeatureFlag &flag);
    const FeatureFlag &flag() const { return m_flag; }
    void reload();

    // "active", "stale", "inactive", "deleted" or "unknown" (also before loading); as the
    // server's GET :id/status says.
    QString status() const { return m_status; }
    QString statusReason() const { return m_statusReason; }
    bool isLoading() const { return m_pending > 0; }

    // Flags whose conditions name this one (FlagLinkListModel::FlagIdRole).
    FlagLinkListModel *dependents() const { return m_dependents; }
    // Flags this one names in its conditions.
    FlagLinkListModel *dependencies() const { return m_dependencies; }

Q_SIGNALS:
    // Everything arrived (also after a failure of a part: what did arrive is shown).
    void loaded();
    // Once per load, for the first part that failed.
    void failed(const bunting::api::ApiError &error);
    void loadingChanged(bool loading);

private:
    void partDone();
    void partFailed(const api::ApiError &error);
    void loadDependency(int index, const QString &key);

    QPointer<api::Client> m_client;
    std::unique_ptr<QObject> m_context; // replaced to drop a load in flight
    FeatureFlag m_flag;
    QString m_status = QStringLiteral("unknown");
    QString m_statusReason;
    QList<FlagLink> m_links;
    int m_pending = 0;
    bool m_failed = false;
    FlagLinkListModel *m_dependents = nullptr;
    FlagLinkListModel *m_dependencies = nullptr;
};

} // namespace bunting::models
