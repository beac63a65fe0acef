#include "stale_flags_view.h"

#include "api_error.h"
#include "empty_state.h"
#include "icons.h"
#include "message_bar.h"
#include "stale_flags_model.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

using Model = models::StaleFlagsModel;

namespace {

QString flagCount(qsizetype n)
{
    return n == 1 ? StaleFlagsView::tr("1 flag") : StaleFlagsView::tr("%1 flags").arg(n);
}

} // namespace

StaleFlagsView::StaleFlagsView(QWidget *parent) : QWidget(parent), m_model(new Model(this))
{
    auto *layout = new QVBoxLayout(this);

    auto *header = new QHBoxLayout;
    auto *title = new QLabel(tr("Stale flags"), this);
    QFont titleFont = title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    title->setFont(titleFont);
    m_count = new QLabel(this);
    m_count->setObjectName(u"count"_s);
    m_count->setForegroundRole(QPalette::PlaceholderText);
    m_refresh = new QToolButton(this);
    m_refresh->setObjectName(u"refresh"_s);
    m_refresh->setIcon(themedIcon(u"refresh"_s, palette()));
    m_refresh->setToolTip(tr("Reload the stale flags"));
    m_refresh->setAutoRaise(true);
    header->addWidget(title);
    header->addWidget(m_count);
    header->addStretch(1);
    header->addWidget(m_refresh);
    layout->addLayout(header);

    auto *explanation =
        new QLabel(tr("Flags still switched on that no SDK has asked for in 30 days, or that "
                      "are fully rolled out and were never called: each gives everyone the same "
                      "answer, so it can come out of the code and be disabled or deleted here."),
                   this);
    explanation->setWordWrap(true);
    layout->addWidget(explanation);

    m_message = new MessageBar(this);
    m_message->setObjectName(u"messageBar"_s);
    layout->addWidget(m_message);
    m_retry = new QAction(tr("Retry"), this);
    connect(m_retry, &QAction::triggered, this, &StaleFlagsView::reload);

    m_stack = new QStackedWidget(this);
    m_empty = new EmptyState(m_stack);
    m_empty->setObjectName(u"emptyState"_s);
    m_empty->setContent(tr("No stale flags"),
                        tr("Every active flag is still being called or is not yet fully rolled "
                           "out."),
                        tr("Check again"));
    connect(m_empty, &EmptyState::buttonClicked, this, &StaleFlagsView::reload);
    m_table = new QTableView(m_stack);
    m_table->setObjectName(u"staleTable"_s);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(Model::NameColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(Model::KeyColumn,
                                                      QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(Model::LastCalledColumn,
                                                      QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(Model::RolloutColumn,
                                                      QHeaderView::ResizeToContents);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_table);
    layout->addWidget(m_stack, 1);

    auto *buttons = new QHBoxLayout;
    m_selectAll = new QPushButton(tr("Select all"), this);
    m_selectAll->setObjectName(u"selectAll"_s);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(u"progress"_s);
    m_progress->setRange(0, 0);
    m_progress->setMaximumWidth(120);
    m_progress->setTextVisible(false);
    m_disable = new QPushButton(themedIcon(u"toggle"_s, palette()), tr("Disable selected"), this);
    m_disable->setObjectName(u"disableSelected"_s);
    m_delete = new QPushButton(themedIcon(u"delete"_s, palette()), tr("Delete selected"), this);
    m_delete->setObjectName(u"deleteSelected"_s);
    m_delete->setToolTip(tr("Delete the checked flags (Delete)"));
    buttons->addWidget(m_selectAll);
    buttons->addStretch(1);
    buttons->addWidget(m_progress);
    buttons->addWidget(m_disable);
    buttons->addWidget(m_delete);
    layout->addLayout(buttons);

    auto *deleteKey = new QShortcut(QKeySequence::Delete, m_table);
    deleteKey->setContext(Qt::WidgetShortcut);
    connect(deleteKey, &QShortcut::activated, this, [this] {
        // With nothing checked, the key means the row the cursor is on.
        QList<qint64> ids = m_model->checkedIds();
        if (ids.isEmpty() && m_table->currentIndex().isValid())
            ids.append(m_table->currentIndex().data(Model::FlagIdRole).toLongLong());
        remove(ids);
    });

    connect(m_refresh, &QToolButton::clicked, this, &StaleFlagsView::reload);
    connect(m_selectAll, &QPushButton::clicked, this, [this] {
        const bool all =
            !m_model->checkedIds().isEmpty() && m_model->checkedIds().size() == m_model->rowCount();
        m_model->setAllChecked(!all);
    });
    connect(m_disable, &QPushButton::clicked, this, &StaleFlagsView::disableSelected);
    connect(m_delete, &QPushButton::clicked, this, &StaleFlagsView::deleteSelected);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT openFlag(index.data(Model::FlagIdRole).toLongLong());
    });
    connect(m_model, &Model::loadingChanged, this, &StaleFlagsView::updateState);
    connect(m_model, &Model::busyChanged, this, &StaleFlagsView::updateState);
    connect(m_model, &Model::checkedChanged, this, &StaleFlagsView::updateState);
    connect(m_model, &Model::rowsRemoved, this, &StaleFlagsView::updateState);
    connect(m_model, &Model::modelReset, this, &StaleFlagsView::updateState);
    connect(m_model, &Model::loaded, this, [this] {
        m_table->resizeColumnsToContents();
        updateState();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &StaleFlagsView::updateState);
    connect(m_model, &Model::loadFailed, this, &StaleFlagsView::showLoadFailure);
    connect(m_model, &Model::actionFinished, this, &StaleFlagsView::showOutcome);
    updateState();
}

StaleFlagsView::~StaleFlagsView() = default;

void StaleFlagsView::setClient(api::Client *client)
{
    m_model->setClient(client);
}

bool StaleFlagsView::isShowingEmptyState() const
{
    return m_stack->currentWidget() == m_empty;
}

void StaleFlagsView::reload()
{
    m_loadFailed = false;
    m_message->dismiss();
    m_model->reload();
}

QStringList StaleFlagsView::keysOf(const QList<qint64> &ids) const
{
    QStringList keys;
    for (qint64 id : ids) {
        const int row = m_model->rowOf(id);
        keys.append(row >= 0 ? m_model->flagAt(row).key : QString::number(id));
    }
    return keys;
}

void StaleFlagsView::disableSelected()
{
    const QList<qint64> ids = m_model->checkedIds();
    if (ids.isEmpty() || m_model->isBusy())
        return;
    const QStringList keys = keysOf(ids);
    const QString title = tr("Disable %1").arg(flagCount(ids.size()));
    const QString question =
        tr("Switch off %1? Everyone then gets false (or no variant) from them. Flags that other "
           "active flags still depend on are left as they are.")
            .arg(flagCount(ids.size()));
    const bool yes = m_confirm ? m_confirm(title, question, keys) : [&] {
        QMessageBox box(QMessageBox::Question, title, question + u"\n\n"_s + keys.join(u'\n'),
                        QMessageBox::Yes | QMessageBox::Cancel, this);
        box.button(QMessageBox::Yes)->setText(tr("Disable"));
        box.setDefaultButton(QMessageBox::Cancel);
        return box.exec() == QMessageBox::Yes;
    }();
    if (!yes)
        return;
    m_working = tr("Disabling…");
    m_message->dismiss();
    m_model->disable(ids);
    updateState();
}

void StaleFlagsView::deleteSelected()
{
    remove(m_model->checkedIds());
}

void StaleFlagsView::remove(const QList<qint64> &ids)
{
    if (ids.isEmpty() || m_model->isBusy())
        return;
    const QStringList keys = keysOf(ids);
    const QString title = tr("Delete %1").arg(flagCount(ids.size()));
    const QString question =
        tr("Delete %1? SDKs stop receiving them; they stay in the activity log and can be "
           "restored. Flags that other active flags still depend on are left as they are.")
            .arg(flagCount(ids.size()));
    const bool yes = m_confirm ? m_confirm(title, question, keys) : [&] {
        QMessageBox box(QMessageBox::Warning, title, question + u"\n\n"_s + keys.join(u'\n'),
                        QMessageBox::Yes | QMessageBox::Cancel, this);
        box.button(QMessageBox::Yes)->setText(tr("Delete"));
        box.setDefaultButton(QMessageBox::Cancel);
        return box.exec() == QMessageBox::Yes;
    }();
    if (!yes)
        return;
    m_working = tr("Deleting…");
    m_message->dismiss();
    m_model->remove(ids);
    updateState();
}

void StaleFlagsView::updateState()
{
    const bool loading = m_model->isLoading();
    const bool busy = m_model->isBusy();
    const int rows = m_model->rowCount();
    const qsizetype checked = m_model->checkedIds().size();
    if (loading)
        m_count->setText(tr("loading…"));
    else if (m_loadFailed)
        m_count->clear();
    else
        m_count->setText(checked > 0 ? tr("%1, %2 checked").arg(flagCount(rows)).arg(checked)
                                     : flagCount(rows));
    // After a failed load the table stays, empty: "No stale flags" would claim what is unknown.
    m_stack->setCurrentWidget(
        !loading && !m_loadFailed && rows == 0 ? static_cast<QWidget *>(m_empty) : m_table);
    m_refresh->setEnabled(!loading && !busy);
    m_selectAll->setEnabled(rows > 0 && !busy);
    m_selectAll->setText(rows > 0 && checked == rows ? tr("Select none") : tr("Select all"));
    const bool canAct = !loading && !busy && checked > 0;
    m_disable->setEnabled(canAct);
    m_delete->setEnabled(canAct);
    m_progress->setVisible(loading || busy);
    if (!busy)
        m_working.clear();
    m_disable->setText(busy && m_working == tr("Disabling…") ? m_working : tr("Disable selected"));
    m_delete->setText(busy && m_working == tr("Deleting…") ? m_working : tr("Delete selected"));
    m_table->setEnabled(!busy);
}

void StaleFlagsView::showOutcome(const models::StaleFlagsOutcome &outcome)
{
    const bool disabling = outcome.action == models::StaleFlagsOutcome::Action::Disable;
    QStringList lines;
    if (!outcome.done.isEmpty()) {
        QStringList keys;
        for (const api::FlagRef &ref : outcome.done)
            keys.append(ref.key);
        lines.append((disabling ? tr("Disabled %1: %2.") : tr("Deleted %1: %2."))
                         .arg(flagCount(keys.size()), keys.join(u", "_s)));
    }
    if (!outcome.refused.isEmpty()) {
        lines.append(disabling ? tr("Not disabled:") : tr("Not deleted:"));
        for (const models::StaleFlagRefusal &r : outcome.refused)
            lines.append(u"%1: %2"_s.arg(r.key, r.reason));
    }
    const MessageBar::Kind kind = outcome.refused.isEmpty() ? MessageBar::Kind::Positive
                                  : outcome.done.isEmpty()  ? MessageBar::Kind::Error
                                                            : MessageBar::Kind::Warning;
    m_message->showMessage(kind, lines.join(u'\n'));
    updateState();
    if (!outcome.done.isEmpty())
        Q_EMIT flagsChanged();
}

void StaleFlagsView::showLoadFailure(const api::ApiError &error)
{
    m_loadFailed = true;
    m_message->showMessage(MessageBar::Kind::Error,
                           tr("Could not load the stale flags: %1").arg(error.message()),
                           {m_retry});
    updateState();
}

} // namespace bunting::views
