#pragma once

#include "feature_flag.h"
#include "rollout_split.h"

#include <QColor>
#include <QFontMetrics>
#include <QWidget>

class QChart;
class QChartView;
class QLabel;

namespace bunting::views {

// "How is the flag split?": the variants' shares as one stacked bar ("control 50%", ...) and each
// release condition set's rollout as a bar from 0 to 100 %. A boolean flag shows only the
// rollout chart.
class RolloutSplitChart : public QWidget
{
    Q_OBJECT
public:
    explicit RolloutSplitChart(QWidget *parent = nullptr);

    void setFlag(const FeatureFlag &flag);

    // What is drawn, for tests and accessibility.
    const QList<models::VariantShare> &variantShares() const { return m_shares; }
    const QList<models::ConditionRollout> &conditionRollouts() const { return m_rollouts; }
    QChart *variantChart() const { return m_variantChart; }
    QChart *rolloutChart() const { return m_rolloutChart; }
    bool showsVariants() const;
    // The sentence shown above the charts: the flag is off, or has no conditions; else empty.
    QString note() const;

protected:
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void rebuild();
    void buildVariants();
    void buildRollouts();
    void placeRolloutPlot();
    int maxLabelWidth(int chartWidth) const;

    FeatureFlag m_flag;
    QList<models::VariantShare> m_shares;
    QList<models::ConditionRollout> m_rollouts;
    QLabel *m_note = nullptr;
    QLabel *m_variantTitle = nullptr;
    QLabel *m_rolloutTitle = nullptr;
    QChart *m_variantChart = nullptr;
    QChartView *m_variantView = nullptr;
    QChart *m_rolloutChart = nullptr;
    QChartView *m_rolloutView = nullptr;
    bool m_rebuilding = false;
};

// The colour of the variant at `index` of the flag's variants: the split and the usage charts
// use the same one for the same variant.
QColor variantColour(int index);
// A usage series' colour: "true" and "false" fixed, a variant key as in the split chart, any
// other response after the variants.
QColor responseColour(const QString &response, const QStringList &variantKeys, int order);

// "Condition set 2: email ~ @acme.com → test", the summary elided to fit `maxWidth` pixels.
QString rolloutCategoryLabel(const models::ConditionRollout &rollout, const QFontMetrics &metrics,
                             int maxWidth);

} // namespace bunting::views
