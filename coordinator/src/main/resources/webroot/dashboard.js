// fleetrotate dashboard: plain JS, no framework, no build step. It reads the admin token from the
// URL fragment (#token=...), never from the server, moves it to sessionStorage and out of the URL,
// and sends it as a bearer token on API calls.
// Every refresh updates the DOM in place (rows and bars are keyed), so nothing flickers and focus
// and hover titles survive the refresh.

const API = '/api/v1';
const REFRESH_MS = 4000;
const REQUEST_TIMEOUT_MS = 10000;
const DETAIL_BATCH = 50; // node details fetched per refresh; larger fleets are walked in turns
const DETAIL_PARALLEL = 6;
const ROTATION_PAGES = 5; // at most 5 x 1000 rotations in the timeline window
const SVG_NS = 'http://www.w3.org/2000/svg';
const SEVERITIES = ['emergency', 'critical', 'warning', 'info'];
const DISK_EMERGENCY = 0.85; // the coordinator's default alert threshold
const DISK_WARN = 0.7;
const SUCCESS_CRITICAL = 0.95;
const DEFAULT_WINDOW = 60; // minutes, unless the fleet's history is shorter: then "fit"
const FIT_LOOKBACK_MINUTES = 360; // "fit" spans the rotations of this much history
const FIT_MIN_MS = 120000;

const $ = (sel) => document.querySelector(sel);

const state = {
  token: null,
  window: null, // 'fit' or minutes; null until the first refresh sees how old the history is
  groups: new Map(), // group name -> GET /groups entry
  paused: false,
  timer: null,
  inFlight: false,
  again: false,
  serverOffsetMs: 0, // server clock minus browser clock, from /fleet's serverTime
  fleet: null,
  nodes: [],
  alerts: null,
  rotations: [],
  rotationsTruncated: false,
  details: new Map(), // nodeId -> NodeDetail
  detailCursor: 0,
  lastSuccess: null, // server time of the last complete refresh
  refreshCount: 0,
  errors: [],
  openDetail: null, // nodeId shown in the detail dialog
  resultTimer: null,
};

// ---------------------------------------------------------------- URL fragment

function readFragment() {
  const out = {};
  for (const part of location.hash.replace(/^#/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    try {
      out[decodeURIComponent(key)] = decodeURIComponent(raw);
    } catch {
      out[key] = raw;
    }
  }
  return out;
}

// The token never stays in the URL (history, bookmarks, screen shares): it is read once from the
// fragment, kept in sessionStorage (this tab only, so a reload works) and dropped from the URL.
const TOKEN_KEY = 'fleetrotate.adminToken';

function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

function storeToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: the token lives in memory until the page closes.
  }
}

function writeFragment() {
  // replaceState: no hashchange event, no history entry per window change; no token either.
  history.replaceState(null, '', state.window === null ? location.pathname : '#window=' + state.window);
}

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, message, what) {
    super(message);
    this.status = status;
    this.what = what;
  }
}

async function api(path, { method = 'GET', body } = {}) {
  const what = `${method} ${API}${path}`;
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  const headers = { Authorization: 'Bearer ' + state.token, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    const why = e.name === 'AbortError'
      ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
      : 'the coordinator cannot be reached (' + e.message + ')';
    throw new ApiError(0, why, what);
  } finally {
    clearTimeout(timeout);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      if (response.ok) throw new ApiError(response.status, 'the answer is not JSON', what);
    }
  }
  if (!response.ok) {
    const message = data && typeof data.error === 'string' ? data.error : 'HTTP ' + response.status;
    throw new ApiError(response.status, message, what);
  }
  return data;
}

async function loadRotations(sinceIso) {
  const items = [];
  let cursor = null;
  let truncated = false;
  for (let page = 0; page < ROTATION_PAGES; page++) {
    let q = `/rotations?since=${encodeURIComponent(sinceIso)}&limit=1000`;
    if (cursor) q += '&cursor=' + encodeURIComponent(cursor);
    const r = await api(q);
    items.push(...r.items);
    cursor = r.nextCursor;
    if (!cursor) break;
    truncated = page === ROTATION_PAGES - 1;
  }
  return { items, truncated };
}

