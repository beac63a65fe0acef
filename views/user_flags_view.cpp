#include "user_flags_view.h"

#include "api_error.h"
#include "empty_state.h"
#include "evaluation_reasons_model.h"
#include "made_up_properties_edit.h"
#include "message_bar.h"
#include "subject_fields.h"

#include <QAction>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

using Model = models::EvaluationReasonsModel;

UserFlagsView::UserFlagsView(QWidget *parent)
    : QWidget(parent), m_model(new Model(this)), m_proxy(new QSortFilterProxyModel(this))
{
    auto *layout = new QVBoxLayout(this);

    m_subject = new SubjectFields(this);
    m_show = new QPushButton(tr("Show flags"), this);
    m_show->setObjectName(u"showFlags"_s);
    m_show->setDefault(true);
    m_madeUp = new MadeUpPropertiesEdit(this);
    m_subject->form()->addRow(m_madeUp->createLabel(this), m_madeUp);
    auto *top = new QHBoxLayout;
    top->addWidget(m_subject, 1);
    top->addWidget(m_show, 0, Qt::AlignTop);
    layout->addLayout(top);

    m_message = new MessageBar(this);
    m_message->setObjectName(u"messageBar"_s);
    layout->addWidget(m_message);
    m_retry = new QAction(tr("Retry"), this);
    m_retry->setObjectName(u"retry"_s);

    auto *filterRow = new QHBoxLayout;
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(u"filter"_s);
    m_filter->setPlaceholderText(tr("Filter by flag, value or reason (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_count = new QLabel(this);
    m_count->setObjectName(u"count"_s);
    m_count->setForegroundRole(QPalette::PlaceholderText);
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_count);
    layout->addLayout(filterRow);

    // Values with made-up properties are not what the person gets today: said above the table,
    // in the text itself (not only a colour), as long as the table shows them.
    m_madeUpNote = new QLabel(this);
    m_madeUpNote->setObjectName(u"madeUpNote"_s);
    m_madeUpNote->setWordWrap(true);
    m_madeUpNote->setTextFormat(Qt::RichText);
    m_madeUpNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_madeUpNote->hide();
    layout->addWidget(m_madeUpNote);

    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    m_stack = new QStackedWidget(this);
    m_empty = new EmptyState(m_stack);
    m_empty->setContent(tr("All flags for a user"),
                        tr("Type a distinct id (and group keys, for group flags) and press Enter "
                           "to see the value of every flag for that user, and why. Under “What "
                           "if”, make up properties to see the values as if the user had them."),
                        QString());
    m_table = new QTableView(m_stack);
    m_table->setObjectName(u"flagsTable"_s);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder); // the model's order: by key
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(Model::FlagColumn,
                                                      QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(Model::ValueColumn,
                                                      QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(Model::ReasonColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(Model::ConditionColumn,
                                                      QHeaderView::ResizeToContents);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_table);
    layout->addWidget(m_stack, 1);

    connect(m_subject, &SubjectFields::submitted, this, &UserFlagsView::load);
    connect(m_madeUp, &QLineEdit::returnPressed, this, &UserFlagsView::load);
    connect(m_subject, &SubjectFields::distinctIdChanged, this, &UserFlagsView::refreshState);
    connect(m_show, &QPushButton::clicked, this, &UserFlagsView::load);
    connect(m_retry, &QAction::triggered, this, &UserFlagsView::load);
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_filter, &QLineEdit::textChanged, this, &UserFlagsView::refreshState);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT openFlag(index.data(Model::FlagKeyRole).toString());
    });
    auto *find = new QShortcut(QKeySequence::Find, this);
    find->setContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QShortcut::activated, this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    auto *escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    escape->setContext(Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, this, [this] {
        if (m_model->isLoading())
            m_model->cancel();
        else if (m_filter->hasFocus())
            m_filter->clear();
    });

    connect(m_model, &Model::loadingChanged, this, &UserFlagsView::refreshState);
    connect(m_model, &Model::failed, this, &UserFlagsView::showError);
    connect(m_model, &Model::personLookedUp, this, &UserFlagsView::warnIfUnknown);
    connect(m_model, &Model::loaded, this, &UserFlagsView::showLoaded);
    refreshState();
}

UserFlagsView::~UserFlagsView() = default;

void UserFlagsView::setClient(api::Client *client)
{
    m_model->setClient(client);
    m_subject->setClient(client);
    m_stack->setCurrentWidget(m_empty);
    refreshState();
}

