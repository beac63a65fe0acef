#include "property_date_editor.h"

#include "date_matching.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QRegularExpression>
#include <QScopedValueRollback>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

const QString kDateFormat = u"yyyy-MM-dd"_s;
const QString kDateTimeFormat = u"yyyy-MM-dd HH:mm:ss"_s;
// The relative form DateFilter reads, told apart from an absolute date that also parses.
const QRegularExpression kRelative(u"^-?\\d+[hdwmy]$"_s);

bool isRelative(const QString &text)
{
    return kRelative.match(text.trimmed()).hasMatch() && DateFilter::parse(text).has_value();
}

} // namespace

PropertyDateEditor::PropertyDateEditor(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_mode = new QComboBox(this);
    m_mode->setObjectName(u"dateModeCombo"_s);
    m_mode->addItem(tr("Date"), int(Mode::Absolute));
    m_mode->addItem(tr("Relative"), int(Mode::Relative));
    m_mode->setAccessibleName(tr("Absolute or relative date"));
    m_date = new QDateTimeEdit(this);
    m_date->setObjectName(u"dateEdit"_s);
    m_date->setCalendarPopup(true);
    m_date->setAccessibleName(tr("Date (UTC)"));
    m_relative = new QLineEdit(this);
    m_relative->setObjectName(u"relativeDateEdit"_s);
    m_relative->setPlaceholderText(tr("-7d"));
    m_relative->setToolTip(tr("Counted back from the moment of evaluation: -2h hours, -7d days, "
                              "-1w weeks, -3m months, -1y years"));
    m_relative->setAccessibleName(tr("Relative date"));
    layout->addWidget(m_mode);
    layout->addWidget(m_date, 1);
    layout->addWidget(m_relative, 1);
    setWithTime(false);
    // Today, for switching a new filter to a date.
    m_date->setDateTime(QDateTime(QDate::currentDate(), QTime(0, 0)));
    showMode(Mode::Relative);

    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] {
        if (m_showing)
            return;
        showMode(mode());
        if (mode() == Mode::Relative) {
            // An empty field would store nothing while the toggle says something changed.
            if (m_relative->text().trimmed().isEmpty())
                m_relative->setText(u"-7d"_s);
            Q_EMIT edited(m_relative->text().trimmed());
        } else {
            Q_EMIT edited(absoluteValue());
        }
    });
    connect(m_date, &QDateTimeEdit::dateTimeChanged, this, [this] {
        if (!m_showing)
            Q_EMIT edited(absoluteValue());
    });
    connect(m_relative, &QLineEdit::textEdited, this,
            [this](const QString &text) { Q_EMIT edited(text.trimmed()); });
}

void PropertyDateEditor::setWithTime(bool withTime)
{
    m_withTime = withTime;
    m_date->setDisplayFormat(withTime ? kDateTimeFormat : kDateFormat);
}

void PropertyDateEditor::showMode(Mode mode)
{
    const QScopedValueRollback showing(m_showing, true);
    m_mode->setCurrentIndex(m_mode->findData(int(mode)));
    m_date->setVisible(mode == Mode::Absolute);
    m_relative->setVisible(mode == Mode::Relative);
}

PropertyDateEditor::Mode PropertyDateEditor::mode() const
{
    return Mode(m_mode->currentData().toInt());
}

void PropertyDateEditor::setValue(const QJsonValue &value)
{
    const QString text = value.isString() ? value.toString() : QString();
    const QScopedValueRollback showing(m_showing, true);
    if (value.isString() && isRelative(text)) {
        m_relative->setText(text);
        showMode(Mode::Relative);
        return;
    }
    if (const auto when = parseDateValue(value)) {
        // The shown wall-clock time is UTC; the edit itself knows no time zone.
        const QDateTime utc = when->toUTC();
        setWithTime(utc.time() != QTime(0, 0) || text.trimmed().size() > kDateFormat.size());
        m_date->setDateTime(QDateTime(utc.date(), utc.time()));
        m_relative->clear();
        showMode(Mode::Absolute);
        return;
    }
    m_relative->setText(value.isUndefined() || value.isNull() ? QString() : text);
    showMode(Mode::Relative);
}

QJsonValue PropertyDateEditor::absoluteValue() const
{
    const QDateTime shown = m_date->dateTime();
    return m_withTime ? shown.toString(kDateTimeFormat) : shown.date().toString(kDateFormat);
}

QString PropertyDateEditor::problem() const
{
    if (mode() == Mode::Absolute)
        return {};
    const QString text = m_relative->text().trimmed();
    if (!text.isEmpty() && !DateFilter::parse(text))
        return tr("Not a date: use a date, or a relative date such as -2h, -7d, -1w, -3m, -1y.");
    return {};
}

} // namespace bunting::views
