#include "push_dialog.h"

#include "client.h"
#include "connection_controller.h"
#include "copy_source.h"
#include "flag_change_tree.h"
#include "json_diff_view.h"
#include "local_server.h"
#include "local_session.h"
#include "production_save_check.h"
#include "profile_store.h"
#include "version_history.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <memory>

using namespace Qt::StringLiterals;
using bunting::server::MirrorOverride;
using bunting::server::PushItem;
using State = bunting::desktop::ProjectPush::State;

namespace bunting::desktop {

namespace {

enum Column { KeyColumn, ChangeColumn, StatusColumn };

QString stateText(State state)
{
    switch (state) {
    case State::Waiting:
        return PushDialog::tr("Waiting");
    case State::Sending:
        return PushDialog::tr("Sending…");
    case State::Sent:
        return PushDialog::tr("Sent");
    case State::AlreadyThere:
        return PushDialog::tr("Already on PostHog");
    case State::TookTheirs:
        return PushDialog::tr("Took PostHog's");
    case State::Skipped:
        return PushDialog::tr("Not sent");
    case State::Failed:
        break;
    }
    return PushDialog::tr("Failed");
}

QColor stateColour(State state)
{
    switch (state) {
    case State::Sent:
    case State::AlreadyThere:
        return QColor(0x2e, 0x8b, 0x3e);
    case State::TookTheirs:
        return QColor(0x29, 0x6f, 0xb8);
    case State::Failed:
        return QColor(0xc0, 0x39, 0x2b);
    default:
        break;
    }
    return {};
}

// The copy is served by the local server: its work runs on the server's thread.
template<typename T>
void onCopy(LocalSession *session, QObject *context, std::function<T(server::LocalServer &)> work,
            std::function<void(const T &)> done)
{
    auto result = std::make_shared<T>();
    session->post([result, work](server::LocalServer &server) { *result = work(server); }, context,
                  [result, done] { done(*result); });
}

} // namespace

PushDialog::PushDialog(ConnectionController &connection, const api::ConnectionProfile &copy,
                       QWidget *parent)
    : QDialog(parent), m_connection(connection), m_copy(copy),
      m_project(copy.projectId.toLongLong())
{
    setWindowTitle(tr("Push Changes — %1").arg(copy.title()));
    buildWidgets();
    m_intro->setText(tr("Reading what changed in this copy…"));
    loadPlan();
    findRemote();
}

PushDialog::PushDialog(ConnectionController &connection, FlagBundle bundle,
                       const QString &sourceTitle, const QString &targetId,
                       const QString &excludedId, QWidget *parent)
    : QDialog(parent), m_connection(connection), m_bundle(std::move(bundle)),
      m_sourceTitle(sourceTitle)
{
    setWindowTitle(tr("Copy Flags — %1").arg(sourceTitle));
    buildWidgets();
    m_pushButton->setToolTip(tr("Send the ticked flags to the chosen project (Ctrl+Return)"));
    auto *row = new QHBoxLayout;
    auto *label = new QLabel(tr("&To:"), this);
    m_targetBox = new QComboBox(this);
    m_targetBox->setObjectName(u"targetBox"_s);
    label->setBuddy(m_targetBox);
    for (const api::ConnectionProfile &profile : m_connection.profiles()->profiles())
        if (profile.id != excludedId)
            m_targetBox->addItem(profile.title(), profile.id);
    m_targetBox->setCurrentIndex(std::max(0, m_targetBox->findData(targetId)));
    row->addWidget(label);
    row->addWidget(m_targetBox, 1);
    static_cast<QVBoxLayout *>(layout())->insertLayout(1, row);
    connect(m_targetBox, &QComboBox::currentIndexChanged, this, &PushDialog::chooseTarget);
    chooseTarget();
}

void PushDialog::buildWidgets()
{
    setObjectName(u"pushDialog"_s);
    auto *layout = new QVBoxLayout(this);
    m_intro = new QLabel(this);
    m_intro->setWordWrap(true);
    layout->addWidget(m_intro);

    auto *split = new QSplitter(Qt::Horizontal, this);
    m_list = new QTreeWidget(split);
    m_list->setObjectName(u"pushList"_s);
    m_list->setColumnCount(3);
    m_list->setHeaderLabels({tr("Flag"), tr("Change"), tr("Outcome")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->header()->setSectionResizeMode(KeyColumn, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(ChangeColumn, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(StatusColumn, QHeaderView::Stretch);
    m_list->header()->setStretchLastSection(false);
    m_list->setAccessibleName(tr("Flags to push"));
    auto *details = new QSplitter(Qt::Vertical, split);
    m_changes = new views::FlagChangeTree(details);
    m_changes->setObjectName(u"pushChanges"_s);
    m_json = new views::JsonDiffView(details);
    details->setStretchFactor(0, 1);
    details->setStretchFactor(1, 2);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({360, 640});
    layout->addWidget(split, 1);

    m_progress = new QProgressBar(this);
    m_progress->setVisible(false);
    layout->addWidget(m_progress);
    m_status = new QLabel(this);
    m_status->setObjectName(u"pushStatus"_s);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    auto *buttons = new QDialogButtonBox(this);
    m_pushButton = buttons->addButton(tr("&Push"), QDialogButtonBox::AcceptRole);
    m_pushButton->setObjectName(u"pushButton"_s);
    m_pushButton->setDefault(true);
    m_pushButton->setEnabled(false);
    m_pushButton->setToolTip(tr("Send the ticked flags (Ctrl+Return)"));
    m_closeButton = buttons->addButton(QDialogButtonBox::Close);
    layout->addWidget(buttons);
    connect(m_pushButton, &QPushButton::clicked, this, &PushDialog::startPush);
    connect(m_closeButton, &QPushButton::clicked, this, &PushDialog::reject);
    auto *send = new QShortcut(QKeySequence(u"Ctrl+Return"_s), this);
    connect(send, &QShortcut::activated, m_pushButton, &QPushButton::click);
    connect(m_list, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem *item) { showDiff(item); });
    connect(m_list, &QTreeWidget::itemChanged, this, [this] { updateButton(); });

    m_resolver = [this](const models::FlagRebase &rebase, const ProjectPush::Flag &,
                        std::function<void(ConflictChoice)> answer) {
        ConflictAuthor author;
        author.name =
            rebase.server.lastModifiedBy ? rebase.server.lastModifiedBy->displayName() : QString();
        if (author.name.isEmpty())
            author.name = tr("Someone on %1").arg(m_remoteTitle);
        answer(askAboutConflict(this, rebase, author));
    };
    resize(1000, 620);
}

QString PushDialog::kindText(MirrorOverride::Kind kind) const
{
    switch (kind) {
    case MirrorOverride::Kind::Created:
        return m_bundle ? tr("New there") : tr("New");
    case MirrorOverride::Kind::Deleted:
        return tr("Deleted");
    case MirrorOverride::Kind::Changed:
        break;
    }
    return m_bundle ? tr("Changes there") : tr("Changed");
}

void PushDialog::chooseTarget()
{
    if (m_push && m_push->isRunning())
        return;
    delete m_push;
    m_push = nullptr;
    delete m_transfer;
    m_transfer = nullptr;
    delete m_remote;
    m_remote = nullptr;
    m_remoteProblem.clear();
    m_planLoaded = false;
    m_list->clear();
    m_changes->clear();
    m_json->clear();
    m_status->clear();
    const auto profile = m_connection.profiles()->profile(m_targetBox->currentData().toString());
    if (!profile) {
        m_remoteProblem = tr("Add a connection to copy the flags to.");
        return updateButton();
    }
    m_remoteTitle = profile->title();
    m_remoteIsProduction = profile->production;
    m_intro->setText(tr("Reading %1…").arg(m_remoteTitle));
    m_connection.endpointFor(
        *profile, this,
        [this, id = profile->id](const std::optional<api::Endpoint> &endpoint,
                                 const QString &error) {
            if (m_targetBox->currentData().toString() != id)
                return; // another target was chosen meanwhile
            if (!endpoint) {
                m_remoteProblem = error;
                return updateButton();
            }
            m_remote = new api::Client(*endpoint, this);
            m_transfer = new FlagTransfer(*m_remote, *m_bundle, this);
            m_transfer->plan([this](const std::optional<FlagTransfer::Plan> &plan,
                                    const QString &failure) {
                if (!plan) {
                    m_remoteProblem = tr("%1 could not be read: %2").arg(m_remoteTitle, failure);
                    m_intro->clear();
                    return updateButton();
                }
                m_same = plan->same;
                showPlan(plan->items);
            });
        });
}

PushDialog::~PushDialog() = default;

void PushDialog::reject()
{
    if (m_push && m_push->isRunning()) {
        // What is on its way finishes; the rest stays marked changed.
        m_push->stop();
        m_status->setText(tr("Stopping after the flag being sent…"));
        return;
    }
    QDialog::reject();
}

void PushDialog::findRemote()
{
    findCopySource(m_connection, m_copy, this, [this](const CopySource &source) {
        if (!source.problem.isEmpty()) {
            m_remoteProblem = source.problem;
            return updateButton();
        }
        m_remoteTitle = source.profile->title();
        m_remoteIsProduction = source.profile->production;
        m_remote = new api::Client(source.endpoint, this);
        updateButton();
    });
}

void PushDialog::loadPlan()
{
    LocalSession *session = m_connection.localSession();
    if (!session)
        return;
    m_planLoaded = false;
    updateButton();
    const qint64 project = m_project;
    onCopy<QList<PushItem>>(
        session, this,
        [project](server::LocalServer &server) { return server.mirror().pushPlan(project); },
        [this](const QList<PushItem> &plan) { showPlan(plan); });
}

void PushDialog::showPlan(const QList<PushItem> &plan)
{
    m_plan = plan;
    m_planLoaded = true;
    const QSignalBlocker quiet(m_list);
    m_list->clear();
    m_changes->clear();
    m_json->clear();
    for (int row = 0; row < m_plan.size(); ++row) {
        const PushItem &item = m_plan[row];
        auto *line = new QTreeWidgetItem(m_list, {item.key, kindText(item.kind), QString()});
        line->setData(KeyColumn, Qt::UserRole, row);
        line->setFlags(line->flags() | Qt::ItemIsUserCheckable);
        line->setCheckState(KeyColumn, item.problem.isEmpty() ? Qt::Checked : Qt::Unchecked);
        if (!item.problem.isEmpty())
            setOutcome(line, item.problem, stateColour(State::Failed));
    }
    if (m_bundle) {
        QString text = tr("%1 of %2 flags from %3 would change %4; tick the ones to send.")
                           .arg(m_plan.size())
                           .arg(m_bundle->flags.size())
                           .arg(m_sourceTitle, m_remoteTitle);
        if (!m_same.isEmpty())
            text += u' ' + tr("Equal there already: %1.").arg(m_same.join(u", "_s));
        m_intro->setText(text);
    } else
        m_intro->setText(
            m_plan.isEmpty()
                ? tr("Nothing changed in this copy since it was copied or last pushed.")
                : (m_plan.size() == 1 ? tr("1 flag changed in this copy.")
                                      : tr("%1 flags changed in this copy.").arg(m_plan.size())) +
                      u' ' +
                      tr("Tick the ones to send to PostHog; each shows what changed since it was "
                         "copied."));
    if (m_list->topLevelItemCount() > 0) {
        m_list->setCurrentItem(m_list->topLevelItem(0));
        showDiff(m_list->topLevelItem(0));
    }
    updateButton();
    Q_EMIT planLoaded();
}

void PushDialog::showDiff(QTreeWidgetItem *line)
{
    if (!line)
        return;
    const PushItem &item = m_plan.at(line->data(KeyColumn, Qt::UserRole).toInt());
    const FeatureFlag before = FeatureFlag::fromJson(item.base);
    FeatureFlag after = FeatureFlag::fromJson(item.mine);
    if (item.kind == MirrorOverride::Kind::Deleted)
        after.deleted = true;
    m_changes->showChanges(diffFlags(before, after));
    const QStringList from = item.kind == MirrorOverride::Kind::Created
                                 ? QStringList()
                                 : models::VersionHistory::jsonLines(before);
    const QStringList to = models::VersionHistory::jsonLines(after);
    m_json->setTexts(from, to, diffLines(from, to));
}

QList<int> PushDialog::ticked() const
{
    QList<int> rows;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *line = m_list->topLevelItem(i);
        if (line->checkState(KeyColumn) == Qt::Checked)
            rows.append(line->data(KeyColumn, Qt::UserRole).toInt());
    }
    return rows;
}

void PushDialog::updateButton()
{
    const bool running = m_push && m_push->isRunning();
    const int count = int(ticked().size());
    if (m_bundle)
        m_pushButton->setText(count == 0   ? tr("&Copy")
                              : count == 1 ? tr("&Copy 1 Flag")
                                           : tr("&Copy %1 Flags").arg(count));
    else
        m_pushButton->setText(count == 0   ? tr("&Push")
                              : count == 1 ? tr("&Push 1 Flag")
                                           : tr("&Push %1 Flags").arg(count));
    m_pushButton->setEnabled(!running && isReady() && count > 0);
    m_closeButton->setText(running ? tr("Stop") : tr("Close"));
    if (m_targetBox)
        m_targetBox->setEnabled(!running);
    if (!m_remoteProblem.isEmpty())
        m_status->setText(m_remoteProblem);
    else if (!running && m_planLoaded && m_remote && m_status->text().isEmpty())
        m_status->setText(tr("To %1.").arg(m_remoteTitle));
}

void PushDialog::startPush()
{
    LocalSession *session = m_connection.localSession();
    if ((!session && !m_transfer) || !m_remote || (m_push && m_push->isRunning()))
        return;
    const QList<int> rows = ticked();
    if (rows.isEmpty() ||
        !confirmSendToProduction(this, m_remoteIsProduction, m_remoteTitle, int(rows.size())))
        return;
    QList<PushItem> items;
    for (const int row : rows)
        items.append(m_plan.at(row));
    m_pushRows = rows;
    const qint64 project = m_project;
    ProjectPush::Copy copy;
    copy.read = [this, session, project](qint64 flagId, auto done) {
        onCopy<std::optional<PushItem>>(
            session, this,
            [project, flagId](server::LocalServer &server) {
                return server.mirror().pushItem(project, flagId);
            },
            done);
    };
    copy.adopt = [this, session, project](const PushItem &item, const QJsonObject &remote,
                                          auto done) {
        onCopy<QString>(
            session, this,
            [project, item, remote](server::LocalServer &server) {
                try {
                    server.mirror().adopt(project, item, remote);
                } catch (const server::ApiError &error) {
                    return error.detail();
                } catch (const std::exception &error) {
                    return QString::fromUtf8(error.what());
                }
                return QString();
            },
            done);
    };
    if (m_transfer)
        copy = m_transfer->copy();
    delete m_push;
    m_push = new ProjectPush(*m_remote, copy, items, this);
    m_push->setResolver(m_resolver);
    connect(m_push, &ProjectPush::flagChanged, this, &PushDialog::showOutcome);
    connect(m_push, &ProjectPush::finished, this, &PushDialog::finishPush);
    for (int i = 0; i < m_list->topLevelItemCount(); ++i)
        m_list->topLevelItem(i)->setFlags(m_list->topLevelItem(i)->flags() &
                                          ~Qt::ItemIsUserCheckable);
    m_progress->setRange(0, int(items.size()));
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_status->setText(tr("Sending to %1…").arg(m_remoteTitle));
    m_push->start();
    updateButton();
}

void PushDialog::showOutcome(int pushIndex)
{
    const ProjectPush::Flag &flag = m_push->flags().at(pushIndex);
    // The list holds the plan's flags in its order: a flag's row is its line.
    if (QTreeWidgetItem *line = m_list->topLevelItem(m_pushRows.value(pushIndex, -1))) {
        setOutcome(line,
                   flag.message.isEmpty() ? stateText(flag.state)
                                          : stateText(flag.state) + u" — "_s + flag.message,
                   stateColour(flag.state));
        if (flag.state == State::Sending)
            m_list->scrollToItem(line);
    }
    int done = 0;
    for (const ProjectPush::Flag &each : m_push->flags())
        done += each.state != State::Waiting && each.state != State::Sending ? 1 : 0;
    m_progress->setValue(done);
}

void PushDialog::setOutcome(QTreeWidgetItem *line, const QString &text, const QColor &colour)
{
    line->setText(StatusColumn, text);
    line->setToolTip(StatusColumn, text);
    line->setForeground(StatusColumn, colour);
}

void PushDialog::finishPush()
{
    m_progress->setVisible(false);
    const int sent = m_push->count(State::Sent);
    const int there = m_push->count(State::AlreadyThere) + m_push->count(State::TookTheirs);
    const int left = m_push->count(State::Failed) + m_push->count(State::Skipped);
    QString text = tr("%1 sent to %2").arg(sent).arg(m_remoteTitle);
    if (there > 0)
        text += u"; "_s + tr("%1 already in step").arg(there);
    if (left > 0)
        text += u"; "_s + tr("%1 not sent, still marked changed").arg(left);
    m_status->setText(text + u'.');
    // Sent flags are done; what is left (and what was not ticked) may go again, ticked when it
    // may succeed as it is.
    for (int row = 0; row < m_list->topLevelItemCount(); ++row) {
        QTreeWidgetItem *line = m_list->topLevelItem(row);
        const qsizetype pushed = m_pushRows.indexOf(row);
        if (pushed < 0) {
            line->setFlags(line->flags() | Qt::ItemIsUserCheckable);
            continue;
        }
        const ProjectPush::Flag &flag = m_push->flags().at(pushed);
        const bool left = flag.state == State::Failed || flag.state == State::Skipped;
        if (left)
            line->setFlags(line->flags() | Qt::ItemIsUserCheckable);
        line->setCheckState(KeyColumn, left && (flag.retryLater || flag.state == State::Skipped)
                                           ? Qt::Checked
                                           : Qt::Unchecked);
    }
    updateButton();
    Q_EMIT pushFinished();
}

} // namespace bunting::desktop
