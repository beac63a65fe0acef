#include "empty_state.h"

#include "icons.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

EmptyState::EmptyState(QWidget *parent) : QWidget(parent)
{
    setObjectName(u"emptyState"_s);
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    m_icon = new QLabel(this);
    m_icon->setPixmap(appIcon().pixmap(QSize(72, 72)));
    m_icon->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_icon);
    m_title = new QLabel(this);
    QFont title = m_title->font();
    title.setPointSizeF(title.pointSizeF() * 1.4);
    title.setBold(true);
    m_title->setFont(title);
    m_title->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_title);
    m_text = new QLabel(this);
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setWordWrap(true);
    m_text->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_text);
    m_button = new QPushButton(this);
    m_button->setObjectName(u"emptyStateButton"_s);
    m_button->setDefault(true);
    m_secondary = new QPushButton(this);
    m_secondary->setObjectName(u"emptyStateSecondaryButton"_s);
    m_secondary->hide();
    auto *row = new QHBoxLayout;
    row->addStretch();
    row->addWidget(m_button);
    row->addWidget(m_secondary);
    row->addStretch();
    layout->addSpacing(8);
    layout->addLayout(row);
    layout->addStretch(3);
    connect(m_button, &QPushButton::clicked, this, &EmptyState::buttonClicked);
    connect(m_secondary, &QPushButton::clicked, this, &EmptyState::secondaryButtonClicked);
}

void EmptyState::setSecondaryButton(const QString &text)
{
    m_secondary->setText(text);
    m_secondary->setVisible(!text.isEmpty());
}

void EmptyState::setContent(const QString &title, const QString &text, const QString &buttonText)
{
    m_title->setText(title);
    m_text->setText(text);
    m_button->setText(buttonText);
    m_button->setVisible(!buttonText.isEmpty());
}

} // namespace bunting::views
