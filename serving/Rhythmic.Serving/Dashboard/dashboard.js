// Rhythmic's dashboard: every panel reads one or two endpoints of the serving API and is redrawn every 2 s without
// reloading the page. Charts and the map use ECharts and the us-atlas TopoJSON, served by the host under /vendor/
// (installed by setup.sh); when they are missing the page says so and still shows its figures and tables.
// A module: its names stay its own (none shadows the window's, such as history).

const REFRESH_MS = 2000;
const COLORS = { batch: '#4f8cff', speed: '#1db954', mixed: '#b57bff', bad: '#ff6b6b', muted: '#8b93a1', line: '#262a33', text: '#e6e6e6' };
const SOURCES = ['batch', 'speed', 'mixed'];
const SOURCE_NAMES = { batch: 'batch view', speed: 'speed view', mixed: 'both views' };
const METRIC_NAMES = { plays: 'plays', active_users: 'active users', page_views: 'page views', sessions: 'sessions', logins: 'logins', failed_logins: 'failed logins', level_changes: 'level changes' };
// The filters each metric accepts (the API refuses the others: the speed view does not keep them).
const FILTERS = { plays: ['level', 'gender', 'state'], active_users: ['level', 'gender', 'state'], page_views: ['level'], sessions: ['level'], level_changes: ['level'], logins: [], failed_logins: [] };
const MS = { minute: 60e3, hour: 3600e3, day: 86400e3, week: 7 * 86400e3, month: 30.44 * 86400e3, year: 365.25 * 86400e3 };
const MAX_BARS = 1500;

const $ = id => document.getElementById(id);
const fmt = n => n == null ? '–' : Number(n).toLocaleString('en-US');
const compact = n => Number(n).toLocaleString('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const iso = t => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
const time = t => t ? new Date(t).toISOString().replace('T', ' ').slice(0, 16) + 'Z' : '–';
const short = (s, n) => !s ? '' : s.length > n ? s.slice(0, n - 1) + '…' : s;
const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const spanMs = text => parseInt(text, 10) * (text.endsWith('d') ? 86400e3 : 3600e3);

// ---- Problems: every failure is shown, by the part of the page it concerns, until that part works again. ----
const problems = new Map();
function setProblem(key, message) {
  if (message == null ? !problems.has(key) : problems.get(key) === message) return;
  if (message == null) problems.delete(key); else problems.set(key, message);
  const box = $('problems');
  box.hidden = problems.size === 0;
  box.innerHTML = [...problems.values()].map(m => `<div>${esc(m)}</div>`).join('');
}

async function get(path) {
  let response;
  try { response = await fetch(path, { cache: 'no-store' }); }
  catch (e) { throw new Error(`${path}: the serving host does not answer (${e.message})`); }
  if (!response.ok) {
    const text = await response.text();
    let detail = text.slice(0, 300);
    try {
      const p = JSON.parse(text);
      detail = p.errors ? Object.entries(p.errors).map(([k, v]) => `${k}: ${[].concat(v).join('; ')}`).join(' · ') : (p.detail || p.title || p.error || detail);
    } catch { /* not JSON: show the text */ }
    throw new Error(`${path}: ${response.status} ${detail}`);
  }
  return response.json();
}

// ---- The vendor libraries, loaded from this host. ----
let charts = null;   // null until ECharts has loaded; false when it could not be
let mapReady = false;
function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src; s.onload = resolve; s.onerror = () => reject(new Error(src));
    document.head.append(s);
  });
}
async function whyMissing(url) {
  try { const r = await fetch(url); return r.ok ? `${url} did not load` : await r.text(); } catch (e) { return `${url}: ${e.message}`; }
}
async function loadVendor() {
  try {
    await loadScript('/vendor/echarts.min.js');
    charts = new Map();
  } catch (e) {
    charts = false;
    const why = await whyMissing(e.message);
    setProblem('vendor', `Charts and map are unavailable: ${why}`);
    for (const el of document.querySelectorAll('.chart')) el.innerHTML = `<div class="unavailable">Charts unavailable: ${esc(why)}</div>`;
    return;
  }
  try {
    await loadScript('/vendor/topojson-client.min.js');
    const topo = await get('/vendor/states-albers-10m.json');
    echarts.registerMap('USA', topojson.feature(topo, topo.objects.states));
    mapReady = true;
  } catch (e) {
    const why = e.message.startsWith('/vendor/') && !e.message.includes(':') ? await whyMissing(e.message) : e.message;
    setProblem('vendor-map', `The map is unavailable: ${why}`);
    $('map').innerHTML = `<div class="unavailable">Map unavailable: ${esc(why)}</div>`;
  }
}