/** Runs fn over items with at most `limit` calls in flight; returns settled results. */
async function settleAll(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await fn(items[i]) };
      } catch (e) {
        results[i] = { ok: false, error: e };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function serverNow() {
  return Date.now() + state.serverOffsetMs;
}

// ---------------------------------------------------------------- refresh loop

async function refresh() {
  if (!state.token) return;
  if (state.inFlight) {
    state.again = true;
    return;
  }
  state.inFlight = true;
  const errors = [];
  try {
    // The fleet summary first: its serverTime anchors the time window, so a browser whose clock
    // is off still asks for (and draws) the right rotations.
    try {
      const sent = Date.now();
      const fleet = await api('/fleet');
      const received = Date.now();
      state.serverOffsetMs = Date.parse(fleet.serverTime) - (sent + received) / 2;
      state.fleet = fleet;
    } catch (e) {
      if (authFailure(e)) return;
      errors.push(e);
    }
    const lookback = typeof state.window === 'number' ? state.window : FIT_LOOKBACK_MINUTES;
    const sinceIso = new Date(serverNow() - lookback * 60000).toISOString();
    const [nodes, alerts, rotations, groups] = await Promise.allSettled([
      api('/nodes'),
      api('/alerts'),
      loadRotations(sinceIso),
      api('/groups'),
    ]);
    for (const r of [nodes, alerts, rotations, groups]) {
      if (r.status === 'rejected') {
        if (authFailure(r.reason)) return;
        errors.push(r.reason);
      }
    }
    if (nodes.status === 'fulfilled') state.nodes = nodes.value.nodes;
    if (alerts.status === 'fulfilled') state.alerts = alerts.value;
    if (rotations.status === 'fulfilled') {
      state.rotations = rotations.value.items;
      state.rotationsTruncated = rotations.value.truncated;
      if (state.window === null) {
        state.window = historySpanMs() < DEFAULT_WINDOW * 60000 ? 'fit' : DEFAULT_WINDOW;
        $('#window-select').value = String(state.window);
      }
    }
    if (groups.status === 'fulfilled') state.groups = new Map(groups.value.groups.map((g) => [g.group, g]));
    errors.push(...(await refreshDetails()));
    state.errors = errors;
    if (errors.length === 0) {
      state.lastSuccess = serverNow();
      state.refreshCount++;
      document.body.dataset.refreshCount = String(state.refreshCount);
    }
    render();
  } finally {
    state.inFlight = false;
    if (state.again) {
      state.again = false;
      queueMicrotask(refresh);
    }
  }
}

/** Fetches node details (last rotation, success 1h, files) for up to DETAIL_BATCH nodes. */
async function refreshDetails() {
  const ids = state.nodes.map((n) => n.nodeId);
  let batch = ids;
  if (ids.length > DETAIL_BATCH) {
    const start = state.detailCursor % ids.length;
    batch = ids.slice(start, start + DETAIL_BATCH);
    if (batch.length < DETAIL_BATCH) batch = batch.concat(ids.slice(0, DETAIL_BATCH - batch.length));
    state.detailCursor = start + DETAIL_BATCH;
  }
  if (state.openDetail && !batch.includes(state.openDetail)) batch = batch.concat(state.openDetail);
  const results = await settleAll(batch, DETAIL_PARALLEL, (id) => api('/nodes/' + encodeURIComponent(id)));
  const errors = [];
  results.forEach((r, i) => {
    if (r.ok) state.details.set(batch[i], r.value);
    else errors.push(r.error);
  });
  return errors;
}

function authFailure(e) {
  if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 403)) return false;
  const reason = e.status === 401
    ? 'The coordinator refused the token in the URL (HTTP 401): it is not one of its auth.adminTokens.'
    : 'The token in the URL is not an admin token (HTTP 403); an agent token cannot read the fleet.';
  showTokenHelp(reason);
  return true;
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = null;
  if (state.paused || !state.token) return;
  state.timer = setTimeout(async () => {
    await refresh();
    schedule();
  }, REFRESH_MS);
}

async function refreshNow() {
  clearTimeout(state.timer);
  await refresh();
  schedule();
}

// ---------------------------------------------------------------- views: token

function showTokenHelp(reason) {
  state.token = null;
  storeToken('');
  clearTimeout(state.timer);
  $('#dashboard').hidden = true;
  $('#message').hidden = true;
  $('#controls').hidden = true;
  $('#token-help').hidden = false;
  $('#token-help-reason').textContent = reason;
  $('#token-help-example').textContent = `${location.origin}/#token=<admin token>`;
  $('#refresh-status').textContent = 'Not connected: no admin token.';
  document.body.dataset.view = 'token-help';
  $('#token-input').focus();
}

function start() {
  const fragment = readFragment();
  state.window = parseWindow(fragment.window);
  $('#window-select').value = String(state.window === null ? DEFAULT_WINDOW : state.window);
  const fromUrl = (fragment.token || '').trim();
  if (fromUrl) storeToken(fromUrl);
  const token = fromUrl || storedToken();
  writeFragment();
  if (!token) {
    showTokenHelp('There is no token in the URL.');
    return;
  }
  state.token = token;
  state.details.clear();
  $('#token-help').hidden = true;
  $('#dashboard').hidden = false;
  $('#controls').hidden = false;
  document.body.dataset.view = 'dashboard';
  $('#refresh-status').textContent = 'Loading…';
  refreshNow();
}

// ---------------------------------------------------------------- rendering

function render() {
  renderStatus();
  renderErrors();
  if (state.fleet) renderSummary(state.fleet);
  renderTimelines();
  renderNodes();
  renderAlerts();
  if (state.openDetail) renderDetail();
}

function renderStatus() {
  const el = $('#refresh-status');
  const parts = [];
  if (state.lastSuccess) parts.push('Updated ' + clock(state.lastSuccess, true));
  if (state.paused) parts.push('auto-refresh paused');
  else parts.push(`refreshing every ${REFRESH_MS / 1000} s`);
  el.textContent = parts.join(' · ');
  el.classList.toggle('stale', state.errors.length > 0);
  if (state.errors.length > 0) {
    el.textContent = (state.lastSuccess ? 'Showing data from ' + clock(state.lastSuccess, true) : 'No data yet')
      + ' · last refresh failed, retrying';
  }
}

function renderErrors() {
  const box = $('#message');
  if (state.errors.length === 0) {
    box.hidden = true;
    setContent(box, '');
    return;
  }
  const lines = [...new Set(state.errors.map(
    (e) => (e.what ? e.what + ': ' : '') + (e.status ? `HTTP ${e.status}, ` : '') + e.message))];
  const strong = el('strong', null, lines.length === 1
    ? 'A request to the coordinator failed.'
    : `${lines.length} requests to the coordinator failed.`);
  const list = el('ul', null, ...lines.map((line) => el('li', null, line)));
  // Same errors again: leave the alert alone, so a screen reader does not repeat it every refresh.
  setContent(box, lines.join('\n'), strong, list,
    el('span', 'muted', 'The page keeps the last data it had and retries.'));
  box.hidden = false;
}

