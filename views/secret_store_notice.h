#pragma once

#include <QLabel>

namespace bunting::api {
class SecretStore;
}

namespace bunting::views {

// A few words for the status bar while API keys are kept in a file because no system keychain
// runs; the tooltip gives SecretStore's whole sentence (where the file is, who can read it).
// Hidden while the keychain is used or before the store has found out.
class SecretStoreNotice : public QLabel
{
    Q_OBJECT
public:
    // `store` must outlive the notice.
    explicit SecretStoreNotice(const api::SecretStore *store, QWidget *parent = nullptr);

private:
    void refresh(bool usesFallback);

    const api::SecretStore *m_store;
};

} // namespace bunting::views
