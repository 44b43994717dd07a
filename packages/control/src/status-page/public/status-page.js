// The status page (docs/status-page.md): reads the control process's event stream and draws it. No build
// step: this module and uPlot's are served as they are by the control process.
// A sibling in URL space: the control process serves uPlot's own file from its npm package at /assets/.
import uPlot from './uPlot.esm.js';

/** The newest events shown; the page does not scroll inside itself (keyboard users reach everything). */
const TIMELINE_LENGTH = 50;
const CHART_POINTS = 300;
const CSRF_HEADER = 'x-vaultover-csrf';

const $ = (selector) => document.querySelector(selector);
let csrfToken = '';
const chart = newChart();

/** Shows `text` in the element, as text (nothing the server sends is ever HTML). */
function show(selector, text) {
  $(selector).textContent = text;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function timeOf(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '—';
}

function showState(state, epoch) {
  show('#failover-state', state);
  show('#epoch', String(epoch));
  for (const node of document.querySelectorAll('#state-machine .state')) {
    const current = node.dataset.state === state;
    node.classList.toggle('current', current);
    node.setAttribute('aria-current', current ? 'step' : 'false');
  }
  $('#machine-title').textContent = `Failover state machine; the current state is ${state}`;
}

function showStatus(snapshot) {
  const { status } = snapshot;
  showState(status.state, status.epoch);
  show('#serving', status.serving ?? 'nobody (a window)');
  show('#monitor', status.paused ? 'paused' : 'deciding');
  showRegions(status, snapshot.regionEpochs);
  showLastFailover(status.lastFailover);
  showFaults(snapshot.faults);
}

/** Each region's row, made once and updated in place (a focused button keeps its focus). */
const regionRows = new Map();

function regionRow(name) {
  let row = regionRows.get(name);
  if (row) return row;
  row = element('tr');
  row.dataset.region = name;
  const heading = element('th', name);
  heading.scope = 'row';
  row.append(heading);
  for (const field of ['role', 'mode', 'health', 'epoch', 'lag', 'probe']) {
    const cell = element('td');
    cell.dataset.field = field;
    row.append(cell);
  }
  const group = element('div', undefined, 'actions');
  for (const [action, label] of [
    ['crash', 'Crash'],
    ['restart', 'Restart'],
  ]) {
    const button = element('button', label);
    button.type = 'button';
    button.dataset.action = `/api/regions/${encodeURIComponent(name)}/${action}`;
    button.setAttribute('aria-label', `${label} ${name}`);
    group.append(button);
  }
  const actions = element('td');
  actions.append(group);
  row.append(actions);
  $('#regions tbody').append(row);
  regionRows.set(name, row);
  return row;
}

function showRegions(status, epochs) {
  for (const [name, region] of Object.entries(status.regions)) {
    const row = regionRow(name);
    const cell = (field) => row.querySelector(`[data-field="${field}"]`);
    const health = region.healthy ? 'up' : 'down';
    const probe = region.lastProbe;
    const lag = region.replication?.lagEntries;
    cell('role').textContent = region.role;
    cell('mode').textContent = region.mode;
    cell('mode').className = region.mode === 'offline' ? 'down' : '';
    cell('health').textContent = health;
    cell('health').className = health;
    cell('epoch').textContent = typeof epochs[name] === 'number' ? String(epochs[name]) : '—';
    cell('lag').textContent = typeof lag === 'number' ? `${lag} changes` : '—';
    cell('probe').textContent = probe
      ? `${timeOf(probe.at)} ${probe.ok ? 'ok' : `failed: ${probe.reason}`}`
      : '—';
  }
}

function showLastFailover(record) {
  const list = $('#last-failover');
  if (!record) return;
  const rto =
    record.servingAt === null
      ? 'still failing over'
      : `${((Date.parse(record.servingAt) - Date.parse(record.triggeredAt ?? record.detectedAt ?? record.startedAt)) / 1000).toFixed(1)} s`;
  const rpo = record.rpo
    ? `${record.rpo.lostChanges} changes lost` +
      (record.rpo.unacknowledgedChanges ? `, ${record.rpo.unacknowledgedChanges} unacknowledged` : '') +
      (record.rpo.lostWindowSeconds !== null ? ` over ${record.rpo.lostWindowSeconds} s` : '')
    : 'not measured yet';
  const pairs = [
    ['From', `${record.from} to ${record.to}${record.forced ? ' (forced)' : ''}`],
    ['Reason', record.reason],
    ['Started', timeOf(record.startedAt)],
    ['RTO', rto],
    ['RPO', rpo],
    ['Failed back', record.endedAt ? timeOf(record.endedAt) : 'not yet'],
  ];
  list.replaceChildren(
    ...pairs.map(([term, value]) => {
      const pair = element('div');
      pair.append(element('dt', term), element('dd', value));
      return pair;
    }),
  );
}

function showFaults(rules) {
  const live = rules.filter((rule) => rule.state !== 'expired');
  const tbody = $('#faults tbody');
  if (live.length === 0) {
    const row = element('tr');
    const cell = element('td', 'No fault rule is active or scheduled.', 'empty');
    cell.colSpan = 5;
    row.append(cell);
    tbody.replaceChildren(row);
    return;
  }
  tbody.replaceChildren(
    ...live.map((rule) => {
      const row = element('tr');
      row.append(
        element('td', rule.name),
        element('td', rule.id),
        element('td', rule.action.type),
        element('td', rule.state),
        element('td', String(rule.hits)),
      );
      return row;
    }),
  );
}

/** One line of the timeline for a control event (docs/control-api.md, GET /api/events). */
function describe(event) {
  const d = event.details;
  switch (event.kind) {
    case 'transition':
      return `${d.from ?? 'start'} → ${d.to} (epoch ${d.epoch})${d.reason ? `: ${d.reason}` : ''}${d.aborted ? `: ${d.aborted}` : ''}`;
    case 'probe':
      return `${d.region} judged ${d.healthy ? 'up' : 'down'}${d.reason ? `: ${d.reason}` : ''}`;
    case 'fault':
      return `${d.region}: ${d.fault}`;
    case 'fault-rule':
      return `rule ${d.name} (${d.id}) ${d.change}`;
    case 'control':
      return `${d.action} requested${d.epoch ? ` at epoch ${d.epoch}` : ''}`;
    default:
      return typeof d.message === 'string' ? d.message : JSON.stringify(d);
  }
}

function addEvent(event) {
  const item = element('li');
  item.dataset.kind = event.kind;
  const time = element('time', timeOf(event.time));
  time.dateTime = event.time;
  item.append(time, element('span', event.kind, 'kind'), element('span', describe(event)));
  const timeline = $('#timeline');
  timeline.prepend(item);
  while (timeline.children.length > TIMELINE_LENGTH) timeline.lastElementChild.remove();
  // A transition shows at once, without waiting for the next snapshot.
  if (event.kind === 'transition') showState(event.details.to, event.details.epoch);
}

const COLOURS = ['#0b5cad', '#b35c00', '#6a1b9a', '#0a6b2f'];

function newChart() {
  const container = $('#chart');
  const clock = (seconds) => new Date(seconds * 1000).toLocaleTimeString([], { hour12: false });
  const options = {
    width: Math.max(320, container.clientWidth),
    height: 260,
    series: [{ value: (_u, seconds) => (seconds === null ? '' : clock(seconds)) }],
    axes: [
      { values: (_u, ticks) => ticks.map(clock), incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300], space: 70 },
      { label: 'requests/s' },
      { side: 1, scale: 'lag', label: 'lag (changes)', grid: { show: false } },
    ],
    scales: { x: { time: true } },
    legend: { live: false },
  };
  const state = { keys: [], data: [[]], lastAt: 0 };
  state.plot = new uPlot(options, state.data, container);
  new ResizeObserver(() =>
    state.plot.setSize({ width: Math.max(320, container.clientWidth), height: 260 }),
  ).observe(container);
  return state;
}