void UserFlagsView::setGroupTypes(const QList<api::GroupType> &types)
{
    m_subject->setGroupTypes(types);
    m_madeUp->setGroupTypes(types);
}

void UserFlagsView::setDistinctId(const QString &id)
{
    m_subject->setDistinctId(id);
}

void UserFlagsView::load()
{
    if (m_subject->distinctId().isEmpty()) {
        m_subject->distinctIdEdit()->setFocus();
        return;
    }
    m_message->dismiss();
    const models::MadeUpProperties madeUp = m_madeUp->properties();
    if (!madeUp.isValid()) {
        m_message->showMessage(MessageBar::Kind::Error, madeUp.error);
        m_madeUp->setFocus();
        return;
    }
    // A group's properties reach a flag only through that group: without its key they would be
    // dropped without a word.
    const QJsonObject groups = m_subject->groups();
    for (auto it = madeUp.groups.begin(); it != madeUp.groups.end(); ++it) {
        if (groups.contains(it.key()))
            continue;
        m_message->showMessage(MessageBar::Kind::Error,
                               tr("Type the key of the %1 too: the properties made up for it "
                                  "apply to one %1.")
                                   .arg(it.key()));
        if (auto *field = m_subject->findChild<QLineEdit *>(u"groupKey_"_s + it.key()))
            field->setFocus();
        return;
    }
    m_requestedId = m_subject->distinctId();
    m_requestedMadeUp = !madeUp.isEmpty();
    m_model->load(m_requestedId, groups, madeUp);
}

QString UserFlagsView::countText() const
{
    return m_count->text();
}

void UserFlagsView::refreshState()
{
    const bool loading = m_model->isLoading();
    m_show->setText(loading ? tr("Evaluating…") : tr("Show flags"));
    m_show->setEnabled(!loading && !m_subject->distinctId().isEmpty());
    m_filter->setVisible(m_model->hasLoaded());
    if (!m_model->hasLoaded()) {
        m_count->clear();
    } else {
        const int total = m_model->rowCount();
        const int shown = m_proxy->rowCount();
        const QString on = tr("%1 on").arg(m_model->onCount());
        // English has one singular; a translation brings its own plural forms through `%n`.
        const QString flags = total == 1 ? tr("1 flag") : tr("%n flags", "", total);
        m_count->setText(shown == total ? tr("%1, %2").arg(flags, on)
                                        : tr("%1 of %2 shown, %3").arg(shown).arg(flags, on));
    }
    if (loading)
        setCursor(Qt::BusyCursor);
    else
        unsetCursor();
}

void UserFlagsView::showLoaded()
{
    m_message->dismiss();
    m_stack->setCurrentWidget(m_table);
    const models::MadeUpProperties &madeUp = m_model->madeUpProperties();
    m_madeUpNote->setVisible(!madeUp.isEmpty());
    m_madeUpNote->setText(
        tr("<b>What if:</b> the values with the made-up properties %1. Nothing stored "
           "is changed.")
            .arg(u"<b>"_s + models::madeUpPropertiesText(madeUp).toHtmlEscaped() + u"</b>"_s));
    if (m_model->rowCount() == 0)
        m_message->showMessage(MessageBar::Kind::Information, tr("The project has no flags yet."));
    else if (m_model->hadErrors())
        m_message->showMessage(MessageBar::Kind::Warning,
                               tr("The flags service could not evaluate some flags: they read "
                                  "false here, with the reason it gave."),
                               {m_retry});
    warnIfUnknown();
    refreshState();
}

// The server answers for an id nobody has as for a person without properties.
void UserFlagsView::warnIfUnknown()
{
    // While a newer load runs, the table is still the older answer: its own end warns.
    if (m_model->isLoading() || !m_model->hasLoaded() || m_model->isPersonKnown().value_or(true))
        return;
    m_message->showMessage(
        MessageBar::Kind::Warning,
        m_model->madeUpProperties().isEmpty()
            ? tr("No person with the distinct id “%1” is known to this project: these are the "
                 "values for someone new, without any properties.")
                  .arg(m_requestedId)
            : tr("No person with the distinct id “%1” is known to this project: these are the "
                 "values for someone new, with only the properties you made up.")
                  .arg(m_requestedId));
}

void UserFlagsView::showError(const api::ApiError &error)
{
    m_message->showMessage(
        MessageBar::Kind::Error,
        (m_requestedMadeUp ? tr("Could not evaluate the flags for %1 with made-up properties: %2")
                           : tr("Could not evaluate the flags for %1: %2"))
            .arg(m_requestedId, error.message()),
        {m_retry});
}

} // namespace bunting::views
