#include "work_offline_dialog.h"

#include "client.h"
#include "connection_controller.h"
#include "local_server.h"
#include "local_session.h"
#include "project_pull.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <memory>

using namespace Qt::StringLiterals;
using bunting::server::MirrorReport;

namespace bunting::desktop {

WorkOfflineDialog::WorkOfflineDialog(ConnectionController &connection, api::Client &client,
                                     const api::ConnectionProfile &profile, QWidget *parent)
    : QDialog(parent), m_connection(connection), m_client(client), m_profile(profile)
{
    // Opened from the copy itself ("Pull from PostHog"), it refreshes that copy.
    m_fromCopy = m_connection.current().isOfflineCopy();
    setWindowTitle(
        (m_fromCopy ? tr("Pull from PostHog — %1") : tr("Work Offline — %1")).arg(profile.title()));
    setObjectName(u"workOfflineDialog"_s);
    auto *layout = new QVBoxLayout(this);
    const QString name = profile.title().toHtmlEscaped();
    auto *intro = new QLabel(
        m_fromCopy
            ? tr("Brings what changed on <b>%1</b> into this copy: flags nobody changed here "
                 "take PostHog's version, flags made here stay, and a flag changed on both sides "
                 "is merged, asking only where both changed the same field. Your changes then "
                 "wait for Push Changes.")
                  .arg(name)
            : tr("Copies every flag of <b>%1</b>, active or not, with the cohorts they use, the "
                 "group types and the newest persons, into a project of the local server. The "
                 "copy works with no network: list, editor, history, insight and impact "
                 "preview; Push Changes sends what you change in it back.<br><br>Working "
                 "offline again on this connection refreshes the copy and merges PostHog's "
                 "changes into the flags changed in it.")
                  .arg(name),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *form = new QFormLayout;
    m_persons = new QSpinBox(this);
    m_persons->setObjectName(u"personCount"_s);
    m_persons->setRange(0, 100000);
    m_persons->setSingleStep(100);
    m_persons->setValue(1000);
    m_persons->setToolTip(tr("The newest persons of the project, so that \"Test a user\" and "
                             "\"Preview impact\" have people to work on"));
    form->addRow(tr("&Persons to copy:"), m_persons);
    layout->addLayout(form);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(u"copyProgress"_s);
    m_progress->setVisible(false);
    layout->addWidget(m_progress);
    m_status = new QLabel(this);
    m_status->setObjectName(u"copyStatus"_s);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    m_problems = new QPlainTextEdit(this);
    m_problems->setObjectName(u"copyProblems"_s);
    m_problems->setReadOnly(true);
    m_problems->setVisible(false);
    m_problems->setMaximumHeight(120);
    layout->addWidget(m_problems);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_copy =
        m_buttons->addButton(m_fromCopy ? tr("&Pull") : tr("&Copy"), QDialogButtonBox::AcceptRole);
    m_copy->setObjectName(u"copyButton"_s);
    m_copy->setDefault(true);
    m_open = m_buttons->addButton(tr("&Open the Copy"), QDialogButtonBox::ActionRole);
    m_open->setObjectName(u"openCopyButton"_s);
    m_open->setVisible(false);
    layout->addWidget(m_buttons);
    connect(m_copy, &QPushButton::clicked, this, &WorkOfflineDialog::startCopy);
    connect(m_open, &QPushButton::clicked, this, [this] {
        Q_EMIT openCopy(m_copyProfileId);
        accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(520, sizeHint().height());
}

WorkOfflineDialog::~WorkOfflineDialog()
{
    delete m_pull;
}

void WorkOfflineDialog::reject()
{
    if (m_writing)
        return;
    delete m_pull;
    QDialog::reject();
}

void WorkOfflineDialog::setRunning(bool running)
{
    m_copy->setEnabled(!running);
    m_persons->setEnabled(!running);
    m_progress->setVisible(running);
}

void WorkOfflineDialog::startCopy()
{
    QString error;
    LocalSession *session = m_connection.startLocalSession(&error);
    m_session = session;
    if (!session) {
        m_status->setText(tr("The local server did not start: %1").arg(error));
        return;
    }
    setRunning(true);
    m_open->setVisible(false);
    m_problems->setVisible(false);
    m_writing = false;
    m_status->setText(tr("Reading the project…"));
    m_progress->setRange(0, 0);

    // Written on the local server's thread, so the window goes on answering meanwhile.
    const ProjectPull::Write write = [session, this](const server::RemoteProjectState &state,
                                                     ProjectPull::Finished done) {
        auto result = std::make_shared<std::pair<std::optional<MirrorReport>, QString>>();
        session->post(
            [state, result](server::LocalServer &server) {
                try {
                    result->first = server.mirror().pull(state);
                } catch (const std::exception &failure) {
                    result->second = QString::fromUtf8(failure.what());
                }
            },
            this, [result, done] { done(result->first, result->second); });
    };
    m_pull = new ProjectPull(
        m_client, m_persons->value(), write,
        [this](const std::optional<MirrorReport> &report, const QString &error) {
            m_pull->deleteLater();
            m_writing = false;
            if (!report) {
                m_status->setText(tr("Nothing was copied: %1").arg(error));
                finished(false);
                return;
            }
            copied(*report);
        },
        this);
    m_pull->setProgress([this](ProjectPull::Stage stage, int done, int total) {
        const QLocale locale;
        switch (stage) {
        case ProjectPull::Stage::Project:
            m_status->setText(tr("Reading the project…"));
            break;
        case ProjectPull::Stage::Flags:
            m_status->setText(total > 0 ? tr("Reading flags: %1 of %2")
                                              .arg(locale.toString(done), locale.toString(total))
                                        : tr("Reading flags…"));
            m_progress->setRange(0, std::max(total, 0));
            m_progress->setValue(done);
            break;
        case ProjectPull::Stage::Cohorts:
            m_status->setText(tr("Reading cohorts…"));
            m_progress->setRange(0, 0);
            break;
        case ProjectPull::Stage::Persons:
            m_status->setText(tr("Reading persons: %1 of at most %2")
                                  .arg(locale.toString(done), locale.toString(total)));
            m_progress->setRange(0, total);
            m_progress->setValue(done);
            break;
        case ProjectPull::Stage::GroupTypes:
            m_status->setText(tr("Reading group types…"));
            m_progress->setRange(0, 0);
            break;
        case ProjectPull::Stage::Writing:
            m_writing = true;
            // One transaction: it cannot stop halfway, so it cannot be cancelled.
            m_buttons->button(QDialogButtonBox::Cancel)->setEnabled(false);
            m_status->setText(
                tr("Writing %1 flags into the local server…").arg(locale.toString(total)));
            m_progress->setRange(0, 0);
            break;
        }
    });
    m_pull->start();
}

void WorkOfflineDialog::copied(const MirrorReport &report)
{
    m_copyProfileId = m_connection.addOfflineCopy(report.projectId, m_profile.title());
    m_localProject = report.projectId;
    const QLocale locale;
    const int flags = report.created + report.updated + report.unchanged + report.kept;
    // Called again once the merges are done, when this function has returned.
    const auto many = [locale](int n, const QString &one, const QString &more) {
        return (n == 1 ? one : more).arg(locale.toString(n));
    };
    QString text;
    if (report.projectCreated)
        text = tr("Copied %1 and %2 into local project %3.")
                   .arg(many(flags, tr("%1 flag"), tr("%1 flags")),
                        many(report.personsWritten, tr("%1 person"), tr("%1 persons")))
                   .arg(report.projectId);
    else
        text = tr("Refreshed local project %1 from PostHog: %2 new, %3 updated, %4 gone there, "
                  "%5 unchanged; %6.")
                   .arg(report.projectId)
                   .arg(locale.toString(report.created), locale.toString(report.updated),
                        locale.toString(report.removed), locale.toString(report.unchanged),
                        many(report.personsWritten, tr("%1 person updated"),
                             tr("%1 persons updated")));
    const int keptAsIs = report.kept - int(report.changedOnBothSides.size());
    if (keptAsIs > 0)
        text += u' ' + many(keptAsIs, tr("%1 flag changed in the copy was kept as it is."),
                            tr("%1 flags changed in the copy were kept as they are."));
    auto tally = std::make_shared<MergeTally>();
    tally->problems = report.problems;
    const auto done = [this, text, tally, many] {
        QString full = text;
        if (tally->merged > 0)
            full += u' ' + many(tally->merged, tr("%1 flag changed on both sides was merged."),
                                tr("%1 flags changed on both sides were merged."));
        if (tally->keptMine > 0)
            full += u' ' + many(tally->keptMine, tr("%1 kept the copy's version."),
                                tr("%1 kept the copy's version."));
        if (tally->tookTheirs > 0)
            full += u' ' + many(tally->tookTheirs, tr("%1 took PostHog's version."),
                                tr("%1 took PostHog's version."));
        if (tally->undecided > 0)
            full += u' ' + many(tally->undecided,
                                tr("%1 conflict was left for later: it stays changed."),
                                tr("%1 conflicts were left for later: they stay changed."));
        if (!tally->problems.isEmpty()) {
            full += u' ' + tr("%1 could not be copied:").arg(tally->problems.size());
            m_problems->setPlainText(tally->problems.join(u'\n'));
            m_problems->setVisible(true);
        }
        m_status->setText(full);
        finished(true);
        Q_EMIT copyWritten();
    };
    if (report.changedOnBothSides.isEmpty())
        return done();
    m_status->setText(tr("Merging PostHog's changes into the flags changed in the copy…"));
    mergeNext(report.changedOnBothSides, tally, done);
}

void WorkOfflineDialog::mergeNext(QList<qint64> flagIds, std::shared_ptr<MergeTally> tally,
                                  std::function<void()> done)
{
    if (flagIds.isEmpty() || !m_session)
        return done();
    const qint64 flagId = flagIds.takeFirst();
    const qint64 project = m_localProject;
    LocalSession *session = m_session;
    auto found = std::make_shared<std::optional<server::MirrorService::BothChanged>>();
    // Writes the user's choice, then goes on with the next flag.
    const auto apply = [this, session, project, flagIds, tally,
                        done](const server::MirrorService::BothChanged &flag,
                              std::optional<QJsonObject> merged) {
        auto error = std::make_shared<QString>();
        session->post(
            [project, flag, merged, error](server::LocalServer &server) {
                try {
                    if (merged)
                        server.mirror().rebase(project, flag.item, *merged);
                    else
                        server.mirror().adopt(project, flag.item, flag.theirs);
                } catch (const server::ApiError &refused) {
                    *error = refused.detail();
                } catch (const std::exception &failure) {
                    *error = QString::fromUtf8(failure.what());
                }
            },
            this,
            [this, error, key = flag.item.key, flagIds, tally, done] {
                if (!error->isEmpty())
                    tally->problems.append(tr("flag '%1': %2").arg(key, *error));
                mergeNext(flagIds, tally, done);
            });
    };
    session->post(
        [project, flagId, found](server::LocalServer &server) {
            *found = server.mirror().bothChanged(project, flagId);
        },
        this,
        [this, found, flagIds, tally, done, apply] {
            if (!*found)
                return mergeNext(flagIds, tally, done);
            const server::MirrorService::BothChanged flag = **found;
            const models::FlagRebase rebase = models::FlagRebase::compute(
                FeatureFlag::fromJson(flag.item.base), FeatureFlag::fromJson(flag.item.mine),
                FeatureFlag::fromJson(flag.theirs));
            if (!rebase.hasConflicts()) {
                ++tally->merged;
                return apply(flag, rebase.merged.toJson());
            }
            const auto answer = [flag, rebase, tally, apply, flagIds, done,
                                 this](ConflictChoice choice) {
                switch (choice) {
                case ConflictChoice::Merge:
                    ++tally->merged;
                    return apply(flag, rebase.merged.toJson());
                case ConflictChoice::MergeTakingTheirs:
                    ++tally->merged;
                    return apply(flag, rebase.mergedTheirs.toJson());
                case ConflictChoice::Overwrite:
                    ++tally->keptMine;
                    return apply(flag, flag.item.mine);
                case ConflictChoice::Reload:
                    ++tally->tookTheirs;
                    return apply(flag, std::nullopt);
                case ConflictChoice::Ask:
                    break;
                }
                ++tally->undecided;
                mergeNext(flagIds, tally, done);
            };
            if (m_resolver)
                return m_resolver(rebase, flag.item.key, answer);
            ConflictAuthor author;
            author.name = tr("Someone on %1").arg(m_profile.title());
            answer(askAboutConflict(this, rebase, author));
        });
}

void WorkOfflineDialog::finished(bool ok)
{
    setRunning(false);
    m_buttons->button(QDialogButtonBox::Cancel)->setEnabled(true);
    m_buttons->button(QDialogButtonBox::Cancel)->setText(ok ? tr("Close") : tr("Cancel"));
    if (m_fromCopy)
        m_copy->setText(ok ? tr("&Pull Again") : tr("&Pull"));
    else
        m_copy->setText(ok ? tr("Copy &Again") : tr("&Copy"));
    // Pulled from the copy itself: it is open already.
    const bool offerOpen =
        ok && !m_copyProfileId.isEmpty() && m_connection.current().id != m_copyProfileId;
    m_open->setVisible(offerOpen);
    if (offerOpen)
        m_open->setDefault(true);
}

} // namespace bunting::desktop