function renderSummary(f) {
  const n = f.nodes;
  setCard('nodes',
    n.total === 0 ? '0' : `${n.up}/${n.total} up`,
    n.total === 0 ? 'no node has reported yet' : `${n.stale} stale · ${n.down} down`,
    n.down > 0 ? 'bad' : n.stale > 0 ? 'warn' : n.total > 0 ? 'ok' : '');

  const d = f.diskUsedRatio;
  setCard('disk',
    d.nodes === 0 ? '—' : 'max ' + pct(d.max),
    d.nodes === 0 ? 'no disk reported' : `p95 ${pct(d.p95)} · mean ${pct(d.mean)} · ${d.nodes} node${d.nodes === 1 ? '' : 's'}`,
    d.nodes === 0 ? '' : d.max > DISK_EMERGENCY ? 'bad' : d.max > DISK_WARN ? 'warn' : 'ok');

  const r = f.rotations;
  const h = r.lastHour;
  const day = r.lastDay;
  setCard('success',
    r.successRatio1h === null ? '—' : ratio(r.successRatio1h) + ' (1h)',
    `1h: ${h.successes} ok, ${h.failures} failed · 24h: ${r.successRatio24h === null ? '—' : ratio(r.successRatio24h)} `
      + `(${day.successes} ok, ${day.failures} failed)`,
    r.successRatio1h === null ? '' : r.successRatio1h < SUCCESS_CRITICAL ? 'bad' : 'ok');

  const a = f.alerts;
  const bySev = SEVERITIES.filter((s) => a.bySeverity[s] > 0).map((s) => `${a.bySeverity[s]} ${s}`);
  setCard('alerts', String(a.firing), bySev.length ? bySev.join(' · ') : 'none firing',
    a.bySeverity.emergency + a.bySeverity.critical > 0 ? 'bad' : a.firing > 0 ? 'warn' : 'ok');
}

function setCard(name, value, detail, level) {
  const card = document.querySelector(`.card[data-card="${name}"]`);
  card.classList.remove('ok', 'warn', 'bad');
  if (level) card.classList.add(level);
  setText($(`#card-${name}-value`), value);
  setText($(`#card-${name}-detail`), detail);
}

// ---- timeline

/** 'fit', minutes of one of the select's options, or null. */
function parseWindow(value) {
  if (value === 'fit') return 'fit';
  const minutes = Number(value);
  return [...$('#window-select').options].some((o) => Number(o.value) === minutes) ? minutes : null;
}

/** How far back the oldest rotation loaded started, 0 without one. */
function historySpanMs() {
  let earliest = Infinity;
  for (const r of state.rotations) earliest = Math.min(earliest, Date.parse(r.startedAt));
  return Number.isFinite(earliest) ? Math.max(0, serverNow() - earliest) : 0;
}

/** The timeline's time range: the chosen window, or ("fit") the history loaded plus a margin. */
function timelineRange() {
  const end = serverNow();
  if (typeof state.window === 'number') return { start: end - state.window * 60000, end };
  if (state.window === null) return { start: end - DEFAULT_WINDOW * 60000, end };
  return { start: end - Math.max(FIT_MIN_MS, historySpanMs() * 1.05), end };
}

function windowLabel(start, end) {
  return state.window === 'fit' ? `the last ${duration(end - start)} (fitted to the data)`
    : `the last ${state.window ?? DEFAULT_WINDOW} minutes`;
}

/** The browser's time zone, which the axis and every time on the page use. */
function timeZoneLabel() {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  const offset = -new Date().getTimezoneOffset();
  const p = (n) => String(n).padStart(2, '0');
  const utc = offset === 0 ? 'UTC'
    : `UTC${offset > 0 ? '+' : '-'}${p(Math.floor(Math.abs(offset) / 60))}:${p(Math.abs(offset) % 60)}`;
  return zone && zone !== 'UTC' && zone !== 'Etc/UTC' ? `${zone} (${utc})` : utc;
}

function renderTimelines() {
  const container = $('#timelines');
  const { start, end } = timelineRange();
  const groups = new Map();
  const groupOf = (name) => {
    if (!groups.has(name)) groups.set(name, { name, nodes: new Set(), rotations: [] });
    return groups.get(name);
  };
  for (const n of state.nodes) groupOf(n.group).nodes.add(n.nodeId);
  for (const r of state.rotations) {
    const g = groupOf(r.group);
    g.nodes.add(r.node);
    g.rotations.push(r);
  }
  const sorted = [...groups.values()].sort((a, b) => a.name.localeCompare(b.name));
  reconcile(container, sorted, (g) => g.name, createTimelineGroup, (node, g) => updateTimelineGroup(node, g, start, end));
  $('#timelines-empty').hidden = sorted.length > 0;
}

