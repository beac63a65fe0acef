// What surrounds the app's content, through its real windows: keyboard (mnemonics, Enter, Ctrl+W,
// Ctrl+Q), where windows open and what moves in them, the Help menu, and knowing which
// connection a window works on.
#include "connection_dialog.h"
#include "connection_profile.h"
#include "empty_state.h"
#include "flag_editor.h"
#include "flag_editor_json_panel.h"
#include "flag_editor_widget.h"
#include "flag_editor_window.h"
#include "flag_insight_window.h"
#include "flag_list_model.h"
#include "flag_table_view.h"
#include "help_menu.h"
#include "history_window.h"
#include "local_session.h"
#include "main_window.h"
#include "message_bar.h"
#include "new_flag_dialog.h"
#include "profile_store.h"
#include "push_dialog.h"
#include "stale_flags_window.h"
#include "test_builders.h"
#include "test_server.h"
#include "user_flags_window.h"
#include "window_test_support.h"

#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMultiMap>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QSignalSpy>
#include <QTabBar>
#include <QTabWidget>
#include <QTest>
#include <QToolBar>
#include <QToolButton>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::desktop::FlagEditorWindow;
using bunting::desktop::MainWindow;
using widget_test::saveScreenshot;
using window_test::call;
using window_test::whenModalOpens;

namespace {

// The letter Alt takes to a control whose text is `text` ("Re&move": m), or none.
QChar mnemonicOf(const QString &text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) != u'&')
            continue;
        if (text.at(i + 1) == u'&') {
            ++i;
            continue;
        }
        return text.at(i + 1).toLower();
    }
    return {};
}

using Mnemonics = QMultiMap<QChar, QString>;

void collect(Mnemonics &found, const QString &text, const QString &what)
{
    if (const QChar letter = mnemonicOf(text); !letter.isNull())
        found.insert(letter, u"%1 “%2”"_s.arg(what, text));
}

// Every Alt+letter that `window` answers as it is now: its menu titles, and the tabs, buddied
// labels, buttons and group boxes a person can see (Qt ignores those of hidden widgets).
Mnemonics visibleMnemonics(QMainWindow *window)
{
    Mnemonics found;
    for (QAction *menu : window->menuBar()->actions())
        if (menu->isVisible())
            collect(found, menu->text(), u"menu"_s);
    for (QTabBar *bar : window->findChildren<QTabBar *>())
        if (bar->isVisible())
            for (int i = 0; i < bar->count(); ++i)
                if (bar->isTabVisible(i) && bar->isTabEnabled(i))
                    collect(found, bar->tabText(i), u"tab"_s);
    for (QLabel *label : window->findChildren<QLabel *>())
        if (label->isVisible() && label->buddy())
            collect(found, label->text(), u"label"_s);
    for (QAbstractButton *button : window->findChildren<QAbstractButton *>()) {
        auto *tool = qobject_cast<QToolButton *>(button);
        if (button->isVisible() && !(tool && tool->defaultAction()))
            collect(found, button->text(), u"button"_s);
    }
    for (QGroupBox *box : window->findChildren<QGroupBox *>())
        if (box->isVisible())
            collect(found, box->title(), u"group"_s);
    return found;
}

QStringList clashes(const Mnemonics &found)
{
    QStringList clashing;
    for (const QChar letter : found.uniqueKeys())
        if (found.count(letter) > 1)
            clashing.append(u"Alt+%1: %2"_s.arg(letter.toUpper(),
                                                QStringList(found.values(letter)).join(u", "_s)));
    return clashing;
}

} // namespace

// What the Help menu hands the desktop to open.
class UrlCatcher : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> opened;
public Q_SLOTS:
    void open(const QUrl &url) { opened.append(url); }
};