/** The series of `key`, added on first use with a gap (nulls) for the samples before it. */
function chartSeries(key, options) {
  let index = chart.keys.indexOf(key);
  if (index < 0) {
    index = chart.keys.push(key) - 1;
    chart.data.push(chart.data[0].map(() => null));
    chart.plot.addSeries({ width: 2, stroke: COLOURS[index % COLOURS.length], ...options }, index + 1);
  }
  return chart.data[index + 1];
}

function addFigures(samples) {
  for (const sample of samples) {
    const at = Date.parse(sample.at) / 1000;
    if (at <= chart.lastAt) continue;
    chart.lastAt = at;
    chart.data[0].push(at);
    // Every series gets a point (null for none) so that all stay as long as the time axis.
    for (const series of chart.data.slice(1)) series.push(null);
    for (const [name, figure] of Object.entries(sample.regions)) {
      chartSeries(`${name} requests/s`, { label: `${name} requests/s` }).splice(
        -1,
        1,
        figure.requestsPerSecond,
      );
      // Only a region that replicates has a lag: the primary gets no series.
      if (figure.lagEntries !== null) {
        chartSeries(`${name} lag`, { label: `${name} lag (changes)`, scale: 'lag', dash: [6, 4] }).splice(
          -1,
          1,
          figure.lagEntries,
        );
      }
    }
    for (const series of chart.data) if (series.length > CHART_POINTS) series.shift();
    show('#figures-now', describeFigures(sample));
  }
  chart.plot.setData(chart.data);
  $('#chart').dataset.samples = String(chart.data[0].length);
}

