#include "remote_config_panel.h"

#include "api_error.h"
#include "client.h"
#include "icons.h"
#include "message_bar.h"
#include "remote_config_preview.h"
#include "static_cohort_creator.h"
#include "web_app_refusal.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

using Preview = models::RemoteConfigPreview;

namespace {

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

} // namespace

RemoteConfigPanel::RemoteConfigPanel(QWidget *parent)
    : QWidget(parent), m_preview(new Preview(this)),
      m_creator(new models::StaticCohortCreator(this))
{
    auto *layout = new QVBoxLayout(this);

    m_message = new MessageBar(this);
    m_message->setObjectName(u"messageBar"_s);
    layout->addWidget(m_message);

    auto *configHeader = new QHBoxLayout;
    configHeader->addWidget(heading(tr("Remote config"), this));
    configHeader->addStretch(1);
    m_copy = new QPushButton(themedIcon(u"copy"_s, palette()), tr("Copy"), this);
    m_copy->setObjectName(u"copy"_s);
    m_copy->setToolTip(tr("Copy the payload to the clipboard"));
    configHeader->addWidget(m_copy);
    layout->addLayout(configHeader);

    m_note = new QLabel(this);
    m_note->setObjectName(u"note"_s);
    m_note->setWordWrap(true);
    layout->addWidget(m_note);

    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(u"payload"_s);
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setMinimumHeight(m_text->fontMetrics().height() * 6);
    layout->addWidget(m_text, 1);

    auto *line = new QFrame(this);
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Sunken);
    layout->addSpacing(6);
    layout->addWidget(line);
    layout->addSpacing(6);

    layout->addWidget(heading(tr("Static cohort"), this));
    auto *explanation = new QLabel(
        tr("A static cohort of every person the flag is on for right now. It is a snapshot: "
           "later changes to the flag or to persons do not change it."),
        this);
    explanation->setWordWrap(true);
    layout->addWidget(explanation);
    auto *cohortRow = new QHBoxLayout;
    m_create = new QPushButton(themedIcon(u"user"_s, palette()), tr("Create static cohort…"), this);
    m_create->setObjectName(u"createCohort"_s);
    m_cohort = new QLabel(this);
    m_cohort->setObjectName(u"cohort"_s);
    m_cohort->setWordWrap(true);
    m_cohort->setTextInteractionFlags(Qt::TextSelectableByMouse);
    cohortRow->addWidget(m_create);
    cohortRow->addStretch(1);
    layout->addLayout(cohortRow);
    layout->addWidget(m_cohort);
    // Takes the room the payload leaves when there is none to show.
    layout->addStretch(0);

    connect(m_copy, &QPushButton::clicked, this, &RemoteConfigPanel::copy);
    connect(m_create, &QPushButton::clicked, this, &RemoteConfigPanel::createCohort);
    connect(m_preview, &Preview::loadingChanged, this, &RemoteConfigPanel::showPreview);
    connect(m_preview, &Preview::loaded, this, &RemoteConfigPanel::showPreview);
    connect(m_preview, &Preview::failed, this, [this](const api::ApiError &error) {
        showPreview();
        showFailure(tr("Could not load the remote config"), error);
    });
    connect(m_creator, &models::StaticCohortCreator::busyChanged, this,
            &RemoteConfigPanel::updateCohortButton);
    connect(m_creator, &models::StaticCohortCreator::created, this, &RemoteConfigPanel::showCohort);
    connect(m_creator, &models::StaticCohortCreator::failed, this,
            [this](const api::ApiError &error) {
                if (!showWebAppOnly(m_message, error, tr("create a static cohort of a flag"),
                                    m_client, m_flag.id))
                    showFailure(tr("Could not create the cohort"), error);
            });
    showPreview();
    updateCohortButton();
}

RemoteConfigPanel::~RemoteConfigPanel() = default;

void RemoteConfigPanel::setClient(api::Client *client)
{
    m_client = client;
    m_preview->setClient(client);
    m_creator->setClient(client);
    updateCohortButton();
}