function createTimelineGroup(g) {
  const wrap = el('div', 'timeline-group');
  wrap.dataset.group = g.name;
  const title = el('h3');
  title.append(el('span', 'group-name', 'Group ' + g.name), el('span', 'concurrency'), el('span', 'group-lock'),
    el('span', 'group-stats'));
  const svg = svgEl('svg', { class: 'timeline-svg', role: 'img' });
  svg.dataset.group = g.name;
  const desc = svgEl('title');
  svg.append(desc, svgEl('g', { class: 'lanes' }), svgEl('g', { class: 'axis' }), svgEl('g', { class: 'bars' }));
  const empty = el('p', 'timeline-empty', 'No rotation of this group in the window.');
  wrap.append(title, svg, empty);
  return wrap;
}

function updateTimelineGroup(wrap, g, start, end) {
  const svg = wrap.querySelector('svg');
  const lanes = [...g.nodes].sort();
  const laneIndex = new Map(lanes.map((id, i) => [id, i]));
  const width = Math.max(600, Math.floor(wrap.getBoundingClientRect().width || 900));
  const zone = timeZoneLabel();
  const labelW = Math.min(200, Math.max(90, 8 + 7.5 * Math.max(...lanes.map((l) => l.length), 4), 16 + 6 * zone.length));
  const axisH = 22;
  const laneH = 20;
  const laneGap = 6;
  const right = 12;
  const height = axisH + lanes.length * (laneH + laneGap) + 4;
  const plotW = width - labelW - right;
  const x = (t) => labelW + ((t - start) / (end - start)) * plotW;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));

  // Lanes and labels.
  const laneEls = [];
  lanes.forEach((id, i) => {
    const y = axisH + i * (laneH + laneGap);
    laneEls.push(svgEl('rect', { class: 'lane-bg', x: labelW, y, width: plotW, height: laneH, rx: 3 }));
    const label = svgEl('text', { class: 'lane-label', x: labelW - 8, y: y + laneH / 2 + 4, 'text-anchor': 'end' });
    label.textContent = id.length > 22 ? id.slice(0, 21) + '…' : id;
    label.dataset.node = id;
    laneEls.push(label);
  });
  svg.querySelector('.lanes').replaceChildren(...laneEls);

  // Time axis, in the browser's time zone (named at its left): a step that leaves ~90 px
  // between labels, down to 10 s for a fitted window of a fresh fleet.
  const stepS = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200]
    .find((s) => (s * 1000 / (end - start)) * plotW >= 90) || 14400;
  const step = stepS * 1000;
  const zoneLabel = svgEl('text', { class: 'axis-zone', x: labelW - 8, y: axisH - 8, 'text-anchor': 'end' });
  zoneLabel.textContent = zone;
  const axisEls = [zoneLabel];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) {
    const tick = svgEl('g', { class: 'tick' });
    tick.append(svgEl('line', { x1: x(t), x2: x(t), y1: axisH - 4, y2: height - 2 }));
    const label = svgEl('text', { x: x(t), y: axisH - 8, 'text-anchor': 'middle' });
    label.textContent = clock(t, stepS < 60);
    tick.append(label);
    axisEls.push(tick);
  }
  axisEls.push(svgEl('line', { class: 'now-line', x1: x(end), x2: x(end), y1: axisH - 4, y2: height - 2 }));
  svg.querySelector('.axis').replaceChildren(...axisEls);

  // Bars, keyed by event id so a hovered bar keeps its title across refreshes.
  const { peak, overlapping } = concurrency(g.rotations);
  const visible = g.rotations.filter((r) => Date.parse(r.finishedAt) >= start && Date.parse(r.startedAt) <= end);
  reconcile(svg.querySelector('.bars'), visible, (r) => r.eventId, createBar, (bar, r) => {
    const s = Math.max(start, Date.parse(r.startedAt));
    const f = Math.min(end, Date.parse(r.finishedAt));
    const x0 = x(s);
    const w = Math.max(3, x(f) - x0);
    const y = axisH + laneIndex.get(r.node) * (laneH + laneGap) + 2;
    setAttrs(bar, { x: x0.toFixed(1), y, width: w.toFixed(1), height: laneH - 4 });
    bar.classList.toggle('overlap', overlapping.has(r.eventId));
  });

  const failed = g.rotations.filter((r) => r.result === 'FAILED').length;
  const label = `${g.rotations.length} rotation${g.rotations.length === 1 ? '' : 's'}`
    + (failed ? ` · ${failed} failed` : '') + ` · ${lanes.length} node${lanes.length === 1 ? '' : 's'}`;
  setText(wrap.querySelector('.group-stats'), label);
  const badge = wrap.querySelector('.concurrency');
  badge.classList.remove('ok', 'warn');
  if (g.rotations.length === 0) {
    setText(badge, '');
    badge.hidden = true;
  } else if (peak <= 1) {
    badge.hidden = false;
    badge.classList.add('ok');
    setText(badge, '✓ one at a time');
    badge.title = 'No two rotations of this group overlapped in the window.';
  } else {
    badge.hidden = false;
    badge.classList.add('warn');
    setText(badge, `⚠ up to ${peak} at once`);
    badge.title = 'Rotations of this group overlapped (outlined bars). Expected only when '
      + `lock.maxConcurrent is ${peak} or more; otherwise check the lock backend.`;
  }
  svg.dataset.peak = String(peak);
  svg.dataset.start = String(start);
  svg.dataset.end = String(end);
  svg.querySelector('title').textContent = `Rotation timeline of group ${g.name}, ${windowLabel(start, end)}, `
    + `times in ${zone}: ${label}; at most ${peak} at a time.`;
  updateGroupLock(wrap.querySelector('.group-lock'), state.groups.get(g.name));
  wrap.querySelector('.timeline-empty').hidden = visible.length > 0;
}

