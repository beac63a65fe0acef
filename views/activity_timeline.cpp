#include "activity_timeline.h"

#include "activity_model.h"
#include "empty_state.h"
#include "message_bar.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIdentityProxyModel>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

using Node = models::ActivityModel::Node;

QString fieldChoiceLabel(const QString &field)
{
    if (field == "filters"_L1)
        return u"Release conditions changed"_s;
    QString label = field;
    label.replace(u'_', u' ');
    if (!label.isEmpty())
        label[0] = label[0].toUpper();
    return label + u" changed"_s;
}

// Puts `data` back as the combo's choice after its items were rebuilt; the first item otherwise.
void reselect(QComboBox *combo, const QVariant &data)
{
    const int index = combo->findData(data);
    combo->setCurrentIndex(std::max(0, index));
}

// The model as the tree sees it, minus the tree's own fetching. A tree fetches while the last
// top-level row is in view, and here that row is a day whose header stays in view while its
// entries run far below: the tree would load page after page of a busy day nobody scrolled to.
// The timeline fetches instead, when the scroll bar reaches its end or nothing fills the view.
class ScrollFetchProxy : public QIdentityProxyModel
{
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    bool canFetchMore(const QModelIndex &) const override { return false; }
    void fetchMore(const QModelIndex &) override {}
};

// Field changes in a softer colour than the entries they detail, so entries stay easy to scan.
class ActivityDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(models::ActivityModel::NodeRole).value<Node>() == Node::Change)
            option->palette.setColor(QPalette::Text,
                                     option->palette.color(QPalette::PlaceholderText));
    }
};

} // namespace

ActivityTimeline::ActivityTimeline(models::ActivityModel *model, QWidget *parent)
    : QWidget(parent), m_model(model)
{
    auto *layout = new QVBoxLayout(this);

    auto *filters = new QHBoxLayout;
    m_user = new QComboBox(this);
    m_user->setObjectName(u"userFilter"_s);
    m_user->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_kind = new QComboBox(this);
    m_kind->setObjectName(u"kindFilter"_s);
    m_kind->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_anyDate = new QCheckBox(tr("Any date"), this);
    m_anyDate->setObjectName(u"anyDate"_s);
    m_anyDate->setChecked(true);
    m_from = new QDateEdit(QDate::currentDate().addDays(-7), this);
    m_from->setObjectName(u"fromDate"_s);
    m_to = new QDateEdit(QDate::currentDate(), this);
    m_to->setObjectName(u"toDate"_s);
    for (QDateEdit *edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(u"d MMM yyyy"_s);
        edit->setEnabled(false);
    }
    m_search = new QLineEdit(this);
    m_search->setObjectName(u"search"_s);
    m_search->setPlaceholderText(tr("Search changes"));
    m_search->setClearButtonEnabled(true);
    filters->addWidget(m_user);
    filters->addWidget(m_kind);
    filters->addWidget(m_anyDate);
    filters->addWidget(new QLabel(tr("From"), this));
    filters->addWidget(m_from);
    filters->addWidget(new QLabel(tr("to"), this));
    filters->addWidget(m_to);
    filters->addWidget(m_search, 1);
    layout->addLayout(filters);

    m_message = new MessageBar(this);
    m_message->setObjectName(u"messageBar"_s);
    layout->addWidget(m_message);
    m_retry = new QAction(tr("Retry"), this);
    m_retry->setObjectName(u"retry"_s);
    connect(m_retry, &QAction::triggered, m_model, &models::ActivityModel::reload);

    m_stack = new QStackedWidget(this);
    m_tree = new QTreeView(m_stack);
    m_tree->setObjectName(u"activityTree"_s);
    auto *proxy = new ScrollFetchProxy(this);
    proxy->setSourceModel(m_model);
    m_tree->setModel(proxy);
    m_tree->setItemDelegate(new ActivityDelegate(m_tree));
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(false);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_empty = new EmptyState(m_stack);
    m_stack->addWidget(m_tree);
    m_stack->addWidget(m_empty);
    layout->addWidget(m_stack, 1);

    m_status = new QLabel(this);
    m_status->setObjectName(u"status"_s);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_status);

    m_user->addItem(tr("Everyone"), QString());
    refreshChoices();

    connect(m_user, &QComboBox::currentIndexChanged, this, &ActivityTimeline::applyFilter);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &ActivityTimeline::applyFilter);
    connect(m_anyDate, &QCheckBox::toggled, this, [this](bool any) {
        m_from->setEnabled(!any);
        m_to->setEnabled(!any);
        applyFilter();
    });
    connect(m_from, &QDateEdit::dateChanged, this, &ActivityTimeline::applyFilter);
    connect(m_to, &QDateEdit::dateChanged, this, &ActivityTimeline::applyFilter);
    connect(m_search, &QLineEdit::textChanged, this, &ActivityTimeline::applyFilter);
    connect(m_empty, &EmptyState::buttonClicked, this, &ActivityTimeline::clearFilters);

    connect(proxy, &QAbstractItemModel::modelReset, this, [this] {
        expandDays(0, m_model->rowCount() - 1);
        refreshState();
    });
    connect(proxy, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &parent, int first, int last) {
                if (!parent.isValid())
                    expandDays(first, last);
                refreshState();
            });
    connect(m_model, &models::ActivityModel::pageLoaded, this, [this] {
        m_message->dismiss();
        refreshChoices();
        refreshState();
        // Once every signal of the page is handled, whether the rows fill the tree.
        QTimer::singleShot(0, this, &ActivityTimeline::fillScreen);
    });
    connect(m_model, &models::ActivityModel::loadingChanged, this, &ActivityTimeline::refreshState);
    connect(m_model, &models::ActivityModel::loadFailed, this, &ActivityTimeline::showError);
    QScrollBar *bar = m_tree->verticalScrollBar();
    connect(bar, &QScrollBar::valueChanged, this, [this, bar](int value) {
        if (value == bar->maximum())
            m_model->fetchMore({});
    });
    connect(bar, &QScrollBar::rangeChanged, this, [this](int, int maximum) {
        if (maximum == 0)
            m_model->fetchMore({});
    });
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex &index) {
        if (index.data(models::ActivityModel::NodeRole).value<Node>() != Node::Entry)
            return;
        const QVariant version = index.data(models::ActivityModel::VersionRole);
        if (version.isValid())
            Q_EMIT versionRequested(index.data(models::ActivityModel::FlagIdRole).toLongLong(),
                                    version.toInt());
    });

    expandDays(0, m_model->rowCount() - 1);
    refreshState();
}