function chart(id) {
  if (!charts) return null;
  let c = charts.get(id);
  if (!c) {
    const el = $(id);
    el.innerHTML = '';
    c = echarts.init(el, null, { renderer: 'svg' });
    charts.set(id, c);
  }
  return c;
}
window.addEventListener('resize', () => { if (charts) for (const c of charts.values()) c.resize(); });

const axisStyle = {
  axisLine: { lineStyle: { color: '#3a404c' } }, axisTick: { show: false },
  axisLabel: { color: COLORS.muted, fontSize: 11 }, splitLine: { lineStyle: { color: COLORS.line } },
};
const tooltipStyle = { backgroundColor: '#232833', borderColor: '#3a404c', textStyle: { color: COLORS.text, fontSize: 12 } };

function bucketLabel(t, grain, withDate) {
  const s = new Date(t).toISOString();
  switch (grain) {
    case 'second': return s.slice(11, 19);
    case 'minute': case 'hour': return withDate ? `${s.slice(5, 10)} ${s.slice(11, 16)}` : s.slice(11, 16);
    case 'day': case 'week': return s.slice(0, 10);
    case 'month': return s.slice(0, 7);
    default: return s.slice(0, 4);
  }
}

// Bars coloured by the view that answered each bucket: one stacked series per source, each bucket in its own.
function drawHistory(id, answer, name) {
  const c = chart(id);
  if (!c) return;
  const days = new Set(answer.points.map(p => p.t.slice(0, 10))).size;
  const labels = answer.points.map(p => bucketLabel(p.t, answer.grain, days > 1));
  const seam = answer.batchThrough ? answer.points.findIndex(p => p.t >= answer.batchThrough) : -1;
  const series = SOURCES.map(source => ({
    name: SOURCE_NAMES[source], type: 'bar', stack: 'all', barCategoryGap: '15%', itemStyle: { color: COLORS[source] },
    data: answer.points.map(p => p.source === source ? p.value : '-'),
    markLine: source === 'batch' && seam > 0 ? {
      symbol: 'none', silent: true, lineStyle: { color: COLORS.muted, type: 'dashed' },
      label: { formatter: 'batch view ends', color: COLORS.muted, fontSize: 11, position: 'insideEndTop' },
      data: [{ xAxis: labels[seam] }],
    } : undefined,
  }));
  c.setOption({
    animation: false, grid: { left: 52, right: 16, top: 14, bottom: 28 },
    tooltip: { ...tooltipStyle, trigger: 'axis', axisPointer: { type: 'shadow' },
      formatter: items => {
        const p = answer.points[items[0].dataIndex];
        return `${esc(time(p.t))}<br><b>${fmt(p.value)}</b> ${esc(name)}<br><span style="color:${COLORS[p.source]}">${SOURCE_NAMES[p.source]}</span>`;
      } },
    xAxis: { type: 'category', data: labels, ...axisStyle, splitLine: { show: false } },
    yAxis: { type: 'value', ...axisStyle, minInterval: 1, axisLabel: { ...axisStyle.axisLabel, formatter: compact } },
    series,
  }, { replaceMerge: ['series'] });
}

// ---- Panels. Each reads its endpoints and draws; a panel still waiting for its last answer is skipped. ----
const ui = { liveMinutes: 5, period: '24h', clock: Date.now() };

function periodFrom(minimumMs = 0) { return iso(ui.clock - Math.max(spanMs(ui.period), minimumMs)); }

const FIGURES = [
  ['plays', 'Plays'], ['activeUsers', 'Active users'], ['pageViews', 'Page views'], ['sessions', 'Sessions started'],
  ['logins', 'Logins'], ['failedLogins', 'Failed logins', true], ['levelChanges', 'Level changes'],
];
$('figures').innerHTML = FIGURES.map(([key, label]) =>
  `<div class="card figure"><div class="k">${label}</div><div class="v" id="fig-${key}">–</div><div class="d" id="chg-${key}">&nbsp;</div></div>`).join('');

