#include "property_value_editor.h"

#include "json_editor.h"
#include "json_record.h"
#include "property_date_editor.h"
#include "property_value_text.h"
#include "semver.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QRegularExpression>
#include <QScopedValueRollback>
#include <QStackedWidget>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

// Cohort ids may be stored as numbers or as strings ("5"); both name the same cohort.
std::optional<qint64> cohortId(const QJsonValue &value)
{
    if (value.isDouble())
        return value.toInteger();
    bool ok = false;
    const qint64 id = value.toString().trimmed().toLongLong(&ok);
    return ok ? std::optional(id) : std::nullopt;
}

} // namespace

PropertyValueEditor::PropertyValueEditor(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    layout->addWidget(m_stack);

    m_none = new QWidget(m_stack);
    m_none->setObjectName(u"noValue"_s);
    m_stack->addWidget(m_none);
    m_list = addLineEdit(u"listEdit"_s, tr("value, another value"), tr("Values"));
    m_list->setToolTip(tr("Matches any of the values, separated by commas (write \\, for a comma "
                          "inside a value). Case does not matter."));
    m_text = addLineEdit(u"textEdit"_s, tr("text"), tr("Text"));
    m_regex = addLineEdit(u"regexEdit"_s, tr("regular expression"), tr("Regular expression"));
    m_number = addLineEdit(u"numberEdit"_s, tr("number"), tr("Number"));
    m_date = new PropertyDateEditor(m_stack);
    m_date->setObjectName(u"dateEditor"_s);
    m_stack->addWidget(m_date);
    m_semver = addLineEdit(u"semverEdit"_s, tr("1.2.3"), tr("Version"));
    m_cohort = new QComboBox(m_stack);
    m_cohort->setObjectName(u"cohortCombo"_s);
    m_cohort->setPlaceholderText(tr("Choose a cohort"));
    m_cohort->setAccessibleName(tr("Cohort"));
    m_stack->addWidget(m_cohort);
    m_flagValue = new QComboBox(m_stack);
    m_flagValue->setObjectName(u"flagValueCombo"_s);
    m_flagValue->setAccessibleName(tr("Flag value"));
    m_stack->addWidget(m_flagValue);
    m_json = addLineEdit(u"jsonEdit"_s, tr("JSON value"), tr("Value as JSON"));

    connect(m_list, &QLineEdit::textEdited, this,
            [this](const QString &text) { edited(listFromText(text, m_shown)); });
    for (QLineEdit *edit : {m_text, m_regex, m_number, m_semver})
        connect(edit, &QLineEdit::textEdited, this,
                [this](const QString &text) { edited(scalarFromText(text, m_shown)); });
    connect(m_json, &QLineEdit::textEdited, this, [this](const QString &text) {
        QString error;
        const QJsonValue value = JsonEditor::parse(text, &error);
        if (error.isEmpty() && !text.trimmed().isEmpty())
            edited(value);
        else
            Q_EMIT problemChanged(problem());
    });
    connect(m_date, &PropertyDateEditor::edited, this, &PropertyValueEditor::edited);
    connect(m_cohort, &QComboBox::currentIndexChanged, this, [this] {
        if (m_showing || m_cohort->currentIndex() < 0)
            return;
        const qint64 id = m_cohort->currentData().toLongLong();
        // A cohort id written as a string stays a string.
        edited(m_shown.isString() ? QJsonValue(QString::number(id)) : QJsonValue(id));
    });
    connect(m_flagValue, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_showing && m_flagValue->currentIndex() >= 0)
            edited(QJsonValue::fromVariant(m_flagValue->currentData()));
    });
}

QLineEdit *PropertyValueEditor::addLineEdit(const QString &name, const QString &placeholder,
                                            const QString &accessibleName)
{
    auto *edit = new QLineEdit(m_stack);
    edit->setObjectName(name);
    edit->setPlaceholderText(placeholder);
    edit->setAccessibleName(accessibleName);
    edit->setClearButtonEnabled(true);
    m_stack->addWidget(edit);
    return edit;
}

void PropertyValueEditor::setCohorts(const QList<std::pair<qint64, QString>> &cohorts)
{
    m_cohorts = cohorts;
    fillCohorts();
}

void PropertyValueEditor::setFlagVariants(const QStringList &variants)
{
    m_variants = variants;
    fillFlagValues();
}

