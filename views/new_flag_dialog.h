#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace bunting::views {

// Asks for what a new flag needs to start: a key (letters, digits, '-' and '_', as PostHog
// requires) and a name, checked as they are typed. A key is offered from the name until the
// user types one of their own.
class NewFlagDialog : public QDialog
{
    Q_OBJECT
public:
    explicit NewFlagDialog(QWidget *parent = nullptr);

    QString key() const;
    QString name() const;
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
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_keyEdited = false;
    bool m_busy = false;
};

} // namespace bunting::views
