#pragma once

#include "api_error.h"
#include "feature_flag.h"

#include <QJsonValue>
#include <QObject>
#include <QPointer>
#include <memory>

namespace bunting::api {
class Client;
}

namespace bunting::models {

// What GET :id/remote_config answers, as a person reads it: JSON text is parsed and indented,
// other text shown as it is, null says so.
struct RemoteConfigText
{
    enum class Kind { None, Json, Text };
    Kind kind = Kind::None;
    QString text; // empty for None
};
RemoteConfigText remoteConfigText(const QJsonValue &payload);

// The remote config payload of one flag, as SDKs get it (GET :id/remote_config).
class RemoteConfigPreview : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Empty,           // no flag, or not loaded yet
        NotRemoteConfig, // the flag is not a remote config flag: nothing to ask
        NoPayload,       // a remote config flag without a payload
        Loaded,
        Failed,
    };
    Q_ENUM(State)

    explicit RemoteConfigPreview(QObject *parent = nullptr);
    ~RemoteConfigPreview() override;

    void setClient(api::Client *client);
    // Loads, when the flag is a remote config flag.
    void setFlag(const FeatureFlag &flag);
    void reload();

    State state() const { return m_state; }
    const RemoteConfigText &payload() const { return m_payload; }
    bool isLoading() const { return m_loading; }

Q_SIGNALS:
    void loaded();
    void failed(const bunting::api::ApiError &error);
    void loadingChanged(bool loading);

private:
    void setLoading(bool loading);

    QPointer<api::Client> m_client;
    std::unique_ptr<QObject> m_context;
    FeatureFlag m_flag;
    State m_state = State::Empty;
    RemoteConfigText m_payload;
    bool m_loading = false;
};

} // namespace bunting::models
