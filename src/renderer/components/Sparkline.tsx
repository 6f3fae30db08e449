/** A small inline SVG trend line; the last point is marked. Values are described for screen readers. */
export function Sparkline(props: {
  values: number[];
  label: string;
  format: (n: number) => string;
  width?: number;
}) {
  const w = props.width ?? 96;
  const h = 24;
  const vals = props.values;
  if (vals.length === 0) return <span className="muted">no data</span>;
  const min = Math.min(...vals);
  const max = Math.max(...vals);
  const span = max - min || 1;
  const pts = vals.map((v, i) => {
    const x = vals.length === 1 ? w / 2 : (i / (vals.length - 1)) * (w - 4) + 2;
    const y = h - 3 - ((v - min) / span) * (h - 6);
    return [x, y] as const;
  });
  const last = pts[pts.length - 1] ?? [0, 0];
  const lastVal = vals[vals.length - 1] ?? 0;
  const desc = `${props.label}: last ${props.format(lastVal)}, range ${props.format(min)} to ${props.format(max)} over ${vals.length} runs`;
  return (
    <span className="spark">
      <svg width={w} height={h} role="img" aria-label={desc} viewBox={`0 0 ${w} ${h}`}>
        <title>{desc}</title>
        <polyline
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          points={pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}
        />
        <circle cx={last[0]} cy={last[1]} r="2.5" fill="currentColor" />
      </svg>
      <span className="spark-val">{props.format(lastVal)}</span>
    </span>
  );
}
