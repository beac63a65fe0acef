// WindowRegistry with stand-in windows: one window per kind and key, the open one brought to the
// front, and nothing kept of a window once it is gone.
#include "window_registry.h"

#include <QApplication>
#include <QCloseEvent>
#include <QMainWindow>
#include <QPointer>
#include <QTest>

using namespace Qt::StringLiterals;
using bunting::desktop::WindowRegistry;

// Two kinds of window, as the app has editors and histories of the same flag.
class EditorLike : public QMainWindow
{
    Q_OBJECT
public:
    explicit EditorLike(QWidget *parent = nullptr) : QMainWindow(parent)
    {
        setAttribute(Qt::WA_DeleteOnClose);
        resize(200, 100);
    }
    bool refuseClose = false;

protected:
    void closeEvent(QCloseEvent *event) override
    {
        if (refuseClose)
            event->ignore();
    }
};

class HistoryLike : public QMainWindow
{
    Q_OBJECT
public:
    explicit HistoryLike(QWidget *parent = nullptr) : QMainWindow(parent)
    {
        setAttribute(Qt::WA_DeleteOnClose);
        resize(200, 100);
    }
};

class TestWindowRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opensOneWindowPerKindAndKey();
    void bringsTheOpenWindowToTheFrontOnASecondOpen();
    void forgetsAWindowClosedByThePerson();
    void forgetsAWindowDeletedByAnother();
    void aNullWindowOpensNothing();
    void closeAllStopsAtTheFirstRefusal();
    void destroyAllDeletesEveryWindowAndForgetsThem();
    void windowsOutliveARegistryDeletedFirst();

private:
    static void waitDestroyed(const QPointer<QWidget> &window);
};

void TestWindowRegistry::waitDestroyed(const QPointer<QWidget> &window)
{
    // Closing a window that deletes itself on close deletes it later, from the event loop.
    (void)QTest::qWaitFor([&] { return window.isNull(); }, 5000);
}

void TestWindowRegistry::opensOneWindowPerKindAndKey()
{
    WindowRegistry registry;
    int created = 0;
    const auto editor = [&created] {
        ++created;
        return new EditorLike;
    };
    EditorLike *first = registry.open(1, editor);
    QVERIFY(first);
    QVERIFY(first->isVisible());
    QCOMPARE(registry.open(1, editor), first);
    QCOMPARE(created, 1);
    QCOMPARE(registry.find<EditorLike>(1), first);

    EditorLike *other = registry.open(2, editor);
    QVERIFY(other != first);
    QCOMPARE(created, 2);
    // The same key in another kind is another window.
    HistoryLike *history = registry.open(1, [] { return new HistoryLike; });
    QVERIFY(history);
    QCOMPARE(registry.find<HistoryLike>(1), history);
    QCOMPARE(registry.find<HistoryLike>(2), nullptr);
    QCOMPARE(registry.windows(), (QList<QWidget *>{first, other, history}));
    registry.destroyAll();
}

void TestWindowRegistry::bringsTheOpenWindowToTheFrontOnASecondOpen()
{
    WindowRegistry registry;
    EditorLike *first = registry.open(1, [] { return new EditorLike; });
    QVERIFY(QTest::qWaitForWindowExposed(first));
    EditorLike *second = registry.open(2, [] { return new EditorLike; });
    QVERIFY(QTest::qWaitForWindowActive(second));
    first->hide();

    QCOMPARE(registry.open(1, [] { return new EditorLike; }), first);
    QVERIFY(first->isVisible());
    QVERIFY(QTest::qWaitForWindowActive(first));
    QCOMPARE(QApplication::activeWindow(), first);
    registry.destroyAll();
}

void TestWindowRegistry::forgetsAWindowClosedByThePerson()
{
    WindowRegistry registry;
    QPointer<QWidget> window = registry.open(7, [] { return new EditorLike; });
    QVERIFY(window->close());
    waitDestroyed(window);
    QVERIFY(window.isNull());
    QCOMPARE(registry.find<EditorLike>(7), nullptr);
    QVERIFY(registry.windows().isEmpty());

    EditorLike *again = registry.open(7, [] { return new EditorLike; });
    QVERIFY(again);
    QCOMPARE(registry.windows(), QList<QWidget *>{again});
    registry.destroyAll();
}

void TestWindowRegistry::forgetsAWindowDeletedByAnother()
{
    QWidget owner;
    WindowRegistry registry;
    EditorLike *editor = registry.open(3, [&owner] { return new EditorLike(&owner); });
    HistoryLike *history = registry.open(3, [&owner] { return new HistoryLike(&owner); });
    delete editor;
    // At once, not from the event loop: no pointer to the deleted window is left to be used.
    QCOMPARE(registry.find<EditorLike>(3), nullptr);
    QCOMPARE(registry.windows(), QList<QWidget *>{history});
    QVERIFY(registry.closeAll());
}

void TestWindowRegistry::aNullWindowOpensNothing()
{
    WindowRegistry registry;
    QCOMPARE(registry.open(1, []() -> EditorLike * { return nullptr; }), nullptr);
    QVERIFY(registry.windows().isEmpty());
    QVERIFY(registry.open(1, [] { return new EditorLike; }));
    registry.destroyAll();
}

void TestWindowRegistry::closeAllStopsAtTheFirstRefusal()
{
    WindowRegistry registry;
    EditorLike *unsaved = registry.open(1, [] { return new EditorLike; });
    unsaved->refuseClose = true;
    QPointer<QWidget> history = registry.open(1, [] { return new HistoryLike; });

    QVERIFY(!registry.closeAll<EditorLike>());
    QVERIFY(unsaved->isVisible());
    QVERIFY(history->isVisible());
    QVERIFY(!registry.closeAll());
    QCOMPARE(registry.find<EditorLike>(1), unsaved);

    unsaved->refuseClose = false;
    QPointer<QWidget> editor = unsaved;
    QVERIFY(registry.closeAll<EditorLike>());
    waitDestroyed(editor);
    QVERIFY(history->isVisible());
    QVERIFY(registry.closeAll());
    waitDestroyed(history);
    QVERIFY(registry.windows().isEmpty());
}

void TestWindowRegistry::destroyAllDeletesEveryWindowAndForgetsThem()
{
    WindowRegistry registry;
    QPointer<QWidget> editor = registry.open(1, [] { return new EditorLike; });
    QPointer<QWidget> history = registry.open(0, [] { return new HistoryLike; });
    registry.destroyAll();
    QVERIFY(editor.isNull());
    QVERIFY(history.isNull());
    QVERIFY(registry.windows().isEmpty());
    QCOMPARE(registry.find<HistoryLike>(0), nullptr);
}

void TestWindowRegistry::windowsOutliveARegistryDeletedFirst()
{
    auto registry = std::make_unique<WindowRegistry>();
    QPointer<QWidget> editor = registry->open(1, [] { return new EditorLike; });
    registry.reset();
    QVERIFY(editor);
    QVERIFY(editor->close());
    waitDestroyed(editor);
    QVERIFY(editor.isNull());
}

QTEST_MAIN(TestWindowRegistry)
#include "tst_window_registry.moc"
