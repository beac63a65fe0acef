#pragma once

#include "conflict_question.h"
#include "connection_profile.h"
#include "services/mirror_service.h"

#include <QDialog>
#include <QPointer>
#include <functional>
#include <memory>

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
// the copy and keeps what was changed in it: a flag changed both in the copy and on PostHog
// since is merged (FlagRebase, as the editor merges on a 409), and where both changed the same
// fields the editor's merge question asks (theirs, mine, or a merge). Cancelling while reading
// leaves nothing behind: the copy is written in one transaction once everything is read.
class WorkOfflineDialog : public QDialog
{
    Q_OBJECT
public:
    WorkOfflineDialog(ConnectionController &connection, api::Client &client,
                      const api::ConnectionProfile &profile, QWidget *parent = nullptr);
    ~WorkOfflineDialog() override;

    // Once a copy is made: the id of its connection profile.
    QString copyProfileId() const { return m_copyProfileId; }

    // Settles a flag both sides changed in the same fields; by default the editor's question.
    using Resolver = std::function<void(const models::FlagRebase &, const QString &key,
                                        std::function<void(ConflictChoice)> answer)>;
    void setResolver(Resolver resolver) { m_resolver = std::move(resolver); }

public Q_SLOTS:
    void startCopy();
    // Cancels a copy still reading (nothing is written then); a copy being written finishes.
    void reject() override;

Q_SIGNALS:
    // The user asked to open the copy.
    void openCopy(const QString &profileId);
    // A copy or a refresh of it was written.
    void copyWritten();

private:
    void setRunning(bool running);
    void finished(bool ok);
    void copied(const server::MirrorReport &report);
    // Merges the flags changed on both sides, one after another; then `done`.
    struct MergeTally
    {
        int merged = 0;
        int keptMine = 0;
        int tookTheirs = 0;
        int undecided = 0;
        QStringList problems;
    };
    void mergeNext(QList<qint64> flagIds, std::shared_ptr<MergeTally> tally,
                   std::function<void()> done);

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
    bool m_fromCopy = false;
    QString m_copyProfileId;
    class LocalSession *m_session = nullptr;
    qint64 m_localProject = 0;
    Resolver m_resolver;
};

} // namespace bunting::desktop
