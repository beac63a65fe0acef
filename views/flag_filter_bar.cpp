#include "flag_filter_bar.h"

#include "icons.h"

#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QStringListModel>
#include <QTimer>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

QComboBox *choiceBox(QWidget *parent, const QString &accessibleName,
                     const QList<std::pair<QString, QVariant>> &choices)
{
    auto *box = new QComboBox(parent);
    box->setAccessibleName(accessibleName);
    box->setToolTip(accessibleName);
    for (const auto &[text, value] : choices)
        box->addItem(text, value);
    box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    return box;
}

void selectData(QComboBox *box, const QVariant &value)
{
    const int index = box->findData(value);
    box->setCurrentIndex(index < 0 ? 0 : index);
}

QStringList splitTags(const QString &text)
{
    QStringList tags;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        const QString tag = part.trimmed();
        if (!tag.isEmpty() && !tags.contains(tag))
            tags.append(tag);
    }
    return tags;
}

} // namespace

FlagFilterBar::FlagFilterBar(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    m_search = new QLineEdit(this);
    m_search->setObjectName(u"search"_s);
    m_search->setPlaceholderText(tr("Search keys and names (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->addAction(themedIcon(u"search"_s), QLineEdit::LeadingPosition);
    m_search->setAccessibleName(tr("Search"));
    // In a narrow window the choices give way first: a search field a few letters wide is none.
    m_search->setMinimumWidth(m_search->fontMetrics().horizontalAdvance(u'x') * 20);
    layout->addWidget(m_search, 3);

    m_active = choiceBox(this, tr("Status"),
                         {{tr("Any status"), QString()},
                          {tr("Active"), u"true"_s},
                          {tr("Inactive"), u"false"_s},
                          {tr("Stale"), u"STALE"_s}});
    m_active->setObjectName(u"activeFilter"_s);
    m_type = choiceBox(this, tr("Type"),
                       {{tr("Any type"), QString()},
                        {tr("Boolean"), u"boolean"_s},
                        {tr("Multivariate"), u"multivariant"_s},
                        {tr("Experiment"), u"experiment"_s},
                        {tr("Remote config"), u"remote_config"_s}});
    m_type->setObjectName(u"typeFilter"_s);
    m_runtime = choiceBox(this, tr("Evaluation runtime"),
                          {{tr("Any runtime"), QString()},
                           {tr("Server and client"), u"all"_s},
                           {tr("Server only"), u"server"_s},
                           {tr("Client only"), u"client"_s}});
    m_runtime->setObjectName(u"runtimeFilter"_s);
    m_createdBy = choiceBox(this, tr("Created by"), {{tr("Anyone"), QVariant()}});
    m_createdBy->setObjectName(u"createdByFilter"_s);

    m_tags = new QLineEdit(this);
    m_tags->setObjectName(u"tagsFilter"_s);
    m_tags->setPlaceholderText(tr("Tags"));
    m_tags->setToolTip(tr("Flags with any of these tags, separated by commas"));
    m_tags->setAccessibleName(tr("Tags"));
    m_tags->setClearButtonEnabled(true);
    auto *completer = new QCompleter(new QStringListModel(this), this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_tags->setCompleter(completer);

    for (QWidget *w : {static_cast<QWidget *>(m_active), static_cast<QWidget *>(m_type),
                       static_cast<QWidget *>(m_tags), static_cast<QWidget *>(m_runtime),
                       static_cast<QWidget *>(m_createdBy)})
        layout->addWidget(w);
    m_tags->setMaximumWidth(m_tags->fontMetrics().horizontalAdvance(u'x') * 22);

    m_clear = new QToolButton(this);
    m_clear->setObjectName(u"clearFilters"_s);
    m_clear->setText(tr("Clear"));
    m_clear->setToolTip(tr("Show every flag again"));
    m_clear->setAutoRaise(true);
    m_clear->setEnabled(false);
    layout->addWidget(m_clear);

    m_searchTimer = new QTimer(this);
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(kSearchDelayMs);
    connect(m_searchTimer, &QTimer::timeout, this, &FlagFilterBar::emitChanged);
    connect(m_search, &QLineEdit::textChanged, m_searchTimer, qOverload<>(&QTimer::start));
    // Enter sends at once: nobody should wait for a timer they asked to skip.
    connect(m_search, &QLineEdit::returnPressed, this, &FlagFilterBar::emitChanged);
    connect(m_tags, &QLineEdit::editingFinished, this, &FlagFilterBar::emitChanged);
    connect(m_tags, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty())
            emitChanged();
    });
    for (QComboBox *box : {m_active, m_type, m_runtime, m_createdBy})
        connect(box, &QComboBox::currentIndexChanged, this, &FlagFilterBar::emitChanged);
    connect(m_clear, &QToolButton::clicked, this, &FlagFilterBar::clear);
}

api::FlagListQuery FlagFilterBar::query() const
{
    api::FlagListQuery q;
    q.search = m_search->text().trimmed();
    q.active = m_active->currentData().toString();
    q.type = m_type->currentData().toString();
    q.tags = splitTags(m_tags->text());
    q.evaluationRuntime = m_runtime->currentData().toString();
    if (const QVariant id = m_createdBy->currentData(); id.isValid())
        q.createdById = id.toLongLong();
    return q;
}

void FlagFilterBar::setQuery(const api::FlagListQuery &query)
{
    m_silent = true;
    m_search->setText(query.search);
    selectData(m_active, query.active);
    selectData(m_type, query.type);
    m_tags->setText(query.tags.join(u", "_s));
    selectData(m_runtime, query.evaluationRuntime);
    if (query.createdById) {
        if (m_createdBy->findData(*query.createdById) < 0)
            m_createdBy->addItem(tr("User %1").arg(*query.createdById), *query.createdById);
        selectData(m_createdBy, *query.createdById);
    } else {
        m_createdBy->setCurrentIndex(0);
    }
    m_searchTimer->stop();
    m_silent = false;
    m_lastEmitted = this->query();
    m_clear->setEnabled(isFiltering());
}

bool FlagFilterBar::isFiltering() const
{
    api::FlagListQuery q = query();
    q.order.clear();
    return !(q == api::FlagListQuery{});
}

void FlagFilterBar::addKnownUsers(const QList<UserBasic> &users)
{
    for (const UserBasic &user : users) {
        if (user.id == 0 || m_createdBy->findData(user.id) >= 0)
            continue;
        const QString name = user.displayName().isEmpty() ? user.email : user.displayName();
        m_createdBy->addItem(name, user.id);
    }
}

void FlagFilterBar::addKnownTags(const QStringList &tags)
{
    bool added = false;
    for (const QString &tag : tags) {
        if (!m_knownTags.contains(tag)) {
            m_knownTags.append(tag);
            added = true;
        }
    }
    if (added) {
        m_knownTags.sort(Qt::CaseInsensitive);
        static_cast<QStringListModel *>(m_tags->completer()->model())->setStringList(m_knownTags);
    }
}

void FlagFilterBar::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void FlagFilterBar::clear()
{
    const api::FlagListQuery before = m_lastEmitted;
    setQuery({});
    if (!(before == m_lastEmitted))
        Q_EMIT queryChanged(m_lastEmitted);
}

void FlagFilterBar::emitChanged()
{
    if (m_silent)
        return;
    m_searchTimer->stop();
    const api::FlagListQuery q = query();
    m_clear->setEnabled(isFiltering());
    if (q == m_lastEmitted)
        return;
    m_lastEmitted = q;
    Q_EMIT queryChanged(q);
}

} // namespace bunting::views
