#include "message_bar.h"

#include <QAction>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace bunting::views {

MessageBar::MessageBar(QWidget *parent) : QFrame(parent)
{
    setObjectName(u"messageBar"_s);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_text, 1);
    m_buttons = new QHBoxLayout;
    layout->addLayout(m_buttons);
    m_close = new QToolButton(this);
    m_close->setAutoRaise(true);
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_close->setToolTip(tr("Close"));
    connect(m_close, &QToolButton::clicked, this, &MessageBar::dismiss);
    layout->addWidget(m_close);
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &MessageBar::dismiss);
    hide();
}

void MessageBar::showMessage(Kind kind, const QString &text, const QList<QAction *> &actions,
                             int timeoutMs)
{
    m_kind = kind;
    m_text->setText(text);
    while (QLayoutItem *item = m_buttons->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (QAction *action : actions) {
        auto *button = new QPushButton(action->text(), this);
        connect(button, &QPushButton::clicked, action, &QAction::trigger);
        connect(button, &QPushButton::clicked, this, &MessageBar::dismiss);
        m_buttons->addWidget(button);
    }
    applyColours();
    m_timer->stop();
    if (timeoutMs > 0 && actions.isEmpty() && kind != Kind::Error && kind != Kind::Warning)
        m_timer->start(timeoutMs);
    else if (timeoutMs > 0 && !actions.isEmpty())
        m_timer->start(timeoutMs); // an undo offer expires, as the change it undoes ages
    show();
}

void MessageBar::setReservesSpace(bool reserve)
{
    QSizePolicy policy = sizePolicy();
    policy.setRetainSizeWhenHidden(reserve);
    setSizePolicy(policy);
    if (!reserve) {
        setMinimumHeight(0);
        return;
    }
    // As tall as a message with action buttons, so that those do not grow it either.
    const QPushButton probe(tr("Undo"));
    const QMargins margins = layout()->contentsMargins();
    setMinimumHeight(std::max({probe.sizeHint().height(), m_close->sizeHint().height(),
                               m_text->fontMetrics().height()}) +
                     margins.top() + margins.bottom() + 2 * frameWidth());
}

QString MessageBar::text() const
{
    return isVisible() ? m_text->text() : QString();
}

void MessageBar::dismiss()
{
    m_timer->stop();
    hide();
}

bool MessageBar::event(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        // Setting our own palette below sends PaletteChange too; only the app's matters.
        if (!m_applying) {
            m_applying = true;
            applyColours();
            m_applying = false;
        }
    }
    return QFrame::event(event);
}

void MessageBar::applyColours()
{
    QColor accent;
    switch (m_kind) {
    case Kind::Information:
        accent = QColor(0x3d, 0xae, 0xe9);
        break;
    case Kind::Positive:
        accent = QColor(0x27, 0xae, 0x60);
        break;
    case Kind::Warning:
        accent = QColor(0xf6, 0x74, 0x00);
        break;
    case Kind::Error:
        accent = QColor(0xda, 0x44, 0x53);
        break;
    }
    // A tint of the accent over the window colour keeps text readable in light and dark themes.
    QPalette p = parentWidget() ? parentWidget()->palette() : palette();
    const QColor base = p.color(QPalette::Window);
    const auto mix = [](const QColor &a, const QColor &b, qreal t) {
        return QColor::fromRgbF(a.redF() * (1 - t) + b.redF() * t,
                                a.greenF() * (1 - t) + b.greenF() * t,
                                a.blueF() * (1 - t) + b.blueF() * t);
    };
    p.setColor(QPalette::Window, mix(base, accent, 0.2));
    p.setColor(QPalette::Light, accent);
    p.setColor(QPalette::Dark, accent);
    setPalette(p);
}

} // namespace bunting::views
