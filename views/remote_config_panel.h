#pragma once

#include "feature_flag.h"

#include <QJsonObject>
#include <QPointer>
#include <QWidget>
#include <functional>

class QAction;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace bunting::api {
class Client;
struct ApiError;
} // namespace bunting::api

namespace bunting::models {
class RemoteConfigPreview;
class StaticCohortCreator;
} // namespace bunting::models

namespace bunting::views {

class MessageBar;

// Two things a flag can hand to the rest of PostHog: its remote config payload as SDKs receive
// it (GET :id/remote_config), shown read-only with a Copy button, and a static cohort of
// everyone the flag is on for right now.
class RemoteConfigPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RemoteConfigPanel(QWidget *parent = nullptr);
    ~RemoteConfigPanel() override;

    void setClient(api::Client *client);
    // Shows this flag's remote config (loading it) and forgets the cohort shown for another.
    void setFlag(const FeatureFlag &flag);

    // Asks before creating a cohort. Replaceable so that tests need not click a message box.
    using Confirmation = std::function<bool(const QString &title, const QString &question)>;
    void setConfirmation(Confirmation confirm) { m_confirm = std::move(confirm); }

    models::RemoteConfigPreview *preview() const { return m_preview; }
    models::StaticCohortCreator *creator() const { return m_creator; }
    // What the preview shows, the note above it, and the created cohort's line.
    QString previewText() const;
    QString noteText() const;
    QString cohortText() const;

public Q_SLOTS:
    // Copies the payload text to the clipboard.
    void copy();
    // Confirms, then creates the static cohort.
    void createCohort();

Q_SIGNALS:
    void cohortCreated(const QJsonObject &cohort);

private:
    void showPreview();
    void showCohort(const QJsonObject &cohort);
    void showFailure(const QString &what, const api::ApiError &error);
    void updateCohortButton();

    models::RemoteConfigPreview *m_preview = nullptr;
    models::StaticCohortCreator *m_creator = nullptr;
    Confirmation m_confirm;
    FeatureFlag m_flag;
    QPointer<api::Client> m_client;
    MessageBar *m_message = nullptr;
    QLabel *m_note = nullptr;
    QPlainTextEdit *m_text = nullptr;
    QPushButton *m_copy = nullptr;
    QPushButton *m_create = nullptr;
    QLabel *m_cohort = nullptr;
};

} // namespace bunting::views
