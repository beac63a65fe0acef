#pragma once

#include "connection_check.h"
#include "connection_profile.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QToolButton;

namespace bunting::views {

// Adds or edits a remote connection: a name, the PostHog host (US, EU or a custom URL), the
// project id and a personal API key. "Test connection" runs a ConnectionCheck on what is typed
// and shows its verdict in place; OK is enabled once the fields make a usable profile, whether
// tested or not. The caller stores profile() and apiKey().
class ConnectionDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectionDialog(QWidget *parent = nullptr);
    ~ConnectionDialog() override;

    // For editing: fills the fields; profile() keeps the id.
    void setProfile(const api::ConnectionProfile &profile, const QString &apiKey);
    // A remote profile made of the fields (host normalized, name trimmed).
    api::ConnectionProfile profile() const;
    QString apiKey() const;
    // Whether the fields make a usable profile: what enables OK and "Test connection".
    bool isComplete() const;

    api::ConnectionCheck *connectionCheck() const { return m_check; }

    void done(int result) override;

private:
    QUrl host() const;
    // Why the key cannot be used, or empty.
    QString keyProblem() const;
    void fieldsChanged();
    void testOrCancel();
    void showRunning(bool running);
    void showOutcome(const api::ConnectionCheck::Outcome &outcome);
    void clearVerdict();

    QString m_id;
    api::ConnectionCheck *m_check = nullptr;
    QLineEdit *m_name = nullptr;
    QComboBox *m_host = nullptr;
    QLineEdit *m_customUrl = nullptr;
    QLineEdit *m_project = nullptr;
    QLineEdit *m_key = nullptr;
    QCheckBox *m_production = nullptr;
    QToolButton *m_showKey = nullptr;
    QLabel *m_keyProblem = nullptr;
    QPushButton *m_test = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_verdictIcon = nullptr;
    QLabel *m_verdictText = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace bunting::views
