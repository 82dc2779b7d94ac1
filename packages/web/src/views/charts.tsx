/** Tiny inline-SVG charts: a bar chart and a multi-series line chart, each with a data table. */

const PALETTE = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626"];
export const seriesColor = (index: number) => PALETTE[index % PALETTE.length]!;

const W = 640;
const H = 220;
const PAD = { top: 12, right: 12, bottom: 34, left: 52 };
const plotW = W - PAD.left - PAD.right;
const plotH = H - PAD.top - PAD.bottom;

/** The x axis along the bottom, and the y axis's top (`max`) and 0 ticks. */
function Axes({ max, format }: { max: number; format: (v: number) => string }) {
  return (
    <>
      <line x1={PAD.left} x2={W - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} class="axis" />
      <text x={PAD.left - 6} y={PAD.top + 4} class="tick" text-anchor="end">
        {format(max)}
      </text>
      <text x={PAD.left - 6} y={PAD.top + plotH} class="tick" text-anchor="end">
        0
      </text>
    </>
  );
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / magnitude) * magnitude;
}

export function BarChart({
  title,
  points,
  format = String,
}: {
  title: string;
  points: { label: string; value: number }[];
  format?: (v: number) => string;
}) {
  const max = niceMax(Math.max(0, ...points.map((p) => p.value)));
  const step = plotW / Math.max(1, points.length);
  const every = Math.ceil(points.length / 8);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <Axes max={max} format={format} />
        {points.map((p, i) => {
          const h = (p.value / max) * plotH;
          const x = PAD.left + i * step + step * 0.15;
          return (
            <g key={p.label}>
              <rect x={x} y={PAD.top + plotH - h} width={step * 0.7} height={h} class="bar">
                <title>{`${p.label}: ${format(p.value)}`}</title>
              </rect>
              {i % every === 0 ? (
                <text x={x + step * 0.35} y={H - 12} class="tick" text-anchor="middle">
                  {p.label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

export interface Series {
  name: string;
  values: (number | null)[];
}

export function LineChart({
  title,
  labels,
  series,
  format,
}: {
  title: string;
  labels: string[];
  series: Series[];
  format: (v: number) => string;
}) {
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = niceMax(Math.max(0, ...all));
  const x = (i: number) => PAD.left + (labels.length <= 1 ? plotW / 2 : (i / (labels.length - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const every = Math.ceil(labels.length / 8);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <Axes max={max} format={format} />
        {labels.map((label, i) =>
          i % every === 0 ? (
            <text key={label} x={x(i)} y={H - 12} class="tick" text-anchor="middle">
              {label}
            </text>
          ) : null,
        )}
        {series.map((s, si) => {
          // Weeks without resolved incidents have no mean: the line breaks there.
          const segments: string[] = [];
          let current = "";
          s.values.forEach((v, i) => {
            if (v === null) {
              if (current) segments.push(current);
              current = "";
            } else current += `${current ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
          });
          if (current) segments.push(current);
          return (
            <g key={s.name} style={{ color: seriesColor(si) }}>
              {segments.map((d) => (
                <path key={d} d={d} class="line" />
              ))}
              {s.values.map((v, i) =>
                v === null ? null : (
                  <circle key={labels[i]} cx={x(i)} cy={y(v)} r={3.5} class="dot">
                    <title>{`${s.name}, ${labels[i]}: ${format(v)}`}</title>
                  </circle>
                ),
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {title}
        <span class="legend">
          {series.map((s, si) => (
            <span key={s.name}>
              <span class="swatch" style={{ background: seriesColor(si) }} aria-hidden="true" /> {s.name}
            </span>
          ))}
        </span>
      </figcaption>
    </figure>
  );
}

/**
 * An error budget's burn-down: the remaining minutes over the window (time on the x axis), from
 * the full budget at the window start down through each incident's impact; below zero when
 * overspent (the zero line is drawn).
 */
export function BurnDownChart({
  title,
  since,
  until,
  budget,
  points,
  format,
}: {
  title: string;
  since: number;
  until: number;
  budget: number;
  points: { at: number; value: number; label?: string }[];
  format: (v: number) => string;
}) {
  const lo = Math.min(0, ...points.map((p) => p.value));
  const hi = Math.max(budget, ...points.map((p) => p.value));
  const span = Math.max(1, until - since);
  const x = (t: number) => PAD.left + (Math.min(Math.max(t, since), until) - since) * (plotW / span);
  const y = (v: number) => PAD.top + ((hi - v) / Math.max(1e-9, hi - lo)) * plotH;
  const d = points.map((p, i) => `${i ? "L" : "M"}${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join("");
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return (
    <figure class="chart burndown">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} class="axis" />
        <text x={PAD.left - 6} y={y(hi) + 4} class="tick" text-anchor="end">
          {format(hi)}
        </text>
        <text x={PAD.left - 6} y={y(0)} class="tick" text-anchor="end">
          0
        </text>
        {lo < 0 ? (
          <text x={PAD.left - 6} y={y(lo)} class="tick" text-anchor="end">
            {format(lo)}
          </text>
        ) : null}
        <text x={x(since)} y={H - 12} class="tick" text-anchor="start">
          {day(since)}
        </text>
        <text x={x(until)} y={H - 12} class="tick" text-anchor="end">
          {day(until)}
        </text>
        <g style={{ color: seriesColor(0) }}>
          <path d={d} class="line" />
          {points.map((p) =>
            p.label ? (
              <circle key={`${p.at}-${p.label}`} cx={x(p.at)} cy={y(p.value)} r={3.5} class="dot">
                <title>{`${p.label}: ${format(p.value)} left`}</title>
              </circle>
            ) : null,
          )}
        </g>
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}
