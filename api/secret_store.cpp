#include "secret_store.h"

#include "key_file.h"

#include <QDir>
#include <QLoggingCategory>
#include <qt6keychain/keychain.h>
#include <utility>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcSecrets, "bunting.api.secrets")

namespace bunting::api {

namespace {

const QString kService = u"Bunting"_s;

// The errors that mean "there is no keychain here" rather than "this one entry failed".
bool meansNoKeychain(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented ||
           error == QKeychain::OtherError;
}

SecretStore::Result failed(const QString &error)
{
    return {SecretStore::Result::Status::Failed, {}, error};
}

} // namespace

SecretStore::SecretStore(const QString &fallbackDirectory, Mode mode, QObject *parent)
    : QObject(parent), m_directory(fallbackDirectory), m_mode(mode)
{
    if (qgetenv(forceFileVariable) == "file")
        m_mode = Mode::FallbackOnly;
}

SecretStore::~SecretStore() = default;

QString SecretStore::fallbackFilePath() const
{
    return KeyFile(m_directory).path();
}

QString SecretStore::fallbackReason() const
{
    if (!usesFallback())
        return {};
    const QString path = QDir::toNativeSeparators(fallbackFilePath());
    if (m_mode == Mode::FallbackOnly)
        return tr("The system keychain is not used; keys are kept in %1, readable only by you.")
            .arg(path);
    return tr("No system keychain is running; keys are kept in %1, readable only by you.")
        .arg(path);
}

void SecretStore::readKey(const QString &profileId, const QObject *context, Callback done)
{
    submit({Operation::Kind::Read, profileId, {}, context, context != nullptr, std::move(done)});
}

void SecretStore::writeKey(const QString &profileId, const QString &key, const QObject *context,
                           Callback done)
{
    submit({Operation::Kind::Write, profileId, key, context, context != nullptr, std::move(done)});
}

void SecretStore::removeKey(const QString &profileId, const QObject *context, Callback done)
{
    submit({Operation::Kind::Remove, profileId, {}, context, context != nullptr, std::move(done)});
}

void SecretStore::submit(Operation op)
{
    if (m_deciding) {
        m_waiting.append(std::move(op));
        return;
    }
    switch (m_backend) {
    case Backend::Undecided:
        if (m_mode == Mode::FallbackOnly) {
            decide(Backend::File);
            runInFile(op);
        } else {
            m_deciding = true;
            runInKeychain(std::move(op), true);
        }
        break;
    case Backend::Keychain:
        runInKeychain(std::move(op), false);
        break;
    case Backend::File:
        runInFile(op);
        break;
    }
}

void SecretStore::decide(Backend backend)
{
    m_backend = backend;
    m_deciding = false;
    if (backend == Backend::File)
        qCInfo(lcSecrets) << "API keys are kept in" << fallbackFilePath();
    Q_EMIT backendDecided(backend == Backend::File);
    const QList<Operation> waiting = std::exchange(m_waiting, {});
    for (const Operation &op : waiting)
        submit(op);
}

void SecretStore::runInKeychain(Operation op, bool deciding)
{
    QKeychain::Job *job = nullptr;
    switch (op.kind) {
    case Operation::Kind::Read:
        job = new QKeychain::ReadPasswordJob(kService, this);
        break;
    case Operation::Kind::Write: {
        auto *write = new QKeychain::WritePasswordJob(kService, this);
        write->setTextData(op.key);
        job = write;
        break;
    }
    case Operation::Kind::Remove:
        job = new QKeychain::DeletePasswordJob(kService, this);
        break;
    }
    job->setKey(op.profileId);
    connect(job, &QKeychain::Job::finished, this,
            [this, op = std::move(op), deciding](QKeychain::Job *finished) {
                keychainFinished(finished, op, deciding);
            });
    job->start();
}

void SecretStore::keychainFinished(QKeychain::Job *job, const Operation &op, bool deciding)
{
    const QKeychain::Error error = job->error();
    if (deciding) {
        if (meansNoKeychain(error)) {
            qCInfo(lcSecrets) << "no system keychain:" << job->errorString();
            // Redone on the file before the waiting operations, which keeps their order.
            runInFile(op);
            decide(Backend::File);
            return;
        }
    }
    Result result;
    switch (error) {
    case QKeychain::NoError:
        if (op.kind == Operation::Kind::Read)
            result.key = static_cast<QKeychain::ReadPasswordJob *>(job)->textData();
        break;
    case QKeychain::EntryNotFound:
        // Removing what is not there is what the caller wanted.
        if (op.kind != Operation::Kind::Remove)
            result.status = Result::Status::NotFound;
        break;
    default:
        result = failed(tr("The system keychain refused: %1").arg(job->errorString()));
        break;
    }
    deliver(op, result);
    if (deciding)
        decide(Backend::Keychain);
}

void SecretStore::runInFile(const Operation &op)
{
    const KeyFile file(m_directory);
    QString error;
    std::optional<QHash<QString, QString>> keys = file.load(&error);
    if (!keys) {
        deliverLater(op, failed(error));
        return;
    }
    Result result;
    switch (op.kind) {
    case Operation::Kind::Read:
        if (keys->contains(op.profileId))
            result.key = keys->value(op.profileId);
        else
            result.status = Result::Status::NotFound;
        break;
    case Operation::Kind::Write:
        keys->insert(op.profileId, op.key);
        if (!file.save(*keys, &error))
            result = failed(error);
        break;
    case Operation::Kind::Remove:
        if (keys->remove(op.profileId) > 0 && !file.save(*keys, &error))
            result = failed(error);
        break;
    }
    deliverLater(op, result);
}

void SecretStore::deliver(const Operation &op, const Result &result)
{
    if (op.hasContext && !op.context)
        return;
    if (op.done)
        op.done(result);
}

void SecretStore::deliverLater(const Operation &op, const Result &result)
{
    QMetaObject::invokeMethod(
        this, [this, op, result] { deliver(op, result); }, Qt::QueuedConnection);
}

} // namespace bunting::api
