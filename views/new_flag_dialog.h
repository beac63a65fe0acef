#pragma once

#include "flag_list_model.h"

#include <QDialog>
#include <QPointer>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSettings;

namespace bunting::views {

// Asks for what a new flag needs to start: a key (letters, digits, '-' and '_', as PostHog
// requires) and a name, checked as they are typed, and how it starts: switched off, or on at
// 0 % (no one gets it either way). A key is offered from the name until the user types one of
// their own; the way to start is the one chosen last time.
class NewFlagDialog : public QDialog
{
    Q_OBJECT
public:
    explicit NewFlagDialog(QWidget *parent = nullptr);

    using Start = models::FlagListModel::NewFlagStart;

    QString key() const;
    QString name() const;
    Start start() const;
    void setStart(Start start);
    // Where the last choice of how to start is kept: read now, written on Create.
    void setSettings(QSettings *settings);
    // The server refused the key (taken, say): show why next to the field and keep the dialog.
    void showKeyError(const QString &message);
    void setBusy(bool busy);

    static QString keyFromName(const QString &name);
    static bool isValidKey(const QString &key);

Q_SIGNALS:
    // Create was pressed with a valid key; answer with accept() or showKeyError().
    void submitted();

private:
    void updateState();

    QLineEdit *m_name = nullptr;
    QLineEdit *m_key = nullptr;
    QRadioButton *m_startInactive = nullptr;
    QRadioButton *m_startAtZero = nullptr;
    QPointer<QSettings> m_settings;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_keyEdited = false;
    bool m_busy = false;
};

} // namespace bunting::views
