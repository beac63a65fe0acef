#pragma once

#include <QWidget>

class QDoubleSpinBox;
class QSlider;

namespace bunting::views {

// A share of users, 0-100 %, as a slider for a quick drag and a spin box for an exact value with
// decimals (PostHog accepts 33.33). The two always agree; valueChanged fires once per change.
class PercentEditor : public QWidget
{
    Q_OBJECT
public:
    explicit PercentEditor(QWidget *parent = nullptr);

    double value() const;
    void setValue(double percent); // clamped to 0-100, two decimals, without valueChanged
    QDoubleSpinBox *spinBox() const { return m_spin; }
    QSlider *slider() const { return m_slider; }

Q_SIGNALS:
    void valueChanged(double percent);

private:
    QSlider *m_slider = nullptr;
    QDoubleSpinBox *m_spin = nullptr;
    bool m_syncing = false;
};

} // namespace bunting::views
