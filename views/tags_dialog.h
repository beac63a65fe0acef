#pragma once

#include "client.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLineEdit;

namespace bunting::views {

// Bulk tag change for the selected flags: add, remove or replace with a comma-separated list.
class TagsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit TagsDialog(int flagCount, const QStringList &knownTags, QWidget *parent = nullptr);

    api::Client::TagAction action() const;
    QStringList tags() const;
    void setAction(api::Client::TagAction action);
    void setTagsText(const QString &text);

private:
    void updateState();

    QComboBox *m_action = nullptr;
    QLineEdit *m_tags = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace bunting::views