class TestWindowChrome : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // Keyboard
    void editorMnemonicsAreUnique();
    void enterOpensTheFlagJustCreated();
    void ctrlWClosesEverySecondaryWindow();
    void ctrlQQuitsFromAnyWindow();

    // Layout
    void secondaryWindowsOpenWholeOnScreen();
    void aMessageDoesNotMoveTheEditorsForm();
    void spareWidthGoesToTheRollout();
    void theJsonPanelHidesAndStaysHidden();

    // Help
    void helpMenuHasAboutAndTheReadme();
    void emptyStateOffersToConnect();

    // Knowing where you are
    void windowTitlesNameTheirConnection();
    void productionIsColouredAndAsksBeforeSaving();
    void copyingFlagsToProductionAsksFirst();
    void switchingConnectionAsksBeforeClosingWindows();
    void theConnectionSwitcherStaysVisibleWhenNarrow();

    void screenshots();

private:
    api::Endpoint local() const { return m_window->localSession()->endpoint(); }
    qint64 createFlag(const QString &key, const QJsonObject &extra = {});
    void reloadList();
    FlagEditorWindow *openEditor(qint64 id);
    // Makes `window` the active one, as a click on it would: shortcuts go to the active window.
    static bool activate(QWidget *window);
    // Connects the window to a second server, as a remote profile named `name`.
    void addRemote(TestServer &remote, const QString &name, bool production = false);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
};

void TestWindowChrome::initTestCase()
{
    // Closing every window (Ctrl+Q) must not end the suite.
    QApplication::setQuitOnLastWindowClosed(false);
}

void TestWindowChrome::init()
{
    widget_test::useDarkPaletteWhenAsked();
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings =
        std::make_unique<QSettings>(m_dir->filePath(u"settings.ini"_s), QSettings::IniFormat);
    m_window = window_test::makeMainWindow(*m_dir, m_settings.get());
    QVERIFY(m_window->localSession());
    QTRY_VERIFY(!m_window->flagModel()->isLoading());
}

void TestWindowChrome::cleanup()
{
    m_window.reset();
    m_settings.reset();
    m_dir.reset();
}