async function headline() {
  const live = await get(`/api/live?minutes=${ui.liveMinutes}`);
  ui.clock = Math.max(Date.now(), Date.parse(live.through));
  const span = ui.liveMinutes === 60 ? 'hour' : `${ui.liveMinutes} min`;
  for (const [key, , upIsBad] of FIGURES) {
    $(`fig-${key}`).textContent = fmt(live.current[key]);
    const change = live.change[key], el = $(`chg-${key}`);
    el.className = 'd' + (change > 0 ? ' up' : change < 0 ? ' down' : '') + (upIsBad ? ' bad-up' : '');
    el.textContent = change == null
      ? `previous ${span}: ${fmt(live.previous[key])}`
      : `${change > 0 ? '▲' : change < 0 ? '▼' : '='} ${Math.abs(change * 100).toFixed(1)}% vs prior ${span}`;
  }
  $('status').textContent = `last ${span} through ${time(live.through)} · refreshed ${new Date().toISOString().slice(11, 19)}Z`;
}

async function livePlays() {
  const answer = await get(`/api/history?metric=plays&grain=minute&from=${iso(ui.clock - 3600e3)}`);
  drawHistory('live-chart', answer, 'plays');
}

// The history panel's choices (metric, range, grain, filters).
const shown = { metric: 'plays', range: '7d', grain: 'hour', level: '', gender: '', state: '' };
function historyControls() {
  const range = spanMs(shown.range);
  const grains = [...$('h-grain').options];
  for (const o of grains) o.disabled = range / MS[o.value] > MAX_BARS || range / MS[o.value] < 1;
  if ($('h-grain').selectedOptions[0].disabled) {
    const fit = grains.filter(o => !o.disabled && range / MS[o.value] >= 6);
    shown.grain = (fit.length ? fit[0] : grains.filter(o => !o.disabled).at(-1)).value;
    $('h-grain').value = shown.grain;
  }
  for (const f of ['level', 'gender', 'state']) {
    const ok = FILTERS[shown.metric].includes(f);
    $(`h-${f}`).disabled = !ok;
    if (!ok) { shown[f] = ''; $(`h-${f}`).value = ''; }
  }
}
async function historyPanel() {
  const q = new URLSearchParams({ metric: shown.metric, grain: shown.grain, from: iso(ui.clock - spanMs(shown.range)) });
  for (const f of ['level', 'gender', 'state']) if (shown[f]) q.set(f, shown[f]);
  const answer = await get(`/api/history?${q}`);
  const total = answer.points.reduce((s, p) => s + p.value, 0);
  const filters = ['level', 'gender', 'state'].filter(f => shown[f]).map(f => `${f} ${shown[f]}`).join(', ');
  $('history-note').textContent = `${METRIC_NAMES[shown.metric]} per ${answer.grain}${filters ? ` (${filters})` : ''}, ` +
    `${answer.metric === 'active_users' ? 'peak bucket' : 'total'} ${fmt(answer.metric === 'active_users' ? Math.max(0, ...answer.points.map(p => p.value)) : total)}` +
    ` · warehouse loaded through ${answer.batchThrough ? time(answer.batchThrough) : 'no hour yet'}`;
  drawHistory('history-chart', answer, METRIC_NAMES[shown.metric]);
}
for (const id of ['metric', 'range', 'grain', 'level', 'gender', 'state'])
  $(`h-${id}`).addEventListener('change', e => { shown[id] = e.target.value; historyControls(); run(historyPanel, true); });

function rankRows(items, cells) {
  return items.length === 0
    ? '<tr><td class="none" colspan="3">No plays in this period.</td></tr>'
    : items.map((x, i) => `<tr><td>${i + 1}</td>${cells(x)}<td class="n">${fmt(x.plays)}</td></tr>`).join('');
}
async function topSongs() {
  const a = await get(`/api/top?by=songs&n=10&from=${periodFrom()}`);
  $('top-songs').innerHTML = rankRows(a.items, s => `<td class="name"><div>${esc(s.song)}</div><div class="muted">${esc(s.artist)}</div></td>`);
}
async function topArtists() {
  const a = await get(`/api/top?by=artists&n=10&from=${periodFrom()}`);
  $('top-artists').innerHTML = rankRows(a.items, s => `<td class="name"><div>${esc(s.artist)}</div></td>`);
}

