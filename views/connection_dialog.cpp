#include "connection_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

using api::ConnectionCheck;
using api::ConnectionProfile;
using api::HostPreset;

namespace {

QStyle::StandardPixmap iconFor(ConnectionCheck::Verdict verdict)
{
    switch (verdict) {
    case ConnectionCheck::Verdict::Ok:
        return QStyle::SP_DialogApplyButton;
    // Worth another try as they are: the network or the server may recover.
    case ConnectionCheck::Verdict::HostUnreachable:
    case ConnectionCheck::Verdict::Timeout:
    case ConnectionCheck::Verdict::ServerError:
        return QStyle::SP_MessageBoxWarning;
    default:
        return QStyle::SP_MessageBoxCritical;
    }
}

} // namespace

ConnectionDialog::ConnectionDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("PostHog connection"));
    m_check = new ConnectionCheck(this);

    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    layout->addLayout(form);

    m_name = new QLineEdit(this);
    m_name->setObjectName(u"name"_s);
    form->addRow(tr("&Name"), m_name);

    m_host = new QComboBox(this);
    m_host->setObjectName(u"host"_s);
    for (const HostPreset &preset : api::hostPresets())
        m_host->addItem(preset.label, QVariant::fromValue(int(preset.id)));
    m_customUrl = new QLineEdit(this);
    m_customUrl->setObjectName(u"customUrl"_s);
    m_customUrl->setPlaceholderText(tr("https://posthog.example.com"));
    auto *hostColumn = new QVBoxLayout;
    hostColumn->addWidget(m_host);
    hostColumn->addWidget(m_customUrl);
    // A label names its field by its mnemonic only with a buddy; without one it shows the "&".
    auto *hostLabel = new QLabel(tr("&Host"), this);
    hostLabel->setBuddy(m_host);
    form->addRow(hostLabel, hostColumn);

    m_project = new QLineEdit(this);
    m_project->setObjectName(u"projectId"_s);
    m_project->setPlaceholderText(tr("12345"));
    m_project->setToolTip(tr("The number in the project's URL (/project/12345) and settings."));
    form->addRow(tr("&Project ID"), m_project);

    m_key = new QLineEdit(this);
    m_key->setObjectName(u"apiKey"_s);
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(tr("phx_…"));
    m_showKey = new QToolButton(this);
    m_showKey->setObjectName(u"showKey"_s);
    m_showKey->setCheckable(true);
    m_showKey->setText(tr("Show"));
    m_showKey->setToolTip(tr("Show the key"));
    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(m_key, 1);
    keyRow->addWidget(m_showKey);
    auto *keyLabel = new QLabel(tr("Personal API &key"), this);
    keyLabel->setBuddy(m_key);
    form->addRow(keyLabel, keyRow);

    m_keyProblem = new QLabel(this);
    m_keyProblem->setObjectName(u"keyProblem"_s);
    m_keyProblem->setWordWrap(true);
    m_keyProblem->hide();
    form->addRow(QString(), m_keyProblem);

    m_production = new QCheckBox(tr("P&roduction: colour its windows and ask before saving"), this);
    m_production->setObjectName(u"production"_s);
    m_production->setToolTip(
        tr("Real users get their flags from this project: its windows wear a red strip, and "
           "saving a flag there asks first."));
    form->addRow(QString(), m_production);

    auto *help = new QLabel(tr("Create the key in PostHog under Settings → Personal API keys, "
                               "with the scopes feature_flag:read and feature_flag:write."),
                            this);
    help->setWordWrap(true);
    help->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(help);

    auto *testRow = new QHBoxLayout;
    m_test = new QPushButton(tr("&Test connection"), this);
    m_test->setObjectName(u"testConnection"_s);
    m_test->setAutoDefault(false);
    testRow->addWidget(m_test);
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(u"busy"_s);
    m_busy->setRange(0, 0); // no steps to count: it only shows that the check runs
    m_busy->setTextVisible(false);
    m_busy->setMaximumWidth(80);
    m_busy->hide();
    testRow->addWidget(m_busy);
    testRow->addStretch(1);
    layout->addLayout(testRow);

    auto *verdictRow = new QHBoxLayout;
    m_verdictIcon = new QLabel(this);
    m_verdictIcon->setObjectName(u"verdictIcon"_s);
    m_verdictIcon->setAlignment(Qt::AlignTop);
    m_verdictText = new QLabel(this);
    m_verdictText->setObjectName(u"verdictText"_s);
    m_verdictText->setWordWrap(true);
    m_verdictText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    verdictRow->addWidget(m_verdictIcon);
    verdictRow->addWidget(m_verdictText, 1);
    layout->addLayout(verdictRow);
    layout->addStretch(1);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (isComplete())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    for (QLineEdit *edit : {m_name, m_customUrl, m_project, m_key})
        connect(edit, &QLineEdit::textChanged, this, &ConnectionDialog::fieldsChanged);
    connect(m_host, &QComboBox::currentIndexChanged, this, &ConnectionDialog::fieldsChanged);
    connect(m_showKey, &QToolButton::toggled, this, [this](bool shown) {
        m_key->setEchoMode(shown ? QLineEdit::Normal : QLineEdit::Password);
        m_showKey->setText(shown ? tr("Hide") : tr("Show"));
        m_showKey->setToolTip(shown ? tr("Hide the key") : tr("Show the key"));
    });
    connect(m_test, &QPushButton::clicked, this, &ConnectionDialog::testOrCancel);
    connect(m_check, &ConnectionCheck::finished, this, [this](const auto &outcome) {
        showRunning(false);
        showOutcome(outcome);
    });
    connect(m_check, &ConnectionCheck::canceled, this, [this] { showRunning(false); });

    clearVerdict();
    fieldsChanged();
    resize(480, sizeHint().height());
}

