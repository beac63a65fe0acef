#include "window_registry.h"

#include <utility>

namespace bunting::desktop {

QList<QWidget *> WindowRegistry::windows() const
{
    QList<QWidget *> open;
    for (const Entry &entry : m_entries)
        if (entry.window)
            open.append(entry.window);
    return open;
}

QWidget *WindowRegistry::openWindow(const QMetaObject &kind, qint64 key,
                                    const std::function<QWidget *()> &create)
{
    if (QWidget *open = findWindow(kind, key)) {
        bringToFront(open);
        return open;
    }
    QWidget *window = create();
    if (!window)
        return nullptr;
    m_entries.append({&kind, key, window, window});
    connect(window, &QObject::destroyed, this, &WindowRegistry::forget);
    // A window shown for the first time already comes up in front.
    window->show();
    return window;
}

QWidget *WindowRegistry::findWindow(const QMetaObject &kind, qint64 key) const
{
    for (const Entry &entry : m_entries)
        if (entry.kind == &kind && entry.key == key && entry.window)
            return entry.window;
    return nullptr;
}

bool WindowRegistry::closeWindows(const QMetaObject *kind)
{
    // Closing may destroy a window and shorten the list: ask a copy.
    const QList<Entry> entries = m_entries;
    for (const Entry &entry : entries)
        if ((!kind || entry.kind == kind) && entry.window && !entry.window->close())
            return false;
    return true;
}

void WindowRegistry::destroyAll()
{
    const QList<Entry> entries = std::exchange(m_entries, {});
    for (const Entry &entry : entries)
        delete entry.window.data();
}

void WindowRegistry::forget(const QObject *window)
{
    m_entries.removeIf(
        [window](const Entry &entry) { return entry.identity == window || !entry.window; });
}

void WindowRegistry::bringToFront(QWidget *window)
{
    window->show();
    window->raise();
    window->activateWindow();
}

} // namespace bunting::desktop
