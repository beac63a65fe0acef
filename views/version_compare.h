#pragma once

#include "flag_change_tree.h"
#include "version_history.h"

#include <QWidget>
#include <functional>

class QComboBox;
class QListView;
class QPushButton;
class QTreeWidget;

namespace bunting::views {

class JsonDiffView;
class MessageBar;

// A flag's versions and any two of them compared: the list of versions, "from" and "to"
// choices, the changes in words grouped by field, the JSON side by side, and restoring the
// "from" version after confirming what it would change.
class VersionCompare : public QWidget
{
    Q_OBJECT
public:
    explicit VersionCompare(models::VersionHistory *history, QWidget *parent = nullptr);

    // Asks before a restore; gets the question and the changes it would apply. Replaceable so
    // that tests need not click through a message box.
    using Confirmation = std::function<bool(const QString &question, const QString &details)>;
    void setConfirmation(Confirmation confirm) { m_confirm = std::move(confirm); }

    void compareVersions(int fromVersion, int toVersion);
    int fromVersion() const;
    int toVersion() const;

    QListView *versionList() const { return m_list; }
    QTreeWidget *changeTree() const { return m_changes; }
    JsonDiffView *jsonDiff() const { return m_json; }
    QPushButton *restoreButton() const { return m_restore; }
    MessageBar *messageBar() const { return m_message; }

Q_SIGNALS:
    void comparisonShown();
    void restored(int version);

private:
    void refreshComparison();
    void showComparison(const models::VersionComparison &comparison);
    void restoreFrom();
    void showError(const QString &what, const api::ApiError &error);

    models::VersionHistory *m_history = nullptr;
    QListView *m_list = nullptr;
    QComboBox *m_from = nullptr;
    QComboBox *m_to = nullptr;
    QPushButton *m_restore = nullptr;
    MessageBar *m_message = nullptr;
    FlagChangeTree *m_changes = nullptr;
    JsonDiffView *m_json = nullptr;
    Confirmation m_confirm;
    bool m_chosen = false;           // a pair was asked for, so a reload keeps it
    bool m_comparisonFailed = false; // the message bar shows a comparison's error
    int m_request = 0;               // the latest comparison asked for; older answers are dropped
};

} // namespace bunting::views