const stateCodes = new Map();
async function places() {
  const a = await get(`/api/top?by=locations&n=100&from=${periodFrom()}`);
  $('top-places').innerHTML = rankRows(a.items.slice(0, 10), s => `<td class="name"><div>${esc(s.stateName)} <span class="muted">${esc(s.state)}</span></div></td>`);
  let added = false;
  for (const s of a.items) if (!stateCodes.has(s.stateName)) { stateCodes.set(s.stateName, s.state); added = true; }
  if (added) {
    const select = $('h-state'), keep = select.value;
    select.innerHTML = '<option value="">all</option>' + [...stateCodes].sort((x, y) => x[1].localeCompare(y[1]))
      .map(([name, code]) => `<option value="${esc(code)}">${esc(code)} · ${esc(name)}</option>`).join('');
    select.value = keep;
  }
  const c = mapReady && chart('map');
  if (!c) return;
  if (!c.filtersHistory) {
    // A click on a state filters the history by it (plays, unless the metric shown can be filtered by state).
    c.on('click', p => {
      const code = p.data?.code;
      if (!code) return;
      if (!FILTERS[shown.metric].includes('state')) { shown.metric = 'plays'; $('h-metric').value = 'plays'; }
      historyControls();
      shown.state = code;
      $('h-state').value = code;
      run(historyPanel, true);
    });
    c.filtersHistory = true;
  }
  const max = Math.max(1, ...a.items.map(s => s.plays));
  c.setOption({
    animation: false,
    tooltip: { ...tooltipStyle, trigger: 'item', formatter: p => `${esc(p.name)}<br><b>${fmt(Number.isFinite(p.value) ? p.value : 0)}</b> plays` },
    visualMap: { type: 'continuous', min: 0, max, left: 8, bottom: 8, itemHeight: 90, calculable: false,
      text: [compact(max), '0'], textStyle: { color: COLORS.muted, fontSize: 11 }, inRange: { color: ['#1c2a44', '#2f5fb3', '#4f8cff', '#7de3a0', '#1db954'] } },
    series: [{
      type: 'map', map: 'USA', roam: false, left: 10, right: 10, top: 6, bottom: 6,
      // The TopoJSON is already projected (Albers USA, with Alaska and Hawaii moved in): draw its coordinates as they are.
      projection: { project: p => p, unproject: p => p },
      itemStyle: { areaColor: '#232833', borderColor: '#0f1115', borderWidth: 0.6 },
      emphasis: { label: { show: false }, itemStyle: { areaColor: '#f5a623' } },
      select: { disabled: true },
      data: a.items.map(s => ({ name: s.stateName, value: s.plays, code: s.state })),
    }],
  }, { replaceMerge: ['series'] });
}

async function users() {
  const [g, l] = await Promise.all([get(`/api/users?by=gender&from=${periodFrom()}`), get(`/api/users?by=level&from=${periodFrom()}`)]);
  const c = chart('users-chart');
  if (!c) return;
  const genderName = { F: 'female', M: 'male' };
  const values = new Map([...g.groups.map(x => [genderName[x.gender] ?? x.gender ?? '?', x.users]), ...l.groups.map(x => [x.level ?? '?', x.users])]);
  const pie = (center, title, data) => ({
    type: 'pie', radius: ['40%', '64%'], center, name: title, label: { show: false }, emptyCircleStyle: { color: '#232833' },
    itemStyle: { borderColor: '#181b22', borderWidth: 2 }, data,
  });
  const caption = (left, text) => ({ text, left, top: '47%', textAlign: 'center', textVerticalAlign: 'middle', textStyle: { color: COLORS.muted, fontSize: 12, fontWeight: 400 } });
  c.setOption({
    animation: false,
    title: [
      { text: g.users ? `${fmt(g.users)} distinct users` : 'no user active in this period', left: 'center', top: 0, textStyle: { color: COLORS.muted, fontSize: 12, fontWeight: 400 } },
      caption('25%', 'gender'), caption('75%', 'level'),
    ],
    tooltip: { ...tooltipStyle, trigger: 'item', formatter: p => `${esc(p.seriesName)}: ${esc(p.name)}<br><b>${fmt(p.value)}</b> users (${p.percent}%)` },
    legend: { data: [...values.keys()], bottom: 0, icon: 'roundRect', itemWidth: 10, itemHeight: 10, textStyle: { color: COLORS.text, fontSize: 12 },
      formatter: name => `${name} ${fmt(values.get(name))}` },
    series: [
      pie(['25%', '48%'], 'gender', g.groups.map(x => ({ name: genderName[x.gender] ?? x.gender ?? '?', value: x.users, itemStyle: { color: x.gender === 'F' ? '#e06c9f' : '#56b6c2' } }))),
      pie(['75%', '48%'], 'level', l.groups.map(x => ({ name: x.level ?? '?', value: x.users, itemStyle: { color: x.level === 'paid' ? '#f5a623' : '#6c7689' } }))),
    ],
  }, { replaceMerge: ['series'] });
}

