#pragma once

#include "connection_profile.h"
#include "flag_transfer.h"
#include "project_push.h"

#include <QDialog>
#include <QList>

class QColor;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace bunting::api {
class Client;
}
namespace bunting::views {
class FlagChangeTree;
class JsonDiffView;
} // namespace bunting::views

namespace bunting::desktop {

class ConnectionController;

// "Push Changes": what an offline copy would send to the PostHog project it copies, flag by
// flag (new, changed, deleted), each with the changes in words and its JSON side by side, from
// the copied version to the copy's; the user ticks which to send. Sending shows each flag's
// outcome (sent, already there, PostHog's refusal, a conflict settled in the editor's merge
// question); what was not sent stays marked changed for the next push.
//
// The PostHog connection is the one whose host and project the copy came from, with its stored
// key. The same screen sends flags from one project to another ("Copy to…", and importing an
// exported file): each flag new there, or what it would change there.
class PushDialog : public QDialog
{
    Q_OBJECT
public:
    PushDialog(ConnectionController &connection, const api::ConnectionProfile &copy,
               QWidget *parent = nullptr);
    // "Copy to…" and "Import": the flags of `bundle` (from `sourceTitle`) to the project of a
    // connection the user picks, `targetId` first; `excludedId` is not offered (the source).
    PushDialog(ConnectionController &connection, FlagBundle bundle, const QString &sourceTitle,
               const QString &targetId, const QString &excludedId, QWidget *parent = nullptr);
    ~PushDialog() override;

    // Settles conflicts; by default the editor's merge question, in a message box.
    void setResolver(ProjectPush::Resolver resolver) { m_resolver = std::move(resolver); }

    QTreeWidget *flagList() const { return m_list; }
    QPushButton *pushButton() const { return m_pushButton; }
    QLabel *statusLabel() const { return m_status; }
    QComboBox *targetBox() const { return m_targetBox; } // transfers only
    views::FlagChangeTree *changeTree() const { return m_changes; }
    // Ready: the changes are listed and the PostHog connection found (or why not, in the status).
    bool isReady() const { return m_planLoaded && m_remote; }

    void reject() override;

Q_SIGNALS:
    void planLoaded();
    void pushFinished();

private:
    void buildWidgets();
    void chooseTarget();
    QString kindText(server::MirrorOverride::Kind kind) const;
    void findRemote();
    void loadPlan();
    void showPlan(const QList<server::PushItem> &plan);
    void showDiff(QTreeWidgetItem *item);
    void startPush();
    void showOutcome(int pushIndex);
    static void setOutcome(QTreeWidgetItem *line, const QString &text, const QColor &colour);
    void finishPush();
    void updateButton();
    QList<int> ticked() const;

    ConnectionController &m_connection;
    api::ConnectionProfile m_copy;
    qint64 m_project = 0;
    api::Client *m_remote = nullptr;
    QString m_remoteTitle;
    bool m_remoteIsProduction = false; // sending asks first
    QList<server::PushItem> m_plan;
    bool m_planLoaded = false;
    QString m_remoteProblem;
    ProjectPush *m_push = nullptr;
    QList<int> m_pushRows; // the plan's row of each flag of the push
    ProjectPush::Resolver m_resolver;
    // Transfers: what is sent, and to whom.
    std::optional<FlagBundle> m_bundle;
    QString m_sourceTitle;
    FlagTransfer *m_transfer = nullptr;
    QStringList m_same; // keys equal in the target already
    QComboBox *m_targetBox = nullptr;

    QLabel *m_intro = nullptr;
    QTreeWidget *m_list = nullptr;
    views::FlagChangeTree *m_changes = nullptr;
    views::JsonDiffView *m_json = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_pushButton = nullptr;
    QPushButton *m_closeButton = nullptr;
};

} // namespace bunting::desktop