qint64 TestWindowChrome::createFlag(const QString &key, const QJsonObject &extra)
{
    QJsonObject body{{u"key"_s, key},
                     {u"name"_s, u"Flag "_s + key},
                     {u"filters"_s, test_builders::everyone(30)}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    const QJsonObject created = call(local(), "POST", QString(), body);
    if (!created.contains("id"_L1))
        qWarning() << "creating" << key << "failed:" << created;
    return created.value("id"_L1).toInteger();
}

void TestWindowChrome::reloadList()
{
    m_window->refresh();
    QTRY_VERIFY(!m_window->flagModel()->isLoading());
}

FlagEditorWindow *TestWindowChrome::openEditor(qint64 id)
{
    FlagEditorWindow *editor = m_window->openEditor(id);
    if (!editor || !QTest::qWaitFor([editor] { return editor->isLoaded(); }, 10000))
        qWarning("the editor did not load its flag");
    return editor;
}

bool TestWindowChrome::activate(QWidget *window)
{
    // What the application takes for the active window is what shortcuts go by.
    return QTest::qWaitFor(
        [window] {
            if (QApplication::activeWindow() == window)
                return true;
            window->raise();
            window->activateWindow();
            return false;
        },
        5000);
}

void TestWindowChrome::addRemote(TestServer &remote, const QString &name, bool production)
{
    api::ConnectionProfile profile;
    profile.kind = api::ConnectionProfile::Kind::Remote;
    profile.name = name;
    profile.host = QUrl(u"http://127.0.0.1:%1"_s.arg(remote.port()));
    profile.projectId = QString::number(remote.projectId());
    profile.production = production;
    m_window->addRemoteProfile(profile, remote.ownerKey());
    QTRY_COMPARE(m_window->profiles()->current().name, name);
    // The key is read asynchronously; the window is on the profile once its title says so.
    QTRY_VERIFY(m_window->windowTitle().startsWith(name));
    QTRY_VERIFY(!m_window->flagModel()->isLoading());
}

void TestWindowChrome::editorMnemonicsAreUnique()
{
    FlagEditorWindow *editor = openEditor(createFlag(u"checkout"_s));
    QVERIFY(editor);
    QTabWidget *tabs = editor->editorWidget()->formTabs();
    views::FlagEditorJsonPanel *json = editor->editorWidget()->jsonPanel();
    // Each form tab with each JSON tab beside it: every combination a person can see at once.
    for (int tab = 0; tab < tabs->count(); ++tab) {
        for (int side = 0; side < json->count(); ++side) {
            tabs->setCurrentIndex(tab);
            json->setCurrentIndex(side);
            QCoreApplication::processEvents();
            const Mnemonics found = visibleMnemonics(editor);
            const QStringList clashing = clashes(found);
            QVERIFY2(clashing.isEmpty(),
                     qPrintable(u"form tab %1, JSON tab %2: %3"_s.arg(tab).arg(side).arg(
                         clashing.join(u"; "_s))));
            // The detail of the flag's condition is part of what was looked at.
            if (tab == 1)
                QVERIFY2(QStringList(found.values()).join(u' ').contains(u"out to"_s),
                         qPrintable(QStringList(found.values()).join(u", "_s)));
        }
    }
    // Inside each menu, too.
    for (QAction *title : editor->menuBar()->actions()) {
        QVERIFY(title->menu());
        Mnemonics items;
        for (QAction *item : title->menu()->actions())
            if (!item->isSeparator() && item->isVisible())
                collect(items, item->text(), title->text());
        QVERIFY2(clashes(items).isEmpty(), qPrintable(clashes(items).join(u"; "_s)));
    }
}

void TestWindowChrome::enterOpensTheFlagJustCreated()
{
    QVERIFY(activate(m_window.get()));
    m_window->action(u"newFlag"_s)->trigger();
    QPointer<views::NewFlagDialog> dialog = m_window->findChild<views::NewFlagDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"name"_s), u"Enter opens it"_s);
    QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok),
                      Qt::LeftButton);
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 1);
    QTRY_VERIFY(!dialog || !dialog->isVisible());
    // The window manager gives the main window back its activation.
    QVERIFY(activate(m_window.get()));
    QWidget *focus = QApplication::focusWidget();
    QVERIFY(focus);
    QTest::keyClick(focus, Qt::Key_Return);
    FlagEditorWindow *editor = nullptr;
    QTRY_VERIFY((editor = m_window->findChild<FlagEditorWindow *>()));
    QCOMPARE(editor->flagId(), m_window->flagModel()->flagAt(0).id);
}

void TestWindowChrome::ctrlWClosesEverySecondaryWindow()
{
    const qint64 id = createFlag(u"closing"_s);
    reloadList();
    const QList<QPointer<QWidget>> windows{
        m_window->openEditor(id),  m_window->openHistory(id), m_window->openHistory(0),
        m_window->openInsight(id), m_window->openUserFlags(), m_window->openStaleFlags(),
    };
    for (const QPointer<QWidget> &window : windows) {
        QVERIFY(window);
        const QString title = window->windowTitle();
        QVERIFY2(activate(window), qPrintable(title));
        QWidget *target = QApplication::focusWidget() ? QApplication::focusWidget() : window.data();
        QTest::keyClick(target, Qt::Key_W, Qt::ControlModifier);
        QTRY_VERIFY2(!window || !window->isVisible(), qPrintable(title));
    }
    QVERIFY(m_window->isVisible());
}

void TestWindowChrome::ctrlQQuitsFromAnyWindow()
{
    const qint64 id = createFlag(u"quitting"_s);
    reloadList();
    QPointer<FlagEditorWindow> editor = openEditor(id);
    QVERIFY(editor);
    QVERIFY(activate(editor));
    QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : editor.data(),
                    Qt::Key_Q, Qt::ControlModifier);
    QTRY_VERIFY(!m_window->isVisible());
    QTRY_VERIFY(!editor || !editor->isVisible());
}

