#pragma once

#include <QWidget>
#include <functional>

class QAction;
class QLabel;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTableView;
class QToolButton;

namespace bunting::api {
class Client;
struct ApiError;
} // namespace bunting::api

namespace bunting::models {
class StaleFlagsModel;
struct StaleFlagsOutcome;
} // namespace bunting::models

namespace bunting::views {

class EmptyState;
class MessageBar;

// The stale-flag cleanup: the project's stale flags with checkboxes, disabling or deleting the
// checked ones in one step after a confirmation, and what was refused and why (another flag
// still depends on it, or the server said no).
class StaleFlagsView : public QWidget
{
    Q_OBJECT
public:
    explicit StaleFlagsView(QWidget *parent = nullptr);
    ~StaleFlagsView() override;

    // Does not load; reload() does.
    void setClient(api::Client *client);

    // Asks before a cleanup: a title, the question, and the keys of the flags it would change.
    // Replaceable so that tests need not click through a message box.
    using Confirmation =
        std::function<bool(const QString &title, const QString &question, const QStringList &keys)>;
    void setConfirmation(Confirmation confirm) { m_confirm = std::move(confirm); }

    models::StaleFlagsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    MessageBar *messageBar() const { return m_message; }
    bool isShowingEmptyState() const;

public Q_SLOTS:
    void reload();
    // The checked flags, after a confirmation. The Delete key deletes the checked flags, or the
    // current row's when none is checked.
    void disableSelected();
    void deleteSelected();

Q_SIGNALS:
    // A row was double-clicked or Enter pressed on it.
    void openFlag(qint64 id);
    // Flags were disabled or deleted.
    void flagsChanged();

private:
    void remove(const QList<qint64> &ids);
    QStringList keysOf(const QList<qint64> &ids) const;
    void updateState();
    void showOutcome(const models::StaleFlagsOutcome &outcome);
    void showLoadFailure(const api::ApiError &error);

    models::StaleFlagsModel *m_model = nullptr;
    Confirmation m_confirm;
    QLabel *m_count = nullptr;
    QToolButton *m_refresh = nullptr;
    MessageBar *m_message = nullptr;
    QAction *m_retry = nullptr;
    QStackedWidget *m_stack = nullptr;
    EmptyState *m_empty = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_selectAll = nullptr;
    QPushButton *m_disable = nullptr;
    QPushButton *m_delete = nullptr;
    QProgressBar *m_progress = nullptr;
    QString m_working; // "Disabling…" while a cleanup runs
    bool m_loadFailed = false;
};

} // namespace bunting::views
