#pragma once

// What the widget and window suites share to let a person look at what they drew: screenshots
// on request, and the dark palette to take them in.
#include <QApplication>
#include <QDir>
#include <QPalette>
#include <QTest>
#include <QWidget>

namespace widget_test {

// A dark system palette, as the desktops that have one set it.
inline QPalette darkPalette()
{
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    dark.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Highlight, QColor(0x2a, 0x7f, 0xd4));
    dark.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    dark.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x70, 0x70, 0x70));
    dark.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x70, 0x70, 0x70));
    dark.setColor(QPalette::Disabled, QPalette::Text, QColor(0x70, 0x70, 0x70));
    return dark;
}

inline bool darkScreenshotsAsked()
{
    return qEnvironmentVariableIsSet("BUNTING_SCREENSHOTS_DARK");
}

// BUNTING_SCREENSHOTS_DARK=1: the whole suite runs in the dark palette, to see how it looks there.
inline void useDarkPaletteWhenAsked()
{
    if (!darkScreenshotsAsked())
        return;
    QApplication::setStyle(QStringLiteral("Fusion"));
    QApplication::setPalette(darkPalette());
}

// With BUNTING_SCREENSHOTS=<dir>, the widget as the test leaves it goes to <dir>/<name>.png
// (<name>_dark.png in the dark palette), to be looked at by a person.
inline void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("BUNTING_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    const QString file = QDir(dir).filePath(
        name + (darkScreenshotsAsked() ? QStringLiteral("_dark.png") : QStringLiteral(".png")));
    QCoreApplication::processEvents();
    QVERIFY2(widget->grab().save(file), qPrintable(file));
}

} // namespace widget_test