void TestWindowChrome::secondaryWindowsOpenWholeOnScreen()
{
    const qint64 id = createFlag(u"placed"_s);
    reloadList();
    // A place remembered from a bigger screen than this one.
    {
        QWidget elsewhere;
        elsewhere.setGeometry(2400, 1600, 1500, 1000);
        m_settings->setValue(u"windows/history"_s, elsewhere.saveGeometry());
    }
    const QList<QPointer<QWidget>> windows{
        m_window->openEditor(id),  m_window->openHistory(id),  m_window->openInsight(id),
        m_window->openUserFlags(), m_window->openStaleFlags(),
    };
    for (const QPointer<QWidget> &window : windows) {
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        const QRect available = window->screen()->availableGeometry();
        QVERIFY2(available.contains(window->frameGeometry()),
                 qPrintable(u"%1: %2,%3 %4x%5 on a %6x%7 screen"_s.arg(window->windowTitle())
                                .arg(window->frameGeometry().x())
                                .arg(window->frameGeometry().y())
                                .arg(window->frameGeometry().width())
                                .arg(window->frameGeometry().height())
                                .arg(available.width())
                                .arg(available.height())));
    }
}

void TestWindowChrome::aMessageDoesNotMoveTheEditorsForm()
{
    FlagEditorWindow *editor = openEditor(createFlag(u"steady"_s));
    QVERIFY(editor);
    QWidget *form = editor->editorWidget();
    QTest::qWait(50);
    const QPoint before = form->mapTo(editor, QPoint());
    editor->messageBar()->showMessage(views::MessageBar::Kind::Positive, u"Saved as version 2."_s);
    QTest::qWait(50);
    QVERIFY(editor->messageBar()->isVisible());
    QCOMPARE(form->mapTo(editor, QPoint()), before);
    auto *retry = new QAction(u"Retry"_s, editor);
    editor->messageBar()->showMessage(views::MessageBar::Kind::Error, u"Not saved: offline"_s,
                                      {retry});
    QTest::qWait(50);
    QCOMPARE(form->mapTo(editor, QPoint()), before);
    editor->messageBar()->dismiss();
    QTest::qWait(50);
    QCOMPARE(form->mapTo(editor, QPoint()), before);
}

void TestWindowChrome::spareWidthGoesToTheRollout()
{
    createFlag(u"wide"_s);
    reloadList();
    m_window->resize(1700, 600);
    QTest::qWait(50);
    using models::FlagListModel;
    QHeaderView *header = m_window->table()->horizontalHeader();
    const int rollout = header->sectionSize(FlagListModel::RolloutColumn);
    const int lastCalled = header->sectionSize(FlagListModel::LastCalledColumn);
    QVERIFY2(rollout > 2 * lastCalled,
             qPrintable(u"rollout %1, last called %2"_s.arg(rollout).arg(lastCalled)));
    // And the columns still fill the table.
    QVERIFY(header->length() >= m_window->table()->viewport()->width() - 1);
}

void TestWindowChrome::theJsonPanelHidesAndStaysHidden()
{
    const qint64 id = createFlag(u"json"_s);
    QPointer<FlagEditorWindow> editor = openEditor(id);
    QVERIFY(editor);
    QWidget *json = editor->editorWidget()->jsonPanel();
    QVERIFY(json->isVisible());
    QAction *toggle = editor->editorWidget()->jsonPanelAction();
    bool inMenu = false;
    for (QAction *title : editor->menuBar()->actions())
        inMenu = inMenu || (title->menu() && title->menu()->actions().contains(toggle));
    QVERIFY(inMenu);
    const int formWidth = editor->editorWidget()->formTabs()->width();
    toggle->trigger();
    QVERIFY(!json->isVisible());
    QTRY_VERIFY(editor->editorWidget()->formTabs()->width() > formWidth);
    editor->close();
    QTRY_VERIFY(!editor);

    editor = openEditor(id);
    QVERIFY(editor);
    QVERIFY(!editor->editorWidget()->jsonPanel()->isVisible());
    QVERIFY(!editor->editorWidget()->jsonPanelAction()->isChecked());
    editor->editorWidget()->jsonPanelAction()->trigger();
    QVERIFY(editor->editorWidget()->jsonPanel()->isVisible());
}

