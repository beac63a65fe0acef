#include "connection_identity.h"

#include <QCoreApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QMainWindow>
#include <QToolBar>

using namespace Qt::StringLiterals;

namespace bunting::desktop {

namespace {

constexpr char kConnection[] = "buntingConnection";
constexpr char kProduction[] = "buntingProduction";
const QString kSuffix = u" — Bunting"_s;

} // namespace

QColor productionColour()
{
    return QColor(0xc0, 0x39, 0x2b);
}

QString titleWithConnection(const QString &title, const QString &connection)
{
    if (connection.isEmpty() || title.contains(u" — "_s + connection + kSuffix))
        return title;
    if (title.endsWith(kSuffix))
        return title.chopped(kSuffix.size()) + u" — "_s + connection + kSuffix;
    return title + u" — "_s + connection;
}

QString connectionOf(const QWidget *window)
{
    return window ? window->window()->property(kConnection).toString() : QString();
}

bool isProduction(const QWidget *window)
{
    return window && window->window()->property(kProduction).toBool();
}

void showProductionStrip(QMainWindow *window, const api::ConnectionProfile &profile)
{
    window->setProperty(kProduction, profile.production);
    auto *strip = window->findChild<QToolBar *>(u"productionStrip"_s, Qt::FindDirectChildrenOnly);
    if (!profile.production) {
        if (strip)
            strip->hide();
        return;
    }
    if (!strip) {
        strip = new QToolBar(window);
        strip->setObjectName(u"productionStrip"_s);
        strip->setMovable(false);
        strip->setFloatable(false);
        strip->toggleViewAction()->setVisible(false);
        strip->setContextMenuPolicy(Qt::PreventContextMenu);
        auto *label = new QLabel(strip);
        label->setObjectName(u"productionLabel"_s);
        label->setAlignment(Qt::AlignCenter);
        label->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
        label->setAutoFillBackground(true);
        label->setContentsMargins(8, 3, 8, 3);
        QFont bold = label->font();
        bold.setBold(true);
        label->setFont(bold);
        QPalette colours = label->palette();
        colours.setColor(QPalette::Window, productionColour());
        colours.setColor(QPalette::WindowText, Qt::white);
        label->setPalette(colours);
        strip->addWidget(label);
        strip->setStyleSheet(u"QToolBar#productionStrip { padding: 0; spacing: 0; border: 0; }"_s);
        // Its own row above the window's toolbars, which cannot push it into their overflow.
        QToolBar *first = nullptr;
        for (QToolBar *bar : window->findChildren<QToolBar *>(Qt::FindDirectChildrenOnly))
            if (bar != strip && window->toolBarArea(bar) == Qt::TopToolBarArea && !first)
                first = bar;
        if (first) {
            window->insertToolBar(first, strip);
            window->insertToolBarBreak(first);
        } else {
            window->addToolBar(Qt::TopToolBarArea, strip);
        }
    }
    strip->findChild<QLabel *>(u"productionLabel"_s)
        ->setText(QCoreApplication::translate("ConnectionIdentity",
                                              "Production: %1. Changes reach real users.")
                      .arg(profile.title()));
    strip->show();
}

void markConnection(QMainWindow *window, const api::ConnectionProfile &profile)
{
    const bool first = !window->property(kConnection).isValid();
    window->setProperty(kConnection, profile.title());
    showProductionStrip(window, profile);
    const auto retitle = [window](const QString &title) {
        const QString named = titleWithConnection(title, connectionOf(window));
        if (named != title)
            window->setWindowTitle(named); // comes back here once, already named
    };
    if (first)
        QObject::connect(window, &QWidget::windowTitleChanged, window, retitle);
    retitle(window->windowTitle());
}

} // namespace bunting::desktop
