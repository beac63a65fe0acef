#pragma once

#include "feature_flag.h"

#include <QWidget>

class QLabel;
class QListView;
class QAction;
class QToolButton;

namespace bunting::api {
class Client;
struct ApiError;
} // namespace bunting::api

namespace bunting::models {
class FlagDependencies;
class FlagLinkListModel;
} // namespace bunting::models

namespace bunting::views {

class MessageBar;

// "Is this flag still used?": the flag's status as the server sees it (a badge and the reason
// in a sentence), the flags that depend on it and the flags it depends on, each row opening
// that flag.
class FlagStatusPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FlagStatusPanel(QWidget *parent = nullptr);
    ~FlagStatusPanel() override;

    void setClient(api::Client *client);
    // Shows this flag's status and dependencies; loads them.
    void setFlag(const FeatureFlag &flag);

    models::FlagDependencies *model() const { return m_model; }
    // "Active", "Stale", "Inactive", "Deleted", "Unknown", or "Checking…" while loading.
    QString statusText() const;
    QString reasonText() const;
    QListView *dependentsView() const { return m_dependentsView; }
    QListView *dependenciesView() const { return m_dependenciesView; }

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    // A dependent or dependency was activated (double-click or Enter).
    void openFlag(qint64 id);

private:
    QListView *addList(const QString &title, models::FlagLinkListModel *model, QLabel **empty,
                       const QString &emptyText);
    void showStatus();
    void showFailure(const api::ApiError &error);
    void activate(const QModelIndex &index);

    models::FlagDependencies *m_model = nullptr;
    QLabel *m_badgeIcon = nullptr;
    QLabel *m_badge = nullptr;
    QLabel *m_reason = nullptr;
    QToolButton *m_refresh = nullptr;
    MessageBar *m_message = nullptr;
    QAction *m_retry = nullptr;
    QListView *m_dependentsView = nullptr;
    QListView *m_dependenciesView = nullptr;
    QLabel *m_noDependents = nullptr;
    QLabel *m_noDependencies = nullptr;
};

} // namespace bunting::views
