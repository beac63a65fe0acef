#include "icons.h"

#include <QApplication>
#include <QIconEngine>
#include <QPainter>
#include <QPixmap>
#include <QSvgRenderer>

using namespace Qt::StringLiterals;

static void initBuntingResources()
{
    // A static library's resources need registering from outside any namespace.
    Q_INIT_RESOURCE(bunting);
}

namespace bunting::views {

namespace {

void ensureResources()
{
    static const bool done = (initBuntingResources(), true);
    Q_UNUSED(done);
}

// Renders on demand, so the icon is sharp at any size and scale and follows the colour it was
// made with (normal and disabled states differ).
class TintedSvgEngine : public QIconEngine
{
public:
    TintedSvgEngine(QString path, QColor normal, QColor disabled)
        : m_path(std::move(path)), m_normal(normal), m_disabled(disabled)
    {
    }

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State) override
    {
        const qreal ratio = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
        painter->drawPixmap(rect, render(rect.size(), ratio, mode));
    }

    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State) override
    {
        return render(size, 1.0, mode);
    }

    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State, qreal scale) override
    {
        return render(size, scale, mode);
    }

    QIconEngine *clone() const override
    {
        return new TintedSvgEngine(m_path, m_normal, m_disabled);
    }

private:
    QPixmap render(const QSize &size, qreal ratio, QIcon::Mode mode) const
    {
        QPixmap pixmap(size * ratio);
        pixmap.fill(Qt::transparent);
        QSvgRenderer renderer(m_path);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        renderer.render(&painter);
        painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
        painter.fillRect(pixmap.rect(), mode == QIcon::Disabled ? m_disabled : m_normal);
        painter.end();
        pixmap.setDevicePixelRatio(ratio);
        return pixmap;
    }

    QString m_path;
    QColor m_normal;
    QColor m_disabled;
};

} // namespace

QIcon themedIcon(const QString &name, const QPalette &palette)
{
    ensureResources();
    const QPalette &p = palette.resolveMask() == 0 ? QApplication::palette() : palette;
    return QIcon(new TintedSvgEngine(u":/icons/%1.svg"_s.arg(name),
                                     p.color(QPalette::Active, QPalette::WindowText),
                                     p.color(QPalette::Disabled, QPalette::WindowText)));
}

QIcon appIcon()
{
    ensureResources();
    return QIcon(u":/icons/bunting.svg"_s);
}

} // namespace bunting::views
