#pragma once

#include <QObject>
#include <QPointer>

class QNetworkReply;

namespace bunting::api {

// A call in flight. The client owns it and deletes it after its callback ran; cancel() ends it
// early, and its callback then gets an ApiError of kind Canceled (unless the callback's context
// object is gone, in which case nothing is called). Views use it for progress and cancellation.
class PendingCall : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual void cancel() = 0;
    virtual bool isRunning() const = 0;
    // What the call does, for a status bar: "Loading flags", "Saving flag new-checkout", ...
    QString description() const { return m_description; }
    void setDescription(const QString &text) { m_description = text; }

Q_SIGNALS:
    void finished();

private:
    QString m_description;
};

} // namespace bunting::api
