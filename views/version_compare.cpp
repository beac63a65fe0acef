#include "version_compare.h"

#include "flag_change_tree.h"
#include "json_diff_view.h"
#include "message_bar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

QString changeText(const QList<FlagChange> &changes)
{
    QStringList lines;
    for (const FlagChange &change : changes)
        lines.append(u"• "_s + change.summary());
    return lines.join(u'\n');
}

int comboVersion(const QComboBox *combo)
{
    return combo->currentData(models::VersionHistory::VersionRole).toInt();
}

} // namespace

VersionCompare::VersionCompare(models::VersionHistory *history, QWidget *parent)
    : QWidget(parent), m_history(history), m_list(new QListView(this)), m_from(new QComboBox(this)),
      m_to(new QComboBox(this)), m_restore(new QPushButton(this)), m_message(new MessageBar(this)),
      m_changes(new FlagChangeTree(this)), m_json(new JsonDiffView(this))
{
    m_list->setModel(history);
    m_list->setUniformItemSizes(true);
    for (QComboBox *combo : {m_from, m_to}) {
        combo->setModel(history);
        // A version's row text is long (date, author); the combos share a line with the restore
        // button, so they show its start and the popup the rest.
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(22);
    }
    m_message->hide();

    auto *choices = new QHBoxLayout;
    choices->addWidget(new QLabel(tr("From"), this));
    choices->addWidget(m_from);
    choices->addWidget(new QLabel(tr("to"), this));
    choices->addWidget(m_to);
    choices->addStretch();
    choices->addWidget(m_restore);

    auto *details = new QSplitter(Qt::Vertical, this);
    details->addWidget(m_changes);
    details->addWidget(m_json);
    details->setStretchFactor(0, 1);
    details->setStretchFactor(1, 2);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addLayout(choices);
    rightLayout->addWidget(m_message);
    rightLayout->addWidget(details, 1);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_list);
    split->addWidget(right);
    split->setStretchFactor(1, 3);
    split->setSizes({260, 840});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);

    // Picking a version in the list compares it with the current one: what changed since.
    connect(m_list, &QListView::clicked, this, [this](const QModelIndex &index) {
        compareVersions(index.data(models::VersionHistory::VersionRole).toInt(),
                        m_history->currentVersion());
    });
    for (QComboBox *combo : {m_from, m_to})
        connect(combo, &QComboBox::currentIndexChanged, this, &VersionCompare::refreshComparison);
    connect(m_restore, &QPushButton::clicked, this, &VersionCompare::restoreFrom);
    connect(history, &models::VersionHistory::loadFailed, this,
            [this](const api::ApiError &error) { showError(tr("The versions"), error); });
    // A first comparison once the versions are known: the previous version to the current. (The
    // combo boxes pick the first row by themselves as soon as there is one.)
    connect(history, &models::VersionHistory::loaded, this, [this] {
        if (!m_chosen)
            compareVersions(std::max(1, m_history->currentVersion() - 1),
                            m_history->currentVersion());
        else
            refreshComparison();
    });
    refreshComparison();
}

int VersionCompare::fromVersion() const
{
    return comboVersion(m_from);
}

int VersionCompare::toVersion() const
{
    return comboVersion(m_to);
}

void VersionCompare::compareVersions(int fromVersion, int toVersion)
{
    m_chosen = true;
    const QSignalBlocker blockFrom(m_from), blockTo(m_to);
    m_from->setCurrentIndex(m_history->rowOf(fromVersion));
    m_to->setCurrentIndex(m_history->rowOf(toVersion));
    refreshComparison();
}

void VersionCompare::refreshComparison()
{
    const int from = fromVersion(), to = toVersion();
    m_restore->setText(from > 0 ? tr("Restore version %1…").arg(from) : tr("Restore…"));
    m_restore->setEnabled(from > 0 && from != m_history->currentVersion());
    if (from <= 0 || to <= 0) {
        m_changes->clear();
        m_json->clear();
        return;
    }
    const int request = ++m_request;
    m_history->compare(from, to, [this, request](const models::VersionComparison &c) {
        if (request == m_request)
            showComparison(c);
    });
}

void VersionCompare::showComparison(const models::VersionComparison &c)
{
    m_changes->clear();
    if (c.error) {
        m_json->clear();
        showError(tr("Version %1 or %2").arg(c.fromVersion).arg(c.toVersion), *c.error);
        m_comparisonFailed = true;
        Q_EMIT comparisonShown();
        return;
    }
    // Only the comparison's own error goes away with a comparison that worked; a failed restore
    // stays in view.
    if (m_comparisonFailed)
        m_message->dismiss();
    m_comparisonFailed = false;
    m_changes->showChanges(c.changes);
    m_json->setTexts(c.fromLines, c.toLines, c.rawDiff);
    Q_EMIT comparisonShown();
}

void VersionCompare::showError(const QString &what, const api::ApiError &error)
{
    QString text;
    if (error.status == 422)
        text = tr("%1 cannot be rebuilt from the activity log (HTTP 422): %2")
                   .arg(what, error.message());
    else if (error.isConflict())
        text = tr("The flag changed since it was loaded (HTTP 409); the list now shows the new "
                  "version. Compare again before restoring: %1")
                   .arg(error.message());
    else
        text = tr("%1: %2").arg(what, error.message());
    m_comparisonFailed = false;
    m_message->showMessage(MessageBar::Kind::Error, text);
    m_message->show();
}

void VersionCompare::restoreFrom()
{
    const int version = fromVersion();
    if (version <= 0)
        return;
    m_history->restorePreview(version, [this, version](const models::VersionComparison &c) {
        if (c.error) {
            showError(tr("Version %1").arg(version), *c.error);
            return;
        }
        const QString question =
            c.changes.isEmpty()
                ? tr("Version %1 has the same content as the current version %2. Save it as a "
                     "new version anyway?")
                      .arg(version)
                      .arg(c.fromVersion)
                : tr("Restore version %1? This saves %n change(s) as a new version.", nullptr,
                     int(c.changes.size()))
                      .arg(version);
        const QString details = changeText(c.changes);
        const bool yes = m_confirm ? m_confirm(question, details) : [&] {
            QMessageBox box(QMessageBox::Question, tr("Restore version %1").arg(version), question,
                            QMessageBox::Yes | QMessageBox::Cancel, this);
            box.setDetailedText(details);
            box.setDefaultButton(QMessageBox::Cancel);
            return box.exec() == QMessageBox::Yes;
        }();
        if (!yes)
            return;
        m_restore->setEnabled(false);
        m_history->restore(version, [this, version](const api::Result<FeatureFlag> &saved) {
            if (!saved) {
                showError(tr("Restoring version %1").arg(version), saved.error());
                refreshComparison();
                return;
            }
            m_message->showMessage(
                MessageBar::Kind::Positive,
                tr("Version %1 restored as version %2.").arg(version).arg(saved.value().version),
                {}, 5000);
            m_message->show();
            Q_EMIT restored(version);
        });
    });
}

} // namespace bunting::views