void TestWindowChrome::helpMenuHasAboutAndTheReadme()
{
    auto *help = m_window->findChild<QMenu *>(u"helpMenu"_s);
    QVERIFY(help);
    QVERIFY(m_window->menuBar()->actions().contains(help->menuAction()));
    QAction *about = m_window->findChild<QAction *>(u"about"_s);
    QVERIFY(about);
    QVERIFY(help->actions().contains(about));
    QString text;
    whenModalOpens<QMessageBox>([&text](QMessageBox *box) {
        text = box->text();
        saveScreenshot(box, u"about"_s);
        box->button(QMessageBox::Close)->click();
    });
    about->trigger();
    QVERIFY2(text.contains(QStringLiteral(BUNTING_VERSION)), qPrintable(text));
    QVERIFY(text.contains(u"MIT"_s));
    QVERIFY(text.contains(QString::fromLatin1(qVersion())));

    // Each handbook entry opens the README at one of its headings.
    QFile readme(QStringLiteral(BUNTING_TEST_DATA_DIR "/../../README.md"));
    QVERIFY(readme.open(QIODevice::ReadOnly));
    QStringList anchors;
    for (const QString &line : QString::fromUtf8(readme.readAll()).split(u'\n'))
        if (line.startsWith(u"## "_s))
            anchors.append(line.mid(3).trimmed().toLower().replace(u' ', u'-'));
    UrlCatcher catcher;
    QDesktopServices::setUrlHandler(u"https"_s, &catcher, "open");
    int links = 0;
    for (QAction *action : help->actions()) {
        if (!action->objectName().startsWith(u"handbook"_s))
            continue;
        ++links;
        action->trigger();
        QCOMPARE(catcher.opened.size(), links);
        const QUrl url = catcher.opened.last();
        QCOMPARE(url.adjusted(QUrl::RemoveFragment), desktop::handbookUrl());
        QVERIFY2(anchors.contains(url.fragment()), qPrintable(url.toString()));
    }
    QDesktopServices::unsetUrlHandler(u"https"_s);
    QVERIFY(links >= 1);
}

void TestWindowChrome::emptyStateOffersToConnect()
{
    QTRY_VERIFY(m_window->isShowingEmptyState());
    auto *create = m_window->findChild<QPushButton *>(u"emptyStateButton"_s);
    auto *connect = m_window->findChild<QPushButton *>(u"emptyStateSecondaryButton"_s);
    QVERIFY(create && connect);
    QVERIFY(create->isVisible());
    QVERIFY(connect->isVisible());
    QVERIFY(connect->text().contains(u"PostHog"_s));
    QTest::mouseClick(connect, Qt::LeftButton);
    auto *dialog = m_window->findChild<views::ConnectionDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    dialog->reject();
}

void TestWindowChrome::windowTitlesNameTheirConnection()
{
    TestServer remote;
    const qint64 id = remote.createFlagId(u"titled"_s, test_builders::everyone(30));
    addRemote(remote, u"Staging"_s);
    const QString named = u" — Staging — Bunting"_s;
    FlagEditorWindow *editor = openEditor(id);
    QVERIFY(editor);
    QVERIFY2(editor->windowTitle().startsWith(u"titled"_s), qPrintable(editor->windowTitle()));
    QVERIFY2(editor->windowTitle().endsWith(named), qPrintable(editor->windowTitle()));
    editor->editor()->setName(u"Changed"_s);
    QVERIFY(editor->isWindowModified());
    QVERIFY2(editor->windowTitle().endsWith(named), qPrintable(editor->windowTitle()));
    QCOMPARE(editor->windowTitle().count(u"Staging"_s), 1);

    desktop::FlagInsightWindow *insight = m_window->openInsight(id);
    QTRY_VERIFY(insight->isLoaded());
    QVERIFY2(insight->windowTitle().endsWith(named), qPrintable(insight->windowTitle()));
    for (QWidget *window :
         std::initializer_list<QWidget *>{m_window->openHistory(id), m_window->openHistory(0),
                                          m_window->openUserFlags(), m_window->openStaleFlags()})
        QVERIFY2(window->windowTitle().endsWith(named), qPrintable(window->windowTitle()));
    // Nothing of this marks a connection that is not production.
    QVERIFY(!editor->findChild<QToolBar *>(u"productionStrip"_s));
}