/** The chart's latest sample in words, for whoever does not see the chart. */
function describeFigures(sample) {
  return Object.entries(sample.regions)
    .map(([name, figure]) => {
      const rate = figure.requestsPerSecond === null ? 'no figure' : `${figure.requestsPerSecond} requests/s`;
      return `${name} ${rate}${figure.lagEntries === null ? '' : `, lag ${figure.lagEntries} changes`}`;
    })
    .join('; ');
}

async function act(button) {
  const result = $('#action-result');
  button.disabled = true;
  result.textContent = `${button.textContent}: sent…`;
  try {
    const reply = await fetch(button.dataset.action, {
      method: 'POST',
      headers: { [CSRF_HEADER]: csrfToken },
    });
    const body = await reply.json().catch(() => ({}));
    result.textContent = reply.ok
      ? `${button.getAttribute('aria-label') ?? button.textContent}: done.`
      : `${button.getAttribute('aria-label') ?? button.textContent}: refused (${reply.status} ${body.error?.code ?? ''}): ${body.error?.message ?? ''}`;
  } catch (error) {
    result.textContent = `${button.textContent}: the control process did not answer (${error.message}).`;
  } finally {
    button.disabled = false;
  }
}

async function start() {
  const session = await fetch('/api/session');
  // The session ended (a restart of the control process, its lifetime): the page says how to log in.
  if (!session.ok) return window.location.reload();
  csrfToken = (await session.json()).csrfToken;
  document.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (button) void act(button);
  });
  $('#log-out').addEventListener('click', async () => {
    await fetch('/api/session', { method: 'DELETE', headers: { [CSRF_HEADER]: csrfToken } });
    window.location.reload();
  });
  const stream = new EventSource('/api/events/stream');
  stream.addEventListener('open', () => show('#connection', 'live'));
  // EventSource reconnects by itself after a dropped stream, but not after a refusal (the session ended).
  stream.addEventListener('error', () =>
    show(
      '#connection',
      stream.readyState === EventSource.CLOSED ? 'stopped: reload the page' : 'reconnecting…',
    ),
  );
  stream.addEventListener('control', (message) => addEvent(JSON.parse(message.data)));
  stream.addEventListener('status', (message) => showStatus(JSON.parse(message.data)));
  stream.addEventListener('figures', (message) => addFigures(JSON.parse(message.data).samples));
}

void start();
