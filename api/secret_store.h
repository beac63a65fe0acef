#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <functional>

namespace QKeychain {
class Job;
}

namespace bunting::api {

// The personal API keys of the connection profiles, by profile id, in the system keychain
// (QtKeychain, service "Bunting"). Where no keychain service runs (no D-Bus secret service, as on
// servers and in CI), the keys go to a JSON file in a directory of the app's, created readable
// and writable by the user only, and fallbackReason() says so in a sentence for the UI.
//
// Which of the two is used is decided once, by the first operation: when the keychain reports it
// has no backend, that operation and every later one use the file. Operations issued while the
// first one runs wait for it, so they all go to the same place.
//
// Every operation is asynchronous: its callback runs later from the event loop, once, unless its
// `context` (which may be null) is destroyed first.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    enum class Mode {
        Automatic,    // the keychain when one runs, else the file
        FallbackOnly, // the file, without asking the keychain (tests, machines known to have none)
    };
    enum class Backend { Undecided, Keychain, File };

    struct Result
    {
        enum class Status { Ok, NotFound, Failed };
        Status status = Status::Ok;
        QString key;   // what readKey found
        QString error; // a sentence, when Failed

        bool ok() const { return status == Status::Ok; }
    };
    using Callback = std::function<void(const Result &)>;

    // The environment variable that, set to "file", makes every store FallbackOnly: GUI tests
    // starting the whole app use it.
    static inline const char *const forceFileVariable = "BUNTING_KEYS_IN_FILE";

    explicit SecretStore(const QString &fallbackDirectory, Mode mode = Mode::Automatic,
                         QObject *parent = nullptr);
    ~SecretStore() override;

    void readKey(const QString &profileId, const QObject *context, Callback done);
    void writeKey(const QString &profileId, const QString &key, const QObject *context,
                  Callback done);
    // Removing a key that is not there succeeds.
    void removeKey(const QString &profileId, const QObject *context, Callback done);

    Backend backend() const { return m_backend; }
    bool usesFallback() const { return m_backend == Backend::File; }
    // A sentence for the UI while keys are in the file; empty otherwise.
    QString fallbackReason() const;
    QString fallbackFilePath() const;

Q_SIGNALS:
    // Once, when the first operation found out where keys are kept.
    void backendDecided(bool usesFallback);

private:
    struct Operation
    {
        enum class Kind { Read, Write, Remove };
        Kind kind = Kind::Read;
        QString profileId;
        QString key;
        QPointer<const QObject> context;
        bool hasContext = false;
        Callback done;
    };

    void submit(Operation op);
    void runInKeychain(Operation op, bool deciding);
    void keychainFinished(QKeychain::Job *job, const Operation &op, bool deciding);
    void runInFile(const Operation &op);
    void decide(Backend backend);
    void deliver(const Operation &op, const Result &result);
    void deliverLater(const Operation &op, const Result &result);

    QString m_directory;
    Mode m_mode;
    Backend m_backend = Backend::Undecided;
    bool m_deciding = false;
    QList<Operation> m_waiting;
};

} // namespace bunting::api