void TestWindowChrome::productionIsColouredAndAsksBeforeSaving()
{
    TestServer remote;
    const qint64 id = remote.createFlagId(u"live-flag"_s, test_builders::everyone(30), u"Old"_s);
    addRemote(remote, u"Live"_s, true);
    QVERIFY(m_window->profiles()->current().production);
    auto *mainStrip = m_window->findChild<QToolBar *>(u"productionStrip"_s);
    QVERIFY(mainStrip);
    QTRY_VERIFY(mainStrip->isVisible());

    FlagEditorWindow *editor = openEditor(id);
    QVERIFY(editor);
    auto *strip = editor->findChild<QToolBar *>(u"productionStrip"_s);
    QVERIFY(strip);
    QTRY_VERIFY(strip->isVisible());
    QVERIFY(strip->findChild<QLabel *>()->text().contains(u"Live"_s));
    saveScreenshot(editor, u"production-editor"_s);

    editor->editor()->setName(u"New"_s);
    QString asked;
    whenModalOpens<QMessageBox>([&asked](QMessageBox *box) {
        asked = box->text();
        // Enter does not save on production.
        QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
        box->button(QMessageBox::Cancel)->click();
    });
    editor->save();
    QVERIFY2(asked.contains(u"live-flag"_s) && asked.contains(u"Live"_s), qPrintable(asked));
    QTest::qWait(200);
    QCOMPARE(remote.getFlag(id).value("name"_L1).toString(), u"Old"_s);
    QVERIFY(editor->isWindowModified());

    whenModalOpens<QMessageBox>([](QMessageBox *box) {
        for (QAbstractButton *button : box->buttons())
            if (box->buttonRole(button) == QMessageBox::AcceptRole)
                button->click();
    });
    editor->save();
    QTRY_VERIFY(!editor->isWindowModified());
    QCOMPARE(remote.getFlag(id).value("name"_L1).toString(), u"New"_s);

    // Back on the local profile, the main window wears no strip.
    whenModalOpens<QMessageBox>([](QMessageBox *box) {
        for (QAbstractButton *button : box->buttons())
            if (box->buttonRole(button) == QMessageBox::AcceptRole)
                button->click();
    });
    m_window->switchToProfile(api::ConnectionProfile::localId);
    QTRY_COMPARE(m_window->profiles()->currentId(), api::ConnectionProfile::localId);
    QVERIFY(!mainStrip->isVisible());
}

// Flags sent from elsewhere (Copy To, an import, a push of an offline copy) reach real users as
// a save does: the same question first, Cancel the default.
void TestWindowChrome::copyingFlagsToProductionAsksFirst()
{
    createFlag(u"to-ship"_s);
    TestServer remote;
    addRemote(remote, u"Live"_s, true);
    m_window->switchToProfile(api::ConnectionProfile::localId);
    QTRY_COMPARE(m_window->profiles()->currentId(), api::ConnectionProfile::localId);
    QTRY_COMPARE(m_window->flagModel()->rowCount(), 1);
    m_window->table()->selectRow(0);
    m_window->action(u"copyTo"_s)->trigger();
    desktop::PushDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<desktop::PushDialog *>()));
    QCOMPARE(dialog->targetBox()->currentText(), u"Live"_s); // the only other connection
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isReady(), 10000);

    QString asked;
    whenModalOpens<QMessageBox>([&asked](QMessageBox *box) {
        asked = box->text();
        QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
        box->button(QMessageBox::Cancel)->click();
    });
    dialog->pushButton()->click();
    QCOMPARE(asked, u"Send 1 flag to Live?"_s);
    QTest::qWait(200);
    QCOMPARE(remote.get(remote.flags()).object()["count"_L1].toInt(), 0);

    whenModalOpens<QMessageBox>([](QMessageBox *box) {
        for (QAbstractButton *button : box->buttons())
            if (box->buttonRole(button) == QMessageBox::AcceptRole)
                button->click();
    });
    QSignalSpy sent(dialog, &desktop::PushDialog::pushFinished);
    dialog->pushButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, 10000);
    QCOMPARE(remote.get(remote.flags()).object()["count"_L1].toInt(), 1);
}

