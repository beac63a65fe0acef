#include "remote_config_preview.h"

#include "client.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

// Any JSON value, indented; a scalar as its JSON text.
QString prettyJson(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson()).trimmed();
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson()).trimmed();
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

} // namespace

RemoteConfigText remoteConfigText(const QJsonValue &payload)
{
    if (payload.isNull() || payload.isUndefined())
        return {};
    if (!payload.isString())
        return {RemoteConfigText::Kind::Json, prettyJson(payload)};
    const QString text = payload.toString();
    QJsonParseError error;
    // Wrapped in an array so that a bare number or string in the text parses too.
    const QJsonDocument document = QJsonDocument::fromJson(u"[%1]"_s.arg(text).toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || document.array().size() != 1)
        return {RemoteConfigText::Kind::Text, text};
    return {RemoteConfigText::Kind::Json, prettyJson(document.array().first())};
}

RemoteConfigPreview::RemoteConfigPreview(QObject *parent)
    : QObject(parent), m_context(std::make_unique<QObject>())
{
}

RemoteConfigPreview::~RemoteConfigPreview() = default;

void RemoteConfigPreview::setClient(api::Client *client)
{
    m_client = client;
}

void RemoteConfigPreview::setFlag(const FeatureFlag &flag)
{
    m_flag = flag;
    reload();
}

void RemoteConfigPreview::reload()
{
    m_context = std::make_unique<QObject>();
    m_payload = {};
    setLoading(false);
    if (m_flag.id == 0 || !m_client) {
        m_state = State::Empty;
        Q_EMIT loaded();
        return;
    }
    if (!m_flag.isRemoteConfiguration) {
        m_state = State::NotRemoteConfig;
        Q_EMIT loaded();
        return;
    }
    m_state = State::Empty;
    setLoading(true);
    m_client->remoteConfig(m_flag.id, m_context.get(), [this](const api::Result<QJsonValue> &r) {
        setLoading(false);
        if (!r) {
            m_state = State::Failed;
            Q_EMIT failed(r.error());
            return;
        }
        m_payload = remoteConfigText(r.value());
        m_state = m_payload.kind == RemoteConfigText::Kind::None ? State::NoPayload : State::Loaded;
        Q_EMIT loaded();
    });
}

void RemoteConfigPreview::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

} // namespace bunting::models
