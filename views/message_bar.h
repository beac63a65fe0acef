#pragma once

#include <QFrame>
#include <QList>

class QLabel;
class QHBoxLayout;
class QToolButton;
class QTimer;

namespace bunting::views {

// An inline message above the content it is about (like KDE's KMessageWidget): what happened,
// in a colour saying how serious it is, with optional action buttons ("Undo", "Retry") and a
// close button. It replaces its previous message rather than stacking them.
class MessageBar : public QFrame
{
    Q_OBJECT
public:
    enum class Kind { Information, Positive, Warning, Error };

    explicit MessageBar(QWidget *parent = nullptr);

    // Shows `text`; actions become buttons. A positive or informative message without actions
    // hides itself after `timeoutMs` (0: stays).
    void showMessage(Kind kind, const QString &text, const QList<QAction *> &actions = {},
                     int timeoutMs = 0);
    QString text() const;
    // Keeps its place (one line with buttons) while hidden, so that a message coming or going does
    // not move what is below it, under the mouse of someone about to click there.
    void setReservesSpace(bool reserve);
    Kind kind() const { return m_kind; }

public Q_SLOTS:
    void dismiss();

private:
    void applyColours();
    bool event(QEvent *event) override;

    Kind m_kind = Kind::Information;
    QLabel *m_text = nullptr;
    QHBoxLayout *m_buttons = nullptr;
    QToolButton *m_close = nullptr;
    QTimer *m_timer = nullptr;
    bool m_applying = false;
};

} // namespace bunting::views
