#pragma once

#include "connection_profile.h"

#include <QDialog>
#include <QPointer>

class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class ProjectPull;

namespace bunting::api {
class Client;
}

namespace bunting::desktop {

class ConnectionController;

// "Work offline": copies the current PostHog project into a project of the app's local server
// (ProjectPull, the machinery of `bunting-server mirror`), with its progress, and keeps the copy
// as a connection of its own, "Offline copy of ...". Copying the same project again refreshes
// the copy and keeps what was changed in it. Cancelling while reading leaves nothing behind:
// the copy is written in one transaction once everything is read.
class WorkOfflineDialog : public QDialog
{
    Q_OBJECT
public:
    WorkOfflineDialog(ConnectionController &connection, api::Client &client,
                      const api::ConnectionProfile &profile, QWidget *parent = nullptr);
    ~WorkOfflineDialog() override;

    // Once a copy is made: the id of its connection profile.
    QString copyProfileId() const { return m_copyProfileId; }

public Q_SLOTS:
    void startCopy();
    // Cancels a copy still reading (nothing is written then); a copy being written finishes.
    void reject() override;

Q_SIGNALS:
    // The user asked to open the copy.
    void openCopy(const QString &profileId);

private:
    void setRunning(bool running);
    void finished(bool ok);

    ConnectionController &m_connection;
    api::Client &m_client;
    api::ConnectionProfile m_profile;
    QSpinBox *m_persons = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_progress = nullptr;
    QPlainTextEdit *m_problems = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_copy = nullptr;
    QPushButton *m_open = nullptr;
    QPointer<ProjectPull> m_pull;
    bool m_writing = false;
    QString m_copyProfileId;
};

} // namespace bunting::desktop
