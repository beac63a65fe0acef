#include "subject_fields.h"

#include "person_completion_model.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace bunting::views {

SubjectFields::SubjectFields(QWidget *parent) : QWidget(parent)
{
    m_form = new QFormLayout(this);
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_distinctId = new QLineEdit(this);
    m_distinctId->setObjectName(u"distinctId"_s);
    m_distinctId->setPlaceholderText(tr("A distinct id, an email or a name"));
    m_distinctId->setClearButtonEnabled(true);
    m_form->addRow(tr("&Distinct id:"), m_distinctId);

    m_persons = new models::PersonCompletionModel(this);
    m_completer = new QCompleter(m_persons, this);
    // The server already searched: the list shows its answer as it is, and picking a row
    // inserts the bare distinct id (EditRole).
    m_completer->setCompletionMode(QCompleter::UnfilteredPopupCompletion);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_distinctId->setCompleter(m_completer);

    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(250);
    connect(m_searchDelay, &QTimer::timeout, this,
            [this] { m_persons->setSearch(m_distinctId->text()); });
    connect(m_distinctId, &QLineEdit::textEdited, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_distinctId, &QLineEdit::textChanged, this, &SubjectFields::distinctIdChanged);
    connect(m_persons, &models::PersonCompletionModel::loaded, this, [this] {
        if (m_distinctId->hasFocus() && m_persons->rowCount() > 0 &&
            m_persons->search() == m_distinctId->text().trimmed())
            m_completer->complete();
    });
    connect(m_distinctId, &QLineEdit::returnPressed, this, &SubjectFields::onReturnPressed);
    // Queued: the line edit takes the picked id first.
    connect(
        m_completer, qOverload<const QString &>(&QCompleter::activated), this,
        [this] { Q_EMIT submitted(); }, Qt::QueuedConnection);
}

void SubjectFields::setClient(api::Client *client)
{
    m_persons->setClient(client);
}

void SubjectFields::setGroupTypes(const QList<api::GroupType> &types)
{
    QHash<QString, QString> typed;
    for (const auto &[name, field] : std::as_const(m_groupFields)) {
        typed.insert(name, field->text());
        m_form->removeRow(field);
    }
    m_groupFields.clear();
    for (const api::GroupType &type : types) {
        auto *field = new QLineEdit(this);
        field->setObjectName(u"groupKey_"_s + type.name);
        field->setPlaceholderText(tr("Optional %1 key").arg(type.name));
        field->setClearButtonEnabled(true);
        field->setText(typed.value(type.name));
        const QString label = type.singularName.isEmpty() ? type.name : type.singularName;
        // Right below the distinct id, above any rows the caller added.
        m_form->insertRow(
            int(m_groupFields.size()) + 1,
            tr("%1:").arg(label.isEmpty() ? label : label.at(0).toUpper() + label.mid(1)), field);
        connect(field, &QLineEdit::returnPressed, this, &SubjectFields::submitted);
        m_groupFields.append({type.name, field});
    }
}

QString SubjectFields::distinctId() const
{
    return m_distinctId->text().trimmed();
}

void SubjectFields::setDistinctId(const QString &id)
{
    m_distinctId->setText(id);
}

QJsonObject SubjectFields::groups() const
{
    QJsonObject groups;
    for (const auto &[name, field] : m_groupFields)
        if (const QString key = field->text().trimmed(); !key.isEmpty())
            groups.insert(name, key);
    return groups;
}

void SubjectFields::onReturnPressed()
{
    // With a row chosen in the completion list, Enter picks it, and activated() submits.
    QAbstractItemView *popup = m_completer->popup();
    if (popup->isVisible() && popup->currentIndex().isValid())
        return;
    m_searchDelay->stop();
    Q_EMIT submitted();
}

} // namespace bunting::views