void RemoteConfigPanel::setFlag(const FeatureFlag &flag)
{
    m_flag = flag;
    m_message->dismiss();
    m_cohort->clear();
    m_preview->setFlag(flag);
    showPreview();
    updateCohortButton();
}

QString RemoteConfigPanel::previewText() const
{
    return m_text->toPlainText();
}

QString RemoteConfigPanel::noteText() const
{
    return m_note->text();
}

QString RemoteConfigPanel::cohortText() const
{
    return m_cohort->text();
}

void RemoteConfigPanel::copy()
{
    if (!m_text->toPlainText().isEmpty())
        QApplication::clipboard()->setText(m_text->toPlainText());
}

void RemoteConfigPanel::createCohort()
{
    if (m_flag.id == 0 || m_creator->isBusy())
        return;
    const QString title = tr("Create static cohort");
    const QString question =
        tr("Create a static cohort of every person \"%1\" is on for right now? The cohort is a "
           "snapshot: it keeps these persons even when the flag or their properties change.")
            .arg(m_flag.key);
    const bool yes = m_confirm ? m_confirm(title, question) : [&] {
        QMessageBox box(QMessageBox::Question, title, question,
                        QMessageBox::Yes | QMessageBox::Cancel, this);
        box.button(QMessageBox::Yes)->setText(tr("Create cohort"));
        box.setDefaultButton(QMessageBox::Yes);
        return box.exec() == QMessageBox::Yes;
    }();
    if (!yes)
        return;
    m_message->dismiss();
    m_creator->create(m_flag.id);
}

void RemoteConfigPanel::showPreview()
{
    const bool loading = m_preview->isLoading();
    QString note;
    QString text;
    switch (m_preview->state()) {
    case Preview::State::Empty:
        note = loading ? tr("Loading the remote config…") : tr("No flag chosen.");
        break;
    case Preview::State::NotRemoteConfig:
        note = tr("\"%1\" is not a remote config flag: SDKs get its value, not a configuration. "
                  "Make it a remote config flag in its settings to serve a JSON payload.")
                   .arg(m_flag.key);
        break;
    case Preview::State::NoPayload:
        note = tr("No remote config: this remote config flag has no payload yet.");
        break;
    case Preview::State::Loaded:
        text = m_preview->payload().text;
        note = m_preview->payload().kind == models::RemoteConfigText::Kind::Json
                   ? tr("What SDKs receive for \"%1\" (JSON, indented here):").arg(m_flag.key)
                   : tr("What SDKs receive for \"%1\" (plain text, not JSON):").arg(m_flag.key);
        break;
    case Preview::State::Failed:
        note = tr("The remote config could not be loaded.");
        break;
    }
    m_note->setText(note);
    m_text->setPlainText(text);
    const bool showText = m_preview->state() == Preview::State::Loaded;
    m_text->setVisible(showText);
    auto *box = static_cast<QVBoxLayout *>(layout());
    box->setStretch(box->count() - 1, showText ? 0 : 1);
    m_copy->setEnabled(!text.isEmpty());
}

void RemoteConfigPanel::showCohort(const QJsonObject &cohort)
{
    const models::CohortSummary summary = models::CohortSummary::fromJson(cohort);
    m_cohort->setText(tr("Created: %1").arg(summary.text()));
    Q_EMIT cohortCreated(cohort);
}

void RemoteConfigPanel::showFailure(const QString &what, const api::ApiError &error)
{
    m_message->showMessage(MessageBar::Kind::Error, u"%1: %2"_s.arg(what, error.message()));
}

void RemoteConfigPanel::updateCohortButton()
{
    const bool busy = m_creator->isBusy();
    m_create->setEnabled(!busy && m_flag.id != 0 && !m_flag.deleted);
    m_create->setText(busy ? tr("Creating cohort…") : tr("Create static cohort…"));
}

} // namespace bunting::views
