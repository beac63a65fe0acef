#pragma once

#include <QJsonValue>
#include <QWidget>

class QComboBox;
class QDateTimeEdit;
class QLineEdit;

namespace bunting::views {

// The value of a date operator: a calendar date (with a time when the filter had one), or a
// relative date counted back from the moment of evaluation ("-7d", "-2h", "-1w", "-3m", "-1y"),
// chosen with a toggle. Dates are UTC, as the engine reads them.
class PropertyDateEditor : public QWidget
{
    Q_OBJECT
public:
    enum class Mode { Absolute, Relative };

    explicit PropertyDateEditor(QWidget *parent = nullptr);

    // Shows `value` without emitting edited; one the engine cannot read shows as relative text,
    // with problem() saying why.
    void setValue(const QJsonValue &value);
    Mode mode() const;
    // What is wrong with the shown value; empty when the engine can use it.
    QString problem() const;

    QComboBox *modeCombo() const { return m_mode; }
    QDateTimeEdit *dateEdit() const { return m_date; }
    QLineEdit *relativeEdit() const { return m_relative; }

Q_SIGNALS:
    void edited(const QJsonValue &value);

private:
    void showMode(Mode mode);
    void setWithTime(bool withTime);
    QJsonValue absoluteValue() const;

    QComboBox *m_mode = nullptr;
    QDateTimeEdit *m_date = nullptr;
    QLineEdit *m_relative = nullptr;
    bool m_withTime = false;
    bool m_showing = false; // setValue is filling the fields
};

} // namespace bunting::views
