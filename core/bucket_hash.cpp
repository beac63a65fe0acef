#include "engine.h"

#include <QCryptographicHash>

namespace bunting {

double bucketHash(QByteArrayView prefix, QByteArrayView identifier, QByteArrayView salt)
{
    // One hasher per thread: no allocation per call on the SDK endpoints' hot path.
    thread_local QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.reset();
    sha1.addData(prefix);
    sha1.addData(identifier);
    sha1.addData(salt);
    const QByteArrayView digest = sha1.resultView();
    // The first 15 hex digits are the first 60 bits of the digest.
    quint64 value = 0;
    for (int i = 0; i < 8; ++i)
        value = (value << 8) | quint8(digest[i]);
    value >>= 4;
    constexpr double longScale = double(0xFFFFFFFFFFFFFFFULL);
    return double(value) / longScale;
}

} // namespace bunting
