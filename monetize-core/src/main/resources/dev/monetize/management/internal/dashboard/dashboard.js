'use strict';
// The customer dashboard: reads the management API with the session cookie (never the key, which is
// sent once to sign in and then forgotten). Everything is written with textContent: no HTML from data.
(function () {
  const base = location.pathname.replace(/\/dashboard\/?$/, '');
  const MARK = { 'X-Monetize-Dashboard': '1' };
  const $ = (id) => document.getElementById(id);
  let who = null;
  let customer = null; // the organization shown; the operator picks one
  let chart = null;
  let days = [];

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    });
    children.flat().forEach((c) => e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c))));
    return e;
  }

  function table(headers, rows, numeric) {
    const num = new Set(numeric || []);
    return el('table', {},
      el('thead', {}, el('tr', {}, headers.map((h, i) => el('th', { scope: 'col', class: num.has(i) ? 'num' : '' }, h)))),
      el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) => el('td', { class: num.has(i) ? 'num' : '' }, c))))));
  }

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
      this.status = status;
      this.code = problem && problem.code;
    }
  }

  async function api(path, options) {
    const o = options || {};
    const r = await fetch(base + path, {
      method: o.method || 'GET', credentials: 'same-origin', cache: 'no-store',
      headers: Object.assign({}, MARK, o.headers || {}), body: o.body,
    });
    const type = r.headers.get('Content-Type') || '';
    const body = type.includes('json') ? await r.json() : await r.text();
    if (!r.ok) throw new ApiError(r.status, typeof body === 'object' ? body : null);
    return body;
  }

  function forCustomer(path) {
    if (!who || !who.operator || !customer) return path;
    return path + (path.includes('?') ? '&' : '?') + 'customer_id=' + encodeURIComponent(customer);
  }

  function status(text) { $('status').textContent = text; }
  const fmt = (n) => Number(n).toLocaleString('en-US');
  function duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
    return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
  }

  function showSignIn(message) {
    who = null;
    $('account').hidden = true;
    $('sign-out').hidden = true;
    $('who').textContent = '';
    $('sign-in-section').hidden = false;
    $('sign-in-error').textContent = message || '';
  }

  async function signIn(event) {
    event.preventDefault();
    const input = $('api-key');
    const key = input.value.trim();
    input.value = ''; // the key leaves the page with this one request
    if (!key) { $('sign-in-error').textContent = 'Enter an API key.'; input.focus(); return; }
    try {
      await api('/dashboard/session', { method: 'POST', headers: { Authorization: 'Bearer ' + key } });
      await start();
    } catch (e) {
      $('sign-in-error').textContent = e.message;
      input.focus();
    }
  }

  async function signOut() {
    try { await api('/dashboard/session', { method: 'DELETE' }); } catch (e) { /* the cookie is gone either way */ }
    if (chart) { chart.destroy(); chart = null; }
    customer = null;
    showSignIn('');
    status('Signed out.');
    $('api-key').focus();
  }

  async function start() {
    try {
      who = await api('/dashboard/session');
    } catch (e) {
      status(''); // no longer loading
      showSignIn(e.status === 401 ? '' : e.message);
      return;
    }
    status('');
    if (!who || typeof who !== 'object') { // a 200 that is not a session (a proxy's page): sign in again
      showSignIn('The server did not answer with a session; sign in again.');
      return;
    }
    $('sign-in-section').hidden = true;
    $('sign-in-error').textContent = '';
    $('account').hidden = false;
    $('sign-out').hidden = false;
    $('who').textContent = who.operator && !who.customer_id ? 'Operator'
      : 'Signed in as ' + who.customer_id + ' with key ' + who.key_id + (who.admin ? ' (admin)' : '');
    $('operator-section').hidden = !who.operator;
    customer = who.operator ? customer : who.customer_id;
    if (who.operator) await loadOperator();
    await loadCustomer();
    $('main').focus();
  }

  async function loadCustomer() {
    if (!customer) { $('customer-view').hidden = true; return; }
    status('Loading ' + customer + '...');
    try {
      const [usage, perDay, plans] = await Promise.all([
        api(forCustomer('/usage')), api(forCustomer('/usage/days')), api('/plans')]);
      showOverview(usage);
      showUsage(usage, perDay);
      showLimits(usage.limits);
      await Promise.all([showCredits(usage), showInvoices(), showKeys()]);
      showUpgrade(usage, plans.data);
      $('customer-view').hidden = false; // shown once its numbers are in: never a half-filled page
      if (chart) chart.setSize({ width: Math.max(260, $('chart').clientWidth), height: 220 }); // its card has a width now
      status('Updated ' + new Date().toLocaleTimeString('en-US') + '.');
    } catch (e) {
      if (e.status === 401) { showSignIn(e.message); return; }
      status(e.message);
    }
  }

  function showOverview(u) {
    $('customer').textContent = u.customer_id;
    $('plan').textContent = u.plan;
    $('period').textContent = u.period_start.slice(0, 10) + ' to ' + u.period_end.slice(0, 10);
    const cost = Object.entries(u.cost || {}).map(([c, a]) => a + ' ' + c).join(', ');
    $('cost').textContent = cost || 'nothing priced';
    $('as-of').textContent = u.as_of;
  }

  const UNITS = ['requests', 'bytes_in', 'bytes_out', 'compute_ms', 'cpu_ms', 'cache_hits'];

  function showUsage(u, perDay) {
    const rows = UNITS.map((k) => [k, fmt(u.usage[k])]);
    Object.entries(u.usage.by_operation || {}).forEach(([op, n]) => rows.push(['calls of ' + op, fmt(n)]));
    const t = table(['Unit', 'This period'], rows, [1]);
    t.id = 'usage-numbers';
    $('usage-table').replaceChildren(t);
    days = perDay.days;
    const units = new Set(['calls']);
    days.forEach((d) => Object.keys(d.units).forEach((k) => units.add(k)));
    const select = $('chart-unit');
    const chosen = select.value || 'calls';
    select.replaceChildren(...[...units].map((k) => el('option', { value: k }, k)));
    select.value = units.has(chosen) ? chosen : 'calls';
    $('days-table').replaceChildren(table(['Day', ...units],
      days.map((d) => [d.date, ...[...units].map((k) => fmt(d.units[k] || 0))]), [...units].map((_, i) => i + 1)));
    drawChart();
  }

  function drawChart() {
    const unit = $('chart-unit').value || 'calls';
    const box = $('chart');
    const xs = days.map((d) => Date.parse(d.from) / 1000 + 43200); // each day's bar at its noon
    const ys = days.map((d) => d.units[unit] || 0);
    box.setAttribute('aria-label', unit + ' per day: ' + days.map((d, i) => d.date + ' ' + ys[i]).join(', '));
    $('chart-caption').textContent = unit + ' per day, ' + days.length + ' day' + (days.length === 1 ? '' : 's')
      + ' of the period so far';
    if (chart) chart.destroy();
    const width = Math.max(260, box.clientWidth || 600);
    chart = new uPlot({
      width, height: 220, legend: { show: false },
      scales: { x: { time: true, range: (u, min, max) => [min - 43200, max + 43200] }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      series: [{}, { label: unit, stroke: '#0b57d0', fill: 'rgba(11,87,208,0.35)', width: 1,
        paths: uPlot.paths.bars({ size: [0.6, 48] }), points: { show: false } }],
      axes: [{}, { size: 60 }],
    }, [xs, ys], box);
  }

  function showLimits(limits) {
    const box = $('limits');
    box.replaceChildren(...limits.map((l) => {
      const used = l.quota - l.remaining;
      const id = 'limit-' + l.name;
      return el('div', { class: 'limit' + (l.remaining === 0 ? ' exhausted' : ''), 'data-limit': l.name },
        el('p', {}, el('strong', { id: id + '-label' }, l.name), ' ', fmt(used) + ' of ' + fmt(l.quota) + ' '
          + l.unit + ' used, ', el('span', { class: 'remaining' }, fmt(l.remaining)), ' left'),
        el('progress', { max: String(l.quota), value: String(used), 'aria-labelledby': id + '-label' }),
        el('p', { class: 'help' }, 'Window ' + duration(l.window_seconds) + '; resets in ' + duration(l.reset_seconds)
          + ' (' + new Date(Date.now() + l.reset_seconds * 1000).toLocaleString('en-US') + ')'));
    }));
  }

  async function showCredits(u) {
    $('credits-section').hidden = u.credits == null;
    if (u.credits == null) return;
    const w = await api(forCustomer('/credits?limit=20'));
    $('credits-balance').textContent = w.balance;
    $('credits-table').replaceChildren(table(['When', 'Kind', 'Amount', 'Balance after', 'Note'],
      w.entries.map((e) => [e.at, e.kind, e.amount, e.balance_after, e.note || '']), [2, 3]));
  }

  async function showInvoices() {
    const list = await api(forCustomer('/invoices?limit=12'));
    const rows = list.data.map((i) => {
      const number = i.id === 'draft' ? 'draft' : i.number;
      const link = el('a', { href: base + forCustomer('/invoices/' + encodeURIComponent(number) + '?format=html'),
        target: '_blank', rel: 'noopener' }, 'View ' + (i.number || 'draft'));
      return [i.number || 'Draft (this period)', i.period_start.slice(0, 10) + ' to ' + i.period_end.slice(0, 10),
        i.status, i.total + ' ' + i.currency, link];
    });
    $('invoices').replaceChildren(rows.length ? table(['Invoice', 'Period', 'Status', 'Total', ''], rows, [3])
      : el('p', {}, 'No invoices yet: nothing in this period has a price.'));
  }

  async function showKeys() {
    $('new-secret').hidden = true;
    let list;
    try {
      list = await api(forCustomer('/keys?limit=100').replace('customer_id=', 'organization_id='));
    } catch (e) {
      if (e.status !== 403) throw e;
      $('keys-note').textContent = 'Managing keys needs an admin key (scope keys:write): ' + e.message;
      $('keys').replaceChildren();
      return;
    }
    $('keys-note').textContent = 'Rotating gives a key a new secret; the old one keeps working for a day. '
      + 'Revoking stops a key at once.';
    $('keys').replaceChildren(table(['Key', 'Scopes', 'Status', 'Created', 'Expires', 'Actions'],
      list.data.map((k) => [k.id, k.scopes.join(' '), k.status, k.created_at.slice(0, 19).replace('T', ' '),
        k.expires_at || 'never', k.status === 'revoked' ? '' : el('span', {},
          el('button', { type: 'button', class: 'secondary', 'data-key': k.id, 'data-action': 'rotate',
            'aria-label': 'Rotate ' + k.id, onclick: () => rotate(k.id) }, 'Rotate'), ' ',
          el('button', { type: 'button', class: 'danger', 'data-key': k.id, 'data-action': 'revoke',
            'aria-label': 'Revoke ' + k.id, onclick: (ev) => revoke(ev.currentTarget, k.id) }, 'Revoke'))])));
  }

  async function rotate(id) {
    try {
      const k = await api('/keys/' + encodeURIComponent(id) + '/rotate', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      $('new-secret-key').textContent = k.id;
      $('new-secret-value').textContent = k.secret;
      $('new-secret').hidden = false;
      status('Key ' + id + ' rotated; its old secret works until ' + k.previous_valid_until + '.');
    } catch (e) { status('Key ' + id + ' was not rotated: ' + e.message); }
  }

  async function revoke(button, id) {
    if (button.dataset.confirm !== 'yes') { // a second click confirms: no dialog to dismiss by accident
      button.dataset.confirm = 'yes';
      button.textContent = 'Confirm revoke';
      return;
    }
    try {
      await api('/keys/' + encodeURIComponent(id) + '/revoke', { method: 'POST' });
      status('Key ' + id + ' revoked.');
      if (id === (who && who.key_id)) { showSignIn('You revoked the key of this session.'); return; }
      await showKeys();
    } catch (e) { status('Key ' + id + ' was not revoked: ' + e.message); }
  }

  function showUpgrade(u, plans) {
    const current = plans.find((p) => p.name === u.plan);
    $('suggestion').textContent = u.suggestion ? 'Suggested: ' + u.suggestion.plan + ' (' + u.suggestion.reason + ')' : '';
    const next = current && plans.filter((p) => p.rank > current.rank).sort((a, b) => a.rank - b.rank)[0];
    if (!current || !next) {
      $('upgrade').replaceChildren(el('p', {}, current ? 'You are on the highest plan.' : ''));
      return;
    }
    const rate = (p) => fmt(p.rate.count) + ' per ' + duration(p.rate.period_seconds) + ', burst ' + fmt(p.rate.burst);
    const quota = (p, name) => { const q = p.quotas.find((x) => x.name === name); return q ? fmt(q.limit) + ' per ' + q.window : 'no limit'; };
    const rows = [['Rate', rate(current), rate(next)]];
    new Set([...current.quotas, ...next.quotas].map((q) => q.name)).forEach((n) => rows.push(['Quota ' + n, quota(current, n), quota(next, n)]));
    rows.push(['Concurrency', current.concurrency || 'no limit', next.concurrency || 'no limit']);
    rows.push(['Monthly fee', current.fee ? current.fee + ' ' + current.currency : 'none', next.fee ? next.fee + ' ' + next.currency : 'none']);
    const added = next.operations.filter((o) => !current.operations.includes(o));
    rows.push(['Operations added', '', added.length ? added.join(', ') : 'none']);
    const t = table(['', current.name + ' (now)', next.name], rows);
    t.querySelectorAll('tbody tr').forEach((tr) => { // what changes stands out
      if (tr.cells[2].textContent !== 'none' && tr.cells[1].textContent !== tr.cells[2].textContent) tr.cells[2].className = 'changed';
    });
    $('upgrade').replaceChildren(t);
  }

  async function loadOperator() {
    const show = async (id, path, render) => {
      try { $(id).replaceChildren(render(await api(path))); } catch (e) { $(id).replaceChildren(el('p', {}, e.message)); }
    };
    // the service computes one report at a time (another meanwhile is a 429): customers, then costs
    const reports = async () => {
      await show('operator-customers', '/analytics/customers?limit=10', (c) => table(['Organization', 'Plan', 'Revenue', 'Calls'],
        c.by_revenue.map((r) => [r.customer_id, r.plan || '', r.revenue == null ? '' : String(r.revenue), fmt(r.calls || 0)]), [2, 3]));
      await show('operator-costs', '/analytics/costs', (c) => table(['Operation', 'Calls', 'Revenue', 'Cost', 'Margin', 'Margin %'],
        c.operations.map((r) => [r.operation, fmt(r.calls), r.revenue, r.cost, r.margin, r.margin_percent]), [1, 2, 3, 4, 5]));
    };
    await Promise.all([
      reports(),
      show('operator-sla', '/analytics/sla', (s) => table(['Plan', 'Requests', 'p50 ms', 'p99 ms', 'Availability', 'Met'],
        // met is null without a target or without a call to judge: neither yes nor no
        s.plans.map((p) => [p.plan, fmt(p.requests), p.latency_p50_ms, p.latency_p99_ms, p.availability ?? '',
          p.met == null ? '' : p.met ? 'yes' : 'no']), [1, 2, 3, 4])),
    ]);
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    $('refresh').addEventListener('click', loadCustomer);
    $('chart-unit').addEventListener('change', drawChart);
    let resizing = null;
    window.addEventListener('resize', () => { // the chart follows the width of its card (a phone turned, a window resized)
      clearTimeout(resizing);
      resizing = setTimeout(() => { if (chart) chart.setSize({ width: Math.max(260, $('chart').clientWidth), height: 220 }); }, 100);
    });
    $('pick-customer').addEventListener('submit', (e) => {
      e.preventDefault();
      customer = $('customer-id').value.trim() || null;
      loadCustomer();
    });
    start();
  });
}());