/** The group's lock service as its nodes report it; hidden while none does. */
function updateGroupLock(badge, g) {
  const lock = g && g.lock;
  badge.className = 'group-lock';
  badge.dataset.lockHealth = lock ? lock.health : 'unknown';
  if (!lock || lock.health === 'unknown') {
    badge.hidden = true;
    setText(badge, '');
    return;
  }
  badge.hidden = false;
  badge.classList.add(lock.health);
  const backends = lock.backends.join(', ');
  const since = lock.unavailableSince ? Date.parse(lock.unavailableSince) : null;
  if (lock.health === 'available') {
    setText(badge, `✓ ${backends} lock reachable`);
    badge.title = `All ${lock.nodesReporting} reporting nodes reach their lock service.`;
  } else {
    const who = lock.health === 'unavailable' ? 'no node reaches' : `${lock.nodesUnavailable} of ${lock.nodesReporting} nodes cannot reach`;
    setText(badge, `⚠ ${who} the ${backends} lock since ${clock(since, true)}`);
    badge.title = `Unreachable for ${duration(serverNow() - since)}; due rotations wait for it (deferred, not failed).`;
  }
}

function createBar(r) {
  const bar = svgEl('rect', { class: 'timeline-bar result-' + r.result.toLowerCase(), rx: 2 });
  bar.dataset.eventId = r.eventId;
  bar.dataset.node = r.node;
  bar.dataset.group = r.group;
  bar.dataset.token = String(r.fencingToken);
  bar.dataset.result = r.result;
  bar.dataset.path = r.path;
  const title = svgEl('title');
  title.textContent = [
    `${r.node}  ${r.path}`,
    `${r.result}${r.reason ? ' (' + r.reason + ')' : ''} · ${r.trigger}`,
    `started ${clock(Date.parse(r.startedAt), true)}, took ${duration(r.durationMs)}`,
    `fencing token ${r.fencingToken} · lock wait ${duration(r.lockWaitMs)} (${r.lockBackend})`,
    `${bytes(r.bytesBefore)} → ${bytes(r.bytesAfter)}${r.codec ? ' ' + r.codec : ''}`,
    r.message ? 'message: ' + r.message : null,
  ].filter(Boolean).join('\n');
  bar.append(title);
  return bar;
}

/** The most rotations of one group running at once, and which ones overlapped another. */
function concurrency(rotations) {
  const spans = rotations
    .filter((r) => r.result !== 'SKIPPED')
    .map((r) => ({ id: r.eventId, s: Date.parse(r.startedAt), f: Date.parse(r.finishedAt) }))
    .sort((a, b) => a.s - b.s);
  let peak = spans.length ? 1 : 0;
  const overlapping = new Set();
  let active = [];
  for (const span of spans) {
    active = active.filter((a) => a.f > span.s);
    if (active.length) {
      overlapping.add(span.id);
      active.forEach((a) => overlapping.add(a.id));
    }
    active.push(span);
    peak = Math.max(peak, active.length);
  }
  return { peak, overlapping };
}

// ---- node table

function renderNodes() {
  const body = $('#node-rows');
  reconcile(body, state.nodes, (n) => n.nodeId, createNodeRow, updateNodeRow);
  $('#nodes-empty').hidden = state.nodes.length > 0;
  $('#node-table').hidden = state.nodes.length === 0;
  const note = state.nodes.length > DETAIL_BATCH
    ? `${state.nodes.length} nodes; last rotation and success are refreshed ${DETAIL_BATCH} nodes at a time.`
    : `${state.nodes.length} node${state.nodes.length === 1 ? '' : 's'}`;
  setText($('#nodes-note'), note + (state.rotationsTruncated ? ' · the timeline shows the newest 5000 rotations only' : ''));
}

function createNodeRow(n) {
  const tr = el('tr');
  tr.dataset.nodeId = n.nodeId;
  const name = el('button', 'link node-link', n.nodeId);
  name.type = 'button';
  name.dataset.action = 'details';
  name.setAttribute('aria-label', `Details of node ${n.nodeId}`);
  const pending = el('span', 'pending');
  const disk = diskBar();
  const rotate = el('button', 'small rotate-now', 'Rotate now');
  rotate.type = 'button';
  rotate.dataset.action = 'rotate';
  rotate.setAttribute('aria-label', `Rotate every watched file on ${n.nodeId} now`);
  const actions = el('div', 'actions');
  actions.append(rotate);
  tr.append(
    cell(null, name, pending),
    cell('group'),
    cell('state', el('span', 'badge')),
    cell('lock', el('span', 'lock-state')),
    cell('disk-cell', disk, el('span', 'disk-free')),
    cell('num files'),
    cell('last-rotation'),
    cell('num success'),
    cell('heartbeat muted'),
    cell(null, actions),
  );
  return tr;
}