async function logins() {
  const span = spanMs(ui.period), grain = span <= 3600e3 ? 'minute' : span <= 7 * 86400e3 ? 'hour' : 'day';
  const [ok, failed] = await Promise.all([
    get(`/api/history?metric=logins&grain=${grain}&from=${periodFrom()}`), get(`/api/history?metric=failed_logins&grain=${grain}&from=${periodFrom()}`)]);
  const c = chart('logins-chart');
  if (!c) return;
  const days = new Set(ok.points.map(p => p.t.slice(0, 10))).size;
  const sum = a => a.points.reduce((s, p) => s + p.value, 0);
  const [okSum, failedSum] = [sum(ok), sum(failed)];
  c.setOption({
    animation: false, grid: { left: 44, right: 12, top: 30, bottom: 26 },
    title: { text: `${fmt(okSum)} logins · ${fmt(failedSum)} failed${okSum + failedSum ? ` (${(failedSum / (okSum + failedSum) * 100).toFixed(1)}%)` : ''}`,
      left: 'center', top: 0, textStyle: { color: COLORS.muted, fontSize: 12, fontWeight: 400 } },
    tooltip: { ...tooltipStyle, trigger: 'axis' },
    xAxis: { type: 'category', data: ok.points.map(p => bucketLabel(p.t, grain, days > 1)), ...axisStyle, splitLine: { show: false } },
    yAxis: { type: 'value', minInterval: 1, ...axisStyle, axisLabel: { ...axisStyle.axisLabel, formatter: compact } },
    series: [
      { name: 'logins', type: 'bar', stack: 'auth', itemStyle: { color: COLORS.speed }, data: ok.points.map(p => p.value) },
      { name: 'failed', type: 'bar', stack: 'auth', itemStyle: { color: COLORS.bad }, data: failed.points.map(p => p.value) },
    ],
  }, { replaceMerge: ['series'] });
}

async function songsPerUser() {
  const from = periodFrom(7 * 86400e3);
  const [day, session] = await Promise.all([get(`/api/songs-per-user?per=day&from=${from}`), get(`/api/songs-per-user?per=session&from=${from}`)]);
  const avg = v => v == null ? '–' : v.toFixed(1);
  $('spu-label').textContent = `${avg(day.average)} a day per user · ${avg(session.average)} per session`;
  const c = chart('spu-chart');
  if (!c) return;
  c.setOption({
    animation: false, grid: { left: 36, right: 12, top: 30, bottom: 26 },
    legend: { top: 0, textStyle: { color: COLORS.muted, fontSize: 11 }, itemWidth: 12, itemHeight: 8 },
    tooltip: { ...tooltipStyle, trigger: 'axis', valueFormatter: v => v == null ? '–' : Number(v).toFixed(2) },
    xAxis: { type: 'category', data: day.points.map(p => p.t.slice(5, 10)), ...axisStyle, splitLine: { show: false } },
    yAxis: { type: 'value', ...axisStyle },
    series: [
      { name: 'songs per user per day', type: 'bar', itemStyle: { color: COLORS.batch }, data: day.points.map(p => p.average ?? '-') },
      { name: 'songs per session', type: 'line', symbolSize: 5, itemStyle: { color: '#f5a623' }, data: session.points.map(p => p.average ?? '-') },
    ],
  }, { replaceMerge: ['series'] });
}

