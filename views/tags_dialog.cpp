#include "tags_dialog.h"

#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using TagAction = bunting::api::Client::TagAction;

namespace bunting::views {

TagsDialog::TagsDialog(int flagCount, const QStringList &knownTags, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(flagCount == 1 ? tr("Tags of 1 flag")
                                  : tr("Tags of %n flags", nullptr, flagCount));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_action = new QComboBox(this);
    m_action->setObjectName(u"action"_s);
    m_action->addItem(tr("Add these tags"), QVariant::fromValue(int(TagAction::Add)));
    m_action->addItem(tr("Remove these tags"), QVariant::fromValue(int(TagAction::Remove)));
    m_action->addItem(tr("Replace all tags with"), QVariant::fromValue(int(TagAction::Set)));
    m_tags = new QLineEdit(this);
    m_tags->setObjectName(u"tags"_s);
    m_tags->setPlaceholderText(tr("checkout, beta"));
    auto *completer = new QCompleter(knownTags, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_tags->setCompleter(completer);
    form->addRow(tr("&Action"), m_action);
    form->addRow(tr("&Tags"), m_tags);
    layout->addLayout(form);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Apply"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_tags, &QLineEdit::textChanged, this, &TagsDialog::updateState);
    connect(m_action, &QComboBox::currentIndexChanged, this, &TagsDialog::updateState);
    updateState();
    resize(400, sizeHint().height());
}

TagAction TagsDialog::action() const
{
    return TagAction(m_action->currentData().toInt());
}

QStringList TagsDialog::tags() const
{
    QStringList tags;
    for (const QString &part : m_tags->text().split(u',', Qt::SkipEmptyParts))
        if (const QString tag = part.trimmed(); !tag.isEmpty() && !tags.contains(tag))
            tags.append(tag);
    return tags;
}

void TagsDialog::setAction(TagAction action)
{
    m_action->setCurrentIndex(m_action->findData(QVariant::fromValue(int(action))));
}

void TagsDialog::setTagsText(const QString &text)
{
    m_tags->setText(text);
}

void TagsDialog::updateState()
{
    // Replacing with nothing clears the tags, a real wish; adding or removing nothing is not.
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(action() == TagAction::Set || !tags().isEmpty());
}

} // namespace bunting::views
