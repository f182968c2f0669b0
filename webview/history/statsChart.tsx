import type { JSX } from 'preact';
import type { StatsDto } from '../../src/core/protocol/webviewProtocol';

const DAYS = 30;

function lastDays(perDay: StatsDto['perDay'], now = new Date()): { day: string; count: number }[] {
  const map = new Map(perDay.map((d) => [d.day, d.count]));
  const out: { day: string; count: number }[] = [];
  for (let i = DAYS - 1; i >= 0; i--) {
    const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - i);
    const key = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    out.push({ day: key, count: map.get(key) ?? 0 });
  }
  return out;
}

function Bars({ values, labels, title, width, axis }: {
  values: readonly number[];
  labels: readonly string[];
  title: string;
  width: number;
  axis: readonly [number, string][];
}): JSX.Element {
  const height = 64;
  const max = Math.max(1, ...values);
  const slot = width / Math.max(1, values.length);
  const bar = Math.max(1, slot - 2);
  const sum = values.reduce((a, b) => a + b, 0);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height + 14}`} width={width} height={height + 14} role="img"
        aria-label={`${title}: ${sum.toLocaleString()} in total, at most ${max.toLocaleString()}`}>
        <line class="axis" x1={0} y1={height + 0.5} x2={width} y2={height + 0.5} />
        {values.map((v, i) => {
          const h = v === 0 ? 0 : Math.max(2, Math.round((v / max) * (height - 4)));
          return (
            <rect key={i} class="bar" x={i * slot + 1} y={height - h} width={bar} height={h}>
              <title>{`${labels[i] ?? ''}: ${v.toLocaleString()}`}</title>
            </rect>
          );
        })}
        {axis.map(([i, text]) => {
          const end = i === values.length - 1;
          return <text key={i} class={end ? 'tick end' : 'tick'} x={end ? width : i * slot + 1} y={height + 12}>{text}</text>;
        })}
      </svg>
    </figure>
  );
}

export function StatsChart({ stats }: { stats: StatsDto | undefined }): JSX.Element {
  if (!stats) return <div class="stats muted">Loading statistics…</div>;
  const days = lastDays(stats.perDay);
  const rate = stats.failureRate * 100;
  const dayAxis: [number, string][] = [[0, days[0]?.day.slice(5) ?? ''], [DAYS - 1, 'today']];
  return (
    <section class="stats" aria-label="Statistics">
      <Bars title={`Commands per day (last ${DAYS} days)`} values={days.map((d) => d.count)} labels={days.map((d) => d.day)} width={300} axis={dayAxis} />
      <Bars title="By hour of day" values={stats.perHour} labels={stats.perHour.map((_, h) => `${h}:00`)} width={216}
        axis={[[0, '0h'], [6, '6h'], [12, '12h'], [18, '18h']]} />
      <div class="kpis">
        <div><span class="kpi">{stats.total.toLocaleString()}</span><span class="muted"> commands</span></div>
        <div><span class={`kpi${rate > 20 ? ' fail' : ''}`}>{rate.toFixed(1)}%</span><span class="muted"> failed ({stats.failed.toLocaleString()})</span></div>
        <div class="muted risk-line">
          {(['moderate', 'high', 'critical'] as const).map((r) => (
            <span key={r} class={`badge risk-${r}`}>{r} {(stats.byRisk[r] ?? 0).toLocaleString()}</span>
          ))}
        </div>
      </div>
    </section>
  );
}