void ActivityTimeline::clearFilters()
{
    const QSignalBlocker user(m_user), kind(m_kind), any(m_anyDate), search(m_search);
    m_user->setCurrentIndex(0);
    m_kind->setCurrentIndex(0);
    m_anyDate->setChecked(true);
    m_from->setEnabled(false);
    m_to->setEnabled(false);
    m_search->clear();
    applyFilter();
}

void ActivityTimeline::applyFilter()
{
    models::ActivityFilter filter;
    filter.userKey = m_user->currentData().toString();
    filter.kind = m_kind->currentData().toString();
    if (!m_anyDate->isChecked()) {
        filter.from = m_from->date();
        filter.to = m_to->date();
    }
    filter.search = m_search->text();
    m_model->setFilter(filter);
    refreshState();
    QTimer::singleShot(0, this, &ActivityTimeline::fillScreen);
}

void ActivityTimeline::refreshChoices()
{
    const QSignalBlocker userBlocker(m_user), kindBlocker(m_kind);
    const QVariant user = m_user->currentData();
    m_user->clear();
    m_user->addItem(tr("Everyone"), QString());
    for (const auto &[key, name] : m_model->users())
        m_user->addItem(name, key);
    reselect(m_user, user);

    const QVariant kind = m_kind->currentData();
    m_kind->clear();
    m_kind->addItem(tr("Any change"), QString());
    m_kind->addItem(tr("Created"), u"created"_s);
    m_kind->addItem(tr("Changed"), u"updated"_s);
    m_kind->addItem(tr("Deleted"), u"deleted"_s);
    m_kind->addItem(tr("Restored"), u"restored"_s);
    const QStringList fields = m_model->changedFields();
    if (!fields.isEmpty())
        m_kind->insertSeparator(m_kind->count());
    for (const QString &field : fields)
        m_kind->addItem(fieldChoiceLabel(field), u"field:"_s + field);
    reselect(m_kind, kind);
}

void ActivityTimeline::refreshState()
{
    const int shown = m_model->visibleCount();
    const int loaded = m_model->loadedCount();
    const bool filtered = !(m_model->filter() == models::ActivityFilter{});
    QString status;
    if (m_model->isLoading())
        status = tr("Loading…");
    else if (filtered)
        status = tr("%1 of %2 loaded changes match (%3 in all)")
                     .arg(shown)
                     .arg(loaded)
                     .arg(m_model->totalCount());
    else
        status = tr("%1 of %2 changes loaded").arg(loaded).arg(m_model->totalCount());
    m_status->setText(status);

    if (shown > 0) {
        m_stack->setCurrentWidget(m_tree);
        return;
    }
    if (m_model->isLoading() || m_model->canFetchMore({})) {
        m_empty->setContent(tr("Loading activity"), tr("The changes appear as they arrive."), {});
    } else if (loaded == 0) {
        m_empty->setContent(tr("No activity yet"),
                            tr("Changes to flags appear here, newest first."), {});
    } else {
        m_empty->setContent(tr("No changes match"),
                            tr("None of the %1 changes matches the filters.").arg(loaded),
                            tr("Clear filters"));
    }
    m_stack->setCurrentWidget(m_empty);
}

void ActivityTimeline::fillScreen()
{
    if (!m_model->canFetchMore({}))
        return;
    // A page the filters hid entirely changes no rows and no scroll range: a tree still short of
    // a screenful asks again here, once its scroll range counts the rows it has.
    m_tree->doItemsLayout();
    if (m_tree->verticalScrollBar()->maximum() == 0 || m_model->rowCount() == 0)
        m_model->fetchMore({});
}

void ActivityTimeline::expandDays(int first, int last)
{
    for (int row = first; row <= last; ++row) {
        const QModelIndex day = m_tree->model()->index(row, 0);
        m_tree->setFirstColumnSpanned(row, {}, true);
        m_tree->expand(day);
    }
}

void ActivityTimeline::showError(const api::ApiError &error)
{
    m_message->showMessage(MessageBar::Kind::Error,
                           tr("The activity could not be loaded: %1").arg(error.message()),
                           {m_retry});
    refreshState();
}

} // namespace bunting::views