function updateNodeRow(tr, n) {
  const d = state.details.get(n.nodeId);
  const now = serverNow();
  tr.dataset.state = n.state;
  tr.className = 'state-' + n.state;
  const pending = tr.querySelector('.pending');
  setText(pending, d && d.pendingCommands > 0 ? `${d.pendingCommands} queued` : '');
  setText(tr.querySelector('.group'), n.group);
  const badge = tr.querySelector('.state .badge');
  badge.className = 'badge state-' + n.state;
  setText(badge, n.state);
  updateDiskBar(tr.querySelector('.disk'), n.worstDiskUsedRatio, 'fullest mount');
  const fullest = n.fullestDisk;
  setText(tr.querySelector('.disk-free'), fullest ? `${fullest.mount} · ${bytes(fullest.freeBytes)} free` : 'no disk reported');
  updateNodeLock(tr.querySelector('.lock'), n.lock, now);
  setText(tr.querySelector('.files'), String(n.fileCount));

  const last = tr.querySelector('.last-rotation');
  const recent = d && d.recentRotations[0];
  if (!d) {
    setContent(last, 'last', el('span', 'muted', '…'));
  } else if (!recent) {
    setContent(last, 'never', el('span', 'muted', 'none recorded'));
  } else {
    const key = recent.eventId + '|' + Math.floor((now - Date.parse(recent.finishedAt)) / 10000);
    setContent(last, key,
      el('span', 'badge result-' + recent.result.toLowerCase(), recent.result === 'SUCCESS' ? 'ok' : recent.result),
      document.createTextNode(' ' + ago(now - Date.parse(recent.finishedAt))));
    last.title = `${recent.path}, finished ${recent.finishedAt}` + (recent.reason ? ` (${recent.reason})` : '');
  }

  const success = tr.querySelector('.success');
  const r = d ? d.successRatio1h : undefined;
  setText(success, r === undefined ? '…' : r === null ? '—' : ratio(r));
  success.classList.toggle('ratio-bad', r !== undefined && r !== null && r < SUCCESS_CRITICAL);
  success.title = r === null ? 'no rotation finished in the last hour' : '';

  const hb = tr.querySelector('.heartbeat');
  setText(hb, ago(now - Date.parse(n.lastHeartbeat)));
  hb.title = `${n.lastHeartbeat}; every ${n.heartbeatIntervalSeconds} s; agent ${n.agentVersion}`;
}

/** The node's lock service as its agent reports it (agents before protocol 1.1 do not). */
function updateNodeLock(td, lock, now) {
  const badge = td.querySelector('.lock-state');
  const health = !lock ? 'unknown' : lock.available ? 'available' : 'unavailable';
  td.dataset.lock = health;
  badge.className = 'lock-state ' + health;
  if (!lock) {
    setText(badge, '—');
    badge.title = 'this agent reports no lock state (before protocol 1.1)';
  } else if (lock.available) {
    setText(badge, `✓ ${lock.backend}`);
    badge.title = `the agent reaches its ${lock.backend} lock service`;
  } else {
    const since = Date.parse(lock.unavailableSince);
    setText(badge, `⚠ ${lock.backend} down ${duration(Math.max(0, now - since))}`);
    badge.title = `unreachable since ${clock(since, true)}; its due rotations wait for it`;
  }
}

function diskBar() {
  const wrap = el('div', 'disk');
  const bar = el('div', 'disk-bar');
  bar.setAttribute('role', 'img');
  bar.append(el('div', 'disk-fill'));
  wrap.append(bar, el('span', 'disk-text'));
  return wrap;
}

function updateDiskBar(wrap, used, what) {
  const level = used > DISK_EMERGENCY ? 'bad' : used > DISK_WARN ? 'warn' : '';
  const fill = wrap.querySelector('.disk-fill');
  fill.style.width = Math.min(100, Math.max(0, used * 100)).toFixed(1) + '%';
  fill.className = 'disk-fill ' + level;
  const text = wrap.querySelector('.disk-text');
  text.className = 'disk-text ' + level;
  setText(text, pct(used));
  wrap.querySelector('.disk-bar').setAttribute('aria-label', `${pct(used)} of the ${what} used`);
}

// ---- alerts

