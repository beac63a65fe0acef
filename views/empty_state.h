#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace bunting::views {

// What the list shows instead of an empty table: a title, a sentence and one button for the
// next step ("New flag" for an empty project, "Clear filters" when filters hide everything).
class EmptyState : public QWidget
{
    Q_OBJECT
public:
    explicit EmptyState(QWidget *parent = nullptr);

    void setContent(const QString &title, const QString &text, const QString &buttonText);
    // A second way on beside the button ("Connect to PostHog…"); hidden when empty.
    void setSecondaryButton(const QString &text);

Q_SIGNALS:
    void buttonClicked();
    void secondaryButtonClicked();

private:
    QLabel *m_icon = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_text = nullptr;
    QPushButton *m_button = nullptr;
    QPushButton *m_secondary = nullptr;
};

} // namespace bunting::views
