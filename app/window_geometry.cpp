#include "window_geometry.h"

#include <QEvent>
#include <QPointer>
#include <QScreen>
#include <QSettings>
#include <QWidget>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace bunting::desktop {

namespace {

const QSize kFrameAllowance(8, 40);

// Lives as the window's child: it goes with the window, and sees its close first.
class GeometryKeeper : public QObject
{
public:
    GeometryKeeper(QWidget *window, QSettings *settings, const QString &key)
        : QObject(window), m_window(window), m_settings(settings), m_key(u"windows/"_s + key)
    {
        window->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == m_window && event->type() == QEvent::Close && m_settings)
            m_settings->setValue(m_key, m_window->saveGeometry());
        return false;
    }

private:
    QWidget *m_window;
    QPointer<QSettings> m_settings;
    QString m_key;
};

} // namespace

void keepGeometry(QWidget *window, QSettings *settings, const QString &key)
{
    if (!window || !settings)
        return;
    window->restoreGeometry(settings->value(u"windows/"_s + key).toByteArray());
    fitOnScreen(window);
    new GeometryKeeper(window, settings, key);
}

void fitOnScreen(QWidget *window)
{
    if (!window)
        return;
    QScreen *screen = window->parentWidget() && window->parentWidget()->isVisible()
                          ? window->parentWidget()->screen()
                          : window->screen();
    if (!screen)
        return;
    const QRect available = screen->availableGeometry();
    // The frame is known once the window manager has framed the window; until then, room for
    // a title bar and borders.
    const QSize frame =
        window->isVisible() ? window->frameGeometry().size() - window->size() : kFrameAllowance;
    const QSize room = (available.size() - frame).expandedTo(QSize(1, 1));
    window->resize(window->size().boundedTo(room).expandedTo(window->minimumSize()));
    if (!window->testAttribute(Qt::WA_Moved))
        return; // the window manager places it, on screen
    const QSize outer = window->size() + frame;
    const int x = std::clamp(window->x(), available.left(),
                             std::max(available.left(), available.right() + 1 - outer.width()));
    const int y = std::clamp(window->y(), available.top(),
                             std::max(available.top(), available.bottom() + 1 - outer.height()));
    window->move(x, y);
}

} // namespace bunting::desktop
