#include "flag_status_panel.h"

#include "api_error.h"
#include "flag_dependencies.h"
#include "icons.h"
#include "message_bar.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

struct StatusLook
{
    QString text;
    QString icon;
    QColor colour; // of the badge's text; invalid: the palette's
};

StatusLook lookOf(const QString &status)
{
    if (status == "active"_L1)
        return {FlagStatusPanel::tr("Active"), u"flag"_s, QColor(0x1e, 0x7d, 0x32)};
    if (status == "stale"_L1)
        return {FlagStatusPanel::tr("Stale"), u"stale"_s, QColor(0xb2, 0x6a, 0x00)};
    if (status == "inactive"_L1)
        return {FlagStatusPanel::tr("Inactive"), u"stale"_s, QColor(0xb2, 0x6a, 0x00)};
    if (status == "deleted"_L1)
        return {FlagStatusPanel::tr("Deleted"), u"delete"_s, QColor(0xc6, 0x28, 0x28)};
    return {FlagStatusPanel::tr("Unknown"), u"search"_s, QColor()};
}

// The server's reasons lack the full stop the rest of the panel's sentences have.
QString asSentence(const QString &text)
{
    return text.endsWith(u'.') ? text : text + u'.';
}

} // namespace

FlagStatusPanel::FlagStatusPanel(QWidget *parent)
    : QWidget(parent), m_model(new models::FlagDependencies(this))
{
    auto *layout = new QVBoxLayout(this);

    auto *header = new QHBoxLayout;
    m_badgeIcon = new QLabel(this);
    m_badge = new QLabel(this);
    m_badge->setObjectName(u"statusBadge"_s);
    QFont badgeFont = m_badge->font();
    badgeFont.setBold(true);
    badgeFont.setPointSizeF(badgeFont.pointSizeF() * 1.2);
    m_badge->setFont(badgeFont);
    m_refresh = new QToolButton(this);
    m_refresh->setObjectName(u"refresh"_s);
    m_refresh->setIcon(themedIcon(u"refresh"_s, palette()));
    m_refresh->setToolTip(tr("Check again"));
    m_refresh->setAutoRaise(true);
    header->addWidget(m_badgeIcon);
    header->addWidget(m_badge);
    header->addStretch(1);
    header->addWidget(m_refresh);
    layout->addLayout(header);

    m_reason = new QLabel(this);
    m_reason->setObjectName(u"statusReason"_s);
    m_reason->setWordWrap(true);
    m_reason->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_reason);

    m_message = new MessageBar(this);
    m_message->setObjectName(u"messageBar"_s);
    layout->addWidget(m_message);
    m_retry = new QAction(tr("Retry"), this);
    connect(m_retry, &QAction::triggered, this, &FlagStatusPanel::reload);

    m_dependentsView = addList(tr("Flags that depend on this one"), m_model->dependents(),
                               &m_noDependents, tr("No active flag depends on this one."));
    m_dependentsView->setObjectName(u"dependents"_s);
    m_dependenciesView = addList(tr("Flags this one depends on"), m_model->dependencies(),
                                 &m_noDependencies, tr("This flag depends on no other flag."));
    m_dependenciesView->setObjectName(u"dependencies"_s);
    layout->addStretch(1);

    connect(m_refresh, &QToolButton::clicked, this, &FlagStatusPanel::reload);
    connect(m_model, &models::FlagDependencies::loadingChanged, this, &FlagStatusPanel::showStatus);
    connect(m_model, &models::FlagDependencies::loaded, this, &FlagStatusPanel::showStatus);
    connect(m_model, &models::FlagDependencies::failed, this, &FlagStatusPanel::showFailure);
    showStatus();
}

FlagStatusPanel::~FlagStatusPanel() = default;

QListView *FlagStatusPanel::addList(const QString &title, models::FlagLinkListModel *model,
                                    QLabel **empty, const QString &emptyText)
{
    auto *heading = new QLabel(title, this);
    QFont font = heading->font();
    font.setBold(true);
    heading->setFont(font);
    auto *view = new QListView(this);
    view->setModel(model);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setUniformItemSizes(true);
    view->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    view->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    view->setMaximumHeight(view->fontMetrics().height() * 8);
    *empty = new QLabel(emptyText, this);
    (*empty)->setForegroundRole(QPalette::PlaceholderText);
    (*empty)->setIndent(view->frameWidth() + 4);
    connect(view, &QListView::activated, this, &FlagStatusPanel::activate);
    auto *layout = static_cast<QVBoxLayout *>(this->layout());
    layout->addSpacing(6);
    layout->addWidget(heading);
    layout->addWidget(view);
    layout->addWidget(*empty);
    return view;
}

void FlagStatusPanel::setClient(api::Client *client)
{
    m_model->setClient(client);
}

void FlagStatusPanel::setFlag(const FeatureFlag &flag)
{
    m_message->dismiss();
    m_model->setFlag(flag);
    showStatus();
}

void FlagStatusPanel::reload()
{
    m_message->dismiss();
    m_model->reload();
    showStatus();
}

QString FlagStatusPanel::statusText() const
{
    return m_badge->text();
}

QString FlagStatusPanel::reasonText() const
{
    return m_reason->text();
}

void FlagStatusPanel::showStatus()
{
    const bool loading = m_model->isLoading();
    m_refresh->setEnabled(!loading && m_model->flag().id != 0);
    if (loading) {
        m_badge->setText(tr("Checking…"));
        m_badge->setPalette(palette());
        m_badgeIcon->setPixmap(themedIcon(u"refresh"_s, palette()).pixmap(20, 20));
        m_reason->setText(
            tr("Asking the server whether %1 is still used…").arg(m_model->flag().key));
    } else {
        const StatusLook look = lookOf(m_model->status());
        m_badge->setText(look.text);
        QPalette badgePalette = palette();
        if (look.colour.isValid())
            badgePalette.setColor(QPalette::WindowText, look.colour);
        m_badge->setPalette(badgePalette);
        m_badgeIcon->setPixmap(themedIcon(look.icon, badgePalette).pixmap(20, 20));
        if (m_model->flag().id == 0)
            m_reason->setText(tr("No flag chosen."));
        else if (m_model->statusReason().isEmpty())
            m_reason->setText(tr("The server gave no reason."));
        else
            m_reason->setText(asSentence(m_model->statusReason()));
    }
    const bool noDependents = !loading && m_model->dependents()->rowCount() == 0;
    const bool noDependencies = !loading && m_model->dependencies()->rowCount() == 0;
    m_dependentsView->setVisible(!noDependents);
    m_noDependents->setVisible(noDependents);
    m_dependenciesView->setVisible(!noDependencies);
    m_noDependencies->setVisible(noDependencies);
}

void FlagStatusPanel::showFailure(const api::ApiError &error)
{
    m_message->showMessage(
        MessageBar::Kind::Error,
        tr("Could not check everything about this flag: %1").arg(error.message()), {m_retry});
}

void FlagStatusPanel::activate(const QModelIndex &index)
{
    const qint64 id = index.data(models::FlagLinkListModel::FlagIdRole).toLongLong();
    const auto state =
        models::FlagLink::State(index.data(models::FlagLinkListModel::StateRole).toInt());
    // A missing flag has nothing to open.
    if (id > 0 && state != models::FlagLink::State::Missing)
        Q_EMIT openFlag(id);
}

} // namespace bunting::views
