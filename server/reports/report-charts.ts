import * as echarts from 'echarts';
import type { Lang } from '../lib/money.js';
import {
  axisKrw,
  cellText,
  codeLabel,
  columnLabel,
  monthLabel,
  quarterLabel,
  type Translate,
} from './report-format.js';
import type { ChartName, Table } from './report-tables.js';

// Charts drawn on the server as SVG (ECharts' server-side renderer, no DOM): served as images at their own URLs, so the
// pages' strict CSP stays as it is and a chart works without JavaScript. Each chart is drawn from the same table the page
// shows beside it. No cache: a chart takes a few milliseconds to draw, and the summaries it is drawn from are read per
// request anyway (a cache keyed by the data's version would need that read to know the version).

// Two sizes: wide for a desktop column, narrow for a phone (the page picks it with <picture>). Drawn at 720 px and shown
// on a 390 px phone, a chart's text came out at half its size and could not be read.
const CHART_SIZES = { wide: { width: 720, height: 320 }, narrow: { width: 400, height: 320 } } as const;
export type ChartSize = keyof typeof CHART_SIZES;
// Single quotes inside: ECharts writes the family into a double-quoted style attribute without escaping it.
const FONT = "system-ui, -apple-system, 'Apple SD Gothic Neo', 'Noto Sans KR', 'Malgun Gothic', sans-serif";
const COLORS = [
  '#0b5cad',
  '#e07b00',
  '#067647',
  '#b42318',
  '#6941c6',
  '#0e7490',
  '#a15c07',
  '#475467',
  '#c11574',
  '#3b7c0f',
];

type Ctx = { table: Table; t: Translate; lang: Lang };
type Option = Record<string, unknown>;

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const base = (yKrw = false, lang: Lang = 'ko'): Option => ({
  animation: false,
  color: COLORS,
  textStyle: { fontFamily: FONT },
  grid: { left: 28, right: 28, top: 40, bottom: 16, containLabel: true },
  legend: { top: 4, itemGap: 24 },
  yAxis: {
    type: 'value',
    minInterval: 1,
    ...(yKrw ? { axisLabel: { formatter: (v: number) => axisKrw(v, lang) } } : {}),
  },
});

// Charts name the columns they draw, and each is one of its table's.
const column = (c: Ctx, key: string) => c.table.columns.find((col) => col.key === key)!;
const label = (c: Ctx, key: string) => columnLabel(c.table.name, column(c, key), c.t);
const quarters = (c: Ctx) => c.table.rows.map((r) => quarterLabel(String(r.quarter), c.t));

const OPTIONS: Record<ChartName, (c: Ctx) => Option> = {
  residents: (c) => ({
    ...base(),
    xAxis: { type: 'category', data: c.table.rows.map((r) => monthLabel(String(r.day), c.t)) },
    series: [
      { name: label(c, 'residents'), type: 'line', data: c.table.rows.map((r) => num(r.residents)), symbolSize: 5 },
      ...(c.table.rows.some((r) => r.targetLine !== null)
        ? [
            {
              name: label(c, 'targetLine'),
              type: 'line',
              data: c.table.rows.map((r) => r.targetLine),
              lineStyle: { type: 'dashed' },
              symbol: 'none',
            },
          ]
        : []),
    ],
  }),
  sectors: (c) => breakdown(c, 'sector'),
  stages: (c) => breakdown(c, 'stage'),
  moves: (c) => ({
    ...base(),
    xAxis: { type: 'category', data: quarters(c) },
    series: ['admissions', 'departures'].map((key) => ({
      name: label(c, key),
      type: 'bar',
      data: c.table.rows.map((r) => num(r[key])),
    })),
  }),
  capital: (c) => ({
    ...base(true, c.lang),
    xAxis: { type: 'category', data: quarters(c) },
    series: c.table.columns
      .filter((col) => col.vocab === 'roundStages')
      .map((col) => ({
        name: columnLabel('capital', col, c.t),
        type: 'bar',
        stack: 'raised',
        data: c.table.rows.map((r) => num(r[col.key])),
      })),
  }),
  tips: (c) => ({
    ...base(),
    xAxis: { type: 'category', data: quarters(c) },
    series: [
      { name: label(c, 'selections'), type: 'bar', data: c.table.rows.map((r) => num(r.selections)) },
      { name: label(c, 'cumulative'), type: 'line', data: c.table.rows.map((r) => num(r.cumulative)) },
    ],
  }),
  funnel: (c) => {
    const col = column(c, 'stage');
    const rows = c.table.rows.filter((r) => r.stage !== 'on-hold' && r.stage !== 'passed').reverse();
    return {
      ...base(),
      legend: { show: false },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: rows.map((r) => codeLabel(col, r.stage ?? null, c.t)) },
      series: [
        {
          name: label(c, 'reached'),
          type: 'bar',
          data: rows.map((r) => num(r.reached)),
          label: { show: true, position: 'right' },
        },
      ],
    };
  },
};

function breakdown(c: Ctx, key: 'sector' | 'stage'): Option {
  const col = column(c, key);
  const rows = [...c.table.rows].reverse();
  return {
    ...base(),
    legend: { show: false },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map((r) => codeLabel(col, r[key] ?? null, c.t)) },
    series: [
      {
        name: label(c, 'firms'),
        type: 'bar',
        data: rows.map((r) => num(r.firms)),
        label: {
          show: true,
          position: 'right',
          formatter: (p: { value: number }) => cellText({ key: 'v', kind: 'count' }, { v: p.value }, c.lang, c.t),
        },
      },
    ],
  };
}

// The chart as an SVG document (no script: ECharts' SVG output has none, and a test checks it).
export function renderChart(name: ChartName, table: Table, t: Translate, lang: Lang, size: ChartSize = 'wide'): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...CHART_SIZES[size] });
  try {
    const option = OPTIONS[name]({ table, t, lang });
    // A narrow chart's legend may take two lines: the plot starts below them. Its text is drawn larger, as it is shown
    // at about its drawn size where a wide one is shown at half.
    if (size === 'narrow') {
      const larger = (part: unknown, key: string) =>
        part && typeof part === 'object'
          ? { ...(part as Option), [key]: { ...((part as Option)[key] as Option | undefined), fontSize: 13 } }
          : part;
      Object.assign(option, {
        grid: { ...(option.grid as Option | undefined), left: 8, right: 12, top: 64 },
        legend: larger({ ...(option.legend as Option | undefined), itemGap: 10 }, 'textStyle'),
        xAxis: larger(option.xAxis, 'axisLabel'),
        yAxis: larger(option.yAxis, 'axisLabel'),
      });
    }
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
