#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QWidget>
#include <concepts>
#include <functional>
#include <type_traits>

namespace bunting::desktop {

// The app's other windows, at most one of each kind per key (a flag's id, or 0 for a window of
// which there is only one): opening what is already open brings that window to the front, so a
// person never has two editors of one flag saving over each other. A window is forgotten when it
// is destroyed (the app's windows delete themselves on close).
class WindowRegistry : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // The open window of this kind for `key`, brought to the front; or else the one `create`
    // makes (a null one opens nothing), remembered and shown.
    template<typename Create>
    requires std::derived_from<std::remove_pointer_t<std::invoke_result_t<Create>>, QWidget>
    auto open(qint64 key, Create create) -> std::invoke_result_t<Create>
    {
        using Window = std::remove_pointer_t<std::invoke_result_t<Create>>;
        return qobject_cast<Window *>(
            openWindow(Window::staticMetaObject, key, [&]() -> QWidget * { return create(); }));
    }

    template<typename Window> Window *find(qint64 key) const
    {
        return qobject_cast<Window *>(findWindow(Window::staticMetaObject, key));
    }

    // Every open window, in the order they were opened.
    QList<QWidget *> windows() const;
    // Asks each window of this kind to close; false as soon as one refuses (it stays open, and so
    // do those not asked yet).
    template<typename Window> bool closeAll() { return closeWindows(&Window::staticMetaObject); }
    // Asks every window to close; false as soon as one refuses.
    bool closeAll() { return closeWindows(nullptr); }
    // Deletes every window at once, for an owner going away while the windows still need it.
    void destroyAll();

    // Shown, raised above the app's other windows and given the keyboard.
    static void bringToFront(QWidget *window);

private:
    struct Entry
    {
        const QMetaObject *kind = nullptr;
        qint64 key = 0;
        QPointer<QWidget> window;
        // Who the window was: its pointer is already null when `destroyed` tells of it.
        const QObject *identity = nullptr;
    };

    QWidget *openWindow(const QMetaObject &kind, qint64 key,
                        const std::function<QWidget *()> &create);
    QWidget *findWindow(const QMetaObject &kind, qint64 key) const;
    bool closeWindows(const QMetaObject *kind);
    void forget(const QObject *window);

    QList<Entry> m_entries;
};

} // namespace bunting::desktop
