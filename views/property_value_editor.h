#pragma once

#include "operators.h"

#include <QJsonValue>
#include <QWidget>

class QComboBox;
class QLineEdit;
class QStackedWidget;

namespace bunting::views {

class PropertyDateEditor;

// The value part of a filter row: one editor per ValueKind, of which the row shows the one its
// operator needs. Edits come back in the JSON shape of the value it was given (a number stays a
// number, a single value stays single), so that the form writes what PostHog's own form would.
class PropertyValueEditor : public QWidget
{
    Q_OBJECT
public:
    explicit PropertyValueEditor(QWidget *parent = nullptr);

    // Choices of the cohort picker: id, name.
    void setCohorts(const QList<std::pair<qint64, QString>> &cohorts);
    // The variant keys the flag picker offers after true and false.
    void setFlagVariants(const QStringList &variants);

    // Shows `value` in the editor for `kind` without emitting valueEdited; `op` tells the semver
    // editor which form to check.
    void showValue(ValueKind kind, Operator op, const QJsonValue &value);
    ValueKind kind() const { return m_kind; }
    // The editor shown for the current kind (an empty widget for no value).
    QWidget *currentEditor() const;
    // What is wrong with the shown value ("invalid regex: ..."); empty when it can be used.
    QString problem() const;

    QLineEdit *listEdit() const { return m_list; }
    QLineEdit *textEdit() const { return m_text; }
    QLineEdit *regexEdit() const { return m_regex; }
    QLineEdit *numberEdit() const { return m_number; }
    PropertyDateEditor *dateEditor() const { return m_date; }
    QLineEdit *semverEdit() const { return m_semver; }
    QComboBox *cohortCombo() const { return m_cohort; }
    QComboBox *flagValueCombo() const { return m_flagValue; }
    QLineEdit *jsonEdit() const { return m_json; }

Q_SIGNALS:
    void valueEdited(const QJsonValue &value);
    // After every edit or showValue; empty when the value is fine.
    void problemChanged(const QString &problem);

private:
    QLineEdit *addLineEdit(const QString &name, const QString &placeholder,
                           const QString &accessibleName);
    void fillCohorts();
    void fillFlagValues();
    void edited(const QJsonValue &value);

    QStackedWidget *m_stack = nullptr;
    QWidget *m_none = nullptr;
    QLineEdit *m_list = nullptr;
    QLineEdit *m_text = nullptr;
    QLineEdit *m_regex = nullptr;
    QLineEdit *m_number = nullptr;
    PropertyDateEditor *m_date = nullptr;
    QLineEdit *m_semver = nullptr;
    QComboBox *m_cohort = nullptr;
    QComboBox *m_flagValue = nullptr;
    QLineEdit *m_json = nullptr;

    ValueKind m_kind = ValueKind::None;
    Operator m_op = Operator::Exact;
    // The value as shown last: its JSON shape decides the shape of edits.
    QJsonValue m_shown;
    QList<std::pair<qint64, QString>> m_cohorts;
    QStringList m_variants;
    bool m_showing = false; // the combo boxes are being filled, not chosen from
};

} // namespace bunting::views