function renderAlerts() {
  if (!state.alerts) return;
  const firing = [...state.alerts.firing].sort(
    (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.since.localeCompare(b.since));
  const key = (a) => `${a.rule}|${a.node}|${a.subject || ''}`;
  reconcile($('#alert-list'), firing, key, () => el('li', 'alert'), (li, a) => {
    li.dataset.severity = a.severity;
    li.dataset.rule = a.rule;
    li.dataset.node = a.node;
    setContent(li, JSON.stringify(a) + Math.floor(serverNow() / 30000),
      el('span', null, el('span', 'badge sev-' + a.severity, a.severity)),
      // The summary names the node and the mount or file already: the path once, not twice.
      el('span', null, el('span', 'summary', a.summary), ' ', el('span', 'where', a.rule)),
      el('span', 'when', 'since ' + ago(serverNow() - Date.parse(a.since))));
  });
  $('#alerts-empty').hidden = firing.length > 0;

  const notices = state.alerts.recent.slice(0, 20);
  reconcile($('#notice-list'), notices, (n) => `${n.at}|${n.kind}|${key(n)}`, (n) => {
    const li = el('li', 'notice');
    li.append(
      el('span', null, el('span', 'badge sev-' + n.severity, n.kind)),
      el('span', null, el('span', 'summary', n.summary), ' ', el('span', 'where', `${n.rule} · ${n.severity}`)),
      el('span', 'when', clock(Date.parse(n.at), true)));
    return li;
  }, () => {});
  $('#notices').hidden = notices.length === 0;
}

// ---- node detail

function openDetail(nodeId) {
  state.openDetail = nodeId;
  renderDetail();
  const dialog = $('#node-detail');
  if (!dialog.open) dialog.showModal();
  api('/nodes/' + encodeURIComponent(nodeId))
    .then((d) => {
      state.details.set(nodeId, d);
      if (state.openDetail === nodeId) renderDetail();
    })
    .catch((e) => showResult(false, `Could not load node ${nodeId}: ${e.message}`));
}

function renderDetail() {
  const id = state.openDetail;
  const d = state.details.get(id);
  const body = $('#detail-body');
  setText($('#detail-title'), 'Node ' + id);
  $('#node-detail').dataset.nodeId = id;
  // Rebuilt only when the data changed, keeping the focused button focused.
  const signature = JSON.stringify(d || null) + Math.floor(serverNow() / 10000);
  if (body.dataset.signature === signature) return;
  body.dataset.signature = signature;
  const focusKey = document.activeElement && body.contains(document.activeElement)
    ? document.activeElement.dataset.focusKey : null;
  if (!d) {
    body.replaceChildren(el('p', 'muted', 'Loading…'));
    return;
  }
  const now = serverNow();
  const facts = el('dl', 'detail-facts');
  const fact = (k, v) => facts.append(el('dt', null, k), el('dd', null, v));
  fact('State', el('span', 'badge state-' + d.state, d.state));
  fact('Group', d.group);
  fact('Agent', d.agentVersion);
  fact('Last heartbeat', `${ago(now - Date.parse(d.lastHeartbeat))} (every ${d.heartbeatIntervalSeconds} s)`);
  fact('Success 1h', d.successRatio1h === null ? '— (no rotation finished in the last hour)' : ratio(d.successRatio1h));
  fact('Pending commands', String(d.pendingCommands));
  fact('Lock service', !d.lock ? 'not reported (agent before protocol 1.1)' : d.lock.available
    ? `${d.lock.backend}, reachable` : `${d.lock.backend}, unreachable since ${clock(Date.parse(d.lock.unavailableSince), true)}`);

  const rotateAll = el('button', 'danger', 'Rotate every file now');
  rotateAll.type = 'button';
  rotateAll.dataset.action = 'rotate';
  rotateAll.dataset.nodeId = id;
  rotateAll.dataset.focusKey = 'rotate-all';

  const disks = table(['Mount', 'Used', 'Size', 'Free'], d.disks.map((disk) => {
    const bar = diskBar();
    updateDiskBar(bar, disk.usedRatio, 'mount ' + disk.mount);
    return [el('code', null, disk.mount), bar, `${bytes(disk.usedBytes)} of ${bytes(disk.totalBytes)}`, bytes(disk.freeBytes)];
  }));

  const files = table(['File', 'Size', 'Growth', 'Backups', 'Last rotation', ''], d.files.map((f) => {
    const button = el('button', 'small rotate-file', 'Rotate now');
    button.type = 'button';
    button.dataset.action = 'rotate';
    button.dataset.nodeId = id;
    button.dataset.path = f.path;
    button.dataset.focusKey = 'rotate:' + f.path;
    button.setAttribute('aria-label', `Rotate ${f.path} on ${id} now`);
    const last = f.lastRotation
      ? el('span', null, el('span', 'badge result-' + (f.lastResult || 'success').toLowerCase(), f.lastResult || '?'), ' ' + ago(now - Date.parse(f.lastRotation)))
      : el('span', 'muted', 'never');
    return [el('code', null, f.path), bytes(f.sizeBytes), bytes(f.growthBytesPerSecond * 3600) + '/h',
      `${f.backupCount} (${bytes(f.backupBytes)})`, last, button];
  }));
  files.classList.add('files-table');

  const rotations = d.recentRotations.length === 0
    ? el('p', 'empty', 'No rotation recorded.')
    : table(['Finished', 'File', 'Result', 'Took', 'Token', 'Lock wait'], d.recentRotations.map((r) => [
      clock(Date.parse(r.finishedAt), true),
      el('code', null, r.path),
      el('span', 'badge result-' + r.result.toLowerCase(), r.result),
      duration(r.durationMs),
      String(r.fencingToken),
      duration(r.lockWaitMs),
    ]));

  body.replaceChildren(facts, rotateAll, el('h3', null, 'Disks'), disks, el('h3', null, 'Watched files'), files,
    el('h3', null, 'Recent rotations'), rotations);
  if (focusKey) body.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
}

// ---- rotate now

async function confirmRotate(nodeId, path) {
  const dialog = $('#confirm-dialog');
  setText($('#confirm-text'), path
    ? `Rotate ${path} on node ${nodeId} now?`
    : `Rotate every watched file on node ${nodeId} now?`);
  dialog.dataset.nodeId = nodeId;
  dialog.dataset.path = path || '';
  dialog.returnValue = '';
  dialog.showModal();
  $('#confirm-cancel').focus();
  const answer = await new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true }));
  if (answer !== 'confirm') return;
  try {
    const command = await api(`/nodes/${encodeURIComponent(nodeId)}/rotate`, { method: 'POST', body: path ? { path } : {} });
    showResult(true, `Rotate-now queued for ${nodeId} (${path || 'every watched file'}), command `
      + `${command.commandId.slice(0, 8)}. The agent receives it with its next heartbeat.`, command);
    refreshNow();
  } catch (e) {
    if (authFailure(e)) return;
    showResult(false, `Rotate-now for ${nodeId} was refused: ${e.status ? 'HTTP ' + e.status + ', ' : ''}${e.message}`);
  }
}

