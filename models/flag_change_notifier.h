#pragma once

#include "feature_flag.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <optional>

namespace bunting::api {
class Client;
}

namespace bunting::models {

// The one place where the app's windows tell each other about the flags they wrote. After a
// successful write (a save, a restore, a switch on or off), a window announces the flag as the
// server answered it; every other window showing that flag follows. One notifier per client, so
// windows on different connections never hear each other.
//
// It also remembers which versions the app made itself, and who the server named as their author,
// so a conflict caused by the app's own other window is told as such rather than as "someone".
class FlagChangeNotifier : public QObject
{
    Q_OBJECT
public:
    // The notifier of the windows working through `client`, made on first use; it lives as long
    // as the client.
    static FlagChangeNotifier *of(api::Client *client);

    // `flag` as the server now has it, written by `source` (which does not hear its own
    // announcement back); `what` says what happened, for others' notes: "saved in another
    // window", "version 3 restored".
    void announce(const FeatureFlag &flag, const QObject *source, const QString &what);

    // Whether this version of the flag was written by the app.
    bool isOwnVersion(qint64 flagId, int version) const;
    // Who made `flag`'s version, as a sentence's subject: "You (in another window)" for the app's
    // own, "You" for the app's user elsewhere, the author's name, or "Someone".
    QString authorOf(const FeatureFlag &flag) const;

Q_SIGNALS:
    void flagChanged(const bunting::FeatureFlag &flag, const QObject *source, const QString &what);

private:
    explicit FlagChangeNotifier(QObject *parent);

    QHash<qint64, QSet<int>> m_ownVersions;
    std::optional<UserBasic> m_self; // the author the server names for the app's own writes
};

} // namespace bunting::models
