#pragma once

#include "http_message.h"

#include <QJsonValue>
#include <QStringList>
#include <random>

namespace bunting::fuzz {

// The one source of randomness of a run: the same seed gives the same inputs in the same order.
class Random
{
public:
    explicit Random(quint64 seed) : m_engine(seed) {}
    int below(qsizetype n) { return n <= 1 ? 0 : int(m_engine() % quint64(n)); }
    bool chance(int percent) { return below(100) < percent; }
    template<typename List> const auto &pick(const List &list) { return list[below(list.size())]; }

private:
    std::mt19937_64 m_engine;
};

// An input ready to send, and what made it.
struct Mutated
{
    Request request; // before raw byte mutations
    QByteArray bytes;
    // Only request-line, header and body content changed, never the framing: the server must
    // answer such an input with a complete response, whatever its verdict on the content.
    bool cleanFraming = true;
    QStringList steps;
};

// Mutations at three levels: raw bytes (of the whole request or of its body), the request line
// and headers, and the JSON body as a tree (a value of another type, a dropped or unknown field,
// deep nesting, huge strings and numbers, a subtree spliced from another corpus entry).
class Mutator
{
public:
    explicit Mutator(Random &random) : m_random(random) {}

    // The requests that splices take parts of, with the placeholders already substituted: a
    // placeholder substituted after the mutation would change the length of a framed body.
    void setCorpus(QList<Request> corpus);

    Mutated mutate(const Request &base);

private:
    void mutateJson(Request &r, QStringList &steps);
    void mutateTarget(Request &r, QStringList &steps);
    void mutateHeaders(Request &r, QStringList &steps);
    void mutateFraming(Request &r, QStringList &steps);
    void compressBody(Request &r, QStringList &steps);
    QByteArray mutateBytes(QByteArray bytes, QStringList &steps, const char *what);

    QJsonValue interestingValue(const QString &key, int depth = 0);
    QString interestingString();
    QByteArray interestingText();
    // A subtree of some corpus entry's JSON body.
    QJsonValue corpusSubtree();

    Random &m_random;
    QList<Request> m_corpus;
    QList<QJsonValue> m_corpusJson;
    // JSON text that QJsonDocument cannot write (NaN, 1e999, nesting past its limit): placed as
    // marker strings in the tree and substituted after serializing.
    QList<QByteArray> m_rawJson;
};

} // namespace bunting::fuzz