function showResult(ok, text, command) {
  const box = $('#action-result');
  clearTimeout(state.resultTimer);
  box.classList.toggle('error', !ok);
  box.dataset.status = ok ? 'queued' : 'error';
  if (command) {
    box.dataset.commandId = command.commandId;
    box.dataset.nodeId = command.nodeId;
  } else {
    delete box.dataset.commandId;
    delete box.dataset.nodeId;
  }
  const close = el('button', 'small', 'Dismiss');
  close.type = 'button';
  close.addEventListener('click', () => { box.hidden = true; });
  box.replaceChildren(el('span', 'result-text', text), ' ', close);
  box.hidden = false;
  state.resultTimer = setTimeout(() => { box.hidden = true; }, ok ? 20000 : 60000);
}

// ---------------------------------------------------------------- DOM helpers

function el(tag, className, ...children) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

function cell(className, ...children) {
  return el('td', className, ...children);
}

function svgEl(tag, attrs = {}) {
  const e = document.createElementNS(SVG_NS, tag);
  setAttrs(e, attrs);
  return e;
}

function setAttrs(e, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    const value = String(v);
    if (e.getAttribute(k) !== value) e.setAttribute(k, value);
  }
}

function setText(e, text) {
  if (e.textContent !== text) e.textContent = text;
}

/** Replaces e's children only when key changed since the last call. */
function setContent(e, key, ...children) {
  if (e.dataset.contentKey === key) return;
  e.dataset.contentKey = key;
  e.replaceChildren(...children);
}

function table(headers, rows) {
  const t = el('table');
  const head = el('tr');
  headers.forEach((h) => {
    const th = el('th', null, h);
    th.scope = 'col';
    head.append(th);
  });
  t.append(el('thead', null, head));
  const body = el('tbody');
  rows.forEach((cells) => body.append(el('tr', null, ...cells.map((c) => el('td', null, c)))));
  t.append(body);
  return t;
}

/**
 * Makes parent's children match items in order: existing children (found by data-key) are
 * updated in place, new ones created, missing ones removed.
 */
function reconcile(parent, items, keyOf, create, update) {
  const existing = new Map();
  for (const child of [...parent.children]) {
    if (child.dataset && child.dataset.key !== undefined) existing.set(child.dataset.key, child);
  }
  let cursor = parent.firstElementChild;
  while (cursor && cursor.dataset.key === undefined) cursor = cursor.nextElementSibling;
  const keep = new Set();
  for (const item of items) {
    const key = String(keyOf(item));
    let node = existing.get(key);
    if (!node) {
      node = create(item);
      node.dataset.key = key;
    }
    keep.add(node);
    if (node !== cursor) parent.insertBefore(node, cursor);
    else cursor = cursor.nextElementSibling;
    update(node, item); // after insertion, so a new node can measure itself
  }
  for (const node of existing.values()) if (!keep.has(node)) node.remove();
}

// ---------------------------------------------------------------- formatting

function pct(r) {
  return Math.round(r * 100) + '%';
}

function ratio(r) {
  return r >= 1 ? '100%' : (Math.floor(r * 1000) / 10).toFixed(1) + '%';
}

function bytes(n) {
  if (!Number.isFinite(n)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  let v = Math.abs(n);
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return (n < 0 ? '-' : '') + (i === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 1 : 0)) + ' ' + units[i];
}

function duration(ms) {
  if (ms < 1000) return Math.round(ms) + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  const m = Math.floor(ms / 60000);
  return `${m} min ${Math.round((ms % 60000) / 1000)} s`;
}

function ago(ms) {
  if (ms < 5000) return 'just now';
  const s = Math.round(ms / 1000);
  if (s < 120) return s + ' s ago';
  const m = Math.round(s / 60);
  if (m < 120) return m + ' min ago';
  const h = Math.round(m / 60);
  if (h < 48) return h + ' h ago';
  return Math.round(h / 24) + ' d ago';
}

/** Local wall-clock time, HH:MM or HH:MM:SS. */
function clock(t, seconds) {
  const d = new Date(t);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}` + (seconds ? ':' + p(d.getSeconds()) : '');
}

// ---------------------------------------------------------------- wiring

document.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const row = button.closest('tr[data-node-id]');
  const nodeId = button.dataset.nodeId || (row && row.dataset.nodeId);
  if (!nodeId) return;
  if (button.dataset.action === 'details') openDetail(nodeId);
  if (button.dataset.action === 'rotate') confirmRotate(nodeId, button.dataset.path || null);
});

$('#detail-close').addEventListener('click', () => $('#node-detail').close());
$('#node-detail').addEventListener('close', () => {
  state.openDetail = null;
  delete $('#detail-body').dataset.signature;
});

$('#window-select').addEventListener('change', (event) => {
  state.window = parseWindow(event.target.value);
  writeFragment();
  refreshNow();
});

$('#pause-button').addEventListener('click', (event) => {
  state.paused = !state.paused;
  event.target.setAttribute('aria-pressed', String(state.paused));
  event.target.textContent = state.paused ? 'Resume' : 'Pause';
  if (state.paused) clearTimeout(state.timer);
  else refreshNow();
  renderStatus();
});

$('#token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $('#token-input').value.trim();
  if (!token) return;
  $('#token-input').value = '';
  storeToken(token);
  start();
});

window.addEventListener('hashchange', () => {
  const token = (readFragment().token || '').trim();
  if (token && token !== state.token) start();
  else if (token) writeFragment();
});

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(renderTimelines, 150);
});

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && state.token && !state.paused) refreshNow();
});

start();
