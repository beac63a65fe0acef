#include "secret_store_notice.h"

#include "secret_store.h"

namespace bunting::views {

SecretStoreNotice::SecretStoreNotice(const api::SecretStore *store, QWidget *parent)
    : QLabel(parent), m_store(store)
{
    setObjectName(QStringLiteral("secretStoreNotice"));
    connect(store, &api::SecretStore::backendDecided, this, &SecretStoreNotice::refresh);
    refresh(store->usesFallback());
}

void SecretStoreNotice::refresh(bool usesFallback)
{
    setText(usesFallback ? tr("API keys kept in a file") : QString());
    setToolTip(m_store->fallbackReason());
    setVisible(usesFallback);
}

} // namespace bunting::views