ConnectionDialog::~ConnectionDialog() = default;

void ConnectionDialog::setProfile(const ConnectionProfile &profile, const QString &apiKey)
{
    m_id = profile.id;
    const HostPreset preset = api::presetForHost(profile.host);
    m_host->setCurrentIndex(m_host->findData(int(preset.id)));
    m_customUrl->setText(preset.id == HostPreset::Id::Custom ? profile.host.toString() : QString());
    m_name->setText(profile.name);
    m_project->setText(profile.projectId);
    m_key->setText(apiKey);
    m_production->setChecked(profile.production);
    clearVerdict();
}

QUrl ConnectionDialog::host() const
{
    const auto id = HostPreset::Id(m_host->currentData().toInt());
    if (id == HostPreset::Id::Custom)
        return api::normalizedHost(m_customUrl->text());
    for (const HostPreset &preset : api::hostPresets()) {
        if (preset.id == id)
            return preset.url;
    }
    return {};
}

ConnectionProfile ConnectionDialog::profile() const
{
    ConnectionProfile p;
    p.id = m_id;
    p.name = m_name->text().trimmed();
    p.kind = ConnectionProfile::Kind::Remote;
    p.host = host();
    p.projectId = m_project->text().trimmed();
    p.production = m_production->isChecked();
    return p;
}

QString ConnectionDialog::apiKey() const
{
    return m_key->text().trimmed();
}

QString ConnectionDialog::keyProblem() const
{
    const QString key = apiKey();
    // The project token is on the same settings page and the most common wrong key to paste.
    if (key.startsWith("phc_"_L1))
        return tr("This is a project API key (phc_…), which only sends events. The API needs "
                  "a personal API key (phx_…).");
    if (key.contains(u' '))
        return tr("An API key has no spaces.");
    return {};
}

bool ConnectionDialog::isComplete() const
{
    return profile().isValid() && !apiKey().isEmpty() && keyProblem().isEmpty();
}

void ConnectionDialog::fieldsChanged()
{
    const bool custom = HostPreset::Id(m_host->currentData().toInt()) == HostPreset::Id::Custom;
    m_customUrl->setVisible(custom);
    const ConnectionProfile p = profile();
    // The name may stay empty: the profile is then known by host and project.
    m_name->setPlaceholderText(p.isValid() ? p.summary() : tr("PostHog US · project 12345"));
    const QString problem = keyProblem();
    m_keyProblem->setText(problem);
    m_keyProblem->setVisible(!problem.isEmpty());

    // A verdict on other values than those shown would mislead; the name does not matter to it.
    if (sender() != m_name) {
        m_check->cancel();
        clearVerdict();
    }
    const bool complete = isComplete();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(complete);
    if (!m_check->isRunning())
        m_test->setEnabled(complete);
}

void ConnectionDialog::testOrCancel()
{
    if (m_check->isRunning()) {
        m_check->cancel();
        m_verdictIcon->clear();
        m_verdictText->setText(tr("Test canceled."));
        return;
    }
    if (!isComplete())
        return;
    showRunning(true);
    m_verdictIcon->clear();
    m_verdictText->setText(tr("Testing the connection…"));
    m_check->start(profile().endpoint(apiKey()));
}

void ConnectionDialog::showRunning(bool running)
{
    m_busy->setVisible(running);
    m_test->setText(running ? tr("Cancel &test") : tr("&Test connection"));
    m_test->setEnabled(running || isComplete());
}

void ConnectionDialog::showOutcome(const ConnectionCheck::Outcome &outcome)
{
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    const QIcon icon = style()->standardIcon(iconFor(outcome.verdict), nullptr, this);
    m_verdictIcon->setPixmap(icon.pixmap(QSize(size, size), devicePixelRatioF()));
    m_verdictText->setText(outcome.message);
}

void ConnectionDialog::clearVerdict()
{
    m_verdictIcon->clear();
    m_verdictText->clear();
}

void ConnectionDialog::done(int result)
{
    m_check->cancel();
    QDialog::done(result);
}

} // namespace bunting::views
