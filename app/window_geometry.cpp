#include "window_geometry.h"

#include <QEvent>
#include <QPointer>
#include <QSettings>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace bunting::desktop {

namespace {

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
    new GeometryKeeper(window, settings, key);
}

} // namespace bunting::desktop
