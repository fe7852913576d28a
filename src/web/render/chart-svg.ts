import { escapeHtml } from '../../escape-html.ts';
/**
 * A bar chart of counts per day as an SVG string, built on the server: no script, no inline
 * style (the CSP forbids both). Only numbers and ISO dates go into it, and the title is escaped.
 */
export function barChartSvg(points: readonly { day: string; count: number }[], title: string): string {
  const width = 640;
  const height = 160;
  const pad = { top: 12, right: 8, bottom: 22, left: 32 };
  const max = Math.max(1, ...points.map((p) => p.count));
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const step = innerW / Math.max(1, points.length);
  const barW = Math.max(1, step * 0.7);
  const esc = escapeHtml;
  const bars = points
    .map((p, i) => {
      const h = Math.round((p.count / max) * innerH);
      const x = (pad.left + i * step + (step - barW) / 2).toFixed(1);
      const y = pad.top + innerH - h;
      return `<rect class="bar" x="${x}" y="${y}" width="${barW.toFixed(1)}" height="${h}"><title>${esc(p.day)}: ${p.count}</title></rect>`;
    })
    .join('');
  const first = points[0]?.day ?? '';
  const last = points[points.length - 1]?.day ?? '';
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${esc(title)}</title>` +
    `<line class="axis" x1="${pad.left}" y1="${pad.top + innerH}" x2="${width - pad.right}" y2="${pad.top + innerH}"/>` +
    `<text class="tick" x="${pad.left - 4}" y="${pad.top + 8}" text-anchor="end">${max}</text>` +
    `<text class="tick" x="${pad.left - 4}" y="${pad.top + innerH}" text-anchor="end">0</text>` +
    bars +
    `<text class="tick" x="${pad.left}" y="${height - 6}">${esc(first)}</text>` +
    `<text class="tick" x="${width - pad.right}" y="${height - 6}" text-anchor="end">${esc(last)}</text>` +
    `</svg>`
  );
}
