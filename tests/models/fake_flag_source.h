#pragma once
// A list endpoint in memory for FlagListModel::setPageLoader(): `total` flags ("flag-000000",
// ...), answered when the test says (answerAll()) or at once on the next turn of the event loop
// (autoAnswer). It records every request, so tests count what the model asked for.
#include "client.h"
#include "feature_flag.h"
#include "flag_list_model.h"

#include <QCoreApplication>
#include <QList>
#include <QPointer>
#include <QTimer>
#include <functional>
#include <memory>

namespace bunting::testing {

class FakeFlagSource
{
public:
    struct Request
    {
        api::FlagListQuery query;
        int offset = 0;
        int limit = 0;
    };

    explicit FakeFlagSource(int total) : m_total(total) {}

    void setTotal(int total) { m_total = total; }
    void setAutoAnswer(bool on) { m_autoAnswer = on; }
    void setFailing(bool on) { m_failing = on; }

    QList<Request> requests;    // every request, in order
    QList<int> canceledOffsets; // requests canceled before their answer
    int pendingCount() const { return int(m_pending.size()); }

    static FeatureFlag flag(int i)
    {
        FeatureFlag flag;
        flag.id = i + 1;
        flag.key = QStringLiteral("flag-%1").arg(i, 6, 10, QChar(u'0'));
        flag.name = QStringLiteral("Flag number %1").arg(i);
        flag.active = i % 2 == 0;
        flag.updatedAt = QStringLiteral("2026-01-01T00:00:00Z");
        return flag;
    }

    api::Page<FeatureFlag> page(const api::FlagListQuery &query, int offset, int limit) const
    {
        api::Page<FeatureFlag> page;
        // A search narrows the list to a tenth, enough to tell queries apart.
        const int total = query.search.isEmpty() ? m_total : m_total / 10;
        page.count = total;
        for (int i = offset; i < std::min(total, offset + limit); ++i)
            page.results.append(flag(i));
        if (offset + limit < total)
            page.next = QUrl(QStringLiteral("http://fake/?offset=%1").arg(offset + limit));
        return page;
    }

    // Answers every request still waiting.
    void answerAll()
    {
        const auto pending = std::exchange(m_pending, {});
        for (const Pending &p : pending)
            answer(p);
    }

    models::FlagListModel::PageLoader loader()
    {
        return [this](const api::FlagListQuery &query, int offset, int limit,
                      const QObject *context, api::Callback<api::Page<FeatureFlag>> done) {
            requests.append({query, offset, limit});
            auto *call = new Call(this, offset);
            call->context = context;
            call->done = std::move(done);
            m_pending.append(Pending{query, offset, limit, call});
            if (m_autoAnswer)
                QTimer::singleShot(0, call, [this, call] { answerOne(call); });
            return call;
        };
    }

private:
    class Call : public api::PendingCall
    {
    public:
        Call(FakeFlagSource *source, int offset) : m_source(source), m_offset(offset) {}
        void cancel() override
        {
            if (!running)
                return;
            running = false;
            m_source->canceledOffsets.append(m_offset);
            m_source->forget(this);
            if (context && done) {
                api::ApiError error;
                error.kind = api::ApiError::Kind::Canceled;
                done(error);
            }
            deleteLater();
        }
        bool isRunning() const override { return running; }
        QPointer<const QObject> context;
        api::Callback<api::Page<FeatureFlag>> done;
        bool running = true;

    private:
        FakeFlagSource *m_source;
        int m_offset;
    };
    struct Pending
    {
        api::FlagListQuery query;
        int offset = 0;
        int limit = 0;
        QPointer<Call> call;
    };

    void forget(Call *call)
    {
        m_pending.removeIf([call](const Pending &p) { return p.call == call; });
    }
    void answerOne(Call *call)
    {
        for (qsizetype i = 0; i < m_pending.size(); ++i)
            if (m_pending.at(i).call == call) {
                answer(m_pending.takeAt(i));
                return;
            }
    }
    void answer(const Pending &p)
    {
        Call *call = p.call;
        if (!call || !call->running)
            return;
        call->running = false;
        call->deleteLater();
        if (!call->context || !call->done)
            return;
        const auto done = call->done;
        if (m_failing) {
            api::ApiError error;
            error.kind = api::ApiError::Kind::Http;
            error.status = 500;
            error.detail = QStringLiteral("failing on purpose");
            done(error);
            return;
        }
        done(page(p.query, p.offset, p.limit));
    }

    int m_total = 0;
    bool m_autoAnswer = false;
    bool m_failing = false;
    QList<Pending> m_pending;
};

} // namespace bunting::testing