void TestWindowChrome::switchingConnectionAsksBeforeClosingWindows()
{
    TestServer remote;
    remote.createFlagId(u"remote-flag"_s, test_builders::everyone(30));
    addRemote(remote, u"Staging"_s);
    QPointer<desktop::HistoryWindow> history = m_window->openHistory(0);
    QVERIFY(QTest::qWaitForWindowExposed(history));

    QString asked;
    whenModalOpens<QMessageBox>([&asked](QMessageBox *box) {
        asked = box->text() + u' ' + box->informativeText();
        box->button(QMessageBox::Cancel)->click();
    });
    m_window->switchToProfile(api::ConnectionProfile::localId);
    QVERIFY2(asked.contains(u"Staging"_s), qPrintable(asked));
    QCOMPARE(m_window->profiles()->current().name, u"Staging"_s);
    QVERIFY(history && history->isVisible());
    QCOMPARE(m_window->findChild<QComboBox *>(u"profileBox"_s)->currentText(), u"Staging"_s);

    whenModalOpens<QMessageBox>([](QMessageBox *box) {
        for (QAbstractButton *button : box->buttons())
            if (box->buttonRole(button) == QMessageBox::AcceptRole)
                button->click();
    });
    m_window->switchToProfile(api::ConnectionProfile::localId);
    QTRY_COMPARE(m_window->profiles()->currentId(), api::ConnectionProfile::localId);
    QTRY_VERIFY(!history);
}

void TestWindowChrome::theConnectionSwitcherStaysVisibleWhenNarrow()
{
    auto *box = m_window->findChild<QComboBox *>(u"profileBox"_s);
    QVERIFY(box);
    for (const int width : {1400, 900, 600, 420}) {
        m_window->resize(width, 500);
        QTest::qWait(50);
        QVERIFY2(box->isVisible(), qPrintable(QString::number(width)));
        const QRect where(box->mapTo(m_window.get(), QPoint()), box->size());
        QVERIFY2(m_window->rect().contains(where), qPrintable(QString::number(width)));
    }
}

void TestWindowChrome::screenshots()
{
    for (const QString &key : {u"new-checkout"_s, u"onboarding-tour"_s, u"pricing-page-v2"_s})
        createFlag(key, {{u"tags"_s, QJsonArray{u"growth"_s}}});
    createFlag(u"dark-mode"_s, {{u"active"_s, false}});
    reloadList();
    m_window->resize(1280, 600);
    QTest::qWait(50);
    saveScreenshot(m_window.get(), u"main-window-wide"_s);
    m_window->resize(640, 480);
    QTest::qWait(50);
    saveScreenshot(m_window.get(), u"main-window-narrow"_s);
    // Narrow, the search field still takes a search.
    auto *search = m_window->findChild<QLineEdit *>(u"search"_s);
    QVERIFY2(search->width() >= search->fontMetrics().horizontalAdvance(u'x') * 20,
             qPrintable(QString::number(search->width())));

    FlagEditorWindow *editor = openEditor(m_window->flagModel()->flagAt(0).id);
    QVERIFY(editor);
    editor->resize(800, 560);
    editor->editorWidget()->formTabs()->setCurrentIndex(1);
    QTest::qWait(50);
    saveScreenshot(editor, u"editor-small-conditions"_s);
    // The rollout of the selected condition is in sight without scrolling.
    auto *rollout = editor->findChild<QWidget *>(u"conditionRollout"_s);
    QVERIFY(rollout);
    QVERIFY(!rollout->visibleRegion().isEmpty());
}

QTEST_MAIN(TestWindowChrome)
#include "tst_window_chrome.moc"
