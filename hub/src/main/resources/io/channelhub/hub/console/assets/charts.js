// Usage charts with uPlot (served by the hub from its WebJar): one usage type at a time, as bars over the range.
// Types have different units (requests, messages, tokens), so they are charted one by one, never stacked together.
import uPlot from './vendor/uPlot.esm.js';

/** Buckets {period_start, usage_type, quantity} of one type as uPlot data: x = period start (unix s), y = quantity. */
export function toSeries(buckets, type) {
  const byPeriod = new Map();
  for (const b of buckets) {
    if (b.usage_type === type) {
      const x = Date.parse(b.period_start) / 1000;
      byPeriod.set(x, (byPeriod.get(x) || 0) + b.quantity);
    }
  }
  const xs = [...byPeriod.keys()].sort((a, b) => a - b);
  return [xs, xs.map((x) => byPeriod.get(x))];
}

/**
 * Draws `type` into `container` over [from, to] (Dates). A period is a day or a month: bars are as wide as one, and
 * the x scale is the whole range asked for, so a single busy day shows as one bar in its place, not a full-width one.
 */
export function usageChart(container, buckets, type, granularity, from, to) {
  const data = toSeries(buckets, type);
  const unit = (buckets.find((b) => b.usage_type === type) || {}).unit || '';
  const width = Math.max(320, Math.min(960, container.clientWidth || 720));
  const opts = {
    width,
    height: 280,
    title: `${type} per ${granularity}`,
    scales: {
      x: { time: true, range: () => [from.getTime() / 1000, to.getTime() / 1000] },
      y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] },
    },
    axes: [
      { values: granularity === 'month' ? '{MMM} {YYYY}' : '{D} {MMM}' },
      { size: 70, label: unit },
    ],
    series: [
      {},
      {
        label: type,
        stroke: '#2563eb',
        fill: '#2563eb88',
        paths: uPlot.paths.bars({ size: [0.9, granularity === 'month' ? 40 : 18], align: 1 }),
        points: { show: false },
      },
    ],
  };
  return new uPlot(opts, data, container);
}
