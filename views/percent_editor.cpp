#include "percent_editor.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QSlider>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

// The slider counts hundredths of a percent, so it can show any value the spin box holds.
constexpr int kSteps = 100;

} // namespace

PercentEditor::PercentEditor(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setObjectName(u"percentSlider"_s);
    m_slider->setRange(0, 100 * kSteps);
    m_slider->setSingleStep(kSteps);
    m_slider->setPageStep(10 * kSteps);
    m_slider->setAccessibleName(tr("Share of users"));
    m_spin = new QDoubleSpinBox(this);
    m_spin->setObjectName(u"percentSpin"_s);
    m_spin->setRange(0, 100);
    m_spin->setDecimals(2);
    m_spin->setSuffix(u" %"_s);
    m_spin->setAccessibleName(tr("Share of users in percent"));
    m_spin->setKeyboardTracking(false);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_spin);

    connect(m_slider, &QSlider::valueChanged, this, [this](int steps) {
        if (m_syncing)
            return;
        // A drag moves in whole percents; the arrow keys and page keys too.
        const double percent = std::round(double(steps) / kSteps);
        m_syncing = true;
        m_spin->setValue(percent);
        m_slider->setValue(int(percent * kSteps));
        m_syncing = false;
        Q_EMIT valueChanged(percent);
    });
    connect(m_spin, &QDoubleSpinBox::valueChanged, this, [this](double percent) {
        if (m_syncing)
            return;
        m_syncing = true;
        m_slider->setValue(int(std::lround(percent * kSteps)));
        m_syncing = false;
        Q_EMIT valueChanged(percent);
    });
}

double PercentEditor::value() const
{
    return m_spin->value();
}

void PercentEditor::setValue(double percent)
{
    m_syncing = true;
    m_spin->setValue(std::clamp(percent, 0.0, 100.0));
    m_slider->setValue(int(std::lround(m_spin->value() * kSteps)));
    m_syncing = false;
}

} // namespace bunting::views
