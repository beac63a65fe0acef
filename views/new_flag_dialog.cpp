#include "new_flag_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QSettings>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

NewFlagDialog::NewFlagDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("New feature flag"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_name = new QLineEdit(this);
    m_name->setObjectName(u"name"_s);
    m_name->setPlaceholderText(tr("New checkout flow"));
    m_key = new QLineEdit(this);
    m_key->setObjectName(u"key"_s);
    m_key->setPlaceholderText(tr("new-checkout-flow"));
    m_key->setValidator(
        new QRegularExpressionValidator(QRegularExpression(u"[A-Za-z0-9_-]*"_s), m_key));
    form->addRow(tr("&Name"), m_name);
    form->addRow(tr("&Key"), m_key);
    layout->addLayout(form);
    auto *hint = new QLabel(tr("The key is what your code asks for. It cannot be changed "
                               "without updating that code."),
                            this);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(hint);
    // A new flag reaches no one: who gets it is decided in the editor, which says so on save.
    m_startInactive = new QRadioButton(tr("Start switched &off"), this);
    m_startInactive->setObjectName(u"startInactive"_s);
    m_startAtZero = new QRadioButton(tr("Start switched on, for &0% of users"), this);
    m_startAtZero->setObjectName(u"startAtZero"_s);
    m_startInactive->setChecked(true);
    // Below the key's hint, which is about the key.
    auto *startForm = new QFormLayout;
    startForm->addRow(tr("Start"), m_startInactive);
    startForm->addRow(QString(), m_startAtZero);
    layout->addLayout(startForm);
    auto *startHint = new QLabel(
        tr("Either way, no one gets the flag until you roll it out in the editor."), this);
    startHint->setWordWrap(true);
    startHint->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(startHint);
    m_error = new QLabel(this);
    m_error->setObjectName(u"error"_s);
    m_error->setWordWrap(true);
    QPalette p = m_error->palette();
    p.setColor(QPalette::WindowText, QColor(0xda, 0x44, 0x53));
    m_error->setPalette(p);
    m_error->hide();
    layout->addWidget(m_error);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    layout->addWidget(m_buttons);
    // The dialog stays open until the server has created the flag, so a refused key can be
    // corrected in place.
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (!isValidKey(key()))
            return;
        if (m_settings)
            m_settings->setValue(u"newFlag/start"_s,
                                 start() == Start::ZeroPercent ? u"zero"_s : u"inactive"_s);
        setBusy(true);
        Q_EMIT submitted();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(m_name, &QLineEdit::textEdited, this, [this](const QString &text) {
        if (!m_keyEdited)
            m_key->setText(keyFromName(text));
        updateState();
    });
    connect(m_key, &QLineEdit::textEdited, this, [this](const QString &text) {
        m_keyEdited = !text.isEmpty();
        m_error->hide();
        updateState();
    });
    updateState();
    resize(420, sizeHint().height());
}

QString NewFlagDialog::key() const
{
    return m_key->text().trimmed();
}

QString NewFlagDialog::name() const
{
    return m_name->text().trimmed();
}

NewFlagDialog::Start NewFlagDialog::start() const
{
    return m_startAtZero->isChecked() ? Start::ZeroPercent : Start::Inactive;
}

void NewFlagDialog::setStart(Start start)
{
    (start == Start::ZeroPercent ? m_startAtZero : m_startInactive)->setChecked(true);
}

void NewFlagDialog::setSettings(QSettings *settings)
{
    m_settings = settings;
    if (settings)
        setStart(settings->value(u"newFlag/start"_s).toString() == "zero"_L1 ? Start::ZeroPercent
                                                                             : Start::Inactive);
}

void NewFlagDialog::showKeyError(const QString &message)
{
    setBusy(false);
    m_error->setText(message);
    m_error->show();
    m_key->setFocus();
    m_key->selectAll();
}

void NewFlagDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_name->setEnabled(!busy);
    m_key->setEnabled(!busy);
    updateState();
}

QString NewFlagDialog::keyFromName(const QString &name)
{
    QString key;
    bool dash = false;
    for (const QChar c : name.trimmed().toLower()) {
        if ((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'_') {
            if (dash && !key.isEmpty())
                key.append(u'-');
            key.append(c);
            dash = false;
        } else {
            dash = true;
        }
    }
    return key;
}

bool NewFlagDialog::isValidKey(const QString &key)
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9_-]+$"_s);
    return pattern.match(key).hasMatch();
}

void NewFlagDialog::updateState()
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!m_busy && isValidKey(key()));
}

} // namespace bunting::views