async function jobs() {
  const [list, runs] = await Promise.all([get('/api/jobs'), get('/api/jobs/history?limit=6')]);
  const status = s => `<td class="${s === 'failed' ? 'failed' : s === 'succeeded' ? 'ok' : ''}">${esc(s ?? '–')}</td>`;
  $('jobs').innerHTML = list.length === 0 ? '<tr><td class="none" colspan="5">No jobs scheduled.</td></tr>' : list.map(j =>
    `<tr title="${esc(j.description)}"><td>${esc(j.job)}</td><td class="text">${esc(j.schedule ?? 'on demand')}</td><td>${time(j.nextRunAt)}</td>` +
    `<td>${j.lastRun ? time(j.lastRun.startedAt) : 'never'}</td>${status(j.lastRun?.status)}</tr>`).join('');
  $('runs').innerHTML = runs.length === 0 ? '<tr><td class="none" colspan="9">No run yet.</td></tr>' : runs.map(r =>
    `<tr><td class="n">${r.runId}</td><td>${esc(r.job)}</td><td>${esc(r.trigger)}</td>${status(r.status)}<td>${time(r.startedAt)}</td>` +
    `<td class="n">${r.endedAt ? ((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1) + ' s' : '…'}</td>` +
    `<td class="n">${fmt(r.rows)}</td><td class="n">${r.hours.length}</td><td class="failed error" title="${esc(r.error ?? '')}">${esc(short(r.error, 70))}</td></tr>`).join('');
}

async function health() {
  const o = await get('/api/overview?minutes=60');
  const tile = (label, value, bad, title = '') => `<div class="${bad ? 'bad' : ''}" title="${esc(title)}"><div class="k">${label}</div><div class="v">${value}</div></div>`;
  $('health').innerHTML = [
    tile('Dead letters', fmt(o.deadLetters), o.deadLetters > 0, 'Messages the speed layer or the lander could not read (serving.dead_letters)'),
    tile('Late events', fmt(o.lateEvents), o.lateEvents > 0, 'Events past the allowed lateness: left to the batch layer (serving.late_events)'),
    tile('Gaps (lost)', `${fmt(o.gaps)} (${fmt(o.missingMessages)})`, o.gaps > 0, 'Ranges of Kafka offsets a consumer group never read (ops.consumer_gaps)'),
    tile('Last loaded hour', o.lastLoadedHour ? time(o.lastLoadedHour).slice(5, 16) : 'none yet', false, `${fmt(o.loadedHours)} hours loaded into the warehouse`),
    tile('Lake', `${compact(o.lakeEvents)} <span class="muted" style="font-size:12px">in ${fmt(o.lakeFiles)} files</span>`, false, `${fmt(o.lakeEvents)} events`),
    tile('Speed view to', o.newestMinute ? time(Date.parse(o.newestMinute) + 60e3).slice(11) : 'no data', false, 'The end of the newest minute the speed layer has written'),
  ].join('');
  $('gaps').innerHTML = o.recentGaps.length === 0
    ? '<tr><td class="none" colspan="5">No gaps recorded: every Kafka offset was read.</td></tr>'
    : o.recentGaps.map(g => `<tr class="failed"><td>${time(g.detectedAt).slice(5)}</td><td class="text">${esc(g.topic)}[${g.partition}]<div class="muted">${esc(g.consumerGroup)}</div></td>` +
      `<td class="n">${fmt(g.firstMissingOffset)}–${fmt(g.lastMissingOffset)}</td><td class="n">${fmt(g.missingCount)}</td><td>${esc(g.how)}</td></tr>`).join('');
}

// ---- Refresh loop. ----
const PANELS = [headline, livePlays, historyPanel, topSongs, topArtists, places, users, logins, songsPerUser, jobs, health];
const running = new Set(), again = new Set();
// Runs a panel unless it is still waiting for its last answer; a user's change (rerun) runs it again once that answer is in.
async function run(panel, rerun = false) {
  if (running.has(panel)) { if (rerun) again.add(panel); return; }
  running.add(panel);
  try { await panel(); setProblem(panel.name, null); }
  catch (e) { setProblem(panel.name, e.message); }
  finally { running.delete(panel); if (again.delete(panel)) run(panel); }
}
let refreshes = 0;
async function refresh() {
  await run(headline);   // sets the data's clock the windows of the other panels end at
  await Promise.all(PANELS.filter(p => p !== headline).map(run));
  document.body.dataset.refreshes = String(++refreshes);
}
function setPeriodLabels() {
  const text = $('period').selectedOptions[0].textContent;
  for (const el of document.querySelectorAll('.period-label')) el.textContent = text;
}
$('live-minutes').addEventListener('change', e => { ui.liveMinutes = Number(e.target.value); run(headline, true); });
$('period').addEventListener('change', e => { ui.period = e.target.value; setPeriodLabels(); refresh(); });

(async () => {
  setPeriodLabels();
  historyControls();
  await loadVendor();
  await refresh();
  // A tab in the background asks nothing; it catches up as soon as it is shown again.
  setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
})();