void PropertyValueEditor::fillCohorts()
{
    const QScopedValueRollback showing(m_showing, true);
    m_cohort->clear();
    for (const auto &[id, name] : std::as_const(m_cohorts))
        m_cohort->addItem(name, id);
    const auto id = m_kind == ValueKind::Cohort ? cohortId(m_shown) : std::nullopt;
    if (!id) {
        m_cohort->setCurrentIndex(-1);
        return;
    }
    int index = m_cohort->findData(*id);
    if (index < 0) {
        // A cohort the project list does not have (deleted, or not loaded yet) stays selected.
        m_cohort->addItem(tr("Cohort %1").arg(*id), *id);
        index = m_cohort->count() - 1;
    }
    m_cohort->setCurrentIndex(index);
}

void PropertyValueEditor::fillFlagValues()
{
    const QScopedValueRollback showing(m_showing, true);
    m_flagValue->clear();
    m_flagValue->addItem(tr("true"), true);
    m_flagValue->addItem(tr("false"), false);
    for (const QString &variant : std::as_const(m_variants))
        m_flagValue->addItem(variant, variant);
    if (m_kind != ValueKind::FlagValue || m_shown.isUndefined() || m_shown.isNull()) {
        m_flagValue->setCurrentIndex(-1);
        return;
    }
    int index = m_flagValue->findData(m_shown.toVariant());
    if (index < 0) {
        m_flagValue->addItem(valueText(m_shown), m_shown.toVariant());
        index = m_flagValue->count() - 1;
    }
    m_flagValue->setCurrentIndex(index);
}

void PropertyValueEditor::showValue(ValueKind kind, Operator op, const QJsonValue &value)
{
    m_kind = kind;
    m_op = op;
    m_shown = value;
    switch (kind) {
    case ValueKind::None:
        m_stack->setCurrentWidget(m_none);
        break;
    case ValueKind::List:
        m_list->setText(joinValues(listEntries(value)));
        m_stack->setCurrentWidget(m_list);
        break;
    case ValueKind::Text:
        m_text->setText(valueText(value));
        m_stack->setCurrentWidget(m_text);
        break;
    case ValueKind::Regex:
        m_regex->setText(valueText(value));
        m_stack->setCurrentWidget(m_regex);
        break;
    case ValueKind::Number:
        m_number->setText(valueText(value));
        m_stack->setCurrentWidget(m_number);
        break;
    case ValueKind::Date:
        m_date->setValue(value);
        m_stack->setCurrentWidget(m_date);
        break;
    case ValueKind::Semver:
        m_semver->setText(valueText(value));
        m_semver->setPlaceholderText(op == Operator::SemverWildcard ? tr("1.2.*") : tr("1.2.3"));
        m_stack->setCurrentWidget(m_semver);
        break;
    case ValueKind::Cohort:
        fillCohorts();
        m_stack->setCurrentWidget(m_cohort);
        break;
    case ValueKind::FlagValue:
        fillFlagValues();
        m_stack->setCurrentWidget(m_flagValue);
        break;
    case ValueKind::Json:
        m_json->setText(compactJson(value));
        m_stack->setCurrentWidget(m_json);
        break;
    }
    Q_EMIT problemChanged(problem());
}

QWidget *PropertyValueEditor::currentEditor() const
{
    return m_stack->currentWidget();
}

void PropertyValueEditor::edited(const QJsonValue &value)
{
    Q_EMIT valueEdited(value);
    Q_EMIT problemChanged(problem());
}

QString PropertyValueEditor::problem() const
{
    switch (m_kind) {
    case ValueKind::Regex: {
        const QRegularExpression regex(m_regex->text());
        if (!regex.isValid())
            return tr("Invalid regex: %1 (at character %2)")
                .arg(regex.errorString())
                .arg(regex.patternErrorOffset() + 1);
        return {};
    }
    case ValueKind::Number: {
        const QString text = m_number->text().trimmed();
        bool ok = false;
        text.toDouble(&ok);
        if (!text.isEmpty() && !ok)
            return tr("Not a number: values are compared as text.");
        return {};
    }
    case ValueKind::Semver: {
        const QString text = m_semver->text();
        if (text.trimmed().isEmpty())
            return {};
        if (m_op == Operator::SemverWildcard)
            return wildcardRange(text) ? QString()
                                       : tr("Not a version pattern: write 1.*, 1.2.* or 1.2.x.");
        return parseSemver(text) ? QString() : tr("Not a version: write 1.2.3, 1.2 or v1.");
    }
    case ValueKind::Date:
        return m_date->problem();
    case ValueKind::Json: {
        if (m_json->text().trimmed().isEmpty())
            return {};
        QString error;
        JsonEditor::parse(m_json->text(), &error);
        return error.isEmpty() ? QString() : tr("Not valid JSON: %1").arg(error);
    }
    case ValueKind::None:
    case ValueKind::List:
    case ValueKind::Text:
    case ValueKind::Cohort:
    case ValueKind::FlagValue:
        break;
    }
    return {};
}

} // namespace bunting::views
